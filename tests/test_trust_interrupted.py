"""An onboarding stopped between its two writes (the `.env`, then the config): Ctrl-C puts the `.env`
back; a kill leaves a journal entry that the next onboarding and `remove` read and act on."""

from __future__ import annotations

import json
import subprocess
import sys

from openclaw_aisa.adapters import store

from .conftest import KEY, OTHER_KEY, read_json, write_json
from .realclaw import sandbox_env

ONBOARD = ("onboard", "--aisa-api-key", KEY, "--non-interactive", "--no-plugin")
USERS = {"gateway": {"port": 18789}, "agents": {"defaults": {"model": {"primary": "openai/gpt-5"}}}}


def journal(tmp_path) -> dict:
    path = tmp_path / "xdg-state" / "openclaw-aisa" / "onboarding.json"
    return json.loads(path.read_text()) if path.exists() else {}


def test_ctrl_c_between_the_dotenv_and_the_config_leaves_both_as_they_were(run, state_dir, config_path, monkeypatch, tmp_path):
    write_json(config_path, USERS)
    (state_dir / ".env").write_bytes(b"OTHER=1\r\n")
    before = {p.name: p.read_bytes() for p in state_dir.iterdir()}

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(store, "write_config", interrupted)
    result = run(*ONBOARD)
    assert result.code == 130 and "nothing more was written" in result.err
    assert {p.name: p.read_bytes() for p in state_dir.iterdir()} == before
    assert journal(tmp_path) == {}


def killed_onboarding(home, key: str) -> subprocess.CompletedProcess:
    """Our onboarding, killed (as by SIGKILL: no cleanup runs) the moment it starts writing the config."""
    code = (
        "import os, sys\n"
        "from openclaw_aisa.adapters import store\n"
        "store.write_config = lambda *a, **k: os._exit(137)\n"
        "from openclaw_aisa import cli\n"
        "sys.exit(cli.main(sys.argv[1:]))\n"
    )
    argv = ["onboard", "--aisa-api-key", key, "--non-interactive", "--no-plugin"]
    env = sandbox_env(home, XDG_STATE_HOME=str(home.parent / "xdg-state"))  # the journal the in-process runs read
    return subprocess.run([sys.executable, "-c", code, *argv], env=env, capture_output=True, text=True)


def test_a_killed_onboarding_is_finished_by_the_next_one_which_says_so(run, home, state_dir, config_path, tmp_path):
    write_json(config_path, USERS)
    assert killed_onboarding(home, KEY).returncode == 137
    assert f"AISA_API_KEY={KEY}" in (state_dir / ".env").read_text() and read_json(config_path) == USERS
    assert any(k.endswith("#aisa#pending") for k in journal(tmp_path)), "the kill must be visible to the next run"
    again = run(*ONBOARD)
    assert again.code == 0 and "stopped after it saved AISA_API_KEY" in again.err
    assert "aisa" in read_json(config_path)["models"]["providers"]
    assert not any(k.endswith("#pending") for k in journal(tmp_path))


def test_remove_after_a_killed_onboarding_takes_back_the_key_it_saved(run, home, state_dir, config_path, tmp_path):
    write_json(config_path, USERS)
    (state_dir / ".env").write_text("OTHER=1\n")
    assert killed_onboarding(home, KEY).returncode == 137
    result = run("remove", "--no-plugin", "--non-interactive")
    assert result.code == 0, result.err
    assert (state_dir / ".env").read_text() == "OTHER=1\n" and "AISA_API_KEY" in result.out
    assert read_json(config_path) == USERS and journal(tmp_path) == {}


def test_remove_after_a_killed_onboarding_that_replaced_a_key_keeps_it_and_says_where_the_old_one_is(
    run, home, state_dir, config_path, tmp_path
):
    write_json(config_path, USERS)
    (state_dir / ".env").write_text(f"AISA_API_KEY={OTHER_KEY}\n")
    assert killed_onboarding(home, KEY).returncode == 137
    result = run("remove", "--no-plugin", "--non-interactive")
    assert result.code == 0, result.err
    assert ".env.bak" in result.out and (state_dir / ".env.bak").read_text() == f"AISA_API_KEY={OTHER_KEY}\n"
