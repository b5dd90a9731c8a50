"""Benchmarks of openclaw-aisa. Every figure is a ratio against a baseline measured in the same run.

1. Offline commands, each a fresh `python -m openclaw_aisa` process, against `python -c pass` and
   against the real `openclaw config validate --json` (2026.9.6) on the same config, in three homes: fresh
   (OpenClaw never ran there: its light path), used (its state database exists), used with our plugin
   installed. With `--baseline-src DIR`, also against the same commands from an earlier checkout.
2. Merge and write (`apply_auth` + `write_config`, as `onboard` does) of configs from 1 KB to 10 MB, against
   `json.loads` + `json.dumps` of the same file; the exponent of time against size.
3. The SSE reader (`AisaClient.chat_stream`) on a loopback stream, against httpx `iter_lines()` +
   `json.loads`, openai-python's SSE decoder, and openai-python's client.
4. Peak memory of each.

Times are medians of several repetitions, interleaved so that a burst of load from other jobs hits
every contender alike. Not part of the test run: `python benchmarks/run.py [--quick] [--json FILE]
[--baseline-src DIR]`
(see benchmarks/BENCHMARKS.md for the setup, openai-python included).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import functools
import importlib.util
import io
import json
import math
import os
import platform
import pstats
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests.realclaw: how the real OpenClaw CLI is found and sandboxed

from openclaw_aisa import merge, sse  # noqa: E402
from openclaw_aisa.adapters import store  # noqa: E402
from openclaw_aisa.errors import ConfigError  # noqa: E402
from openclaw_aisa.host import load_host  # noqa: E402
from openclaw_aisa.types import AuthRequest  # noqa: E402
from tests.realclaw import OpenClaw, sandbox_env  # noqa: E402

KEY = "sk-aisa-0123456789abcdef0123456789abcdef"
OPENCLAW_VERSION = "2026.9.6"
KB, MB = 1_000, 1_000_000
MAX_MODELS = 50_000
SERVER = Path(__file__).with_name("sse_server.py")
# The project's own environment: what is installed beside the package changes its start-up (entry points).
DEFAULT_CLI_PYTHON = ROOT / ".venv" / "bin" / "python" if (ROOT / ".venv" / "bin" / "python").exists() else Path(sys.executable)

COMMANDS = {
    "onboard --dry-run": ["onboard", "--dry-run", "--non-interactive", "--aisa-api-key", KEY],
    "detect": ["detect"],
    "models list": ["models", "list"],
    "pricing": ["pricing"],
    "doctor --offline": ["doctor", "--offline"],
}
TARGETS = {
    "commands_vs_openclaw": 15.0,  # at least this many times faster than `openclaw config validate` (fresh home)
    "merge_10mb_seconds": 0.5,
    "sse_vs_openai": 1.0,  # our time / openai-python's time, at most
    "sse_vs_httpx_lines": 1.3,  # our time / raw httpx lines' time, at most
}


@dataclass(frozen=True)
class Plan:
    command_reps: int
    validate_reps: int
    merge_sizes: tuple[int, ...]
    merge_reps: dict[int, int]
    sse_chunks: int
    sse_rounds: int


FULL = Plan(21, 11, (KB, 10 * KB, 100 * KB, MB, 10 * MB), {KB: 21, 10 * KB: 21, 100 * KB: 15, MB: 9, 10 * MB: 5}, 100_000, 7)
QUICK = Plan(5, 3, (KB, 10 * KB, 100 * KB, MB), {KB: 5, 10 * KB: 5, 100 * KB: 5, MB: 3}, 10_000, 3)


# --- helpers --------------------------------------------------------------------------------


def median(values: list[float]) -> float:
    return statistics.median(values)


LAUNCHER = r"""
import json, os, sys, time
null = [(os.POSIX_SPAWN_OPEN, fd, os.devnull, os.O_RDWR, 0) for fd in (0, 1, 2)]
for line in sys.stdin:
    argv, env = json.loads(line)
    start = time.perf_counter()
    pid = os.posix_spawn(argv[0], argv, env, file_actions=null)
    _, status, usage = os.wait4(pid, 0)
    cpu = usage.ru_utime + usage.ru_stime
    print(json.dumps([time.perf_counter() - start, os.waitstatus_to_exitcode(status), usage.ru_maxrss, cpu]), flush=True)
"""


class Launcher:
    """Starts the timed processes from a small process of its own.

    A child's ru_maxrss starts from its parent's RSS at exec, so children of this (large) process
    would all report at least its size; the launcher is a bare `python -S`, a few MiB.
    """

    def __init__(self, cwd: Path):
        self.proc = subprocess.Popen(
            [sys.executable, "-S", "-c", LAUNCHER], cwd=cwd, env={}, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )

    def run(self, argv: list[str], env: dict[str, str]) -> tuple[float, int, int, float]:
        """Wall seconds, exit code, peak RSS in KiB (ru_maxrss) and CPU seconds (user + system, all threads), from wait4."""
        self.proc.stdin.write(json.dumps([argv, env]) + "\n")
        self.proc.stdin.flush()
        seconds, code, maxrss, cpu = json.loads(self.proc.stdout.readline())
        return seconds, code, maxrss, cpu

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


def top_stats(stats: pstats.Stats, limit: int = 18, sort: str = "cumulative") -> list[str]:
    """The table pstats prints, without its preamble."""
    out = io.StringIO()
    stats.stream = out
    stats.sort_stats(sort).print_stats(limit)
    lines = out.getvalue().splitlines()
    start = next((i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls")), 0)
    header = [line.strip() for line in lines[:start] if "function calls" in line]
    return header + [line.rstrip() for line in lines[start:] if line.strip()]


def fit_exponent(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of log(time) against log(size): 1.0 is linear."""
    xs, ys = [math.log(s) for s, _ in points], [math.log(t) for _, t in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def note(text: str) -> None:
    print(f"  .. {text}", file=sys.stderr, flush=True)


# --- 1. offline commands ----------------------------------------------------------------------


FRESH = "openclaw config validate (fresh home)"
USED = "openclaw config validate (used home, no plugin)"
PLUGGED = "openclaw config validate (used home, our plugin installed)"
VALIDATE = ["config", "validate", "--json"]


def command_env(home: Path) -> dict[str, str]:
    """realclaw's sandbox (private HOME, XDG dirs, OPENCLAW_AISA_OFFLINE=1), with bytecode written."""
    env = sandbox_env(home)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def state_db(env: dict[str, str]) -> Path:
    """Created by the first OpenClaw command that opens its state; from then on `config validate` takes
    a heavier path (~2x), plugins or not. So which homes have it decides what a validate row measures."""
    return Path(env["OPENCLAW_STATE_DIR"]) / "state" / "openclaw.sqlite"


def bytecode_missing_for(package: Path) -> list[str]:
    """Modules of the package (subpackages included) without a .pyc for this interpreter."""
    return sorted(str(p.relative_to(package)) for p in package.rglob("*.py") if not Path(importlib.util.cache_from_source(str(p))).exists())


def imported_from(python: list[str], env: dict[str, str], home: Path) -> Path:
    """Where `openclaw_aisa` comes from under this env and cwd (the timed runs' own)."""
    done = subprocess.run(
        python + ["-c", "import openclaw_aisa; print(openclaw_aisa.__file__)"], env=env, cwd=home, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(f"cannot import openclaw_aisa with PYTHONPATH={env.get('PYTHONPATH')}:\n{done.stderr}")
    return Path(done.stdout.strip()).resolve()


def onboard(python: list[str], env: dict[str, str], home: Path, *extra: str) -> None:
    done = subprocess.run(
        python + ["-m", "openclaw_aisa", "onboard", "--non-interactive", "--aisa-api-key", KEY, *extra],
        env=env,
        cwd=home,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode != 0:
        raise SystemExit(f"onboarding in {home} ({' '.join(extra)}) failed:\n{done.stdout}\n{done.stderr}")


def bench_commands(plan: Plan, want_profile: bool, python: str, baseline_src: Path | None = None) -> dict[str, Any]:
    home = Path(tempfile.mkdtemp(prefix="aisa-bench-home-"))
    try:
        return _bench_commands(plan, home, want_profile, [python], baseline_src)
    finally:
        shutil.rmtree(home, ignore_errors=True)


def _bench_commands(plan: Plan, home: Path, want_profile: bool, python: list[str], baseline_src: Path | None) -> dict[str, Any]:
    env = command_env(home)
    ours = {name: python + ["-m", "openclaw_aisa", *args] for name, args in COMMANDS.items()}
    onboard(python, env, home, "--no-plugin", "--openclaw-version", OPENCLAW_VERSION)
    config = Path(env["OPENCLAW_CONFIG_PATH"])
    ours_origin = imported_from(python, env, home)
    expected = {}
    for name, argv in ours.items():  # warm-up: bytecode, the catalogue cache; and the exit code to expect
        expected[name] = subprocess.run(argv, env=env, cwd=home, capture_output=True).returncode
    checks: dict[str, Any] = {
        "config_bytes": config.stat().st_size,
        "imported_from": str(ours_origin),
        "bytecode_missing_for": bytecode_missing_for(ROOT / "openclaw_aisa"),
        "PYTHONDONTWRITEBYTECODE": env.get("PYTHONDONTWRITEBYTECODE"),
        "exit_codes": expected,
    }

    # The same commands from an earlier checkout, same interpreter and sandbox: before/after in one run.
    before: dict[str, tuple[str, list[str]]] = {}  # our command name -> (row name, argv)
    base_env = dict(env)
    if baseline_src:
        base_env["PYTHONPATH"] = str(baseline_src)
        origin = imported_from(python, base_env, home)
        if not origin.is_relative_to(baseline_src / "openclaw_aisa"):
            raise SystemExit(f"PYTHONPATH={baseline_src} imports openclaw_aisa from {origin}, not from {baseline_src}")
        if ours_origin.is_relative_to(baseline_src):
            raise SystemExit(f"our commands import openclaw_aisa from {ours_origin}, inside --baseline-src: before would be after")
        before = {name: (f"before: {name}", argv) for name, argv in ours.items()}
        for row, argv in before.values():  # its own warm-up: the two trees' bytecode and caches are separate
            expected[row] = subprocess.run(argv, env=base_env, cwd=home, capture_output=True).returncode
        commit = subprocess.run(["git", "-C", str(baseline_src), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
        checks["baseline"] = {
            "src": str(baseline_src),
            "git": commit.stdout.strip() or None,
            "imported_from": str(origin),
            "bytecode_missing_for": bytecode_missing_for(baseline_src / "openclaw_aisa"),
            "PYTHONDONTWRITEBYTECODE": base_env.get("PYTHONDONTWRITEBYTECODE"),
        }
    checks["catalogue_cache"] = sorted(p.name for p in (home / ".cache" / "openclaw-aisa").glob("catalog-*.json"))  # both trees'

    claw = OpenClaw(OPENCLAW_VERSION)
    validate: list[str] | None = None
    homes: dict[str, dict[str, str]] = {}  # validate row -> its env
    if claw.installed:
        validate = [str(claw.node), str(claw.entry), *VALIDATE]
        claw_env = dict(env)
        claw_env["PATH"] = f"{claw.node.parent}{os.pathsep}{claw_env.get('PATH', '')}"
        checks["openclaw_validate"] = validated(validate, claw_env, home)
        checks["openclaw_validate_used_home"], used_env = _used_home(python, claw, home / "used")
        checks["openclaw_validate_with_plugin"], plugged_env = _onboarded_with_plugin(python, claw, home / "with-plugin")
        checks["config_bytes_used_home"] = Path(used_env["OPENCLAW_CONFIG_PATH"]).stat().st_size
        homes = {FRESH: claw_env, USED: used_env, PLUGGED: plugged_env}
    else:
        note(f"OpenClaw {OPENCLAW_VERSION} is not installed ({claw.entry}): no ratio against it; run scripts/install-openclaw.sh")

    names = ["python -c pass", *ours, *(row for row, _ in before.values()), FRESH, USED, PLUGGED]
    times: dict[str, list[float]] = {name: [] for name in names}
    rss: dict[str, list[int]] = {name: [] for name in times}
    cpu: dict[str, list[float]] = {name: [] for name in times}
    launcher = Launcher(home)
    for rep in range(plan.command_reps):
        runs = [("python -c pass", python + ["-c", "pass"], env)]
        for name, argv in ours.items():
            pair = [(name, argv, env)]
            if name in before:  # side by side, the first place taken in turn
                pair.append((*before[name], base_env))
            runs.extend(pair if rep % 2 == 0 else pair[::-1])
        if validate and rep < plan.validate_reps:
            runs.extend((name, validate, run_env) for name, run_env in homes.items())
        for name, argv, run_env in runs:
            seconds, code, maxrss, cpu_seconds = launcher.run(argv, run_env)
            if name in expected and code != expected[name]:
                raise SystemExit(f"{name} exited {code} (warm-up: {expected[name]})")
            times[name].append(seconds)
            rss[name].append(maxrss)
            cpu[name].append(cpu_seconds)
        note(f"commands: round {rep + 1}/{plan.command_reps}")
    launcher.close()
    for name, run_env in homes.items():  # else the row measured another path than its name says
        if state_db(run_env).exists() != (name != FRESH):
            raise SystemExit(f"{name}: {state_db(run_env)} {'exists' if name == FRESH else 'is missing'} after the runs")

    bare = median(times["python -c pass"])
    medians = {name: median(times[name]) for name in times if times[name]}
    claw_time, used_time, plugged_time = medians.get(FRESH), medians.get(USED), medians.get(PLUGGED)
    claw_cpu = median(cpu[FRESH]) if cpu[FRESH] else None
    rows = []
    for name, t in medians.items():
        rows.append(
            {
                "command": name,
                "reps": len(times[name]),
                "median_ms": round(t * 1000, 1),
                "min_ms": round(min(times[name]) * 1000, 1),
                "max_ms": round(max(times[name]) * 1000, 1),
                "x_bare_python": round(t / bare, 2),
                "after_vs_before": round(t / medians[before[name][0]], 3) if name in before else None,
                "openclaw_validate_x_faster": round(claw_time / t, 1) if claw_time else None,
                "openclaw_validate_used_home_x_faster": round(used_time / t, 1) if used_time else None,
                "openclaw_validate_with_plugin_x_faster": round(plugged_time / t, 1) if plugged_time else None,
                "cpu_ms": round(median(cpu[name]) * 1000, 1),
                "openclaw_validate_x_cpu": round(claw_cpu / median(cpu[name]), 1) if claw_cpu else None,
                "peak_rss_mib": round(median(rss[name]) / 1024, 1),
                "x_bare_python_rss": round(median(rss[name]) / median(rss["python -c pass"]), 2),
            }
        )
    result: dict[str, Any] = {
        "python": python[0],
        "baseline_src": str(baseline_src) if baseline_src else None,
        "rows": rows,
        "checks": checks,
        "memory": "ru_maxrss of each process (wait4, from a small launcher process), median",
    }
    if claw_time and used_time and plugged_time:
        result["plugin_cost"] = {  # what installing our plugin costs OpenClaw: like for like is (c) / (b)
            "with_plugin_vs_used_home": round(plugged_time / used_time, 2),
            "with_plugin_vs_fresh_home": round(plugged_time / claw_time, 2),
            "used_vs_fresh_home": round(used_time / claw_time, 2),
        }
    missed = [
        r["command"]
        for r in rows
        if r["command"] in ours and claw_time and r["openclaw_validate_x_faster"] < TARGETS["commands_vs_openclaw"]
    ]
    if want_profile or missed:
        result["profiles"] = {name: profile_command(ours[name], env, home) for name in (missed if not want_profile else ours)}
    return result


def validated(argv: list[str], env: dict[str, str], home: Path) -> str:
    """`config validate` must accept the home's config, or the run stops; the tail of its answer."""
    done = subprocess.run(argv, env=env, cwd=home, capture_output=True, text=True, timeout=300)
    if '"valid":true' not in done.stdout.replace(" ", ""):
        raise SystemExit(f"openclaw config validate does not accept the config in {home}:\n{done.stdout}\n{done.stderr}")
    return done.stdout.strip()[-200:]


def claw_home(claw: OpenClaw, home: Path) -> dict[str, str]:
    home.mkdir()
    env = command_env(home)
    env["PATH"] = f"{claw.node.parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def _used_home(python: list[str], claw: OpenClaw, home: Path) -> tuple[str, dict[str, str]]:
    """Our config in a home where OpenClaw has run (`plugins list` creates its state database), no plugin:
    the like-for-like baseline for the home with our plugin installed, which has that database too."""
    env = claw_home(claw, home)
    onboard(python, env, home, "--no-plugin", "--openclaw-version", OPENCLAW_VERSION)
    done = subprocess.run(
        [str(claw.node), str(claw.entry), "plugins", "list", "--json"], env=env, cwd=home, capture_output=True, timeout=300
    )
    if done.returncode != 0 or not state_db(env).exists():
        raise SystemExit(f"openclaw plugins list (exit {done.returncode}) did not create {state_db(env)}")
    return validated([str(claw.node), str(claw.entry), *VALIDATE], env, home), env


def _onboarded_with_plugin(python: list[str], claw: OpenClaw, home: Path) -> tuple[str, dict[str, str]]:
    """A home onboarded as users have it, native plugin installed: OpenClaw then loads the plugin on every
    command. `plugins install` creates the state database, so its like-for-like baseline is the used home."""
    env = claw_home(claw, home)
    wrapper = home / "openclaw"
    wrapper.write_text(f'#!/bin/sh\nexec "{claw.node}" "{claw.entry}" "$@"\n')
    wrapper.chmod(0o755)
    onboard(python, env, home, "--openclaw", str(wrapper))
    if not state_db(env).exists():
        raise SystemExit(f"onboarding with the native plugin did not create {state_db(env)}")
    return validated([str(claw.node), str(claw.entry), *VALIDATE], env, home), env


def profile_command(argv: list[str], env: dict[str, str], home: Path) -> dict[str, list[str]]:
    """Where a command's time goes: imports (-X importtime, by cumulative time) and cProfile of the rest."""
    done = subprocess.run([argv[0], "-X", "importtime", *argv[1:]], env=env, cwd=home, capture_output=True, text=True)
    imports = []
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and "cumulative" not in line:
            _, cumulative_us, name = line[len("import time:") :].split("|")
            imports.append((int(cumulative_us), (len(name) - len(name.lstrip()) - 1) // 2, name.strip()))
    top = [f"{us / 1000:7.1f} ms  {'  ' * depth}{name}" for us, depth, name in sorted(imports, reverse=True) if depth <= 1][:15]
    out = Path(tempfile.mkstemp(suffix=".prof", dir=home)[1])
    subprocess.run([argv[0], "-m", "cProfile", "-o", str(out), *argv[1:]], env=env, cwd=home, capture_output=True)
    return {"importtime_top_cumulative": top, "cprofile_top_cumulative": top_stats(pstats.Stats(str(out)), 25)}


# --- 2. merge and write -----------------------------------------------------------------------


def make_config(models: int, per_provider: int = 500) -> dict[str, Any]:
    """A user's config holding `models` models of other providers, all in an agents.defaults.models allowlist."""
    providers: dict[str, Any] = {}
    allow: dict[str, Any] = {}
    for i in range(models):
        pid = f"vendor{i // per_provider:03d}"
        block = providers.setdefault(
            pid,
            {
                "baseUrl": f"https://{pid}.example.com/v1",
                "api": "openai-completions",
                "apiKey": {"source": "env", "provider": "default", "id": f"{pid.upper()}_API_KEY"},
                "models": [],
            },
        )
        mid = f"model-{i:05d}"
        block["models"].append({"id": mid, "name": f"Model {i:05d}", "contextWindow": 131072, "maxTokens": 8192})
        allow[f"{pid}/{mid}"] = {"alias": f"m{i}"} if i % 10 == 0 else {}
    first = "vendor000/model-00000" if models else "openai/gpt-5.1"
    return {
        "meta": {"lastTouchedVersion": OPENCLAW_VERSION},
        "gateway": {"mode": "local", "port": 18789, "bind": "loopback", "auth": {"mode": "token"}},
        "models": {"mode": "merge", "providers": providers},
        "agents": {"defaults": {"model": {"primary": first, "fallbacks": []}, "models": allow, "workspace": "~/.openclaw/workspace"}},
        "channels": {"telegram": {"enabled": False}},
    }


def config_of_size(size: int) -> tuple[dict[str, Any], bytes]:
    """A config whose rendered file is about `size` bytes (at most MAX_MODELS models)."""
    empty = len(store.render(make_config(0)))
    per_model = (len(store.render(make_config(2000))) - empty) / 2000
    count = max(1, min(MAX_MODELS, round((size - empty) / per_model)))
    data = make_config(count)
    return data, store.render(data)


def bench_merge(plan: Plan, want_profile: bool, python: str) -> dict[str, Any]:
    host = load_host(env={})
    choice = host.auth_choices["aisa-api-key"]
    provider = host.providers[choice.provider]
    auth = host.run_auth_choice(choice, AuthRequest(key=KEY, key_source="flag", openclaw_version=OPENCLAW_VERSION))
    options = merge.Options(openclaw_version=OPENCLAW_VERSION)
    workdir = Path(tempfile.mkdtemp(prefix="aisa-bench-merge-"))
    path = workdir / ".openclaw" / "openclaw.json"
    path.parent.mkdir(mode=0o700)

    def ours(raw: bytes) -> dict[str, float]:
        path.write_bytes(raw)
        t0 = time.perf_counter()
        snapshot = store.read_config(path)
        t1 = time.perf_counter()
        merged = merge.apply_auth(snapshot.data, provider, auth, options)
        t2 = time.perf_counter()
        if not store.write_config(snapshot, merged.config, {}):
            raise SystemExit("the merge changed nothing: the benchmark would not measure a write")
        t3 = time.perf_counter()
        store.render(merged.config)  # write_config's share that is rendering, timed apart (not in total)
        t4 = time.perf_counter()
        return {"read": t1 - t0, "apply_auth": t2 - t1, "write_config": t3 - t2, "render": t4 - t3, "total": t3 - t1, "with_read": t3 - t0}

    def baseline(raw: bytes) -> dict[str, float]:
        t0 = time.perf_counter()
        json.dumps(json.loads(raw))
        t1 = time.perf_counter()
        json.dumps(json.loads(raw), indent=2, ensure_ascii=False)
        t2 = time.perf_counter()
        return {"loads_dumps": t1 - t0, "loads_dumps_indent2": t2 - t1}

    rows: list[dict[str, Any]] = []
    refused: list[dict[str, Any]] = []
    profile = None
    largest = b""
    try:
        for size in plan.merge_sizes:
            data, raw = config_of_size(size)
            models = sum(len(p["models"]) for p in data["models"]["providers"].values())
            try:
                ours(raw)  # warm-up
            except ConfigError as e:  # e.g. store's size cap: say so, and go on with the other sizes
                refused.append({"file_bytes": len(raw), "models": models, "error": str(e)})
                note(f"merge: {len(raw):,} bytes refused: {e}")
                continue
            samples: list[dict[str, float]] = []
            bases: list[dict[str, float]] = []
            for _ in range(plan.merge_reps[size]):
                samples.append(ours(raw))
                bases.append(baseline(raw))
                for old in path.parent.glob("openclaw.json.bak*"):
                    old.unlink()
            med = {k: median([s[k] for s in samples]) for k in samples[0]}
            base = {k: median([b[k] for b in bases]) for k in bases[0]}
            mem_ours, mem_base = merge_memory(raw, path, provider, auth, options)
            rows.append(
                {
                    "target_bytes": size,
                    "file_bytes": len(raw),
                    "models": models,
                    "allowlist_entries": len(data["agents"]["defaults"]["models"]),
                    "reps": len(samples),
                    "median_ms": {k: round(v * 1000, 3) for k, v in med.items()},
                    "baseline_ms": {k: round(v * 1000, 3) for k, v in base.items()},
                    "x_loads_dumps": round(med["total"] / base["loads_dumps"], 2),
                    "x_loads_dumps_indent2": round(med["total"] / base["loads_dumps_indent2"], 2),
                    "peak_mib": round(mem_ours / 2**20, 2),
                    "baseline_peak_mib": round(mem_base / 2**20, 2),
                    "x_baseline_peak": round(mem_ours / mem_base, 2),
                    "peak_x_file": round(mem_ours / len(raw), 2),
                }
            )
            note(f"merge: {len(raw):,} bytes, {models:,} models: {med['total'] * 1000:.1f} ms")
            largest = raw
        biggest = rows[-1]
        fit_all = fit_exponent([(r["file_bytes"], r["median_ms"]["total"]) for r in rows])
        big = [(r["file_bytes"], r["median_ms"]["total"]) for r in rows if r["file_bytes"] >= 100 * KB]
        base_fit = fit_exponent([(r["file_bytes"], r["baseline_ms"]["loads_dumps"]) for r in rows])
        over_target = biggest["file_bytes"] >= 9 * MB and biggest["median_ms"]["total"] > TARGETS["merge_10mb_seconds"] * 1000
        if want_profile or over_target:

            def once() -> None:
                path.write_bytes(largest)
                snapshot = store.read_config(path)
                merged = merge.apply_auth(snapshot.data, provider, auth, options)
                store.write_config(snapshot, merged.config, {})

            profiler = cProfile.Profile()
            profiler.runcall(once)
            profile = {"cumulative": top_stats(pstats.Stats(profiler), 22), "tottime": top_stats(pstats.Stats(profiler), 12, "tottime")}
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    result: dict[str, Any] = {
        "rows": rows,
        "refused": refused,
        "exponent_all_sizes": round(fit_all, 3),
        "exponent_from_100kb": round(fit_exponent(big), 3) if len(big) >= 2 else None,
        "exponent_largest_two": round(fit_exponent([(r["file_bytes"], r["median_ms"]["total"]) for r in rows[-2:]]), 3)
        if len(rows) >= 2
        else None,
        "baseline_exponent_all_sizes": round(base_fit, 3),
        "memory": "tracemalloc peak above the start of each operation (a separate, untimed pass); the snapshot read is not counted for ours",
    }
    if profile:
        result["profile_largest"] = profile
    return result


def merge_memory(raw: bytes, path: Path, provider, auth, options) -> tuple[int, int]:
    """tracemalloc peaks (bytes): ours from a read snapshot; the baseline from the raw bytes."""
    path.write_bytes(raw)
    snapshot = store.read_config(path)
    tracemalloc.start()
    try:
        start = tracemalloc.get_traced_memory()[0]
        merged = merge.apply_auth(snapshot.data, provider, auth, options)
        store.write_config(snapshot, merged.config, {})
        ours = tracemalloc.get_traced_memory()[1] - start
        del merged, snapshot
        tracemalloc.clear_traces()
        tracemalloc.reset_peak()
        start = tracemalloc.get_traced_memory()[0]
        json.dumps(json.loads(raw))
        base = tracemalloc.get_traced_memory()[1] - start
    finally:
        tracemalloc.stop()
    for old in path.parent.glob("openclaw.json.bak*"):
        old.unlink()
    return ours, base


# --- 3. the SSE reader ------------------------------------------------------------------------

MESSAGES = [{"role": "user", "content": "Say hello."}]
BODY = {"model": "qwen3-max", "messages": MESSAGES, "stream": True, "stream_options": {"include_usage": True}}


def read_floor(url: str) -> int:
    """The server's own pace: raw socket reads to the last chunk, nothing decoded (a sanity check)."""
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    body = json.dumps(BODY).encode()
    with socket.create_connection((parts.hostname, parts.port)) as s:
        s.sendall(
            b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"
            % (len(body), body)
        )
        tail, total = b"", 0
        while not tail.endswith(b"\r\n0\r\n\r\n"):
            data = s.recv(65536)
            if not data:
                break
            total += len(data)
            tail = (tail + data)[-16:]
    return total


def read_httpx_lines(url: str) -> int:
    import httpx

    count = 0
    with httpx.Client(timeout=60) as http:
        with http.stream("POST", url + "/chat/completions", json=BODY, headers={"Authorization": f"Bearer {KEY}"}) as response:
            for line in response.iter_lines():
                if line.startswith("data: "):
                    data = line[6:]
                    if data == "[DONE]":
                        break
                    json.loads(data)
                    count += 1
    return count


def read_ours(url: str) -> int:
    from openclaw_aisa.adapters.client import AisaClient

    count = 0
    with AisaClient(url, KEY) as client:
        for _ in client.chat_stream("qwen3-max", MESSAGES):
            count += 1
    return count


def read_ours_decoder(url: str) -> int:
    import httpx

    def events(response):
        decoder = sse.Decoder()
        for data in response.iter_bytes():
            yield from decoder.feed(data)
        yield from decoder.close()

    count = 0
    with httpx.Client(timeout=60) as http:
        with http.stream("POST", url + "/chat/completions", json=BODY, headers={"Authorization": f"Bearer {KEY}"}) as response:
            for _ in sse.chunks(events(response)):
                count += 1
    return count


def read_openai_decoder(url: str) -> int:
    import httpx
    from openai._streaming import SSEDecoder

    count = 0
    with httpx.Client(timeout=60) as http:
        with http.stream("POST", url + "/chat/completions", json=BODY, headers={"Authorization": f"Bearer {KEY}"}) as response:
            for event in SSEDecoder().iter_bytes(response.iter_bytes()):
                if event.data.startswith("[DONE]"):
                    break
                json.loads(event.data)
                count += 1
    return count


def read_openai_client(url: str) -> int:
    from openai import OpenAI

    count = 0
    with OpenAI(base_url=url, api_key=KEY, max_retries=0, timeout=60) as client:
        for _ in client.chat.completions.create(model="qwen3-max", messages=MESSAGES, stream=True, stream_options={"include_usage": True}):
            count += 1
    return count


READERS: dict[str, tuple[str, Callable[[str], int], bool]] = {
    # key: (label, reader, needs openai)
    "floor": ("raw socket reads, nothing decoded (server pace)", read_floor, False),
    "httpx_lines": ("httpx iter_lines + json.loads (baseline)", read_httpx_lines, False),
    "ours": ("ours: AisaClient.chat_stream", read_ours, False),
    "ours_decoder": ("ours: sse.Decoder + chunks on httpx iter_bytes", read_ours_decoder, False),
    "openai_decoder": ("openai SSEDecoder + json.loads on httpx iter_bytes", read_openai_decoder, True),
    "openai_client": ("openai-python: chat.completions.create(stream=True)", read_openai_client, True),
}


def decode_lines(pieces: list[bytes]) -> int:
    """What httpx's iter_lines() does to each read (TextDecoder, LineDecoder), then json.loads per data line."""
    from httpx._decoders import LineDecoder, TextDecoder

    text, lines, count = TextDecoder(), LineDecoder(), 0
    for piece in pieces:
        for line in lines.decode(text.decode(piece)):
            if line.startswith("data: ") and line[6:] != "[DONE]":
                json.loads(line[6:])
                count += 1
    return count


def decode_ours(pieces: list[bytes]) -> int:
    def events():
        decoder = sse.Decoder()
        for piece in pieces:
            yield from decoder.feed(piece)
        yield from decoder.close()

    return sum(1 for _ in sse.chunks(events()))


def decode_openai(pieces: list[bytes]) -> int:
    from openai._streaming import SSEDecoder

    count = 0
    for event in SSEDecoder().iter_bytes(iter(pieces)):
        if event.data.startswith("[DONE]"):
            break
        json.loads(event.data)
        count += 1
    return count


DECODERS: dict[str, tuple[str, Callable[[list[bytes]], int], bool]] = {
    "lines": ("httpx TextDecoder + LineDecoder + json.loads (baseline)", decode_lines, False),
    "ours": ("ours: sse.Decoder.feed + sse.chunks", decode_ours, False),
    "openai": ("openai SSEDecoder.iter_bytes + json.loads", decode_openai, True),
}


def bench_decoders(chunks: int, rounds: int, have_openai: bool) -> dict[str, Any]:
    """The decoders alone, on the stream's events held in memory (one bytes object per event, as read)."""
    sys.path.insert(0, str(SERVER.parent))
    from sse_server import frames

    pieces = [frame.split(b"\r\n", 1)[1][:-2] for frame in frames(chunks)[:-1]]
    decoders = {k: v for k, v in DECODERS.items() if have_openai or not v[2]}
    times: dict[str, list[float]] = {k: [] for k in decoders}
    for rnd in range(rounds + 1):
        for key, (label, decode, _) in decoders.items():
            start = time.perf_counter()
            count = decode(pieces)
            if count != chunks + 3:
                raise SystemExit(f"{label}: {count} chunks, expected {chunks + 3}")
            if rnd:
                times[key].append(time.perf_counter() - start)
    base = median(times["lines"])
    return {
        "rows": [
            {
                "decoder": key,
                "label": label,
                "reps": rounds,
                "median_ms": round(median(times[key]) * 1000, 1),
                "us_per_chunk": round(median(times[key]) / (chunks + 3) * 1e6, 2),
                "x_lines": round(median(times[key]) / base, 3),
            }
            for key, (label, _, _) in decoders.items()
        ]
    }


def openai_version() -> str | None:
    try:
        import openai
    except ImportError:
        return None
    return openai.__version__


def start_server(chunks: int) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([sys.executable, str(SERVER), "--chunks", str(chunks)], stdout=subprocess.PIPE, text=True)
    port = int(proc.stdout.readline())
    return proc, f"http://127.0.0.1:{port}/v1"


def bench_sse(plan: Plan, want_profile: bool, python: str) -> dict[str, Any]:
    have_openai = openai_version() is not None
    readers = {k: v for k, v in READERS.items() if have_openai or not v[2]}
    skipped = [] if have_openai else [READERS[k][0] for k in READERS if READERS[k][2]]
    if skipped:
        note("openai is not importable here: skipping " + "; ".join(skipped) + " (see BENCHMARKS.md for the venv)")
    expected = plan.sse_chunks + 3  # role, content chunks, finish, usage
    server, url = start_server(plan.sse_chunks)
    try:
        times: dict[str, list[float]] = {k: [] for k in readers}
        for rnd in range(plan.sse_rounds + 1):  # round 0 warms up (imports, first connections)
            for key, (label, reader, _) in readers.items():
                start = time.perf_counter()
                count = reader(url)
                elapsed = time.perf_counter() - start
                if key != "floor" and count != expected:
                    raise SystemExit(f"{label}: {count} chunks, expected {expected}")
                if rnd:
                    times[key].append(elapsed)
            note(f"sse: round {rnd}/{plan.sse_rounds}" + (" (warm-up)" if not rnd else ""))
        memory = {key: sse_memory(key, url) for key in readers}
        note("sse: decoders alone, in memory")
        decoders = bench_decoders(plan.sse_chunks, plan.sse_rounds, have_openai)
        base = median(times["httpx_lines"])
        rows = []
        for key, (label, _, _) in readers.items():
            t = median(times[key])
            rows.append(
                {
                    "reader": key,
                    "label": label,
                    "reps": len(times[key]),
                    "median_ms": round(t * 1000, 1),
                    "min_ms": round(min(times[key]) * 1000, 1),
                    "max_ms": round(max(times[key]) * 1000, 1),
                    "us_per_chunk": round(t / expected * 1e6, 2),
                    "chunks_per_s": round(expected / t),
                    "x_httpx_lines": round(t / base, 3),
                    "x_ours": round(t / median(times["ours"]), 3),
                    **memory[key],
                }
            )
        result: dict[str, Any] = {
            "chunks": expected,
            "bytes": read_floor(url),
            "rows": rows,
            "decoders_in_memory": decoders,
            "skipped": skipped,
            "memory": "tracemalloc_peak_kib: peak Python allocations during the stream, tracing started after imports and client set-up; "
            "peak_rss_mib: VmHWM of the whole process (imports included), rss_growth_mib: its rise during the stream; "
            "each reader in its own subprocess, one run",
        }
        ours = median(times["ours"])
        floor = median(times["floor"])
        if floor > 0.8 * base:
            result["warning"] = "the server's own pace is close to the baseline's: ratios are compressed toward 1"
        missed = ours / base > TARGETS["sse_vs_httpx_lines"] or (have_openai and ours > median(times["openai_client"]))
        if want_profile or missed:
            profiler = cProfile.Profile()
            profiler.runcall(read_ours, url)
            result["profile_ours"] = {"tottime": top_stats(pstats.Stats(profiler), 18, "tottime")}
        return result
    finally:
        server.terminate()
        server.wait(timeout=10)


def sse_memory(key: str, url: str) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--sse-memory", key, url], capture_output=True, text=True, timeout=600
    )
    if done.returncode != 0:
        raise SystemExit(f"memory run of {key} failed:\n{done.stderr}")
    return json.loads(done.stdout)


def sse_memory_child(key: str, url: str) -> None:
    """In a fresh process: import the reader's modules, then trace allocations over one full stream."""
    _, reader, needs_openai = READERS[key]
    import httpx  # noqa: F401

    import openclaw_aisa.adapters.client  # noqa: F401

    if needs_openai:
        import openai._streaming  # noqa: F401
    before = high_water_kib()
    tracemalloc.start()
    reader(url)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    after = high_water_kib()
    print(
        json.dumps(
            {
                "tracemalloc_peak_kib": round(peak / 1024, 1),
                "peak_rss_mib": round(after / 1024, 1),
                "rss_growth_mib": round((after - before) / 1024, 1),
            }
        )
    )


def high_water_kib() -> int:
    """This process's peak RSS since exec (VmHWM): ru_maxrss would start at the parent's size."""
    try:
        with open("/proc/self/status") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


# --- report -----------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    claw = OpenClaw(OPENCLAW_VERSION)
    node = subprocess.run([str(claw.node), "--version"], capture_output=True, text=True).stdout.strip() if claw.installed else None
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    dirty = bool(
        subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "--", "openclaw_aisa"], capture_output=True, text=True
        ).stdout.strip()
    )
    import hashlib

    import httpx

    sources = hashlib.sha256(b"".join(p.read_bytes() for p in sorted((ROOT / "openclaw_aisa").rglob("*.py")))).hexdigest()[:16]
    return {
        "nproc": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "python_executable": sys.executable,
        "node": node,
        "openclaw": OPENCLAW_VERSION if claw.installed else None,
        "httpx": httpx.__version__,
        "openai": openai_version(),
        "git": commit + (" (openclaw_aisa/ has uncommitted changes)" if dirty else ""),
        "openclaw_aisa_sources_sha256": sources,
    }


def targets(result: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    commands = result.get("commands")
    if commands:
        for row in commands["rows"]:
            if row["command"] in COMMANDS and row["openclaw_validate_x_faster"] is not None:
                used = row["openclaw_validate_used_home_x_faster"]
                out.append(
                    {
                        "target": f"{row['command']}: >= {TARGETS['commands_vs_openclaw']:g}x faster than openclaw config validate (fresh home)",
                        "value": f"{row['openclaw_validate_x_faster']:g}x" + (f" (used home: {used:g}x)" if used else ""),
                        "met": row["openclaw_validate_x_faster"] >= TARGETS["commands_vs_openclaw"],
                    }
                )
    merged = result.get("merge")
    if merged and merged["rows"]:
        big = merged["rows"][-1]
        if any(r["file_bytes"] >= 9 * MB for r in merged["refused"]):
            out.append(
                {
                    "target": f"apply_auth + write_config of 10 MB <= {TARGETS['merge_10mb_seconds']} s",
                    "value": "not measured: store.read_config refused the file",
                    "met": False,
                }
            )
        if big["file_bytes"] >= 9 * MB:
            out.append(
                {
                    "target": f"apply_auth + write_config of {big['file_bytes'] / MB:.1f} MB <= {TARGETS['merge_10mb_seconds']} s",
                    "value": f"{big['median_ms']['total'] / 1000:.3f} s",
                    "met": big["median_ms"]["total"] <= TARGETS["merge_10mb_seconds"] * 1000,
                }
            )
            out.append(
                {
                    "target": f"(same, with the read: read_config + apply_auth + write_config) <= {TARGETS['merge_10mb_seconds']} s",
                    "value": f"{big['median_ms']['with_read'] / 1000:.3f} s",
                    "met": big["median_ms"]["with_read"] <= TARGETS["merge_10mb_seconds"] * 1000,
                }
            )
        out.append(
            {
                "target": "merge time linear in size: fitted exponent over >= 100 KB <= 1.1",
                "value": f"{merged['exponent_from_100kb']} (two largest: {merged['exponent_largest_two']})",
                "met": merged["exponent_from_100kb"] is not None and merged["exponent_from_100kb"] <= 1.1,
            }
        )
    stream = result.get("sse")
    if stream:
        rows = {r["reader"]: r for r in stream["rows"]}
        ratio = rows["ours"]["x_httpx_lines"]
        out.append(
            {
                "target": f"SSE: within {TARGETS['sse_vs_httpx_lines']}x of raw httpx lines",
                "value": f"{ratio:g}x",
                "met": ratio <= TARGETS["sse_vs_httpx_lines"],
            }
        )
        if "openai_client" in rows:
            ratio = rows["ours"]["median_ms"] / rows["openai_client"]["median_ms"]
            out.append(
                {
                    "target": "SSE: at least as fast as openai-python",
                    "value": f"{ratio:.3f}x openai's time ({1 / ratio:.1f}x faster)",
                    "met": ratio <= TARGETS["sse_vs_openai"],
                }
            )
        else:
            out.append({"target": "SSE: at least as fast as openai-python", "value": "not measured (openai not installed)", "met": None})
    return out


def table(headers: list[str], rows: list[list[Any]]) -> str:
    cells = [[str(c) for c in headers]] + [[("" if c is None else str(c)) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = ["  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths))) for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def report(result: dict[str, Any]) -> str:
    out = []
    m = result["machine"]
    out.append(f"openclaw-aisa benchmarks ({'quick' if result['quick'] else 'full'}), {result['started']}, {result['seconds']:.0f} s")
    out.append(
        f"{m['nproc']} CPUs, Python {m['python']}, Node {m['node']}, OpenClaw {m['openclaw']}, httpx {m['httpx']}, openai {m['openai']}; load average {result['load_average']}"
    )
    out.append("All times are medians of the repetitions shown; ratios are against baselines measured in this run.\n")
    if "commands" in result:
        c = result["commands"]
        out.append(
            f"1. Offline commands: `{c['python']} -m openclaw_aisa ...`, a fresh process each (wall time; CPU = user + system of all threads; peak RSS = ru_maxrss)"
        )
        if c.get("baseline_src"):
            base = c["checks"]["baseline"]
            out.append(
                f"before: the same commands with PYTHONPATH={c['baseline_src']} (git {base['git']}); after / before = our median / its median"
            )
        out.append(
            "validate homes: fresh = OpenClaw never ran there (light path); used = our config after `openclaw plugins list` "
            "(state/openclaw.sqlite exists); plugin = onboarded with our native plugin installed (so does it)"
        )
        out.append(
            table(
                [
                    "command",
                    "reps",
                    "median ms",
                    "x bare python",
                    *(["after / before"] if c.get("baseline_src") else []),
                    "validate fresh / ours",
                    "used / ours",
                    "plugin / ours",
                    "CPU ms",
                    "validate CPU / ours",
                    "peak RSS MiB",
                ],
                [
                    [
                        r["command"],
                        r["reps"],
                        r["median_ms"],
                        r["x_bare_python"],
                        *([r["after_vs_before"]] if c.get("baseline_src") else []),
                        r["openclaw_validate_x_faster"],
                        r["openclaw_validate_used_home_x_faster"],
                        r["openclaw_validate_with_plugin_x_faster"],
                        r["cpu_ms"],
                        r["openclaw_validate_x_cpu"],
                        r["peak_rss_mib"],
                    ]
                    for r in c["rows"]
                ],
            )
        )
        cost = c.get("plugin_cost")
        if cost:
            out.append(
                f"our plugin's cost to OpenClaw: validate with it / used home without it = {cost['with_plugin_vs_used_home']:g}x (like for like); "
                f"/ fresh home = {cost['with_plugin_vs_fresh_home']:g}x (used home / fresh home = {cost['used_vs_fresh_home']:g}x)"
            )
        out.append("")
    if "merge" in result:
        g = result["merge"]
        out.append(
            "2. merge and write: apply_auth + write_config (as onboard does), ms; render = write_config's rendering, timed apart; peak = tracemalloc"
        )
        out.append(
            table(
                [
                    "file bytes",
                    "models",
                    "reps",
                    "read",
                    "apply_auth",
                    "write_config",
                    "(render)",
                    "total ms",
                    "with read",
                    "loads+dumps ms",
                    "x loads+dumps",
                    "x indent=2",
                    "peak MiB",
                    "x base peak",
                ],
                [
                    [
                        f"{r['file_bytes']:,}",
                        f"{r['models']:,}",
                        r["reps"],
                        r["median_ms"]["read"],
                        r["median_ms"]["apply_auth"],
                        r["median_ms"]["write_config"],
                        r["median_ms"]["render"],
                        r["median_ms"]["total"],
                        r["median_ms"]["with_read"],
                        r["baseline_ms"]["loads_dumps"],
                        r["x_loads_dumps"],
                        r["x_loads_dumps_indent2"],
                        r["peak_mib"],
                        r["x_baseline_peak"],
                    ]
                    for r in g["rows"]
                ],
            )
        )
        for r in g.get("refused", []):
            out.append(f"refused: {r['file_bytes']:,} bytes ({r['models']:,} models): {r['error']}")
        out.append(
            f"exponent of time vs size (least squares, log-log): {g['exponent_all_sizes']} over all sizes, {g['exponent_from_100kb']} over >= 100 KB, "
            f"{g['exponent_largest_two']} between the two largest; baseline {g['baseline_exponent_all_sizes']} over all sizes\n"
        )
    if "sse" in result:
        s = result["sse"]
        out.append(
            f"3. SSE reader, {s['chunks']:,} chunks ({s['bytes']:,} bytes on the wire) over loopback (peak = tracemalloc during the stream; RSS = whole process)"
        )
        out.append(
            table(
                ["reader", "reps", "median ms", "us/chunk", "x httpx lines", "x ours", "peak KiB", "RSS MiB", "RSS rise MiB"],
                [
                    [
                        r["label"],
                        r["reps"],
                        r["median_ms"],
                        r["us_per_chunk"],
                        r["x_httpx_lines"],
                        r["x_ours"],
                        r["tracemalloc_peak_kib"],
                        r["peak_rss_mib"],
                        r["rss_growth_mib"],
                    ]
                    for r in s["rows"]
                ],
            )
        )
        out.append("decoders alone, on the same events held in memory (one bytes object per event)")
        out.append(
            table(
                ["decoder", "reps", "median ms", "us/chunk", "x lines"],
                [[r["label"], r["reps"], r["median_ms"], r["us_per_chunk"], r["x_lines"]] for r in s["decoders_in_memory"]["rows"]],
            )
        )
        for text in s["skipped"]:
            out.append(f"skipped (openai not importable): {text}")
        if s.get("warning"):
            out.append(f"warning: {s['warning']}")
        out.append("")
    out.append("Targets")
    out.append(
        table(
            ["target", "value", "met"],
            [[t["target"], t["value"], {True: "yes", False: "NO", None: "-"}[t["met"]]] for t in result["targets"]],
        )
    )
    for section, key in (("commands", "profiles"), ("merge", "profile_largest"), ("sse", "profile_ours")):
        profiles = result.get(section, {}).get(key)
        if profiles:
            out.append(f"\nprofile: {section}")
            out.append(json.dumps(profiles, indent=1, ensure_ascii=False))
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes and counts: a smoke test under a minute")
    parser.add_argument(
        "--json",
        type=Path,
        default=Path(__file__).with_name("results.json"),
        metavar="FILE",
        help="where to write the results (default: benchmarks/results.json)",
    )
    parser.add_argument("--only", choices=("commands", "merge", "sse"), action="append", help="run only this part (repeatable)")
    parser.add_argument("--profile", action="store_true", help="profile every part, not only those that miss their target")
    parser.add_argument(
        "--cli-python",
        type=Path,
        default=DEFAULT_CLI_PYTHON,
        metavar="PYTHON",
        help=f"the interpreter that runs the commands of part 1 (default: {DEFAULT_CLI_PYTHON})",
    )
    parser.add_argument(
        "--baseline-src",
        type=Path,
        metavar="DIR",
        help="a checkout of an earlier commit (e.g. a git worktree): part 1 also runs its commands, interleaved, for before/after",
    )
    parser.add_argument("--sse-memory", nargs=2, metavar=("READER", "URL"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.sse_memory:
        sse_memory_child(*args.sse_memory)
        return 0
    if args.baseline_src:
        args.baseline_src = args.baseline_src.resolve()
        if not (args.baseline_src / "openclaw_aisa" / "__init__.py").is_file():
            parser.error(f"--baseline-src {args.baseline_src}: no openclaw_aisa package there")
    plan = QUICK if args.quick else FULL
    parts = args.only or ["commands", "merge", "sse"]
    began = time.perf_counter()
    result: dict[str, Any] = {
        "started": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "quick": args.quick,
        "argv": sys.argv[1:],
        "machine": machine(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    benches = {"commands": functools.partial(bench_commands, baseline_src=args.baseline_src), "merge": bench_merge, "sse": bench_sse}
    for part in ("commands", "merge", "sse"):
        if part in parts:
            note(f"{part} ...")
            result[part] = benches[part](plan, args.profile, str(args.cli_python))
    result["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    result["seconds"] = round(time.perf_counter() - began, 1)
    result["targets"] = targets(result)
    print(report(result))
    args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
