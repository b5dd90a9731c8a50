"""Read the user's OpenClaw config (JSON5) and write files back the careful way OpenClaw does.

A write goes to a temp file in the same directory (0600), is fsynced and renamed over the target;
a symlinked file keeps its link and its target is replaced; the directory is made 0700; the old
content is kept as `<name>.bak` (older ones rotate to `.bak.1`..`.bak.4`, as OpenClaw rotates them);
and nothing is written if the file changed since it was read.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from collections.abc import Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ConfigError, ConflictError

BACKUPS = 5  # .bak and .bak.1 .. .bak.4
LOCK_STALE_SECONDS = 30  # as OpenClaw's own config lock
LOCK_WAIT_SECONDS = 20


@dataclass(frozen=True)
class Snapshot:
    """A config as read: `raw` is None when there is no file yet."""

    path: Path
    raw: bytes | None
    data: dict[str, Any]
    json5: bool = False

    @property
    def target(self) -> Path:
        """The file actually written: a symlink's target, so the link itself stays."""
        return Path(os.path.realpath(self.path))


def read_bytes(path: Path) -> bytes | None:
    """The file's bytes, None if it does not exist; a directory or unreadable file is a clear error."""
    if path.is_dir():
        raise ConfigError(f"{path} is a directory, not a file; move it away or point OPENCLAW_CONFIG_PATH at a file")
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as e:
        raise ConfigError(f"cannot read {path}: {e.strerror}; check its permissions") from None


def parse(raw: bytes, path: Path) -> tuple[dict[str, Any], bool]:
    """JSON first (what OpenClaw writes, and fast), JSON5 for hand-edited files; (data, was_json5)."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError(f"{path} is not UTF-8 text; restore it from {path.name}.bak or fix it") from None
    if not text.strip():
        return {}, False
    was_json5 = False
    try:
        data = json.loads(text)
    except ValueError:
        import pyjson5

        try:
            data = pyjson5.decode(text)
        except Exception as e:  # pyjson5 raises its own hierarchy; its message names the position
            raise ConfigError(f"{path} is not valid JSON5 ({_first_line(e)}); fix it, or restore {path.name}.bak") from None
        was_json5 = True
    if not isinstance(data, dict):
        raise ConfigError(f"{path} must hold a JSON object at the top, not {type(data).__name__}; fix or remove it")
    return data, was_json5


def read_config(path: Path) -> Snapshot:
    raw = read_bytes(path)
    if raw is None:
        return Snapshot(path, None, {})
    data, was_json5 = parse(raw, path)
    return Snapshot(path, raw, data, was_json5)


def render(data: Mapping[str, Any]) -> bytes:
    """As OpenClaw writes its config: 2-space JSON, non-ASCII kept, a trailing newline."""
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def check_writable(path: Path, env: Mapping[str, str]) -> None:
    """OpenClaw's own switch that makes every config writer refuse."""
    if env.get("OPENCLAW_CONFIG_READONLY", "").strip().lower() in ("1", "true", "yes"):
        raise ConfigError(f"OPENCLAW_CONFIG_READONLY is set: refusing to change {path}; unset it to allow edits")


def write_config(snapshot: Snapshot, data: Mapping[str, Any], env: Mapping[str, str]) -> bool:
    """Write `data` over the snapshot's file; False (nothing written) when it equals what was read."""
    if data == snapshot.data and snapshot.raw is not None:
        return False
    check_writable(snapshot.path, env)
    replace_file(snapshot.target, render(data), expect=snapshot.raw, backup=True)
    return True


def replace_file(path: Path, data: bytes, *, expect: bytes | None, backup: bool = False) -> None:
    """Atomically put `data` at `path` (0600, directory 0700) if it still holds `expect`."""
    directory = path.parent
    if not directory.exists():
        directory.mkdir(parents=True, mode=0o700)
    with _locked(path):
        if read_bytes(path) != expect:
            raise ConflictError(
                f"{path} changed while openclaw-aisa was working (another program wrote it); "
                "nothing was written: run the command again"
            )
        if backup and expect is not None:
            _rotate_backups(path)
            _write_atomic(path.with_name(path.name + ".bak"), expect)
        _write_atomic(path, data)


def _write_atomic(path: Path, data: bytes) -> None:
    import tempfile  # only writers pay for it

    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:  # mkstemp makes the file 0600
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    _fsync_dir(path.parent)


def _rotate_backups(path: Path) -> None:
    names = [path.with_name(f"{path.name}.bak")] + [path.with_name(f"{path.name}.bak.{i}") for i in range(1, BACKUPS)]
    for older, newer in reversed(list(zip(names, names[1:]))):
        if older.exists():
            os.replace(older, newer)


def secure_dir(directory: Path) -> None:
    """OpenClaw's state directory holds secrets: create it 0700, or tighten it when it is ours and looser."""
    if not directory.exists():
        directory.mkdir(parents=True, mode=0o700)
        return
    st = directory.stat()
    if st.st_uid == os.getuid() and st.st_mode & 0o077:
        directory.chmod(0o700)


@contextmanager
def _locked(path: Path):
    """Hold `<file>.lock` as OpenClaw (5.28 and later) does for its config: `{pid, createdAt}`, created
    exclusively; a live owner is waited for, a dead or 30-second-old one is taken over."""
    lock = path.with_name(path.name + ".lock")
    deadline, delay = time.monotonic() + LOCK_WAIT_SECONDS, 0.025
    while True:
        try:
            fd = os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            break
        except FileExistsError:
            owner = _lock_owner(lock)
            if owner is None:
                try:
                    os.unlink(lock)
                except FileNotFoundError:
                    pass
                continue
            if time.monotonic() > deadline:
                raise ConflictError(
                    f"{path} is being written by another program (pid {owner}, {lock.name}); "
                    "nothing was written: run the command again once it is done"
                ) from None
            time.sleep(delay)
            delay = min(delay * 2, 0.25)
    created = dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    with os.fdopen(fd, "w") as f:
        json.dump({"pid": os.getpid(), "createdAt": created}, f)
    try:
        yield
    finally:
        try:
            os.unlink(lock)
        except FileNotFoundError:
            pass


def _lock_owner(lock: Path) -> int | None:
    """The pid holding a lock, or None when the lock is stale (owner gone, or older than OpenClaw allows)."""
    try:
        age = time.time() - lock.stat().st_mtime
        payload = json.loads(lock.read_text() or "{}")
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        payload = {}
    pid = payload.get("pid") if isinstance(payload, dict) else None
    if age > LOCK_STALE_SECONDS or not isinstance(pid, int):
        return None if age > LOCK_STALE_SECONDS else -1  # unreadable but fresh: someone is writing it now
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        pass
    return pid


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _first_line(e: Exception) -> str:
    return (str(e).strip().splitlines() or [type(e).__name__])[0]
