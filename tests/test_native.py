"""The native OpenClaw plugin: generated from what the Python plugins register, installed through
OpenClaw's own CLI, and working in the real OpenClaw of every supported version."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from openclaw_aisa import schema
from openclaw_aisa.adapters import bundle
from openclaw_aisa.catalog import load_catalog
from openclaw_aisa.host import load_host
from openclaw_aisa.native import BUNDLE_FILES

from .conftest import KEY
from .realclaw import OpenClaw

# The Node the real-OpenClaw tier installs (scripts/install-openclaw.sh), else one on PATH.
NODE = str(OpenClaw("2026.9.6").node) if OpenClaw("2026.9.6").node.is_file() else shutil.which("node")

CATALOG = load_catalog()
AISA = CATALOG.providers[0]


def generated(tmp_path: Path, **options) -> dict:
    host = load_host()
    written = bundle.write_bundle(tmp_path / "bundle", AISA, list(host.auth_choices.values()), CATALOG.plugin.version, **options)
    assert sorted(p.name for p in written.iterdir()) == sorted(BUNDLE_FILES)
    return json.loads((written / "openclaw.plugin.json").read_text())


def test_the_manifests_catalogue_is_plugin_toml(tmp_path):
    manifest = generated(tmp_path)
    catalog = manifest["modelCatalog"]["providers"]["aisa"]
    assert catalog["baseUrl"] == AISA.base_url and catalog["api"] == "openai-completions"
    assert [m["id"] for m in catalog["models"]] == [m.id for m in AISA.models]
    for entry, model in zip(catalog["models"], AISA.models):
        assert entry == schema.model_entry(AISA, model)
        assert "/" not in entry["id"]
    assert catalog["defaultModel"] == AISA.default_model and not AISA.model(catalog["defaultModel"]).is_translation


@pytest.mark.parametrize(
    ("version", "setup", "legacy", "usage"),
    [(None, True, True, True), ("2026.3.31", False, True, False), ("2026.5.28", True, True, False), ("2026.9.6", True, False, True)],
)
def test_the_manifest_names_the_env_var_only_where_that_version_reads_it(tmp_path, version, setup, legacy, usage):
    """9.x reads setup.providers[].envVars (and calls providerAuthEnvVars removed), 3.31 only providerAuthEnvVars,
    5.28 both; only 9.x asks a plugin for usage (contracts.usageProviders). Unknown version: every key."""
    manifest = generated(tmp_path, openclaw_version=version)
    assert ("setup" in manifest, "providerAuthEnvVars" in manifest, "contracts" in manifest) == (setup, legacy, usage)


def test_the_manifest_declares_the_auth_choice_and_both_env_var_forms(tmp_path):
    manifest = generated(tmp_path)
    [choice] = manifest["providerAuthChoices"]
    assert (choice["choiceId"], choice["cliFlag"], choice["optionKey"], choice["cliOption"]) == (
        "aisa-api-key",
        "--aisa-api-key",
        "aisaApiKey",
        "--aisa-api-key <key>",
    )
    assert manifest["setup"]["providers"] == [{"id": "aisa", "envVars": ["AISA_API_KEY"]}]
    assert manifest["providerAuthEnvVars"] == {"aisa": ["AISA_API_KEY"]}
    assert manifest["version"] == CATALOG.plugin.version and manifest["id"] == "aisa"


def test_base_url_and_target_version_shape_the_catalogue(tmp_path):
    manifest = generated(tmp_path, base_url="http://127.0.0.1:9/v1", openclaw_version="2026.9.6")
    catalog = manifest["modelCatalog"]["providers"]["aisa"]
    assert catalog["baseUrl"] == "http://127.0.0.1:9/v1"
    kimi = next(m for m in catalog["models"] if m["id"] == "kimi-k2.5")
    assert kimi["compat"]["supportsTemperature"] is False


@pytest.mark.skipif(NODE is None, reason="no node: run scripts/install-openclaw.sh")
def test_the_plugin_gives_an_uncurated_id_exactly_what_models_add_writes(tmp_path):
    """One source: plugin.toml's family rules, read by the Python side and (through live-catalog.json) by the plugin."""
    generated(tmp_path, openclaw_version="2026.9.6")
    ids = [
        "kimi-k3",
        "qwen3.8-max",
        "qwen-mt-lite",
        "deepseek-v4-pro",
        "deepseek-r1",
        "glm-5.1",
        "MiniMax-M2.7",
        "gpt-6-sol",
        "claude-sonnet-5",
        "grok-4.5",
        "seed-2-0-pro",
    ]
    script = (
        "import { familyEntry } from './live-catalog.js';"
        "import { readFileSync } from 'node:fs';"
        "const rules = JSON.parse(readFileSync('./live-catalog.json', 'utf8'));"
        f"console.log(JSON.stringify({json.dumps(ids)}.map((id) => familyEntry(rules.families, id))));"
    )
    done = subprocess.run([NODE, "--input-type=module", "-e", script], cwd=tmp_path / "bundle", capture_output=True, text=True, check=True)
    assert json.loads(done.stdout) == [schema.model_entry(AISA, AISA.describe(i), "2026.9.6") for i in ids]


def test_package_json_pins_no_plugin_api(tmp_path):
    generated(tmp_path)
    package = json.loads((tmp_path / "bundle" / "package.json").read_text())
    assert package["type"] == "module" and package["openclaw"] == {"extensions": ["./index.js"], "providers": ["aisa"]}
    assert "compat" not in package["openclaw"]


# --- in the real OpenClaw ----------------------------------------------------------------------


@pytest.fixture
def shim(openclaw, home) -> dict[str, str]:
    """An `openclaw` command on PATH running the pinned version, as a user's install would be."""
    bin_dir = home / "bin"
    bin_dir.mkdir()
    command = bin_dir / "openclaw"
    command.write_text(f"#!/bin/sh\nexec '{openclaw.node}' '{openclaw.entry}' \"$@\"\n")
    command.chmod(0o755)
    return {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}


def plugins_row(openclaw, home) -> dict | None:
    code, listing = openclaw.json("plugins", "list", "--json", home=home)
    rows = listing.get("plugins", []) if isinstance(listing, dict) else listing
    return next((r for r in rows if r.get("id") == "aisa"), None)


@pytest.mark.openclaw
def test_plugin_install_makes_openclaw_itself_know_aisa(openclaw, our_cli, home, shim):
    done = our_cli("plugin", "install", "--json", **shim)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["openclaw_version"] == openclaw.version and report["status"] == "loaded"
    row = plugins_row(openclaw, home)
    assert row["enabled"] is True and row["status"] == "loaded"
    help_text = openclaw.run("onboard", "--help", home=home).stdout
    assert "aisa-api-key" in help_text and "--aisa-api-key" in help_text
    status = json.loads(our_cli("plugin", "status", "--json", **shim).stdout)
    assert status["installed"] and status["status"] == "loaded" and status["current"]


@pytest.mark.openclaw
def test_plugin_uninstall_leaves_no_loaded_plugin_and_a_valid_config(openclaw, our_cli, home, shim):
    assert our_cli("plugin", "install", **shim).returncode == 0
    done = our_cli("plugin", "uninstall", "--non-interactive", **shim)
    assert done.returncode == 0, done.stderr
    row = plugins_row(openclaw, home)
    assert row is None or row.get("status") != "loaded"
    assert not (home / ".openclaw" / "extensions" / "aisa").exists()
    assert openclaw.validate(home)["valid"]
    assert json.loads(our_cli("plugin", "status", "--json", **shim).stdout)["status"] != "loaded"


def test_plugin_commands_without_openclaw_name_the_flag(run, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    result = run("plugin", "install")
    assert result.code == 2 and "--openclaw PATH" in result.err


def test_onboard_without_openclaw_says_how_to_add_the_plugin_later(run, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    result = run("onboard", "--non-interactive", "--aisa-api-key", KEY)
    assert result.code == 0 and "no openclaw command found" in result.out and "openclaw-aisa plugin install" in result.out
    assert "skipped (--no-plugin)" in run("onboard", "--non-interactive", "--aisa-api-key", KEY, "--no-plugin").out


@pytest.mark.openclaw
def test_onboard_installs_the_plugin_and_remove_uninstalls_it(openclaw, our_cli, home, shim):
    from .conftest import write_json

    config = write_json(home / ".openclaw" / "openclaw.json", {"agents": {"defaults": {"model": {"primary": "anthropic/claude-opus-4-6"}}}})
    done = our_cli("onboard", "--non-interactive", "--aisa-api-key", KEY, "--json", **shim)
    assert done.returncode == 0, done.stderr
    plugin = json.loads(done.stdout)["plugin"]
    assert plugin["installed"] and plugin["openclaw_version"] == openclaw.version and plugin["status"] == "loaded"
    assert plugins_row(openclaw, home)["status"] == "loaded"
    assert openclaw.validate(home)["valid"]
    removed = our_cli("remove", "--non-interactive", **shim)
    assert removed.returncode == 0, removed.stderr
    row = plugins_row(openclaw, home)
    assert row is None or row.get("status") != "loaded"
    assert openclaw.validate(home)["valid"]
    assert json.loads(config.read_text())["agents"]["defaults"]["model"]["primary"] == "anthropic/claude-opus-4-6"


def agent_turn(openclaw, our_cli, home: Path, ref: str, env: dict | None = None, use_our_set: bool = True) -> dict:
    """One agent turn with `ref` (3.31's `agent` has no --model: the primary is set first)."""
    if openclaw.version == "2026.9.6":
        (home / "work").mkdir(exist_ok=True)
        code, out = openclaw.json("agent", "exec", "hi", "--model", ref, "--json", "--cwd", str(home / "work"), home=home, env=env)
    elif openclaw.version == "2026.5.28":
        code, out = openclaw.json("agent", "--local", "--agent", "main", "--message", "hi", "--model", ref, "--json", home=home, env=env)
    else:
        assert openclaw.run("models", "set", ref, home=home, env=env).returncode == 0
        code, out = openclaw.json("agent", "--local", "--agent", "main", "--message", "hi", "--json", home=home, env=env)
    assert code == 0, out
    return out


@pytest.mark.openclaw
def test_openclaws_own_onboarding_with_the_plugin_makes_every_catalogue_model_usable(openclaw, our_cli, home, shim, fake_aisa):
    assert our_cli("plugin", "install", "--base-url", fake_aisa.base_url, **shim).returncode == 0
    done = openclaw.run(
        "onboard", "--non-interactive", "--accept-risk", "--skip-health", "--auth-choice", "aisa-api-key", "--aisa-api-key", KEY, home=home
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert openclaw.validate(home)["valid"]
    listed = openclaw.aisa_models(home)
    chat_refs = {AISA.ref(m.id) for m in AISA.models if not m.is_translation}
    assert chat_refs <= set(listed)
    assert [ref for ref, tags in listed.items() if "default" in tags] == [AISA.ref(AISA.default_model)]
    assert not any("missing" in tags for tags in listed.values())
    for model in ("kimi-k2.5", "deepseek-v3.1"):
        agent_turn(openclaw, our_cli, home, f"aisa/{model}")
        request = fake_aisa.chat_requests()[-1]
        assert request.json["model"] == model
        assert request.headers["authorization"] == f"Bearer {KEY}"


@pytest.mark.openclaw
def test_an_exported_key_alone_works_and_is_stored_in_no_file(openclaw, our_cli, home, shim, fake_aisa):
    exported = {"AISA_API_KEY": KEY}
    done = our_cli("onboard", "--non-interactive", "--base-url", fake_aisa.base_url, **shim, **exported)
    assert done.returncode == 0, done.stderr
    agent_turn(openclaw, our_cli, home, "aisa/kimi-k2.5", env=exported)
    assert fake_aisa.chat_requests()[-1].headers["authorization"] == f"Bearer {KEY}"
    holders = [p for p in home.rglob("*") if p.is_file() and KEY.encode() in p.read_bytes()]
    assert holders == [], f"the key was written to {holders}"


@pytest.mark.openclaw
def test_openclaws_interactive_onboarding_asks_for_the_aisa_key_and_accepts_it(openclaw, our_cli, home, shim):
    """On a terminal (9.6): the first-run questions get their defaults, then the AIsa key prompt takes a key."""
    import pexpect

    from .realclaw import sandbox_env

    if openclaw.version != "2026.9.6":
        pytest.skip("the interactive path is checked on 2026.9.6")
    assert our_cli("plugin", "install", **shim).returncode == 0
    env = sandbox_env(home, TERM="xterm-256color", PATH=f"{openclaw.node.parent}{os.pathsep}{os.environ['PATH']}")
    # Generous, for a loaded CI machine; it only bounds a hang: every answer waits for its prompt's text.
    child = pexpect.spawn(
        str(openclaw.node),
        [str(openclaw.entry), "onboard", "--auth-choice", "aisa-api-key"],
        cwd=str(home),
        env=env,
        encoding="utf-8",
        dimensions=(60, 200),
        timeout=300,
    )
    try:
        # Each answer goes only once its prompt is active ("◆": the submitted copy is "◇" and a note title
        # can repeat the question) and has drawn the default the answer takes (the empty-input mark "_" for the key).
        for prompt, answer in [
            (r"◆  I understand this is personal-by-default.*Continue\?\r\n│  ● Yes\r\n", "\r"),
            (r"◆  Help make OpenClaw better\?\r\n│  ● No thanks\r\n", "\r"),
            (r"◆  Setup mode\r\n│  ● QuickStart", "\r"),
            (r"◆  What should we call your first agent\?\r\n│  main", "\r"),
            (r"◆  Enter AIsa API key\r\n│  _", KEY + "\r"),
        ]:
            child.expect(prompt)
            child.send(answer)
        child.expect(r"Test AI access now")  # the next step: the key was taken
    finally:
        child.sendcontrol("c")
        child.close(force=True)


@pytest.mark.openclaw
def test_plugin_uninstall_after_native_onboarding_leaves_nothing_dangling(openclaw, our_cli, home, shim):
    from .conftest import read_json

    assert our_cli("plugin", "install", **shim).returncode == 0
    done = openclaw.run(
        "onboard", "--non-interactive", "--accept-risk", "--skip-health", "--auth-choice", "aisa-api-key", "--aisa-api-key", KEY, home=home
    )
    assert done.returncode == 0, done.stderr
    refused = our_cli("plugin", "uninstall", "--non-interactive", **shim)
    assert refused.returncode == 2 and "--primary" in refused.stderr
    gone = our_cli("plugin", "uninstall", "--non-interactive", "--primary", "anthropic/claude-opus-4-6", "--json", **shim)
    assert gone.returncode == 0, gone.stderr
    report = json.loads(gone.stdout)["done"]
    config = read_json(home / ".openclaw" / "openclaw.json")
    assert config["agents"]["defaults"]["model"]["primary"] == "anthropic/claude-opus-4-6"
    assert not [k for k in config["agents"]["defaults"].get("models", {}) if k.startswith("aisa/")]
    assert "aisa" not in config.get("models", {}).get("providers", {})
    assert openclaw.validate(home)["valid"]
    row = plugins_row(openclaw, home)
    assert row is None or row.get("status") != "loaded"
    if openclaw.version == "2026.9.6":
        assert any("models auth logout aisa:default" in line for line in report)
        _, profiles = openclaw.json("models", "auth", "list", "--json", home=home)
        assert "aisa:" not in json.dumps(profiles)
    elif openclaw.version == "2026.5.28":
        assert any("infer model auth logout --provider aisa" in line for line in report)
    else:  # 3.31 has no command for it: the provider's entries leave its auth-profiles.json
        assert any(line.startswith("removed aisa:default from") for line in report)
    from openclaw_aisa.adapters import profiles as stored

    assert stored.stored(home / ".openclaw", config, "aisa") == [], "OpenClaw still holds the key its onboarding stored"


@pytest.mark.openclaw
def test_plugin_install_upgrades_an_older_bundle(openclaw, our_cli, home, shim, tmp_path):
    """An older bundle, as a previous openclaw-aisa installed it, is replaced (3.31 has no --force)."""
    host = load_host()
    old = bundle.write_bundle(tmp_path / "old" / "aisa", AISA, list(host.auth_choices.values()), "0.0.1")
    flags = (
        ["--force", "--accept-capabilities"] if openclaw.version == "2026.9.6" else ["--force"] if openclaw.version == "2026.5.28" else []
    )
    assert openclaw.run("plugins", "install", str(old), *flags, home=home).returncode == 0
    assert plugins_row(openclaw, home)["version"] == "0.0.1"
    before = json.loads(our_cli("plugin", "status", "--json", **shim).stdout)
    assert before["installed_version"] == "0.0.1" and not before["current"]
    done = our_cli("plugin", "install", **shim)
    assert done.returncode == 0, done.stderr
    row = plugins_row(openclaw, home)
    assert row["version"] == CATALOG.plugin.version and row["status"] == "loaded"
    assert json.loads(our_cli("plugin", "status", "--json", **shim).stdout)["current"]
