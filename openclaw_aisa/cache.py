"""Our user cache: derived data that is cheap to lose (the validated catalogue, the entry-point list,
`openclaw --version` answers, AIsa's live model list). Writes are best effort and never take the
config's lock: a cache that cannot be written only costs the next run its speed."""

from __future__ import annotations

import os
import zlib
from pathlib import Path


def cache_dir() -> Path:
    """Our user cache (platformdirs)."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("openclaw-aisa", appauthor=False))


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
