"""Our user cache: derived data that is cheap to lose (the validated catalogue, the entry-point list,
`openclaw --version` answers, AIsa's live model list). Writes are best effort and never take the
config's lock: a cache that cannot be written only costs the next run its speed."""

from __future__ import annotations

import os
import sys
import zlib
from pathlib import Path

APP = "openclaw-aisa"
_XDG = {"cache": ("XDG_CACHE_HOME", ".cache"), "state": ("XDG_STATE_HOME", ".local/state")}


def cache_dir() -> Path:
    """Our user cache."""
    return user_dir("cache")


def user_dir(kind: str) -> Path:
    """platformdirs' `user_cache_dir` / `user_state_dir` for us. On Linux the XDG rule is read here:
    platformdirs' unix module imports tempfile, shutil and random, ~4 ms of every start (a test holds
    both answers together); other platforms and unusual homes ask platformdirs."""
    var, default = _XDG[kind]
    if sys.platform == "linux":
        xdg, home = os.environ.get(var, ""), os.environ.get("HOME", "")
        if os.path.isabs(xdg):
            return Path(xdg) / APP
        if os.path.isabs(home):
            return Path(home) / default / APP
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP, appauthor=False) if kind == "cache" else platformdirs.user_state_dir(APP, appauthor=False))


def checksum(data: bytes) -> str:
    """Length and CRC-32: it tells an edited file from the validated one. Not SHA-256: nobody forges it
    (who can write plugin.toml can write the cache), and hashlib's OpenSSL start costs ~3 ms a run."""
    return f"{len(data):x}{zlib.crc32(data):08x}"


def read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def write(path: Path, data: bytes) -> None:
    """Best effort: a read-only cache only costs the next run its speed."""
    import tempfile

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-")
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass
