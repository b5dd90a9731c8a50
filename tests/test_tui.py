"""OpenClaw's own TUI, right after `openclaw-aisa onboard` with its defaults (the key referenced from the config
and saved in <state>/.env, our native plugin installed through the pinned OpenClaw): a person switches models
three times with `/model aisa/<id>`, sends a message after each switch, and AIsa receives the bare ids in order.

2026.9.6 and 2026.5.28 open the TUI with `openclaw tui --local`. 2026.3.31 has no `--local`: it needs
`gateway.mode local`, a running `openclaw gateway run`, then plain `openclaw tui`.

The TUI redraws its screen, so each step waits for a distinctive piece of text, as a person would: the typed
line drawn in the editor, "model set to aisa/<id>", a reply text unique to each turn, and the footer's "idle".
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

import pexpect
import pytest

from openclaw_aisa.catalog import load_catalog

from .conftest import KEY
from .realclaw import sandbox_env
from .test_native import shim  # noqa: F401

AISA = load_catalog().providers[0]
SWITCHES = ("kimi-k2.5", "qwen3-max", "deepseek-v3.1")
WAIT = 180.0
"""Seconds per expectation. It only bounds a hang: every step waits for text, and a loaded 2-core CI machine
can take minutes over a first Gateway turn."""
IDLE = r"(?:local ready|connected) \| idle"  # the footer once a turn is over ("connecting | idle" is not ready)
STATUS = re.compile(r"• \d+s \||(?:local ready|connected) \| idle")
"""The footer's state as drawn: busy ("running • 3s | local ready", "streaming • 0s | gateway connected") or idle.
2026.3.31 draws "idle" before it redraws the final reply, so idleness is read from the latest state drawn."""
ANSI = re.compile(r"\x1b(?:\[[0-9;?>=<]*[ -/]*[@-~]|\][^\x07]*\x07|[()][0-9A-Za-z]|[=>78])")


def plain(text: str) -> str:
    return ANSI.sub("", text)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def stop_group(pid: int, done: Callable[[], bool]) -> None:
    """End a process group we started: SIGTERM, then SIGKILL if it is still there after a grace period."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if done():
                return
            time.sleep(0.1)


def openclaw_env(openclaw, home: Path, shim_env: dict[str, str]) -> dict[str, str]:
    """What a user's shell gives OpenClaw here: the sandbox, a terminal, Node and the `openclaw` shim on PATH.
    The key is not exported: OpenClaw reads it from <state>/.env."""
    return sandbox_env(home, TERM="xterm-256color", PATH=f"{openclaw.node.parent}{os.pathsep}{shim_env['PATH']}")


@contextmanager
def gateway(openclaw, home: Path, env: dict[str, str]) -> Iterator[Path]:
    """2026.3.31's route to a TUI: `gateway.mode local` (on a free port, as other runs may hold the default),
    then `openclaw gateway run` in the background until it says it is listening. Stopped on exit."""
    for setting in (("gateway.mode", "local"), ("gateway.port", str(free_port()))):
        done = openclaw.run("config", "set", *setting, home=home)
        assert done.returncode == 0, done.stdout + done.stderr
    log = home / "gateway.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(openclaw.node), str(openclaw.entry), "gateway", "run"],
            env=env,
            cwd=home,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + WAIT
        while "listening on ws://" not in log.read_text(errors="replace"):
            assert process.poll() is None, f"the Gateway exited with {process.returncode}:\n{log.read_text(errors='replace')[-4000:]}"
            assert time.monotonic() < deadline, (
                f"the Gateway did not listen within {WAIT:.0f} s:\n{log.read_text(errors='replace')[-4000:]}"
            )
            time.sleep(0.2)
        yield log
    finally:
        stop_group(process.pid, lambda: process.poll() is not None)


class Tui:
    """OpenClaw's TUI on a pseudo-terminal, driven the way a person types into it."""

    def __init__(self, openclaw, home: Path, env: dict[str, str], args: list[str], gateway_log: Path | None):
        self.transcript = (home / "tui.log").open("w")
        self.seen = ""  # everything the TUI drew, escape codes included
        self.gateway_log = gateway_log
        self.child = pexpect.spawn(
            str(openclaw.node),
            [str(openclaw.entry), *args],
            cwd=str(home),
            env=env,
            encoding="utf-8",
            codec_errors="replace",
            dimensions=(50, 160),
            timeout=WAIT,
        )
        self.child.logfile_read = self

    def write(self, data: str) -> None:
        """pexpect's log of what it read: kept for the footer's state and the failure report."""
        self.seen += data
        self.transcript.write(data)

    def flush(self) -> None:
        self.transcript.flush()

    def idle(self) -> bool:
        """Whether the footer drawn last says idle (the last 20,000 characters hold the latest footer)."""
        states = STATUS.findall(plain(self.seen[-20000:]))
        return bool(states) and states[-1].endswith("idle")

    def expect(self, patterns: list[str], what: str) -> int:
        try:
            return self.child.expect(patterns, timeout=WAIT)
        except (pexpect.TIMEOUT, pexpect.EOF) as error:
            pytest.fail(f"{type(error).__name__} waiting for {what}\n{self.tail()}")

    def type_line(self, text: str) -> None:
        """Type `text`, wait until the editor shows all of it, then press Enter."""
        self.child.send(text)
        self.expect([re.escape(text)], f"the editor to show {text!r}")
        self.child.send("\r")

    def drain_until(self, condition: Callable[[], bool], what: str) -> None:
        """Keep reading the screen (so the TUI never blocks on a full terminal) until `condition` holds."""
        deadline = time.monotonic() + WAIT
        while not condition():
            if time.monotonic() > deadline:
                pytest.fail(f"timed out waiting for {what}\n{self.tail()}")
            try:
                self.child.read_nonblocking(65536, timeout=0.2)
            except pexpect.TIMEOUT:
                pass
            except pexpect.EOF:
                pytest.fail(f"the TUI exited while waiting for {what}\n{self.tail()}")

    def tail(self) -> str:
        screen = plain(self.seen)
        lines = [line.rstrip() for line in screen.splitlines() if line.strip()]
        text = "--- TUI output (last lines, escape codes removed) ---\n" + "\n".join(lines[-60:])
        if self.gateway_log is not None:
            text += "\n--- Gateway log (end) ---\n" + self.gateway_log.read_text(errors="replace")[-3000:]
        return text

    def close(self) -> None:
        stop_group(self.child.pid, lambda: not self.child.isalive())
        self.child.close(force=True)
        self.transcript.close()


@pytest.mark.openclaw
def test_the_tui_switches_aisa_models_three_times_after_default_onboarding(openclaw, our_cli, home, shim, fake_aisa):  # noqa: F811
    done = our_cli(
        "onboard", "--non-interactive", "--aisa-api-key", KEY, "--base-url", fake_aisa.base_url, OPENCLAW_AISA_OFFLINE=None, **shim
    )
    assert done.returncode == 0, done.stdout + done.stderr
    state = home / ".openclaw"
    assert KEY not in (state / "openclaw.json").read_text(), "the default config references the key, it does not hold it"
    assert f"AISA_API_KEY={KEY}" in (state / ".env").read_text().splitlines()

    listed = openclaw.aisa_models(home)
    for model in SWITCHES:
        assert not AISA.model(model).is_translation and AISA.ref(model) in listed, (model, sorted(listed))
    assert SWITCHES[0] != AISA.default_model, "the first switch must change the model"
    fake_aisa.requests.clear()

    env = openclaw_env(openclaw, home, shim)
    with gateway(openclaw, home, env) if openclaw.version == "2026.3.31" else nullcontext() as gateway_log:
        tui = Tui(openclaw, home, env, ["tui"] if gateway_log else ["tui", "--local"], gateway_log)
        try:
            tui.expect([IDLE], "the TUI to be ready")
            for turn, model in enumerate(SWITCHES, 1):
                tui.type_line(f"/model aisa/{model}")
                outcome = tui.expect([re.escape(f"model set to aisa/{model}"), r"model set failed[^\r\n\x1b]*"], f"/model aisa/{model}")
                assert outcome == 0, f"switch {turn}: {tui.child.after.strip()}\n{tui.tail()}"
                before = len(fake_aisa.chat_requests())
                fake_aisa.reply = f"Hello from fake AIsa, reply {turn}"  # unique, so a redrawn earlier reply cannot match
                tui.type_line(f"hello number {turn}")
                tui.expect([re.escape(fake_aisa.reply)], f"the reply to message {turn}")
                tui.drain_until(
                    lambda n=before: len(fake_aisa.chat_requests()) > n and tui.idle(),
                    f"AIsa to record message {turn} and the TUI to be idle",
                )
                sent = [r.json["model"] for r in fake_aisa.chat_requests()[before:]]
                assert sent and set(sent) == {model}, f"after /model aisa/{model}, AIsa received {sent}\n{tui.tail()}"
        finally:
            tui.close()

    chats = fake_aisa.chat_requests()
    assert [r.json["model"] for r in chats] == list(SWITCHES)
    assert all(r.headers.get("authorization") == f"Bearer {KEY}" for r in chats)
