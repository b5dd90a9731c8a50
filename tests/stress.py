"""Worker processes for the reliability tests, run as `python -m tests.stress KIND ARGS` from the repository.

`reader`      polls a config and parses it until told to stop; reports what it saw.
`cli`         imports the whole CLI, says `ready`, waits for `go` on stdin, then runs `openclaw-aisa ARGV`
              (so many of them start writing at once, and a kill lands in the write, not in Python's start).
`kill-writes` forks writers of the real write path (store.read_config + store.write_config), one per
              config at a time on several configs, and SIGKILLs each at a random moment; checks every file
              after every kill.

Each prints one JSON line of figures on stdout (`cli`: on the file named by STRESS_STATS).
"""

from __future__ import annotations

import json
import os
import random
import signal
import sys
import time
from pathlib import Path


def temps(config: Path) -> list[str]:
    """Our temp files beside `config` (see store._stage)."""
    prefix = f".{config.name}."
    return sorted(p.name for p in config.parent.iterdir() if p.name.startswith(prefix) and p.name.endswith(".tmp"))


def reader(config: str, stop: str) -> None:
    path, reads, failures, missing, samples = Path(config), 0, 0, 0, []
    while not os.path.exists(stop):
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            missing += 1
            continue
        try:
            json.loads(raw)
            reads += 1
        except ValueError:
            failures += 1
            samples.append(raw[:200].decode("utf-8", "replace"))
    print(json.dumps({"reads": reads, "parse_failures": failures, "missing": missing, "samples": samples[:3]}))


def cli_on_go(*argv: str) -> None:
    from openclaw_aisa import cli, gateway, merge  # noqa: F401  (all a write needs, loaded now)
    from openclaw_aisa.adapters import live, store  # noqa: F401
    from openclaw_aisa.cli import onboard  # noqa: F401
    from openclaw_aisa.errors import ConflictError
    from openclaw_aisa.workflows import onboard as onboarding  # noqa: F401
    from openclaw_aisa.workflows import transaction

    if "STRESS_RETRIES" in os.environ:
        transaction.CONFLICT_RETRIES = int(os.environ["STRESS_RETRIES"])
    conflicts = 0
    real = store.write_config

    def counting(*args, **kwargs):
        nonlocal conflicts
        try:
            return real(*args, **kwargs)
        except ConflictError:
            conflicts += 1
            raise

    store.write_config = counting
    print("ready", flush=True)
    sys.stdin.readline()
    code = cli.main(list(argv))
    if os.environ.get("STRESS_STATS"):
        Path(os.environ["STRESS_STATS"]).write_text(json.dumps({"conflicts": conflicts}))
    sys.exit(code)


def _write_once(path: Path) -> None:
    """One writer: the next version of the file, through the real write path."""
    from openclaw_aisa.adapters import store

    snapshot = store.read_config(path)
    store.write_config(snapshot, {**snapshot.data, "n": snapshot.data["n"] + 1}, {})


def _fork_writer(path: Path) -> int:
    pid = os.fork()
    if pid == 0:
        try:
            _write_once(path)
        except BaseException:
            os._exit(3)
        os._exit(0)
    return pid


def kill_writes(root: str, lanes: str, kills_per_lane: str, seed: str) -> None:
    """`lanes` configs (`root/lane-N/openclaw.json`), one writer on each at a time, each SIGKILLed at its own
    random moment, until every lane has had `kills_per_lane` kills."""
    from openclaw_aisa.adapters import store

    paths = [Path(root) / f"lane-{n}" / "openclaw.json" for n in range(int(lanes))]
    wanted, rng, started = int(kills_per_lane), random.Random(int(seed)), time.monotonic()
    durations = []
    for _ in range(3):  # how long a write takes here with every lane writing, so the kills fall across it
        t, pids = time.perf_counter(), {_fork_writer(p) for p in paths}
        while pids:
            pid, status = os.waitpid(-1, 0)
            pids.discard(pid)
            durations.append(time.perf_counter() - t)
            assert os.waitstatus_to_exitcode(status) == 0
    window = sorted(durations)[len(durations) // 2]
    figures = {
        "lanes": len(paths),
        "kills": 0,
        "finished_before_kill": 0,
        "failed": 0,
        "parse_failures": 0,
        "neither_old_nor_new": 0,
        "kills_leaving_temp_files": 0,
        "kills_leaving_a_lock": 0,
        "kills_leaving_a_lock_without_pid": 0,
        "temp_files_after_a_successful_write": 0,
        "slowest_write_after_a_kill_s": 0.0,
        "write_window_ms": round(window * 1000, 3),
    }
    kills = [0] * len(paths)
    after_kill = [False] * len(paths)
    while min(kills) < wanted:
        lanes_now = [n for n in range(len(paths)) if kills[n] < wanted]
        old = {n: paths[n].read_bytes() for n in lanes_now}
        new = {n: store.render({**json.loads(old[n]), "n": json.loads(old[n])["n"] + 1}) for n in lanes_now}
        t = time.perf_counter()
        pids = {n: _fork_writer(paths[n]) for n in lanes_now}
        for delay, n in sorted((rng.uniform(0, window), n) for n in lanes_now):
            time.sleep(max(0.0, t + delay - time.perf_counter()))
            os.kill(pids[n], signal.SIGKILL)
        for n in lanes_now:
            path = paths[n]
            _, status = os.waitpid(pids[n], 0)
            killed = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
            raw = path.read_bytes()
            try:
                json.loads(raw)
            except ValueError:
                figures["parse_failures"] += 1
            if raw not in (old[n], new[n]):
                figures["neither_old_nor_new"] += 1
            if killed:
                kills[n] += 1
                figures["kills"] += 1
                figures["kills_leaving_temp_files"] += bool(temps(path))
                lock = path.with_name(path.name + ".lock")
                figures["kills_leaving_a_lock"] += lock.exists()
                figures["kills_leaving_a_lock_without_pid"] += lock.exists() and b'"pid"' not in _bytes(lock)
                after_kill[n] = True
            elif os.waitstatus_to_exitcode(status) == 0:
                figures["finished_before_kill"] += 1
                figures["temp_files_after_a_successful_write"] += len(temps(path))
                if after_kill[n]:  # the write that came after a kill: its lock, if any, was taken over
                    figures["slowest_write_after_a_kill_s"] = max(
                        figures["slowest_write_after_a_kill_s"], round(time.perf_counter() - t, 3)
                    )
                after_kill[n] = False
            else:
                figures["failed"] += 1
    figures["temp_files_before_the_last_writes"] = sum(len(temps(p)) for p in paths)
    figures["locks_before_the_last_writes"] = sum(p.with_name(p.name + ".lock").exists() for p in paths)
    t = time.perf_counter()
    for path in paths:
        try:
            _write_once(path)
        except Exception as e:
            figures.setdefault("last_write_errors", []).append(str(e))
    figures["last_writes_s"] = round(time.perf_counter() - t, 3)
    figures["temp_files_left"] = [name for p in paths for name in temps(p)]
    figures["locks_left"] = sum(p.with_name(p.name + ".lock").exists() for p in paths)
    figures["backups_unparsable"] = [str(b) for p in paths for b in p.parent.glob(p.name + ".bak*") if not _parses(b)]
    figures["seconds"] = round(time.monotonic() - started, 1)
    print(json.dumps(figures))


def _bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return b'"pid"'  # gone already: not an empty one


def _parses(path: Path) -> bool:
    try:
        json.loads(path.read_bytes())
        return True
    except ValueError:
        return False


if __name__ == "__main__":
    {"reader": reader, "cli": cli_on_go, "kill-writes": kill_writes}[sys.argv[1]](*sys.argv[2:])
