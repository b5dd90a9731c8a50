"""Our writes and OpenClaw's own state: OpenClaw keeps what we write (issue 17)."""

from __future__ import annotations

import hashlib
import json
import sqlite3

import pytest

from openclaw_aisa.adapters import health

from .conftest import KEY, read_json, write_json
from .test_native import plugins_row, shim  # noqa: F401  (shim is a fixture)

TABLE = (
    "CREATE TABLE config_health_entries (config_path TEXT PRIMARY KEY, last_known_good_json TEXT, "
    "last_promoted_good_json TEXT, last_observed_suspicious_signature TEXT, updated_at_ms INTEGER NOT NULL) STRICT"
)


def _row(db, path):
    with sqlite3.connect(db) as c:
        return c.execute(
            "SELECT last_known_good_json, last_promoted_good_json, last_observed_suspicious_signature FROM config_health_entries "
            "WHERE config_path = ?",
            (str(path),),
        ).fetchone()


def test_a_write_becomes_openclaws_last_known_good_in_its_database_and_its_older_file(tmp_path):
    state = tmp_path / "state-dir"
    config = write_json(state / "openclaw.json", {"meta": {"lastTouchedVersion": "2026.9.6"}, "gateway": {"mode": "local"}})
    (state / "state").mkdir()
    db = state / "state" / "openclaw.sqlite"
    with sqlite3.connect(db) as c:
        c.execute(TABLE)
        big = json.dumps({"hash": "old", "bytes": 4843, "hasMeta": True, "gatewayMode": "local"})
        c.execute("INSERT INTO config_health_entries VALUES (?, ?, 'promoted', 'abc:size-drop', 1)", (str(config), big))
    (state / "logs").mkdir()
    legacy = state / "logs" / "config-health.json"
    legacy.write_text(json.dumps({"entries": {str(config): {"lastKnownGood": {"bytes": 9000}, "lastObservedSuspiciousSignature": "x"}}}))

    assert health.adopt(config, state, read_json(config)) is None

    good, promoted, signature = _row(db, config)
    fingerprint = json.loads(good)
    raw = config.read_bytes()
    assert fingerprint["hash"] == hashlib.sha256(raw).hexdigest() and fingerprint["bytes"] == len(raw)
    assert fingerprint["hasMeta"] is True and fingerprint["gatewayMode"] == "local"
    assert promoted == "promoted" and signature is None  # the gateway's promoted copy is not ours to touch
    entry = json.loads(legacy.read_text())["entries"][str(config)]
    assert entry["lastKnownGood"]["hash"] == fingerprint["hash"] and entry["lastObservedSuspiciousSignature"] is None


def test_where_openclaw_never_ran_no_record_is_created(tmp_path):
    state = tmp_path / "state-dir"
    config = write_json(state / "openclaw.json", {"gateway": {"mode": "local"}})
    assert health.adopt(config, state, read_json(config)) is None
    assert sorted(p.name for p in state.iterdir()) == ["openclaw.json"]
    (state / "state").mkdir()
    sqlite3.connect(state / "state" / "openclaw.sqlite").close()  # an OpenClaw without the guard: no table
    assert health.adopt(config, state, read_json(config)) is None


@pytest.mark.openclaw
def test_openclaw_keeps_what_plugin_uninstall_wrote_after_its_own_onboarding(openclaw, our_cli, home, shim):  # noqa: F811
    """9.6 put the whole AIsa config back from the .bak (`size-drop-vs-last-good`) after this uninstall;
    5.28 and 3.31 kept it but logged an anomaly. Now every version keeps it, silently."""
    assert our_cli("plugin", "install", **shim).returncode == 0
    native = openclaw.run(
        "onboard", "--non-interactive", "--accept-risk", "--skip-health", "--auth-choice", "aisa-api-key", "--aisa-api-key", KEY, home=home
    )
    assert native.returncode == 0, native.stderr
    assert openclaw.run("models", "list", "--json", home=home).returncode == 0  # OpenClaw records its last good config
    config = home / ".openclaw" / "openclaw.json"
    done = our_cli("plugin", "uninstall", "--primary", "openai/gpt-5", "--non-interactive", **shim)
    assert done.returncode == 0, done.stderr
    ours = config.read_bytes()
    for args in (("models", "list", "--json"), ("plugins", "list", "--json"), ("models", "status", "--json")):
        seen = openclaw.run(*args, home=home)
        assert "auto-restored" not in seen.stderr + seen.stdout and "observe anomaly" not in seen.stderr + seen.stdout
        assert config.read_bytes() == ours, f"`openclaw {' '.join(args)}` changed the file we wrote"
    assert not list(config.parent.glob("openclaw.json.clobbered*"))
    assert read_json(config)["agents"]["defaults"]["model"]["primary"] == "openai/gpt-5"


@pytest.mark.openclaw
def test_a_second_onboarding_leaves_the_plugin_openclaw_already_loads(openclaw, our_cli, home, shim):  # noqa: F811
    first = our_cli("onboard", "--non-interactive", "--aisa-api-key", KEY, "--json", **shim)
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["plugin"]["reinstalled"] is True
    source = home / ".openclaw" / "openclaw-aisa" / "aisa"
    assert sorted(p.name for p in source.iterdir()) == ["index.js", "openclaw.plugin.json", "package.json"]
    second = our_cli("onboard", "--non-interactive", "--aisa-api-key", KEY, "--json", **shim)
    assert second.returncode == 0, second.stderr
    plugin = json.loads(second.stdout)["plugin"]
    assert plugin["reinstalled"] is False and plugin["status"] == "loaded" and plugin["command"] == ""
    assert plugins_row(openclaw, home)["status"] == "loaded"
