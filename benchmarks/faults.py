"""Worst wall time and peak memory of each network command against each hostile server.

Each command runs as a fresh `python -m openclaw_aisa` process in a throwaway home, against a server on
127.0.0.1 (the hostile servers of tests/test_trust_network.py) that drips a byte every 2 s (in the
headers, a JSON body, an SSE stream), stalls, answers 429 with `Retry-After: 60`, or sends a gzip bomb.
Each figure is reported against the command's stated budget (the baseline measured with it): a ratio
at or under 1 (plus process start) is a command that kept its promise. Not part of the test run:

    python benchmarks/faults.py [--only onboard,doctor] [--json FILE]

chat and bench run with `--timeout 5` (their default budget, 10 read timeouts of 60 s, would make one
drip case last ten minutes); the others with their defaults. About 8 minutes in all.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.test_trust_network import Hostile, answer, drip, gzip_bomb, json_head, sse_head, stall  # noqa: E402

KEY = "sk-aisa-0123456789abcdefghijTEST"
FAULTS = {
    "drip-headers": drip(b"HTTP/1.1 200 OK\r\nX-Slow: ", gap=2.0),
    "drip-body": drip(json_head(), b" ", gap=2.0),
    "drip-sse": drip(sse_head(), b"\n", gap=2.0),
    "stall": stall,
    "retry-after-60": answer("429 Too Many Requests", b'{"error":{"message":"slow down"}}', extra="Retry-After: 60\r\n"),
    "gzip-bomb": gzip_bomb(b'{"data":[', b"{},"),
}
# name -> (argv for a base URL, the stated budget in seconds, what the budget is)
COMMANDS = {
    "onboard": (lambda url: ["onboard", "--aisa-api-key", KEY, "--base-url", url, "--no-plugin", "--non-interactive"], 5, "key check"),
    "doctor": (lambda url: ["doctor"], 10, "one read timeout (10 s)"),
    "models list --live": (lambda url: ["models", "list", "--live", "--base-url", url], 40, "2 read timeouts of 20 s"),
    "chat --timeout 5": (lambda url: ["chat", "-m", "qwen3-max", "--base-url", url, "--timeout", "5", "hi"], 50, "10 read timeouts"),
    "bench --timeout 5": (
        lambda url: ["bench", "--models", "qwen3-max", "--runs", "3", "--base-url", url, "--timeout", "5"],
        60,
        "warm-up 2 + one model's 10 read timeouts",
    ),
}


def measure(command: str, fault: str) -> dict:
    argv, budget, _ = COMMANDS[command]
    server = Hostile(FAULTS[fault])
    home = tempfile.mkdtemp(prefix="faults-")
    env = {k: v for k, v in os.environ.items() if "PROXY" not in k.upper() and not k.startswith(("OPENCLAW_", "AISA_", "XDG_"))}
    env.update(HOME=home, XDG_CACHE_HOME=f"{home}/c", XDG_STATE_HOME=f"{home}/s", XDG_CONFIG_HOME=f"{home}/x", AISA_API_KEY=KEY)
    try:
        if command == "doctor":  # doctor checks the endpoint the config names
            setup = [
                "onboard",
                "--aisa-api-key",
                KEY,
                "--base-url",
                server.base_url,
                "--no-plugin",
                "--non-interactive",
                "--skip-validation",
            ]
            subprocess.run([sys.executable, "-m", "openclaw_aisa", *setup], env=env, capture_output=True, check=True)
        code = (
            "import runpy, sys\n"
            "sys.argv = ['openclaw-aisa', *sys.argv[1:]]\n"
            "try:\n    runpy.run_module('openclaw_aisa', run_name='__main__')\n"
            # VmHWM, the peak since exec: ru_maxrss would start at the size of this harness, which forked it
            "finally:\n    print('PEAK', next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM:')), file=sys.stderr)\n"
        )
        started = time.monotonic()
        done = subprocess.run([sys.executable, "-c", code, *argv(server.base_url)], env=env, capture_output=True, text=True)
        took = time.monotonic() - started
    finally:
        server.stop()
        shutil.rmtree(home, ignore_errors=True)
    peak = next((int(line.split()[1]) for line in done.stderr.splitlines() if line.startswith("PEAK ")), 0)
    said = next(
        (line for line in (done.stderr + done.stdout).splitlines() if "error" in line or "not verified" in line or "warn" in line), ""
    )
    return {
        "command": command,
        "fault": fault,
        "exit": done.returncode,
        "seconds": round(took, 1),
        "budget": budget,
        "ratio": round(took / budget, 2),
        "peak_mb": round(peak / 1024),
        "said": said.strip()[:160],
        "traceback": "Traceback" in done.stderr,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="comma-separated command names (onboard, doctor, models, chat, bench)")
    parser.add_argument("--json", metavar="FILE", help="write the rows as JSON")
    args = parser.parse_args()
    wanted = [c for c in COMMANDS if not args.only or any(c.startswith(o) for o in args.only.split(","))]
    rows = []
    print(f"{'command':20} {'fault':15} exit  seconds  budget  ratio  peak MB")
    for command in wanted:
        for fault in FAULTS:
            row = measure(command, fault)
            rows.append(row)
            print(
                f"{command:20} {fault:15} {row['exit']:>4}  {row['seconds']:7.1f}  {row['budget']:6}  {row['ratio']:5.2f}  {row['peak_mb']:7}"
                + ("  TRACEBACK" if row["traceback"] else ""),
                flush=True,
            )
    worst = max(rows, key=lambda r: r["ratio"])
    print(f"worst: {worst['command']} / {worst['fault']}: {worst['seconds']} s against a budget of {worst['budget']} s")
    print(f"peak memory, all runs: {max(r['peak_mb'] for r in rows)} MB")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2) + "\n")
    return 0 if not any(r["traceback"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
