"""The host is generic: a third-party provider plugin, installed through the entry-point group, shows
up in every command, exactly like AIsa does."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import read_json

DUMMY = """
from openclaw_aisa import hookimpl
from openclaw_aisa.types import AuthChoice, Figure, Model, Price, Provider
import datetime

TODAY = datetime.date(2026, 11, 1)
MODEL = Model(id="dummy-large", name="Dummy Large", context_window=Figure(65536, TODAY, "test"),
              max_tokens=Figure(4096, TODAY, "test"), prices=(Price("dummy", 1.0, 2.0, TODAY, "test"),))

@hookimpl
def register_providers(register):
    register(Provider(id="dummy", label="Dummy", base_url="https://dummy.example/v1", env_vars=("DUMMY_API_KEY",),
                      models=(MODEL,), default_model="dummy-large"))

@hookimpl
def register_auth_choices(register):
    register(AuthChoice(id="dummy-api-key", provider="dummy", label="Dummy API key", cli_flag="--dummy-api-key",
                        env_var="DUMMY_API_KEY"))
"""


def install_plugin(site: Path, name: str, source: str) -> None:
    """A real distribution on sys.path: module + dist-info with an `openclaw_aisa` entry point."""
    (site / f"{name}.py").write_text(source)
    info = site / f"{name}-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(f"[openclaw_aisa]\n{name} = {name}\n")


def settle(site: Path) -> None:
    """Date everything in `site` a minute back, as an installation made earlier would be."""
    for path in site.rglob("*"):
        os.utime(path, (time.time() - 60,) * 2)


@pytest.fixture
def cli(tmp_path, home):
    site = tmp_path / "site"
    site.mkdir()
    install_plugin(site, "dummy_provider", DUMMY)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AISA_", "DUMMY_"))}
    env.update(PYTHONPATH=str(site), HOME=str(home))

    def run(*argv: str, **extra: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "openclaw_aisa", *argv], env={**env, **extra}, capture_output=True, text=True)

    run.site = site
    return run


def test_a_second_provider_appears_in_onboard_detect_and_models_list(cli, home):
    help_text = cli("onboard", "--help").stdout
    assert "--dummy-api-key" in help_text and "dummy-api-key" in help_text and "--aisa-api-key" in help_text

    detected = json.loads(cli("detect", "--json", DUMMY_API_KEY="dk-0123456789abcdefghij").stdout)
    dummy = next(p for p in detected["providers"] if p["provider"] == "dummy")
    assert dummy["credentials"][0]["masked"] == "dk-…ghij"

    refs = [m["ref"] for m in json.loads(cli("models", "list", "--json").stdout)["models"]]
    assert "dummy/dummy-large" in refs and "aisa/kimi-k2.5" in refs

    done = cli("onboard", "--non-interactive", "--dummy-api-key", "dk-0123456789abcdefghij")
    assert done.returncode == 0, done.stderr
    config = read_json(home / ".openclaw" / "openclaw.json")
    assert config["models"]["providers"]["dummy"]["models"][0]["cost"]["output"] == 2.0
    assert config["agents"]["defaults"]["model"]["primary"] == "dummy/dummy-large"
    assert "DUMMY_API_KEY=dk-0123456789abcdefghij" in (home / ".openclaw" / ".env").read_text()


def test_with_two_choices_and_no_flag_onboard_asks_which(cli):
    result = cli("onboard", "--non-interactive")
    assert result.returncode == 2
    assert "several auth choices are available (aisa-api-key, dummy-api-key); pass --auth-choice ID" in result.stderr


def test_a_plugin_implementing_an_unknown_hook_is_refused_clearly(cli):
    install_plugin(cli.site, "typo_plugin", "from openclaw_aisa import hookimpl\n\n@hookimpl\ndef register_provider(register):\n    pass\n")
    result = cli("detect")
    assert result.returncode == 1
    assert "implements a hook that does not exist" in result.stderr and "register_provider" in result.stderr


def test_a_plugin_that_fails_to_import_names_itself_and_how_to_skip_it(cli):
    install_plugin(cli.site, "broken_plugin", "raise RuntimeError('boom')\n")
    result = cli("detect")
    assert result.returncode == 1
    assert "plugin 'broken_plugin'" in result.stderr and "OPENCLAW_AISA_DISABLE_PLUGINS=broken_plugin" in result.stderr
    assert cli("detect", OPENCLAW_AISA_DISABLE_PLUGINS="broken_plugin").returncode == 0


def test_two_plugins_claiming_one_provider_id_is_an_error(cli):
    install_plugin(cli.site, "dummy_clone", DUMMY)
    result = cli("models", "list")
    assert result.returncode == 1 and "two plugins register the provider 'dummy'" in result.stderr


def test_a_plugin_installed_or_removed_after_a_run_is_seen_at_the_next_run(tmp_path, home):
    """The entry-point list is cached (importlib.metadata costs ~12 ms a start); installing or
    removing a distribution must still show at once."""
    site = tmp_path / "site"
    site.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AISA_", "DUMMY_"))}
    env.update(PYTHONPATH=str(site), HOME=str(home))

    def refs() -> list[str]:
        done = subprocess.run([sys.executable, "-m", "openclaw_aisa", "models", "list", "--json"], env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        return [m["ref"] for m in json.loads(done.stdout)["models"]]

    assert "dummy/dummy-large" not in refs()
    assert list((tmp_path / "xdg-cache" / "openclaw-aisa").glob("entry-points-*.json"))  # the list was cached
    install_plugin(site, "dummy_provider", DUMMY)
    assert "dummy/dummy-large" in refs()
    settle(site)  # now the list with the plugin is cached
    assert "dummy/dummy-large" in refs()
    for path in sorted(site.rglob("*"), reverse=True):
        path.rmdir() if path.is_dir() else path.unlink()
    assert "dummy/dummy-large" not in refs()


def test_an_entry_point_file_changed_in_the_last_two_seconds_is_not_cached(cli, tmp_path):
    """Within the mtime's resolution a second change could leave the same mtime: wait until it settles."""
    caches = tmp_path / "xdg-cache" / "openclaw-aisa"
    assert cli("detect").returncode == 0
    assert not list(caches.glob("entry-points-*.json"))
    settle(cli.site)
    assert cli("detect").returncode == 0
    assert list(caches.glob("entry-points-*.json"))


def test_an_entry_point_edited_in_place_is_seen(cli, tmp_path):
    settle(cli.site)
    assert "dummy-api-key" in cli("onboard", "--help").stdout  # cached now
    info = cli.site / "dummy_provider-0.1.dist-info" / "entry_points.txt"
    info.write_text("[openclaw_aisa]\n")  # the plugin's entry point removed by hand
    assert "dummy-api-key" not in cli("onboard", "--help").stdout


def test_a_damaged_entry_point_cache_is_rebuilt(cli, tmp_path):
    settle(cli.site)
    cli("models", "list")
    caches = list((tmp_path / "xdg-cache" / "openclaw-aisa").glob("entry-points-*.json"))
    assert caches
    for cached in caches:
        cached.write_text('{"key": [], "entry_points": [["dummy_provider"')
    done = cli("models", "list", "--json")
    assert done.returncode == 0, done.stderr
    assert "dummy/dummy-large" in [m["ref"] for m in json.loads(done.stdout)["models"]]
