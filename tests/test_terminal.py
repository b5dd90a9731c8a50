"""On a terminal the key is asked for, hidden; without one, nothing waits for input."""

from __future__ import annotations

import sys

import pexpect

from .conftest import KEY, read_json, write_json
from .realclaw import sandbox_env


def spawn(home, *argv, **extra):
    return pexpect.spawn(sys.executable, ["-m", "openclaw_aisa", *argv], env=sandbox_env(home, **extra), encoding="utf-8", timeout=20)


def test_the_key_prompt_is_hidden_and_the_key_is_saved(home):
    child = spawn(home, "onboard")
    child.expect("Enter AIsa API key")
    child.sendline(KEY)
    child.expect(pexpect.EOF)
    transcript = child.before
    child.close()
    assert child.exitstatus == 0, transcript
    assert KEY not in transcript  # not echoed, not printed
    assert "from prompt" in transcript
    assert (home / ".openclaw" / ".env").read_text() == f"AISA_API_KEY={KEY}\n"


def test_a_key_from_the_environment_is_saved_when_the_user_says_yes(home):
    child = spawn(home, "onboard", AISA_API_KEY=KEY)
    child.expect(r"Save the key to .*\.env .*\[y/N\]")
    child.sendline("y")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert (home / ".openclaw" / ".env").read_text() == f"AISA_API_KEY={KEY}\n"


def test_non_interactive_on_a_terminal_never_prompts(home):
    child = spawn(home, "onboard", "--non-interactive")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 2
    assert "pass --aisa-api-key KEY" in child.before
    assert not (home / ".openclaw").exists()


def test_remove_asks_what_replaces_a_primary_the_user_chose(home):
    config = write_json(home / ".openclaw" / "openclaw.json", {"agents": {"defaults": {"model": {"primary": "anthropic/claude-opus-4-6"}}}})
    first = spawn(home, "onboard", "--aisa-api-key", KEY, "--primary", "aisa/kimi-k2.5")
    first.expect(pexpect.EOF)
    # the user replaced their primary with an AIsa model on purpose, so remove must ask
    data = read_json(config)
    assert data["agents"]["defaults"]["model"]["primary"] == "aisa/kimi-k2.5"
    child = spawn(home, "remove")
    child.expect("Which model should replace it")
    child.sendline("openai/gpt-5")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    assert read_json(config)["agents"]["defaults"]["model"]["primary"] == "openai/gpt-5"


def test_onboard_on_a_terminal_says_each_slow_step_as_it_starts(home, fake_aisa):
    """The key check is announced before it runs (a person sees it at once); `--json` adds no such line."""
    argv = ("onboard", "--non-interactive", "--aisa-api-key", KEY, "--base-url", fake_aisa.base_url, "--no-plugin")
    child = spawn(home, *argv, OPENCLAW_AISA_OFFLINE=None)
    child.expect("… Checking the key sk-aisa-…")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    quiet = spawn(home, *argv, "--json", OPENCLAW_AISA_OFFLINE=None)
    quiet.expect(pexpect.EOF)
    quiet.close()
    assert quiet.exitstatus == 0 and quiet.before.lstrip().startswith("{")
    assert not [line for line in quiet.before.splitlines() if line.startswith("… ")]


def test_on_a_terminal_the_primary_is_picked_from_what_the_key_can_use(home, fake_aisa):
    argv = ("onboard", "--aisa-api-key", KEY, "--base-url", fake_aisa.base_url, "--no-plugin")
    child = spawn(home, *argv, OPENCLAW_AISA_OFFLINE=None)
    child.expect(r"Number or model \[aisa/qwen3-max\]")
    menu = child.before
    assert "aisa/kimi-k2.5" in menu and "aisa/qwen-mt-flash" not in menu  # chat models only, no translation model
    number = next(line.split(".")[0].strip() for line in menu.splitlines() if "aisa/kimi-k2.5" in line)
    child.sendline(number)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    assert read_json(home / ".openclaw" / "openclaw.json")["agents"]["defaults"]["model"]["primary"] == "aisa/kimi-k2.5"


def test_on_a_terminal_enter_keeps_the_users_own_primary(home, fake_aisa):
    config = write_json(home / ".openclaw" / "openclaw.json", {"agents": {"defaults": {"model": {"primary": "anthropic/claude-opus-4-6"}}}})
    child = spawn(home, "onboard", "--aisa-api-key", KEY, "--base-url", fake_aisa.base_url, "--no-plugin", OPENCLAW_AISA_OFFLINE=None)
    child.expect(r"Number or model \[anthropic/claude-opus-4-6\]")
    child.sendline("")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    assert read_json(config)["agents"]["defaults"]["model"]["primary"] == "anthropic/claude-opus-4-6"


def test_a_key_in_the_configs_env_block_is_moved_to_the_dotenv_when_the_user_says_yes(home):
    """AIsa's guide puts the key in the config's env block: onboarding finds it there and offers to move it."""
    config = write_json(home / ".openclaw" / "openclaw.json", {"env": {"AISA_API_KEY": KEY}})
    child = spawn(home, "onboard", "--no-plugin")
    child.expect(r"Save the key to .*\.env \(0600\) out of the config's env block\? \[y/N\]")
    child.sendline("y")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    assert "from config env" in child.before
    assert KEY not in config.read_text() and "env" not in read_json(config)
    assert (home / ".openclaw" / ".env").read_text() == f"AISA_API_KEY={KEY}\n"
