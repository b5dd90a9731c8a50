"""How soon `onboard` says something on a terminal, and what a second onboarding costs against the first.

For each pinned OpenClaw (scripts/install-openclaw.sh), in a throwaway home with that version as the
`openclaw` on PATH and a fake AIsa on 127.0.0.1: `openclaw-aisa onboard` runs on a pseudo-terminal
twice. The first run installs the native plugin; the second finds it loaded at this version and
leaves it. Reported: the time to the first progress line and to the end of each run, and the second
run's time as a ratio of the first (the baseline, measured in the same run). Not part of the tests:

    python benchmarks/onboarding.py [--versions 2026.9.6,2026.3.31] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import pexpect

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fake_aisa import FakeAisa  # noqa: E402
from tests.realclaw import VERSIONS, OpenClaw, sandbox_env  # noqa: E402

KEY = "sk-aisa-0123456789abcdefghijBENCH"


def onboard_once(home: Path, env: dict[str, str], base_url: str) -> dict:
    started = time.monotonic()
    child = pexpect.spawn(
        sys.executable,
        ["-m", "openclaw_aisa", "onboard", "--non-interactive", "--aisa-api-key", KEY, "--base-url", base_url],
        env=env,
        encoding="utf-8",
        timeout=300,
        cwd=str(home),
    )
    child.expect("… ")
    first = time.monotonic() - started
    child.expect(pexpect.EOF)
    child.close()
    total = time.monotonic() - started
    if child.exitstatus != 0:
        raise SystemExit(f"onboard failed (exit {child.exitstatus}):\n{child.before}")
    return {"first_step_s": round(first, 2), "total_s": round(total, 2), "reinstalled": "already installed" not in child.before}


def measure(version: str, base_url: str) -> dict:
    claw = OpenClaw(version)
    home = Path(tempfile.mkdtemp(prefix="onboarding-"))
    try:
        bin_dir = home / "bin"
        bin_dir.mkdir()
        shim = bin_dir / "openclaw"
        shim.write_text(f"#!/bin/sh\nexec '{claw.node}' '{claw.entry}' \"$@\"\n")
        shim.chmod(0o755)
        env = sandbox_env(home, OPENCLAW_AISA_OFFLINE=None)
        env["PATH"] = f"{bin_dir}{os.pathsep}{env['PATH']}"
        first = onboard_once(home, env, base_url)
        second = onboard_once(home, env, base_url)
        return {"version": version, "first": first, "second": second, "ratio": round(second["total_s"] / first["total_s"], 2)}
    finally:
        shutil.rmtree(home, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--versions", default=",".join(VERSIONS))
    parser.add_argument("--json", metavar="FILE")
    args = parser.parse_args()
    fake = FakeAisa(key=KEY).start()
    try:
        rows = [measure(v, fake.base_url) for v in args.versions.split(",")]
    finally:
        fake.stop()
    print("| OpenClaw | first step | 1st onboard (installs) | 2nd onboard | 2nd / 1st |")
    print("|---|---|---|---|---|")
    for r in rows:
        f, s = r["first"], r["second"]
        print(
            f"| {r['version']} | {f['first_step_s']} s / {s['first_step_s']} s | {f['total_s']} s | {s['total_s']} s"
            f"{'' if not s['reinstalled'] else ' (reinstalled!)'} | {r['ratio']} |"
        )
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()
