"""Every test runs in a sandbox: HOME, XDG dirs and OpenClaw's variables point into tmp_path."""

from __future__ import annotations

import io
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from openclaw_aisa import cli

# A key long enough that its mask shows the last four characters: tests check it never appears whole.
KEY = "sk-aisa-0123456789abcdefghijTEST"
OTHER_KEY = "sk-aisa-zyxwvutsrqponmlkjihgOTHR"
SCRUBBED = (
    "OPENCLAW_CONFIG_PATH",
    "OPENCLAW_STATE_DIR",
    "OPENCLAW_HOME",
    "OPENCLAW_PROFILE",
    "OPENCLAW_CONFIG_READONLY",
    "AISA_API_KEY",
    "OPENCLAW_AISA_DISABLE_PLUGINS",
)


@pytest.fixture(autouse=True)
def sandbox(tmp_path, monkeypatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    for var in SCRUBBED:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setenv("OPENCLAW_AISA_OFFLINE", "1")  # tests that talk to the fake AIsa unset it
    return home


@pytest.fixture
def home(sandbox) -> Path:
    return sandbox


@pytest.fixture
def state_dir(home) -> Path:
    return home / ".openclaw"


@pytest.fixture
def config_path(state_dir) -> Path:
    return state_dir / "openclaw.json"


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def json(self):
        return json.loads(self.out)


@pytest.fixture
def run(capsys, monkeypatch):
    """Run the CLI in-process with stdin not a terminal; no output may contain a test key."""

    def _run(*argv: str, stdin: str = "") -> Result:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        code = cli.main(list(argv))
        captured = capsys.readouterr()
        for secret in (KEY, OTHER_KEY):
            assert secret not in captured.out and secret not in captured.err, "a key leaked into the output"
        return Result(code, captured.out, captured.err)

    return _run


def write_json(path: Path, data) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n")
    return path


def read_json(path: Path):
    return json.loads(path.read_text())


def mode(path: Path) -> int:
    return os.stat(path).st_mode & 0o777


@pytest.fixture(params=__import__("tests.realclaw", fromlist=["VERSIONS"]).VERSIONS)
def openclaw(request):
    """Each pinned real OpenClaw; missing ones skip locally and fail under CI=true (the tier must run there)."""
    from .realclaw import INSTALL_HINT, OpenClaw

    claw = OpenClaw(request.param)
    if not claw.installed:
        message = f"OpenClaw {claw.version} is not installed: {INSTALL_HINT}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return claw


@pytest.fixture
def our_cli(home):
    """Our installed CLI as a subprocess, in the same sandbox environment the real OpenClaw gets."""
    import subprocess

    from .realclaw import sandbox_env

    def run(*argv: str, **extra: str | None) -> subprocess.CompletedProcess:
        done = subprocess.run(
            [sys.executable, "-m", "openclaw_aisa", *argv], env=sandbox_env(home, **extra), capture_output=True, text=True
        )
        for secret in (KEY, OTHER_KEY):
            assert secret not in done.stdout and secret not in done.stderr, "a key leaked into the output"
        return done

    return run


@pytest.fixture
def online(monkeypatch):
    """Let commands reach the network (the sandbox sets OPENCLAW_AISA_OFFLINE): only the fake AIsa is there."""
    monkeypatch.delenv("OPENCLAW_AISA_OFFLINE", raising=False)


@pytest.fixture
def onboarded(run, fake_aisa, online, config_path):
    """AIsa onboarded against the fake (the config's baseUrl points there), the key in .env."""
    done = run("onboard", "--aisa-api-key", KEY, "--base-url", fake_aisa.base_url, "--no-plugin", "--non-interactive")
    assert done.code == 0, done.err
    fake_aisa.requests.clear()
    return config_path


@pytest.fixture
def fake_aisa():
    """A fake AIsa gateway on 127.0.0.1 that accepts only the test key and records every request."""
    from .fake_aisa import FakeAisa

    with FakeAisa(key=KEY) as server:
        yield server
