"""Which OpenClaw we write for decides which keys we may write: newer keys only where accepted."""

from __future__ import annotations

import os

import pytest

from openclaw_aisa import schema
from openclaw_aisa.catalog import load_catalog

from .conftest import KEY, read_json, write_json

NEWER_KEYS = {"supportsTemperature", "requiresReasoningContentOnAssistantMessages"}
ONBOARD = ("onboard", "--non-interactive", "--aisa-api-key", KEY)


def kimi_compat(config) -> dict:
    return next(m for m in config["models"]["providers"]["aisa"]["models"] if m["id"] == "kimi-k2.5")["compat"]


@pytest.mark.parametrize(
    ("version", "written"), [(None, False), ("2026.3.31", False), ("2026.5.28", False), ("2026.9.6", True), ("2026.11.2", True)]
)
def test_kimi_gets_the_newer_compat_keys_only_from_2026_9_6(version, written):
    aisa = load_catalog().providers[0]
    entry = schema.model_entry(aisa, aisa.model("kimi-k2.5"), version)
    assert (NEWER_KEYS <= set(entry["compat"])) is written
    assert entry["compat"]["maxTokensField"] == "max_tokens"
    for other in aisa.models:
        if other.id != "kimi-k2.5":  # DeepSeek V4 needs reasoning_content replayed too, but has no fixed temperature
            assert "supportsTemperature" not in schema.model_entry(aisa, other, version)["compat"]


def test_parse_version_reads_what_openclaw_prints():
    assert schema.parse_version("OpenClaw 2026.9.6 (eb377ac)") == (2026, 9, 6)
    assert schema.parse_version("2026.10.12-beta.1") == (2026, 10, 12)
    assert schema.parse_version("dev") is None


def test_flag_decides_the_version(run, config_path):
    report = run(*ONBOARD, "--openclaw-version", "2026.9.6", "--json").json
    assert report["openclaw_version"] == {"version": "2026.9.6", "source": "--openclaw-version"}
    assert NEWER_KEYS <= set(kimi_compat(read_json(config_path)))


def test_a_bad_version_flag_is_a_usage_error(run, state_dir):
    result = run(*ONBOARD, "--openclaw-version", "latest")
    assert result.code == 2 and "not a version like 2026.9.6" in result.err
    assert not state_dir.exists()


def test_without_any_hint_only_the_common_subset_is_written(run, config_path, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    report = run(*ONBOARD, "--json").json
    assert report["openclaw_version"]["version"] is None
    assert not NEWER_KEYS & set(kimi_compat(read_json(config_path)))


def test_the_configs_last_touched_version_is_used_when_no_openclaw_is_on_path(run, config_path, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    write_json(config_path, {"meta": {"lastTouchedVersion": "2026.9.6", "lastTouchedAt": "2026-11-01T00:00:00.000Z"}})
    report = run(*ONBOARD, "--json").json
    assert report["openclaw_version"] == {"version": "2026.9.6", "source": "meta.lastTouchedVersion in the config"}
    assert NEWER_KEYS <= set(kimi_compat(read_json(config_path)))


def test_openclaw_on_path_is_asked_once_and_its_answer_cached(run, config_path, monkeypatch, tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    counter = tmp_path / "calls"
    stub = bin_dir / "openclaw"
    stub.write_text(f"#!/bin/sh\necho x >> {counter}\necho 'OpenClaw 2026.5.28 (e932160)'\n")
    stub.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    write_json(config_path, {"meta": {"lastTouchedVersion": "2026.9.6"}})  # the command on PATH wins over meta
    first = run(*ONBOARD, "--json", "--no-plugin").json
    assert first["openclaw_version"] == {"version": "2026.5.28", "source": f"{stub} --version"}
    assert not NEWER_KEYS & set(kimi_compat(read_json(config_path)))
    run("onboard", "--non-interactive", "--dry-run")
    assert counter.read_text().count("x") == 1
    stub.write_text(stub.read_text().replace("2026.5.28", "2026.9.6"))  # an upgrade changes the file: asked again
    assert run(*ONBOARD, "--json", "--no-plugin").json["openclaw_version"]["version"] == "2026.9.6"
    assert counter.read_text().count("x") == 2


def test_onboarding_for_an_older_openclaw_removes_the_newer_keys_it_rejects(run, config_path):
    run(*ONBOARD, "--openclaw-version", "2026.9.6")
    assert NEWER_KEYS <= set(kimi_compat(read_json(config_path)))
    report = run(*ONBOARD, "--openclaw-version", "2026.5.28", "--json").json
    assert not NEWER_KEYS & set(kimi_compat(read_json(config_path)))
    assert any("OpenClaw 2026.5.28 rejects them" in c["summary"] for c in report["changes"])
    assert run(*ONBOARD, "--json").json["changes"] == []  # version unknown now: nothing to remove or add


def test_refresh_models_replaces_the_catalogues_own_compat_keys_and_keeps_the_users(run, config_path):
    run(*ONBOARD, "--openclaw-version", "2026.9.6")
    config = read_json(config_path)
    kimi = next(m for m in config["models"]["providers"]["aisa"]["models"] if m["id"] == "kimi-k2.5")
    kimi["compat"]["supportsStore"] = False
    write_json(config_path, config)
    run(*ONBOARD, "--openclaw-version", "2026.3.31", "--refresh-models")
    assert kimi_compat(read_json(config_path)) == {"maxTokensField": "max_tokens", "supportsUsageInStreaming": True, "supportsStore": False}
