"""Bad input from the user's side (flags, argv bytes, stdin, an output file that cannot take bytes) and a
gateway error during onboarding's key check: one line, the documented exit code, files unchanged."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from .conftest import KEY, read_json
from .realclaw import sandbox_env

ONBOARD = ("onboard", "--non-interactive", "--no-plugin")


def one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


@pytest.mark.parametrize("value", ["nan", "inf", "-1", "0", "1e9", "soon"])
@pytest.mark.parametrize("command", [("chat", "-m", "kimi-k2.5", "hi"), ("bench",), ("doctor",), ("models", "list", "--live")])
def test_a_timeout_that_could_never_end_or_never_start_is_refused(run, command, value):
    result = run(*command, "--timeout", value)
    assert result.code == 2 and "--timeout" in one_line(result.err)


@pytest.mark.parametrize("flag", ["--runs", "--max-tokens"])
def test_bench_counts_must_be_whole_and_positive(run, flag):
    result = run("bench", flag, "0")
    assert result.code == 2 and flag in one_line(result.err)


def cli(home, *argv: bytes | str, stdin: bytes = b"", **env: str) -> subprocess.CompletedProcess:
    """Our CLI with raw bytes in argv and stdin, as a shell would pass them."""
    return subprocess.run(
        [sys.executable, "-m", "openclaw_aisa", *argv], env={**sandbox_env(home), **env}, input=stdin, capture_output=True
    )


@pytest.mark.parametrize(
    "locale", [{"LC_ALL": "C.UTF-8"}, {"LC_ALL": "C"}, {"LC_ALL": "C", "PYTHONUTF8": "0"}], ids=["utf8", "C", "C-no-utf8-mode"]
)
def test_bytes_that_are_not_utf8_are_one_line_and_nothing_is_written(home, state_dir, locale):
    bad_key = b"sk-aisa-0123456789abcdef\xffTEST"
    for argv, stdin in [
        ((*ONBOARD, "--aisa-api-key", bad_key), b""),
        ((*ONBOARD, "--aisa-api-key", "-"), bad_key + b"\n"),
        (("chat", "-m", "kimi-k2.5", "-"), b"hello \xff world"),
        (("chat", "-m", b"kimi\xff", "hi"), b""),
    ]:
        done = cli(home, *argv, stdin=stdin, AISA_API_KEY=KEY, **locale)
        err = done.stderr.decode("utf-8", "replace")
        assert done.returncode == 2, err
        assert "UTF-8" in one_line(err) or "ASCII" in err
        assert not state_dir.exists() or not any(state_dir.iterdir())


def test_bench_csv_on_a_full_device_is_one_line(run, onboarded):
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full here")
    result = run("bench", "--models", "kimi-k2.5", "--runs", "1", "--csv", "/dev/full")
    assert result.code == 2 and "/dev/full" in one_line(result.err)


def test_a_502_during_the_key_check_is_not_verified_not_a_failure(run, fake_aisa, online, config_path):
    fake_aisa.fail_next("bad_gateway", count=2)  # the check retries a 502 once
    result = run(*ONBOARD, "--aisa-api-key", KEY, "--base-url", fake_aisa.base_url)
    assert result.code == 0 and "key not verified" in result.err
    assert "aisa" in read_json(config_path)["models"]["providers"]


def test_a_502_during_the_key_check_with_require_valid_key_writes_nothing(run, fake_aisa, online, config_path):
    fake_aisa.fail_next("bad_gateway", count=3)
    result = run(*ONBOARD, "--aisa-api-key", KEY, "--base-url", fake_aisa.base_url, "--require-valid-key")
    assert result.code == 1 and "could not verify" in one_line(result.err)
    assert not config_path.exists()
