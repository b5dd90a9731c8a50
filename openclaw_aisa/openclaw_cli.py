"""The user's own `openclaw` command: where it is, and which version it is.

Asking `openclaw --version` starts Node (about 0.1-0.3 s), so the answer is cached in the user cache,
keyed by the command's real path, size and modification time: an upgrade invalidates it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .errors import UsageError
from .openclaw import parse_version
from .store import read_bytes, replace_file


def find(env: Mapping[str, str], explicit: str | None = None) -> Path | None:
    if explicit:
        path = Path(explicit).expanduser()
        if not (path.is_file() and os.access(path, os.X_OK)):
            raise UsageError(f"--openclaw {explicit} is not an executable file; give the path of your openclaw command")
        return path
    found = shutil.which("openclaw", path=env.get("PATH"))
    return Path(found) if found else None


def version(command: Path, env: Mapping[str, str]) -> str | None:
    """`2026.9.6`, or None when the command does not run or says no version."""
    real = Path(os.path.realpath(command))
    try:
        st = real.stat()
    except OSError:
        return None
    key = f"{real}|{st.st_size}|{st.st_mtime_ns}"
    cache_file = _cache_file()
    raw = read_bytes(cache_file)
    try:
        cached: dict[str, Any] = json.loads(raw) if raw else {}
    except ValueError:
        cached = {}
    if key in cached:
        return cached[key]
    try:
        done = subprocess.run([str(command), "--version"], env=dict(env), capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    found = parse_version(done.stdout) if done.returncode == 0 else None
    result = ".".join(map(str, found)) if found else None
    try:
        replace_file(cache_file, json.dumps({**{k: v for k, v in cached.items() if not k.startswith(f"{real}|")}, key: result}).encode(), expect=raw)
    except Exception:  # a cache that cannot be written only costs the next run its speed
        pass
    return result


def target_version(flag: str | None, config: Mapping[str, Any], env: Mapping[str, str]) -> tuple[str | None, str]:
    """Which OpenClaw the config is written for, and how that was decided."""
    if flag:
        if parse_version(flag) is None:
            raise UsageError(f"--openclaw-version {flag!r} is not a version like 2026.9.6")
        return flag, "--openclaw-version"
    command = find(env)
    if command and (found := version(command, env)):
        return found, f"{command} --version"
    meta = config.get("meta")
    touched = meta.get("lastTouchedVersion") if isinstance(meta, dict) else None
    if isinstance(touched, str) and parse_version(touched):
        return touched, "meta.lastTouchedVersion in the config"
    return None, "no openclaw command on PATH and no version in the config"


def _cache_file() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("openclaw-aisa", appauthor=False)) / "openclaw-versions.json"
