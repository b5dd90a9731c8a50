"""What the live catalogue costs OpenClaw: `openclaw models list` and `openclaw config validate` in a home
with our native plugin (discovery cache warm) against the same home with the previous, static plugin.

For each pinned OpenClaw (scripts/install-openclaw.sh): two throwaway homes onboarded alike by
`openclaw-aisa onboard` against a fake AIsa on 127.0.0.1 (the key exported, as a user's shell has it).
In the baseline home the installed plugin's entry is then replaced by the static entry of
openclaw-aisa before the live catalogue (`benchmarks/static-plugin-index.js`, commit 200e827: the
catalogue from the manifest only). Each command runs once in each home to warm it (and the plugin's
discovery cache), then the rounds alternate between the homes. Reported: the medians and the ratio
ours / baseline (target <= 1.05), and how many requests reached AIsa during the rounds (0: the warm
cache answers). Then AIsa is stopped and each command is timed once more, with a cold cache, in our
home: the bound a user waits when AIsa is unreachable. Not part of the tests:

    python benchmarks/live_catalog.py [--versions 2026.9.6,2026.3.31] [--rounds 7] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fake_aisa import FakeAisa  # noqa: E402
from tests.realclaw import VERSIONS, OpenClaw, sandbox_env  # noqa: E402

KEY = "sk-aisa-0123456789abcdefghijBENCH"
STATIC_ENTRY = Path(__file__).with_name("static-plugin-index.js")
TARGET = 1.05


def commands(version: str) -> dict[str, tuple[str, ...]]:
    listing = ("models", "list", "--provider", "aisa") + (("--all",) if version == "2026.3.31" else ())
    return {"models list": listing, "config validate": ("config", "validate", "--json")}


def make_home(claw: OpenClaw, base_url: str, static: bool) -> tuple[Path, dict[str, str]]:
    home = Path(tempfile.mkdtemp(prefix="live-catalog-"))
    bin_dir = home / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "openclaw"
    shim.write_text(f"#!/bin/sh\nexec '{claw.node}' '{claw.entry}' \"$@\"\n")
    shim.chmod(0o755)
    env = sandbox_env(home, OPENCLAW_AISA_OFFLINE=None, AISA_API_KEY=KEY)
    env["PATH"] = f"{bin_dir}{os.pathsep}{claw.node.parent}{os.pathsep}{env['PATH']}"
    argv = [sys.executable, "-m", "openclaw_aisa", "onboard", "--non-interactive", "--aisa-api-key", KEY, "--base-url", base_url]
    done = subprocess.run(argv, env=env, capture_output=True, text=True, cwd=home)
    if done.returncode != 0:
        raise SystemExit(f"onboard failed in {home}:\n{done.stdout}\n{done.stderr}")
    if static:  # the entry and manifest as openclaw-aisa wrote them before the live catalogue
        installed = home / ".openclaw" / "extensions" / "aisa"
        shutil.copyfile(STATIC_ENTRY, installed / "index.js")
        manifest = json.loads((installed / "openclaw.plugin.json").read_text())
        manifest.pop("contracts", None)
        manifest["setup"] = {"providers": [{"id": "aisa", "envVars": ["AISA_API_KEY"]}]}
        manifest["providerAuthEnvVars"] = {"aisa": ["AISA_API_KEY"]}
        (installed / "openclaw.plugin.json").write_text(json.dumps(manifest, indent=2) + "\n")
        for name in ("live-catalog.js", "live-catalog.json", "usage.js"):
            (installed / name).unlink(missing_ok=True)
    return home, env


def timed(claw: OpenClaw, args: tuple[str, ...], home: Path, env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run([str(claw.node), str(claw.entry), *args], env=env, capture_output=True, text=True, cwd=home, timeout=300)
    took = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"openclaw {' '.join(args)} failed in {home}:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return took


def measure(version: str, rounds: int) -> dict:
    claw = OpenClaw(version)
    fake = FakeAisa(key=KEY).start()
    homes = {}
    try:
        homes = {"ours": make_home(claw, fake.base_url, False), "static": make_home(claw, fake.base_url, True)}
        row: dict = {"version": version, "rounds": rounds, "commands": {}}
        for name, args in commands(version).items():
            for home, env in homes.values():
                timed(claw, args, home, env)  # warm: disk caches, the plugin's discovery cache
            before = len(fake.requests)
            times: dict[str, list[float]] = {"ours": [], "static": []}
            for i in range(rounds):
                order = ("ours", "static") if i % 2 == 0 else ("static", "ours")
                for which in order:
                    times[which].append(timed(claw, args, *homes[which]))
            ours, static = statistics.median(times["ours"]), statistics.median(times["static"])
            row["commands"][name] = {
                "ours_median_s": round(ours, 3),
                "static_median_s": round(static, 3),
                "ratio": round(ours / static, 3),
                "requests_to_aisa": len(fake.requests) - before,
            }
        fake.stop()
        home, env = homes["ours"]
        (home / ".openclaw" / "openclaw-aisa" / "aisa-models.json").unlink(missing_ok=True)
        row["aisa_stopped_s"] = {name: round(timed(claw, args, home, env), 2) for name, args in commands(version).items()}
        return row
    finally:
        fake.stop()
        for home, _ in homes.values():
            shutil.rmtree(home, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--versions", default=",".join(VERSIONS))
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--json", metavar="FILE")
    args = parser.parse_args()
    rows = [measure(v, args.rounds) for v in args.versions.split(",")]
    print(
        f"{'OpenClaw':10} {'command':16} {'ours (median)':>14} {'static (median)':>16} {'ratio':>6}  target <= {TARGET}  requests  AIsa stopped"
    )
    for row in rows:
        for name, c in row["commands"].items():
            mark = "ok" if c["ratio"] <= TARGET else "MISSED"
            print(
                f"{row['version']:10} {name:16} {c['ours_median_s']:>13.2f}s {c['static_median_s']:>15.2f}s {c['ratio']:>6.3f}  {mark:12}"
                f"{c['requests_to_aisa']:>8}  {row['aisa_stopped_s'][name]:.2f} s"
            )
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()
