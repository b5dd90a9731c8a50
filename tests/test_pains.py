"""What OpenClaw users of a gateway trip over, judged by the real OpenClaw (2026.3.31, 5.28, 9.6): each
pain as a user's config (tests/fixtures/pains/), what `doctor` says about it, and the config after
`doctor --fix` or `onboard`: valid, with the user's primary, fallbacks and other providers kept."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from openclaw_aisa.adapters.store import parse

from .conftest import KEY, read_json
from .test_native import agent_turn, plugins_row, shim  # noqa: F401  (shim is a fixture)

pytestmark = pytest.mark.openclaw
PAINS = Path(__file__).parent / "fixtures" / "pains"
THEIRS = {"OPENROUTER_API_KEY": "sk-or-v1-test"}  # the user's other provider has its key exported
GUIDE_ROWS = ("gpt-5.4-mini", "kimi-k2.5", "claude-opus-4-8", "gemini-3.5-flash", "deepseek-v4-flash", "qwen3.7-max", "MiniMax-M3", "glm-5")


def place(home: Path, fixture: str, base_url: str | None = None) -> dict:
    """The fixture as the user's config (the key placeholder filled in); its parsed form."""
    state = home / ".openclaw"
    state.mkdir(mode=0o700, exist_ok=True)
    text = (PAINS / fixture).read_text().replace("KEY-PLACEHOLDER", KEY)
    if base_url:
        text = text.replace("https://api.aisa.one/v1", base_url)
    (state / "openclaw.json").write_text(text)
    (state / "openclaw.json").chmod(0o600)
    return parse(text.encode(), state / "openclaw.json")[0]


def doctor(our_cli, openclaw, *flags: str, **env: str) -> tuple[int, dict]:
    done = our_cli("doctor", "--json", "--openclaw-version", openclaw.version, *flags, **env)
    return done.returncode, json.loads(done.stdout)


def checks(report: dict, key: str = "findings") -> set[str]:
    return {f["check"] for f in report[key] or []}


def key_holders(home: Path) -> list[Path]:
    return [p for p in home.rglob("*") if p.is_file() and KEY.encode() in p.read_bytes()]


def assert_users_setup_kept(before: dict, after: dict) -> None:
    assert after["agents"]["defaults"]["model"]["primary"] == before["agents"]["defaults"]["model"]["primary"]
    assert after["agents"]["defaults"]["model"].get("fallbacks") == before["agents"]["defaults"]["model"].get("fallbacks")
    assert after["models"]["providers"]["openrouter"] == before["models"]["providers"]["openrouter"]


def test_aisas_guide_block_is_onboarded_from_the_key_in_its_env_block(openclaw, our_cli, home):
    """Pain 1: the guide's block (flat env key, rows with id and name only) refused by 9.6; `onboard` finds
    the key where the guide put it, moves it to .env, and fills the rows."""
    before = place(home, "aisa-guide-autumn-2026.json5")
    assert openclaw.validate(home, env=THEIRS)["valid"] is (openclaw.version != "2026.9.6")
    code, report = doctor(our_cli, openclaw, "--offline")
    assert {"key.flat-env", "block.sparse", "key.plaintext"} <= checks(report)
    assert code == (1 if openclaw.version == "2026.9.6" else 0)  # an error only where OpenClaw refuses the file

    done = our_cli("onboard", "--non-interactive", "--persist-key", "--no-plugin", "--openclaw-version", openclaw.version, "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["key"]["source"] == "config env" and result["key"]["stored"].endswith(".env")
    config_path = home / ".openclaw" / "openclaw.json"
    assert KEY not in config_path.read_text()  # the secret left the config
    assert f"AISA_API_KEY={KEY}" in (home / ".openclaw" / ".env").read_text()
    assert openclaw.validate(home, env=THEIRS)["valid"]
    after = read_json(config_path)
    assert_users_setup_kept(before, after)
    rows = {m["id"]: m for m in after["models"]["providers"]["aisa"]["models"]}
    assert set(GUIDE_ROWS) <= set(rows)
    assert rows["kimi-k2.5"]["maxTokens"] == 32768 and rows["gpt-5.4-mini"]["compat"]["maxTokensField"] == "max_completion_tokens"
    assert {f"aisa/{i}" for i in GUIDE_ROWS} <= set(openclaw.aisa_models(home, env=THEIRS))
    code, report = doctor(our_cli, openclaw, "--offline")
    assert code == 0 and not {"key.flat-env", "block.sparse", "key.plaintext"} & checks(report)


def test_aisas_guide_block_is_repaired_by_doctor_fix(openclaw, our_cli, home):
    """Pain 1, the other way: `doctor --fix` alone makes the guide's block valid everywhere."""
    before = place(home, "aisa-guide-autumn-2026.json5")
    code, report = doctor(our_cli, openclaw, "--offline", "--fix")
    assert code == 0, report["remaining"]
    assert {"key.flat-env", "block.sparse"} <= checks(report) and not {"key.flat-env", "block.sparse"} & checks(report, "remaining")
    assert "key.plaintext" in checks(report, "remaining")  # env.vars still holds it: moving a secret is onboard's, asked
    assert openclaw.validate(home, env=THEIRS)["valid"]
    after = read_json(home / ".openclaw" / "openclaw.json")
    assert_users_setup_kept(before, after)
    assert after["env"] == {"vars": {"AISA_API_KEY": KEY}}


def test_the_guides_profile_pointer_is_replaced_and_turns_then_send_the_key(openclaw, our_cli, home, fake_aisa):
    """Pain 1, the guide's variant: `"apiKey": "auth:aisa:default"` after an `openclaw auth set` that does not exist."""
    before = place(home, "guide-profile-pointer.json5", base_url=fake_aisa.base_url)
    dotenv = home / ".openclaw" / ".env"
    dotenv.write_text(f"AISA_API_KEY={KEY}\n")
    dotenv.chmod(0o600)
    code, report = doctor(our_cli, openclaw, "--offline")
    pointer = next(f for f in report["findings"] if f["check"] == "key.pointer")
    assert code == 1 and pointer["level"] == "error" and "openclaw auth set" in pointer["message"] and pointer["fixable"]
    code, report = doctor(our_cli, openclaw, "--offline", "--fix")
    assert code == 0, report["remaining"]
    assert openclaw.validate(home, env=THEIRS)["valid"]
    after = read_json(home / ".openclaw" / "openclaw.json")
    assert_users_setup_kept(before, after)
    assert after["models"]["providers"]["aisa"]["apiKey"] != "auth:aisa:default"
    agent_turn(openclaw, our_cli, home, "aisa/kimi-k2.5", env=THEIRS)
    assert fake_aisa.chat_requests()[-1].headers["authorization"] == f"Bearer {KEY}"


def test_an_exclusive_plugins_allow_gets_aisa_on_install_and_doctor_finds_it_removed(openclaw, our_cli, home, shim):  # noqa: F811
    """Pain 4: `plugins.allow` without aisa silently disables the native plugin (OpenClaw issue #121750)."""
    before = place(home, "plugins-allow.json5")
    done = our_cli("plugin", "install", "--json", **shim)
    assert done.returncode == 0, done.stderr
    assert "plugins.allow" in json.loads(done.stdout)["allowed"]
    config_path = home / ".openclaw" / "openclaw.json"
    assert read_json(config_path)["plugins"]["allow"] == ["memory-core", "aisa"]
    assert (plugins_row(openclaw, home) or {}).get("status") == "loaded"

    config = read_json(config_path)
    config["plugins"]["allow"] = ["memory-core"]  # the user (or a tool) writes the list again without aisa
    config_path.write_text(json.dumps(config))
    assert (plugins_row(openclaw, home) or {}).get("status") != "loaded"
    code, report = doctor(our_cli, openclaw, "--offline", **shim)
    assert "plugin.blocked" in checks(report)
    code, report = doctor(our_cli, openclaw, "--offline", "--fix", **shim)
    assert "plugin.blocked" not in checks(report, "remaining")
    assert (plugins_row(openclaw, home) or {}).get("status") == "loaded"
    assert openclaw.validate(home, env=THEIRS)["valid"]
    after = read_json(config_path)  # (3.31's own plugin install adds agents.defaults.compaction: OpenClaw's, not ours)
    assert after["agents"]["defaults"]["model"] == before["agents"]["defaults"]["model"]
    assert after["models"]["providers"]["openrouter"] == before["models"]["providers"]["openrouter"]


def test_fallbacks_and_aliases_join_the_users_own_and_kimi_reaches_aisa(openclaw, our_cli, home, fake_aisa):
    """Pain 6: `onboard --fallbacks` after the user's fallbacks; `/model kimi` from the catalogue's shorthand,
    written into the user's existing allowlist; their alias "opus" stays theirs."""
    before = place(home, "aliases-fallbacks.json5")
    assert openclaw.validate(home, env=THEIRS)["valid"]
    done = our_cli(
        "onboard", "--non-interactive", "--aisa-api-key", KEY, "--base-url", fake_aisa.base_url, "--no-plugin",
        "--openclaw-version", openclaw.version, "--fallbacks", "aisa/deepseek-v4-flash,aisa/glm-5", "--skip-validation",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert openclaw.validate(home, env=THEIRS)["valid"]
    after = read_json(home / ".openclaw" / "openclaw.json")
    model = after["agents"]["defaults"]["model"]
    assert model == {"primary": "anthropic/claude-opus-4-6", "fallbacks": ["openai/gpt-5", "aisa/deepseek-v4-flash", "aisa/glm-5"]}
    allow = after["agents"]["defaults"]["models"]
    assert allow["anthropic/claude-opus-4-6"] == {"alias": "opus"} and allow["openai/gpt-5"] == {"alias": "gpt"}
    assert allow["aisa/kimi-k2.5"] == {"alias": "kimi"} and "alias" not in allow["aisa/claude-opus-4-8"]
    assert after["models"]["providers"]["openrouter"] == before["models"]["providers"]["openrouter"]
    env = {**THEIRS, "AISA_API_KEY": KEY}
    if openclaw.version == "2026.5.28":  # its `agent --model` takes no alias ("anthropic/kimi"); `models set` and /model do
        assert openclaw.run("models", "set", "kimi", home=home, env=env).returncode == 0
        assert read_json(home / ".openclaw" / "openclaw.json")["agents"]["defaults"]["model"]["primary"] == "aisa/kimi-k2.5"
        agent_turn(openclaw, our_cli, home, "aisa/kimi-k2.5", env=env)
    else:
        agent_turn(openclaw, our_cli, home, "kimi", env=env)
    assert fake_aisa.chat_requests()[-1].json["model"] == "kimi-k2.5"


def test_a_base_url_without_v1_is_found_online_and_fixed_and_turns_then_reach_aisa(openclaw, our_cli, home, fake_aisa):
    """Pain 7: a baseUrl that lost its /v1; doctor (online) tries the key there and with /v1, and --fix sets it."""
    before = place(home, "base-url-without-v1.json5")
    config_path = home / ".openclaw" / "openclaw.json"
    config_path.write_text(config_path.read_text().replace("https://api.aisa.one", fake_aisa.base_url.removesuffix("/v1")))
    online = {"OPENCLAW_AISA_OFFLINE": None, "AISA_API_KEY": KEY}
    code, report = doctor(our_cli, openclaw, **online)
    assert code == 1 and "block.base-url" in checks(report)
    code, report = doctor(our_cli, openclaw, "--fix", **online)
    assert code == 0, report["remaining"]
    after = read_json(config_path)
    assert after["models"]["providers"]["aisa"]["baseUrl"] == fake_aisa.base_url
    assert openclaw.validate(home, env=THEIRS)["valid"]
    assert_users_setup_kept(before, after)
    agent_turn(openclaw, our_cli, home, "aisa/kimi-k2.5", env={**THEIRS, "AISA_API_KEY": KEY})
    assert fake_aisa.chat_requests()[-1].path == "/v1/chat/completions"


def test_a_key_only_in_the_shell_is_found_and_then_a_process_without_it_still_sends_it(openclaw, our_cli, home, fake_aisa):
    """Pain 2: the Gateway service reads its own environment and the state dir's .env, not the shell's."""
    exported = {"AISA_API_KEY": KEY}
    done = our_cli("onboard", "--non-interactive", "--base-url", fake_aisa.base_url, "--no-plugin", "--skip-validation", **exported)
    assert done.returncode == 0, done.stderr
    code, report = doctor(our_cli, openclaw, "--offline", **exported)
    assert "key.env-only" in checks(report)
    assert our_cli("onboard", "--non-interactive", "--persist-key", "--no-plugin", "--skip-validation", **exported).returncode == 0
    code, report = doctor(our_cli, openclaw, "--offline", **exported)
    assert "key.env-only" not in checks(report)
    assert openclaw.validate(home)["valid"]
    agent_turn(openclaw, our_cli, home, "aisa/kimi-k2.5")  # no AISA_API_KEY in this process: as the Gateway service starts
    assert fake_aisa.chat_requests()[-1].headers["authorization"] == f"Bearer {KEY}"


def test_a_key_inline_in_the_config_is_reported_masked_and_onboarding_moves_it_out(openclaw, our_cli, home):
    """Pain 3: the key inline in apiKey: doctor says so (masked); onboarding with the key moves it to .env."""
    before = place(home, "inline-key.json5")
    openclaw.aisa_models(home, env=THEIRS)  # OpenClaw writes what it resolved to agents/main/agent/models.json (3.31 here)
    copied = [p for p in key_holders(home) if p.name == "models.json"]
    code, report = doctor(our_cli, openclaw, "--offline")
    [plain] = [f for f in report["findings"] if f["check"] == "key.plaintext"]
    assert "sk-aisa-…TEST" in plain["message"] and "--secret-input-mode ref" in plain["fix"]
    assert {f["path"] for f in report["findings"] if f["check"] == "key.copied"} == {str(p) for p in copied}
    done = our_cli("onboard", "--non-interactive", "--aisa-api-key", KEY, "--no-plugin", "--openclaw-version", openclaw.version)
    assert done.returncode == 0, done.stderr
    config_path = home / ".openclaw" / "openclaw.json"
    assert KEY not in config_path.read_text()
    code, report = doctor(our_cli, openclaw, "--offline", "--fix")
    assert "key.plaintext" not in checks(report, "remaining") and "key.copied" not in checks(report, "remaining")
    assert openclaw.validate(home, env=THEIRS)["valid"]
    assert_users_setup_kept(before, read_json(config_path))
    openclaw.aisa_models(home, env=THEIRS)  # and OpenClaw does not put it back
    holders = key_holders(home)
    backups = [p for p in holders if ".bak" in p.name]  # the user's own earlier config, kept as the backup it is (0600)
    assert [p.name for p in holders if p not in backups] == [".env"]
    assert all(p.stat().st_mode & 0o077 == 0 for p in backups)


def test_detect_names_the_key_file_each_openclaw_reads_and_a_turn_sends_that_key(openclaw, our_cli, home, shim, fake_aisa):  # noqa: F811
    """Pain 2, every place: a key in the working directory's .env (3.31 reads it; 5.28 and later ignore a key an
    installed plugin declares there) and another in ~/.config/openclaw/gateway.env (5.28 and later read it last)."""
    import subprocess
    import sys

    from .conftest import OTHER_KEY
    from .realclaw import sandbox_env

    fake_aisa.key = None  # any key is accepted: the test is which one arrives
    assert our_cli("plugin", "install", "--base-url", fake_aisa.base_url, **shim).returncode == 0
    done = our_cli("onboard", "--non-interactive", "--aisa-api-key", KEY, "--base-url", fake_aisa.base_url, "--skip-validation", **shim)
    assert done.returncode == 0, done.stderr
    (home / ".openclaw" / ".env").unlink()  # the key now lives only in the two files below
    (home / ".env").write_text(f"AISA_API_KEY={KEY}\n")  # OpenClaw runs in `home` here: its working directory
    gateway_env = home / ".config" / "openclaw" / "gateway.env"
    gateway_env.parent.mkdir(parents=True, exist_ok=True)
    gateway_env.write_text(f"AISA_API_KEY={OTHER_KEY}\n")
    detected = subprocess.run(
        [sys.executable, "-m", "openclaw_aisa", "detect", "--json"], env=sandbox_env(home, **shim), cwd=home, capture_output=True, text=True
    )
    used = [c["source"] for c in json.loads(detected.stdout)["providers"][0]["credentials"] if c["used_by_openclaw"]]
    expected = ("cwd .env", KEY) if openclaw.version == "2026.3.31" else ("gateway.env", OTHER_KEY)
    assert used == [expected[0]]
    agent_turn(openclaw, our_cli, home, "aisa/kimi-k2.5")
    assert fake_aisa.chat_requests()[-1].headers["authorization"] == f"Bearer {expected[1]}"
