"""The real OpenClaw judges what we write: every supported version must accept it and see AIsa."""

from __future__ import annotations

import copy
import json

import pytest

from openclaw_aisa.catalog import load_catalog

from .conftest import KEY, read_json, write_json
from .test_merge import SEED_BLOCK

pytestmark = pytest.mark.openclaw
REFS = {f"aisa/{m.id}" for m in load_catalog().providers[0].models}
ONBOARD = ("onboard", "--auth-choice", "aisa-api-key", "--non-interactive", "--aisa-api-key", KEY)


def test_fresh_onboarding_is_valid_and_lists_the_catalogues_refs_with_an_aisa_default(openclaw, our_cli, home):
    done = our_cli(*ONBOARD)
    assert done.returncode == 0, done.stderr
    assert openclaw.validate(home)["valid"]
    models = openclaw.aisa_models(home)
    assert set(models) == REFS
    assert [ref for ref, tags in models.items() if "default" in tags] == ["aisa/qwen3-max"]


def test_the_seeds_block_is_rejected_as_given_and_valid_after_onboarding(openclaw, our_cli, home):
    config = home / ".openclaw" / "openclaw.json"
    write_json(
        config,
        {"models": {"providers": {"aisa": copy.deepcopy(SEED_BLOCK)}}, "agents": {"defaults": {"model": {"primary": "aisa/qwen3-max"}}}},
    )
    report = openclaw.validate(home)
    assert not report["valid"]
    # 9.6 and 3.31 name the key; 5.28 says only "Invalid input" at models.providers.aisa.models.0
    assert any(issue["path"].startswith("models.providers.aisa.models") for issue in report["issues"])
    assert our_cli(*ONBOARD).returncode == 0
    assert openclaw.validate(home)["valid"]
    assert all("/" not in m["id"] for m in read_json(config)["models"]["providers"]["aisa"]["models"])
    assert set(openclaw.aisa_models(home)) == REFS


def test_an_allowlist_user_gets_valid_config_with_aisa_refs_allowed(openclaw, our_cli, home):
    config = home / ".openclaw" / "openclaw.json"
    write_json(
        config,
        {
            "agents": {
                "defaults": {"model": {"primary": "anthropic/claude-opus-4-6"}, "models": {"anthropic/claude-opus-4-6": {"alias": "opus"}}}
            }
        },
    )
    assert our_cli(*ONBOARD).returncode == 0
    assert openclaw.validate(home)["valid"]
    allow = read_json(config)["agents"]["defaults"]["models"]
    assert REFS <= set(allow) and allow["anthropic/claude-opus-4-6"] == {"alias": "opus"}


def test_remove_leaves_a_config_openclaw_accepts(openclaw, our_cli, home):
    config = home / ".openclaw" / "openclaw.json"
    write_json(config, {"agents": {"defaults": {"model": {"primary": "anthropic/claude-opus-4-6"}}}})
    our_cli(*ONBOARD)
    assert our_cli("remove", "--non-interactive").returncode == 0
    assert openclaw.validate(home)["valid"]
    assert read_json(config) == {"agents": {"defaults": {"model": {"primary": "anthropic/claude-opus-4-6"}}}}


@pytest.mark.parametrize("gated", [False, True])
def test_newer_compat_keys_are_written_only_where_that_version_accepts_them(openclaw, our_cli, home, gated):
    """Written for its own version the config is valid; the same keys forced onto an older version are rejected."""
    version = openclaw.version if gated else "2026.9.6"
    assert our_cli(*ONBOARD, "--openclaw-version", version).returncode == 0
    config = read_json(home / ".openclaw" / "openclaw.json")
    kimi = next(m for m in config["models"]["providers"]["aisa"]["models"] if m["id"] == "kimi-k2.5")
    has_newer = "supportsTemperature" in kimi["compat"]
    accepts_newer = openclaw.version == "2026.9.6"
    if gated:
        assert has_newer is accepts_newer
        assert openclaw.validate(home)["valid"]
    else:  # written for 9.6, judged by each version: proves the gate is needed
        assert has_newer
        assert openclaw.validate(home)["valid"] is accepts_newer


def test_the_openclaw_on_path_decides_what_is_written(openclaw, our_cli, home):
    shim = home / "bin" / "openclaw"
    shim.parent.mkdir()
    shim.write_text(f"#!/bin/sh\nexec '{openclaw.node}' '{openclaw.entry}' \"$@\"\n")
    shim.chmod(0o755)
    import os

    done = our_cli(*ONBOARD, "--json", "--no-plugin", PATH=f"{shim.parent}{os.pathsep}{os.environ['PATH']}")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["openclaw_version"]["version"] == openclaw.version
    assert openclaw.validate(home)["valid"]


LOCATIONS = {
    "default": ({}, [], []),
    "legacy only": ({}, [".clawdbot/clawdbot.json"], []),
    "empty .openclaw, legacy file": ({}, [".clawdbot/clawdbot.json"], [".openclaw"]),
    "state dir": ({"OPENCLAW_STATE_DIR": "{home}/state"}, ["state/openclaw.json"], []),
    "config path with tilde": ({"OPENCLAW_CONFIG_PATH": "~/cfg/oc.json"}, [], []),
    "openclaw home": ({"OPENCLAW_HOME": "{home}/oh"}, ["oh/.openclaw/openclaw.json"], []),
    "profile variable alone": ({"OPENCLAW_PROFILE": "work"}, [], []),
    "profile flag": ({}, [], [], "work"),
}


@pytest.mark.parametrize("case", list(LOCATIONS), ids=str)
def test_config_path_is_the_file_openclaw_itself_uses(case, openclaw, our_cli, home):
    variables, files, dirs, *profile = LOCATIONS[case]
    env = {"OPENCLAW_HOME": None, "OPENCLAW_STATE_DIR": None, "OPENCLAW_CONFIG_PATH": None}
    env.update({k: v.format(home=home) for k, v in variables.items()})
    for d in dirs:
        (home / d).mkdir(parents=True)
    for f in files:
        write_json(home / f, {})
    flag = ["--profile", profile[0]] if profile else []
    theirs = openclaw.run(*flag, "config", "file", home=home, env=env)
    ours = our_cli(*flag, "config", "path", **env)
    assert theirs.returncode == 0 and ours.returncode == 0, theirs.stderr + ours.stderr
    printed = theirs.stdout.strip().splitlines()[-1]
    # 5.28 and 3.31 abbreviate the path: ~ for HOME, $OPENCLAW_HOME for that variable
    printed = printed.replace("$OPENCLAW_HOME", env.get("OPENCLAW_HOME") or str(home))
    if printed.startswith("~"):
        printed = str(home) + printed[1:]
    assert ours.stdout.strip() == printed
