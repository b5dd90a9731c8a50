"""Properties of the merge on random user configs (hypothesis): onboarding twice changes nothing more,
nothing the user had is dropped or reordered, and the result is what the target OpenClaw accepts.

The examples are derandomized (the same every run) and modest in number: seconds, not minutes.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openclaw_aisa import merge
from openclaw_aisa.adapters import store
from openclaw_aisa.host import load_host
from openclaw_aisa.schema import accepted_keys, env_ref
from openclaw_aisa.types import AuthRequest

from .conftest import KEY

EXAMPLES = settings(max_examples=100, deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow])
VERSIONS = (None, "2026.3.31", "2026.5.28", "2026.7.2", "2026.9.6")
CATALOGUE = ["qwen3-max", "qwen-plus-2025-12-01", "qwen-mt-flash", "deepseek-v3.1", "kimi-k2.5"]
# What a user may have edited by hand in an entry: keys every supported OpenClaw accepts, and compat keys
# the catalogue never writes only for newer versions.
USER_COMPAT = ("supportsStore", "supportsStrictMode", "supportsDeveloperRole", "maxTokensField")


@cache
def host():
    return load_host()


def apply(config: dict, version: str | None, *, replace_key: bool, base_url: str | None) -> merge.Merged:
    h = host()
    result = h.run_auth_choice(h.auth_choices["aisa-api-key"], AuthRequest(KEY, "flag", base_url=base_url, openclaw_version=version))
    options = merge.Options(base_url=base_url, replace_key=replace_key, openclaw_version=version)
    return merge.apply_auth(config, h.providers["aisa"], result, options)


# --- random user configs ---------------------------------------------------------------------

names = st.text("abcdefghij-_", min_size=1, max_size=8)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 10**6) | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(names, inner, max_size=3),
    max_leaves=8,
)
other_refs = st.builds(lambda p, m: f"{p}/{m}", st.sampled_from(["openai", "anthropic", "local"]), names)
aisa_refs = st.sampled_from(CATALOGUE + ["my-tuned", "qwen-flash"]).map(lambda m: f"aisa/{m}")
refs = other_refs | aisa_refs


@st.composite
def shuffled_dict(draw, entries: dict[str, Any]) -> dict[str, Any]:
    """The entries that were drawn (None: left out), in a random order: users order their files their own way."""
    present = [(k, v) for k, v in entries.items() if v is not None]
    return dict(draw(st.permutations(present)))


@st.composite
def user_model(draw, model_id: str) -> dict[str, Any]:
    maybe = lambda s: draw(st.none() | s)  # noqa: E731
    return draw(
        shuffled_dict(
            {
                "id": model_id,
                "name": draw(st.sampled_from([model_id, f"My {model_id}"])),
                "maxTokens": maybe(st.integers(1024, 65536)),
                "contextWindow": maybe(st.integers(8192, 262144)),
                "reasoning": maybe(st.booleans()),
                "headers": maybe(st.dictionaries(st.sampled_from(["X-Team", "X-Trace"]), names, min_size=1, max_size=2)),
                "compat": maybe(st.dictionaries(st.sampled_from(USER_COMPAT), st.booleans(), min_size=1, max_size=2)),
            }
        )
    )


@st.composite
def aisa_block(draw) -> dict[str, Any]:
    ids = draw(st.lists(st.sampled_from(CATALOGUE + ["my-tuned", "qwen-flash"]), unique=True, max_size=4))
    return draw(
        shuffled_dict(
            {
                "baseUrl": draw(st.sampled_from([None, "https://api.aisa.one/v1", "https://aisa.example.com/v1"])),
                "api": draw(st.sampled_from([None, "openai-completions"])),
                "apiKey": draw(
                    st.sampled_from([None, env_ref("AISA_API_KEY"), env_ref("MY_AISA"), "${AISA_API_KEY}", "sk-aisa-inline-key-0000"])
                ),
                "headers": draw(st.none() | st.just({"X-Org": "mine"})),
                "models": [draw(user_model(i)) for i in ids],
            }
        )
    )


@st.composite
def user_configs(draw) -> dict[str, Any]:
    other = {
        "baseUrl": "https://api.openai.com/v1",
        "api": "openai-completions",
        "apiKey": "${OPENAI_API_KEY}",
        "models": [{"id": "gpt-5", "name": "GPT-5"}],
    }
    providers = draw(shuffled_dict({"openai": draw(st.none() | st.just(other)), "aisa": draw(st.none() | aisa_block())}))
    models = draw(
        st.none()
        | st.builds(
            lambda p, mode: shuffled_dict({"providers": p, "mode": mode}), st.just(providers), st.sampled_from([None, "merge"])
        ).flatmap(lambda s: s)
    )
    model = draw(
        st.none()
        | refs
        | st.builds(
            lambda p, f: {k: v for k, v in (("primary", p), ("fallbacks", f)) if v is not None},
            st.none() | refs,
            st.none() | st.lists(refs, unique=True, max_size=3),
        )
    )
    defaults = draw(
        shuffled_dict(
            {
                "workspace": draw(st.none() | st.just("~/work")),
                "model": model,
                "models": draw(
                    st.none()
                    | st.dictionaries(refs, st.sampled_from([{}, {"alias": "fast"}, {"params": {"temperature": 0.2}}]), max_size=3)
                ),
                "modelPolicy": draw(
                    st.none() | st.builds(lambda a: {"allow": a}, st.lists(refs | st.just("openai/*"), unique=True, max_size=3))
                ),
            }
        )
    )
    return draw(
        shuffled_dict(
            {
                "gateway": draw(st.none() | st.dictionaries(names, json_values, max_size=3)),
                "models": models,
                "agents": draw(st.none() | st.just({"defaults": defaults})),
                "channels": draw(st.none() | json_values),
                "meta": draw(st.none() | st.just({"lastTouchedVersion": "2026.9.6"})),
            }
        )
    )


cases = st.tuples(user_configs(), st.sampled_from(VERSIONS), st.booleans(), st.sampled_from([None, "https://proxy.example.com/v1"]))


# --- what must hold --------------------------------------------------------------------------


# The values onboarding may change, by design: the key given now and --base-url replace the old ones;
# a "${AISA_API_KEY}" template becomes the env reference every version accepts.
CHANGEABLE = {("models", "providers", "aisa", "apiKey"), ("models", "providers", "aisa", "baseUrl")}


@EXAMPLES
@given(cases)
def test_onboarding_twice_changes_nothing_the_second_time(case):
    config, version, replace_key, base_url = case
    once = apply(config, version, replace_key=replace_key, base_url=base_url)
    twice = apply(once.config, version, replace_key=replace_key, base_url=base_url)
    assert twice.config == once.config
    assert [c.summary for c in twice.changes if c.summary] == []


@EXAMPLES
@given(cases)
def test_nothing_the_user_had_is_dropped_and_only_the_key_and_endpoint_change(case):
    config, version, replace_key, base_url = case
    merged = apply(config, version, replace_key=replace_key, base_url=base_url).config

    def kept(mine: Any, theirs: Any, path: tuple) -> None:
        if path[:4] in CHANGEABLE:
            return
        if isinstance(mine, dict):
            assert isinstance(theirs, dict), path
            for k, v in mine.items():
                assert k in theirs, path + (k,)
                kept(v, theirs[k], path + (k,))
        elif isinstance(mine, list) and mine and all(isinstance(m, dict) and "id" in m for m in mine):
            by_id = {m.get("id"): m for m in theirs if isinstance(m, dict)}
            for m in mine:  # model entries: each still there, as the user left it
                assert m["id"] in by_id, path + (m["id"],)
                kept(m, by_id[m["id"]], path + (m["id"],))
        elif isinstance(mine, list):
            assert theirs[: len(mine)] == mine, path  # lists only grow, at the end
        else:
            assert theirs == mine, path

    kept(config, merged, ())


@EXAMPLES
@given(cases)
def test_every_key_keeps_its_place_and_new_ones_come_after(case):
    config, version, replace_key, base_url = case
    merged = apply(config, version, replace_key=replace_key, base_url=base_url).config

    def check(mine: Any, theirs: Any, where: str) -> None:
        if isinstance(mine, dict) and isinstance(theirs, dict):
            assert list(theirs)[: len(mine)] == list(mine), where
            for k in mine:
                check(mine[k], theirs[k], f"{where}.{k}")
        elif isinstance(mine, list) and isinstance(theirs, list):
            assert len(theirs) >= len(mine), where
            for n, (a, b) in enumerate(zip(mine, theirs)):
                check(a, b, f"{where}[{n}]")

    check(config, merged, "config")


@EXAMPLES
@given(cases)
def test_the_result_is_what_the_target_openclaw_accepts(case):
    config, version, replace_key, base_url = case
    merged = apply(config, version, replace_key=replace_key, base_url=base_url).config
    block = merged["models"]["providers"]["aisa"]
    assert set(block) <= accepted_keys("provider", version)
    assert isinstance(block["baseUrl"], str) and block["api"] == "openai-completions" and block["models"]
    for m in block["models"]:
        assert set(m) <= accepted_keys("model", version), m
        assert isinstance(m["id"], str) and not m["id"].startswith("aisa/") and isinstance(m["name"], str)
        assert set(m.get("compat", {})) <= accepted_keys("compat", version), m["compat"]
    assert merged["models"].get("mode", "merge") == "merge"
    primary = merge.current_primary(merged)
    assert primary == merge.current_primary(config) or primary.removeprefix("aisa/") in merge.configured_ids(merged, "aisa")


@EXAMPLES
@given(cases)
def test_an_active_allowlist_admits_every_catalogue_model_configured(case):
    config, version, replace_key, base_url = case
    merged = apply(config, version, replace_key=replace_key, base_url=base_url).config
    defaults = merged.get("agents", {}).get("defaults", {})
    wanted = {f"aisa/{i}" for i in merge.configured_ids(merged, "aisa") if i in CATALOGUE}
    if defaults.get("models"):
        assert wanted <= set(defaults["models"])
    allow = defaults.get("modelPolicy", {}).get("allow")
    if allow:
        assert wanted <= set(allow) or "aisa/*" in allow


_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats()
    | st.text(st.characters(blacklist_categories=()), max_size=8)
)  # lone surrogates included
json_trees = st.recursive(
    _scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4), max_leaves=30
)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(st.dictionaries(st.text(max_size=6), json_trees, max_size=5))
def test_render_writes_exactly_what_json_writes(data):
    """The fast path (orjson, taken here for every size) never changes a byte of what json.dumps(indent=2) would write."""
    expected = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    threshold, store.ORJSON_FROM = store.ORJSON_FROM, 0
    try:
        try:
            assert store.render(data) == expected.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: json's own text, escaped as JSON.stringify does
            assert store.render(data) == store._LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", expected).encode()
    finally:
        store.ORJSON_FROM = threshold
