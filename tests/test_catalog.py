"""plugin.toml: the manifest and catalogue, validated, dated and sourced."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from openclaw_aisa.catalog import bundled_path, load_catalog, validate
from openclaw_aisa.errors import CatalogError

RAW = bundled_path().read_text()


def broken(old: str, new: str) -> bytes:
    assert old in RAW, old
    return RAW.replace(old, new, 1).encode()


SEED = ["qwen3-max", "qwen-plus-2025-12-01", "qwen-mt-flash", "deepseek-v3.1", "kimi-k2.5"]
# AIsa's OpenClaw guide (autumn 2026) recommends these: each curated, checked against AIsa's model table of 2026-09-30
RECOMMENDED = [
    "kimi-k2.5",
    "qwen3.7-max",
    "deepseek-v4-flash",
    "glm-5",
    "MiniMax-M3",
    "gpt-5.4-mini",
    "claude-opus-4-8",
    "gemini-3.5-flash",
]


def test_the_five_default_models_with_corrected_figures_and_autumn_2026s_recommended_ones():
    aisa = load_catalog().providers[0]
    assert [m.id for m in aisa.models][:5] == SEED
    assert {m.id for m in aisa.models} == set(SEED) | set(RECOMMENDED)
    kimi, deepseek = aisa.model("kimi-k2.5"), aisa.model("deepseek-v3.1")
    assert (kimi.context_window.value, kimi.max_tokens.value, kimi.input, kimi.reasoning) == (262144, 32768, ("text", "image"), True)
    assert (deepseek.price("aisa").input, deepseek.price("deepseek").input) == (0.4018, 0.56)
    assert aisa.model("qwen-mt-flash").is_translation
    assert not aisa.model(aisa.default_model).is_translation


def test_every_figure_and_price_has_a_date_and_a_source():
    for provider in load_catalog().providers:
        for m in provider.models:
            for figure in (m.context_window, m.max_tokens, *m.prices):
                assert figure.as_of.year >= 2025 and figure.source.strip()
            # no invented figure: a model without a known AIsa price says so, and OpenClaw then shows no cost
            assert m.price(provider.id) is not None or "No AIsa price found" in m.notes, f"{m.id} has no {provider.id} price"


def test_aliases_map_the_seeds_wrong_ids_with_a_reason():
    aisa = load_catalog().providers[0]
    for wrong in ("qwen3-plus", "qwen-plus", "qwen-plus-latest"):
        assert aisa.alias_for(wrong).target == "qwen-plus-2025-12-01"
    for wrong in ("qwen3-flash", "qwen-turbo", "qwen-turbo-latest"):
        assert aisa.alias_for(wrong).target == "qwen-flash"
    assert all(a.reason for a in aisa.aliases)


def test_manifest_has_auth_choice_flag_and_env_var():
    catalog = load_catalog()
    choice = catalog.auth_choices[0]
    assert (choice.id, choice.cli_flag, choice.env_var, choice.provider) == ("aisa-api-key", "--aisa-api-key", "AISA_API_KEY", "aisa")
    assert catalog.plugin.id == "aisa" and catalog.plugin.version


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "max_tokens = { value = 32768",
            'max_tokens = { value = "lots"',
            r"providers\[0\] \(aisa\)\.models\[4\] \(kimi-k2\.5\)\.max_tokens\.value: Input should be a valid integer",
        ),
        ("input = 0.402", "input = -1", r"models\[4\] \(kimi-k2\.5\)\.prices\[0\]\.input: must be greater than or equal to 0"),
        (
            "max_tokens = { value = 32768",
            "max_tokens = { value = 0",
            r"models\[4\] \(kimi-k2\.5\)\.max_tokens\.value: must be greater than 0",
        ),
        (
            'source = "Moonshot AI platform pricing, kimi-k2.5"',
            'source = " "',
            r"models\[4\] \(kimi-k2\.5\)\.prices\[1\]\.source: must not be empty",
        ),
        (
            "  reasoning = true\n",
            "  reasoning = true\n  temperature = 1\n",
            r"models\[4\] \(kimi-k2\.5\)\.temperature: Unexpected keyword argument",
        ),
        ('default_model = "qwen3-max"', 'default_model = "qwen-mt-flash"', r"default_model: 'qwen-mt-flash' is a translation model"),
        ('default_model = "qwen3-max"', 'default_model = "gpt-9"', r"default_model: 'gpt-9' is not one of its models"),
        ('id = "kimi-k2.5"', 'id = "aisa/kimi-k2.5"', r"must be a bare upstream id"),
        ('base_url = "https://api.aisa.one/v1"', 'base_url = "http://api.aisa.one/v1"', r"base_url: must start with https://"),
        ('cli_flag = "--aisa-api-key"', 'cli_flag = "aisa"', r"auth_choices\[0\] \(aisa-api-key\)\.cli_flag"),
        ('  source = "Moonshot AI platform pricing, kimi-k2.5"', "", r"prices\[1\]\.source: Field required"),
        ("[plugin]", "[plugin\n", r"not valid TOML"),
    ],
)
def test_a_broken_plugin_toml_is_one_clear_error_naming_the_field(old, new, message):
    with pytest.raises(CatalogError, match=message):
        validate(broken(old, new), Path("plugin.toml"))


def test_validated_catalogue_equals_the_cached_one():
    assert validate(RAW.encode(), bundled_path()) == load_catalog()


def test_offline_commands_never_import_httpx_and_skip_pydantic_once_cached(tmp_path):
    """The first run validates (pydantic); every later run reads the hash-keyed cache only.

    Onboarding without a key check and `doctor --offline` are offline commands too.
    """
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "HOME": str(tmp_path)}
    probe = (
        "import sys, io, contextlib\n"
        "from openclaw_aisa.cli import main\n"
        "for argv in (['detect'], ['models', 'list'], ['config', 'path'],"
        " ['onboard', '--dry-run', '--non-interactive', '--aisa-api-key', 'sk-aisa-x'], ['doctor', '--offline'],"
        " ['onboard', '--non-interactive', '--aisa-api-key', 'sk-aisa-x', '--no-plugin', '--skip-validation'], ['doctor', '--offline'], ['pricing'], ['cost', '--model', 'qwen3-max', '--tokens', '500M']):\n"
        "    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):\n"
        "        assert main(argv) in ((0, 1) if argv[0] == 'doctor' else (0,)), argv\n"
        "print('httpx' in sys.modules, 'pydantic' in sys.modules)\n"
        "print(*sorted(m for m in SLOW if m in sys.modules))\n"
    )
    probe = f"SLOW = {sorted(SLOW_TO_IMPORT)!r}\n" + probe
    cwd = tmp_path / "cwd"  # on sys.path under -c: an empty one
    cwd.mkdir()
    first = subprocess.run([sys.executable, "-c", probe], env=env, cwd=cwd, capture_output=True, text=True, check=True)
    assert first.stdout.splitlines()[0].split() == ["False", "True"]
    second = subprocess.run([sys.executable, "-c", probe], env=env, cwd=cwd, capture_output=True, text=True, check=True)
    assert second.stdout.splitlines()[0].split() == ["False", "False"]
    assert second.stdout.splitlines()[1].split() == []  # once the entry-point list is cached too


# Each costs 1-12 ms of start-up (python -X importtime) and no offline command needs it.
SLOW_TO_IMPORT = {"importlib.metadata", "email.utils", "hashlib", "subprocess"}


def test_an_edited_plugin_toml_is_validated_again(tmp_path, monkeypatch):
    edited = tmp_path / "plugin.toml"
    edited.write_bytes(broken("max_tokens = { value = 32768", 'max_tokens = { value = "x"'))
    load_catalog.cache_clear()
    try:
        with pytest.raises(CatalogError):
            load_catalog(edited)
        edited.write_text(RAW)
        assert load_catalog(edited) == load_catalog()
    finally:
        load_catalog.cache_clear()


def test_plugin_toml_version_is_the_package_version():
    from importlib.metadata import version

    assert version("openclaw-aisa") == tomllib.loads(RAW)["plugin"]["version"]


@pytest.mark.parametrize(
    "env",
    [
        {"HOME": "/home/ann"},
        {"HOME": "/home/ann/", "XDG_CACHE_HOME": "/var/tmp/cache", "XDG_STATE_HOME": "/var/tmp/state"},
        {"HOME": "/home/ann", "XDG_CACHE_HOME": "relative/cache", "XDG_STATE_HOME": ""},
        {"HOME": "relative-home", "XDG_CACHE_HOME": "/abs/cache"},
    ],
    ids=["home", "xdg", "relative-xdg-ignored", "relative-home"],
)
def test_our_user_dirs_are_the_ones_platformdirs_gives(monkeypatch, env):
    """cache.user_dir reads the XDG rule itself on Linux (platformdirs' import costs ~4 ms a start): same answer."""
    import platformdirs

    from openclaw_aisa.cache import user_dir

    for var in ("HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        monkeypatch.delenv(var, raising=False)
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    assert user_dir("cache") == Path(platformdirs.user_cache_dir("openclaw-aisa", appauthor=False))
    assert user_dir("state") == Path(platformdirs.user_state_dir("openclaw-aisa", appauthor=False))


def test_the_cached_catalogue_rebuilds_the_same_types_as_validation(tmp_path, monkeypatch):
    """Tuples stay tuples, dates dates, compat lists lists: the cache says what each value is."""
    from openclaw_aisa import catalog

    monkeypatch.setattr(catalog, "cache_dir", lambda: tmp_path)
    load_catalog.cache_clear()
    try:
        validated = load_catalog()  # cold: validated, then cached
        assert list(tmp_path.glob(f"catalog-{catalog.CACHE_FORMAT}-*.json"))
        load_catalog.cache_clear()
        cached = load_catalog()  # warm: from the cache
    finally:
        load_catalog.cache_clear()
    assert cached == validated and cached is not validated

    def shapes(node):
        if dataclasses.is_dataclass(node):
            return (type(node).__name__, tuple(shapes(getattr(node, f.name)) for f in dataclasses.fields(node)))
        if isinstance(node, (tuple, list)):
            return (type(node).__name__, tuple(shapes(v) for v in node))
        if isinstance(node, dict):
            return ("dict", tuple((k, shapes(v)) for k, v in node.items()))
        return type(node).__name__

    assert shapes(cached) == shapes(validated)


def test_records_compare_hash_and_print_as_generated_dataclasses_do():
    """types.record shares one __eq__/__hash__/__repr__ instead of compiling them per class (start-up):
    every record in the catalogue behaves as its dataclass(frozen=True) twin, field options included."""
    from typing import Any

    from openclaw_aisa.types import Credential

    def twin(obj):
        spec = [(f.name, Any, dataclasses.field(repr=f.repr, compare=f.compare, hash=f.hash)) for f in dataclasses.fields(obj)]
        cls = dataclasses.make_dataclass(type(obj).__name__, spec, frozen=True)
        return cls(**{f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)})

    def records(node):
        if dataclasses.is_dataclass(node):
            yield node
            for f in dataclasses.fields(node):
                yield from records(getattr(node, f.name))
        elif isinstance(node, (tuple, list)):
            for item in node:
                yield from records(item)

    seen = [*records(load_catalog()), Credential("aisa", "AISA_API_KEY", "environment", "sk-aisa-secret-value-0000")]
    assert {type(r).__name__ for r in seen} >= {"Catalog", "Provider", "Model", "Figure", "Price", "AuthChoice", "PluginInfo", "Credential"}
    for obj in seen:
        other = twin(obj)
        assert repr(obj) == repr(other)
        try:
            expected_hash = hash(other)
        except TypeError:
            with pytest.raises(TypeError):
                hash(obj)
        else:
            assert hash(obj) == expected_hash
        same = dataclasses.replace(obj)
        assert obj == same and not (obj != same) and obj is not same
        assert obj != other  # another class, however alike
    assert "secret" not in repr(seen[-1])  # a field with repr=False stays out
