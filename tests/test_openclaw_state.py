"""Our writes and OpenClaw's own state: OpenClaw keeps what we write (issue 17)."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess

import pytest

from openclaw_aisa.adapters import health
from openclaw_aisa.native import BUNDLE_FILES

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
    assert sorted(p.name for p in source.iterdir()) == sorted(BUNDLE_FILES)
    second = our_cli("onboard", "--non-interactive", "--aisa-api-key", KEY, "--json", **shim)
    assert second.returncode == 0, second.stderr
    plugin = json.loads(second.stdout)["plugin"]
    assert plugin["reinstalled"] is False and plugin["status"] == "loaded" and plugin["command"] == ""
    assert plugins_row(openclaw, home)["status"] == "loaded"


def _stored_profile(state_dir, key, version):
    """What OpenClaw's own onboarding leaves: the key in its store, the profile named in the config."""
    write_json(
        state_dir / "agents" / "main" / "agent" / "auth-profiles.json",
        {"version": 1, "profiles": {"aisa:default": {"type": "api_key", "provider": "aisa", "key": key}}},
    )
    config = read_json(state_dir / "openclaw.json")
    config["auth"] = {"profiles": {"aisa:default": {"provider": "aisa", "mode": "api_key"}}}
    config["meta"] = {"lastTouchedVersion": version}
    write_json(state_dir / "openclaw.json", config)


@pytest.mark.parametrize(("version", "used_by"), [("2026.5.28", "every command"), ("2026.9.6", "one-shot commands (openclaw infer)")])
def test_detect_and_doctor_name_the_key_openclaws_own_onboarding_stored(run, state_dir, version, used_by):
    from .conftest import OTHER_KEY

    assert run("onboard", "--aisa-api-key", KEY, "--no-plugin", "--non-interactive").code == 0
    _stored_profile(state_dir, OTHER_KEY, version)
    from openclaw_aisa import keys

    found = run("detect", "--json").json["providers"][0]
    assert found["openclaw_profile"]["masked"] == keys.mask(OTHER_KEY) and found["openclaw_profile"]["used_by_openclaw"] == used_by
    assert [c["used_by_openclaw"] for c in found["credentials"]] == [version == "2026.9.6"]
    text = run("detect").out
    assert "auth profile aisa:default" in text and keys.mask(OTHER_KEY) in text and OTHER_KEY not in text
    report = run("doctor", "--offline", "--openclaw-version", version, "--json").json
    checks = {f["check"]: f for f in report["findings"]}
    assert checks["key.profile"]["level"] == "warning" and keys.mask(OTHER_KEY) in checks["key.profile"]["message"]
    assert ("its auth profile aisa:default: " in checks["key.source"]["message"]) == (version == "2026.5.28")


def test_profiles_are_read_from_openclaw_9s_state_database_read_only(tmp_path):
    from openclaw_aisa.adapters import profiles

    (tmp_path / "state").mkdir()
    db = tmp_path / "state" / "openclaw.sqlite"
    store = {
        "version": 1,
        "profiles": {"aisa:default": {"type": "api_key", "provider": "aisa", "key": KEY}, "openai:x": {"provider": "openai"}},
    }
    with sqlite3.connect(db) as c:
        c.execute("CREATE TABLE config_machine_state (state_key TEXT PRIMARY KEY, value_json TEXT, updated_at_ms INTEGER) STRICT")
        c.execute("INSERT INTO config_machine_state VALUES ('authProfiles.store', ?, 1)", (json.dumps(store),))
    before = db.read_bytes()
    [found] = profiles.stored(tmp_path, {}, "aisa")
    assert (found.id, found.value, found.var) == ("aisa:default", KEY, None) and "openclaw.sqlite" in found.where
    assert KEY not in repr(found) and db.read_bytes() == before


KEY_A, KEY_B, KEY_C = (f"sk-aisa-{c * 20}{n}" for c, n in (("a", "AAAA"), ("b", "BBBB"), ("c", "CCCC")))
REPLACEMENT = "openai/gpt-5"


@pytest.mark.openclaw
@pytest.mark.parametrize("native_first", [True, False], ids=["native-then-ours", "ours-then-native"])
def test_both_onboardings_in_either_order_then_a_key_change_uninstall_and_remove_keep_one_truth(
    openclaw,
    our_cli,
    home,
    shim,  # noqa: F811
    fake_aisa,
    native_first,
):
    """The issue's walk: after each of our writes an `openclaw` command runs and the file stays ours;
    each turn carries the key `detect` names; at the end nothing of AIsa is left and the primary is REF."""
    from openclaw_aisa import keys
    from openclaw_aisa.adapters import profiles

    from .test_native import agent_turn

    config = home / ".openclaw" / "openclaw.json"
    env = {**shim, "OPENCLAW_AISA_OFFLINE": None}
    fake_aisa.key = None  # every key is good, except during a turn, where only the expected one is

    def ours(*argv: str) -> None:
        done = our_cli(*argv, **env)
        assert done.returncode == 0, f"openclaw-aisa {' '.join(argv)}: {done.stderr}"
        written = config.read_bytes()
        seen = openclaw.run("models", "list", "--json", home=home)
        assert "auto-restored" not in seen.stderr + seen.stdout
        assert config.read_bytes() == written, f"OpenClaw changed what `openclaw-aisa {argv[0]}` wrote"

    def native(key: str) -> subprocess.CompletedProcess:
        flags = ("--non-interactive", "--accept-risk", "--skip-health", "--auth-choice", "aisa-api-key", "--aisa-api-key", key)
        return openclaw.run("onboard", *flags, home=home)

    def turn_uses_the_key_detect_names(key: str) -> None:
        used = [c for c in json.loads(our_cli("detect", "--json").stdout)["providers"][0]["credentials"] if c["used_by_openclaw"]]
        assert [c["masked"] for c in used] == [keys.mask(key)]
        fake_aisa.key, fake_aisa.requests[:] = key, []
        agent_turn(openclaw, our_cli, home, "aisa/kimi-k2.5")
        sent = {r.headers.get("authorization") for r in fake_aisa.chat_requests()}
        fake_aisa.key = None
        assert sent == {f"Bearer {key}"}, "the turn sent another key than the one detect names"

    onboard = ("onboard", "--non-interactive", "--base-url", fake_aisa.base_url, "--aisa-api-key")
    if native_first:
        ours("plugin", "install", "--base-url", fake_aisa.base_url)
        assert native(KEY_A).returncode == 0
        ours(*onboard, KEY_B)  # OpenClaw's stored KEY_A must no longer be what it sends
        current = KEY_B
    else:
        ours(*onboard, KEY_A)
        again = native(KEY_A)  # the same key: OpenClaw's onboarding adds no second copy of it
        assert again.returncode == 0, again.stdout + again.stderr
        before = config.read_bytes()
        other = native(KEY_B)  # another key: refused with the one command that changes it, nothing saved
        assert other.returncode != 0 and "openclaw-aisa onboard" in other.stdout + other.stderr
        assert config.read_bytes() == before
        current = KEY_A
    turn_uses_the_key_detect_names(current)
    ours(*onboard, KEY_C)
    turn_uses_the_key_detect_names(KEY_C)
    ours("plugin", "uninstall", "--non-interactive", "--primary", REPLACEMENT)
    ours("remove", "--non-interactive", "--purge-key", "--primary", REPLACEMENT)

    final = read_json(config)
    assert final["agents"]["defaults"]["model"]["primary"] == REPLACEMENT
    left = json.dumps(final)
    assert "aisa/" not in left and '"aisa:' not in left and "aisa" not in final.get("models", {}).get("providers", {})
    assert profiles.stored(home / ".openclaw", final, "aisa") == []
    row = plugins_row(openclaw, home)
    assert row is None or row.get("status") != "loaded"
    assert openclaw.validate(home)["valid"]
