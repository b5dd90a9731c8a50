"""Read the user's OpenClaw config (JSON5) and write files back the careful way OpenClaw does.

A write goes to a temp file in the same directory (0600), is fsynced and renamed over the target;
a symlinked file keeps its link and its target is replaced; a missing directory is created 0700 (an
existing one keeps its mode); the old content is kept as `<name>.bak` (older ones rotate to
`.bak.1`..`.bak.4`, as OpenClaw rotates them) once the new content is in place; and nothing is
written if the file changed since it was read, checked again just before the rename. Every temp file
is written before anything is renamed and removed on every failure, so a full disk, a busy or
immutable file leaves the old file and its backups as they were; the temp files a killed writer
leaves behind are removed by the next write. Nothing that is not a regular file is ever opened.
"""

from __future__ import annotations

import datetime as dt
import errno
import functools
import gc
import json
import os
import re
import stat
import time
from collections.abc import Mapping
from contextlib import contextmanager
from dataclasses import field
from pathlib import Path
from typing import Any

from .. import redact
from ..errors import ConfigError, ConflictError, UsageError
from ..types import record

BACKUPS = 5  # .bak and .bak.1 .. .bak.4
LOCK_STALE_SECONDS = 30  # as OpenClaw's own config lock
LOCK_WAIT_SECONDS = 35  # longer than the stale rule: a hung holder's lock is taken over, not given up on
MAX_BYTES = 32 * 1024 * 1024  # an OpenClaw config is a few KB; far more is a mistake, not a config
MAX_DEPTH = 64  # OpenClaw's own config nests under 10 levels; pyjson5 stops at 32
# `.<name>.<pid>.<random>.tmp`; `.<name>.<random>.tmp` and `.<name>.bak.<random>.tmp` as earlier versions named them.
_TEMP = re.compile(r"(?:(\d+)\.|bak\.)?[a-z0-9_]{8}")


@record
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
    """The file's bytes, None if it does not exist; a directory, pipe, huge or unreadable file is a clear error.

    Opened without blocking and checked again once open: a pipe put there meanwhile is refused, not waited on."""
    try:
        _regular(path, os.stat(path))
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    except OSError as e:
        raise ConfigError(f"cannot read {path}: {e.strerror}; {_hint(e, path)}") from None
    with os.fdopen(fd, "rb") as f:
        _regular(path, os.fstat(fd))
        try:
            return f.read()
        except OSError as e:
            raise ConfigError(f"cannot read {path}: {e.strerror}; {_hint(e, path)}") from None


def _regular(path: Path, st: os.stat_result) -> None:
    if stat.S_ISDIR(st.st_mode):
        raise ConfigError(f"{path} is a directory, not a file; move it away")
    if not stat.S_ISREG(st.st_mode):
        raise ConfigError(f"{path} is not a regular file (a pipe, socket or device); move it away")
    if st.st_size > MAX_BYTES:
        raise ConfigError(f"{path} is {st.st_size / 2**20:.0f} MB, far more than OpenClaw's files hold; move it away{_restore(path)}")


def _restore(path: Path) -> str:
    """The hint to restore `<name>.bak`, given only when that backup exists: a hint names no file that is not there."""
    backup = path.with_name(path.name + ".bak")
    return f", or restore {backup.name}" if os.path.isfile(backup) else ""


def _no_cycle_collection(func):
    """Parsing or encoding a big JSON tree allocates a container per node, and every 700 of them start
    a collection that walks ever more of the heap: ~10 % of a 10 MB read-merge-write (166 -> 154 ms).
    A JSON tree has no cycles, so nothing is lost (Mercurial does this around its big parses)."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        if not gc.isenabled():
            return func(*args, **kwargs)
        gc.disable()
        try:
            return func(*args, **kwargs)
        finally:
            gc.enable()

    return wrapper


@_no_cycle_collection
def parse(raw: bytes, path: Path) -> tuple[dict[str, Any], bool]:
    """JSON first (what OpenClaw writes, and fast), JSON5 for hand-edited files; (data, was_json5)."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError(f"{path} is not UTF-8 text; fix it (save it as UTF-8){_restore(path)}") from None
    if not text.strip():
        return {}, False
    was_json5 = False
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        import pyjson5

        try:
            data = pyjson5.decode(text)
        except Exception as e:  # pyjson5's own hierarchy; its message names the position (its args hold the data read)
            raise ConfigError(f"{path} is not valid JSON5 ({_first_line(e)}); fix it{_restore(path)}") from None
        was_json5 = True
    if not isinstance(data, dict):
        kind = {list: "a list", str: "a string", bool: "a boolean", type(None): "null"}.get(type(data), "a number")
        raise ConfigError(f"{path} must hold a JSON object at the top, not {kind}; fix or remove it")
    if _too_deep(data):
        raise ConfigError(f"{path} nests more than {MAX_DEPTH} levels deep, which no OpenClaw config does; fix it{_restore(path)}")
    redact.SEEN.learn_tree(data)  # its tokens and passwords are masked in whatever is printed from now on
    return data, was_json5


def has_comments(raw: bytes) -> bool:
    """Whether a JSON5 text holds a `//` or `/* */` comment outside its strings (a URL's `//` is not one)."""
    text = raw.decode("utf-8", "replace")
    quote, i = "", 0
    while i < len(text):
        c = text[i]
        if quote:
            if c == "\\":
                i += 1
            elif c == quote:
                quote = ""
        elif c in "\"'":
            quote = c
        elif c == "/" and text[i + 1 : i + 2] in ("/", "*"):
            return True
        i += 1
    return False


def read_config(path: Path) -> Snapshot:
    if path.is_dir():
        raise ConfigError(f"{path} is a directory, not a file; move it away or point OPENCLAW_CONFIG_PATH at a file")
    _refuse_dangling(path)
    raw = read_bytes(path)
    if raw is None:
        return Snapshot(path, None, {})
    data, was_json5 = parse(raw, path)
    return Snapshot(path, raw, data, was_json5)


def read_checked(path: Path) -> Snapshot:
    """The config as `read_config` reads it, refused when its `models` or `agents` come from a top-level
    `$include`: we would neither see the whole of them nor be able to edit them."""
    snapshot = read_config(path)
    _refuse_root_include(snapshot, path)
    return snapshot


def _refuse_root_include(snapshot: Snapshot, path: Path) -> None:
    """A top-level `$include` is fine unless what it includes holds `models` or `agents` (which we edit)."""
    include = snapshot.data.get("$include")
    if include is None:
        return
    for name in include if isinstance(include, list) else [include]:
        target = path.parent / str(name)
        raw = read_bytes(target)
        data = parse(raw, target)[0] if raw else {}
        touched = sorted(set(data) & {"models", "agents", "$include"})
        if touched:
            raise UsageError(
                f"{path}: {', '.join(touched)} come(s) from $include {name}: openclaw-aisa does not edit included files; "
                "add the block there by hand (openclaw-aisa onboard --dry-run shows it)"
            )


def read_dotenv(path: Path) -> tuple[bytes | None, str, dict[str, str]]:
    """A `.env` file's bytes (None: no file), their text and the variables OpenClaw reads from it."""
    raw = read_bytes(path)
    if not raw:
        return raw, "", {}
    from .. import dotenv  # only a .env that exists needs its parser

    text, values = raw.decode("utf-8", "replace"), dotenv.parse(raw)
    # every value is someone's secret until shown otherwise, and so is whatever follows `=` on a line
    # dotenv does not read (it still shows in a diff)
    redact.SEEN.learn_dotenv(values, [line.partition("=")[2].strip(" \t\r\"'") for line in text.splitlines()])
    return raw, text, values


def write_target(path: Path) -> Path:
    """The file a write of `path` replaces: a symlink's target, so the link stays (as `Snapshot.target`)."""
    _refuse_dangling(path)
    return Path(os.path.realpath(path))


def _refuse_dangling(path: Path) -> None:
    """A symlink to nothing: writing through it would create the file (and its folders) wherever it points."""
    try:
        os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            raise ConfigError(
                f"{path} is a symlink to {os.readlink(path)}, which does not exist; restore that file or remove the link"
            ) from None
    except OSError:
        pass  # read_bytes or the write says what is wrong


# Compact JSON bytes from which orjson renders. Below, json's indent mode (about 35 us per KB it
# writes) costs a one-off command less than importing orjson (about 2 ms): a config of under ~50 KB
# as written, and OpenClaw's configs are a few KB.
ORJSON_FROM = 32 * 1024
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


@_no_cycle_collection
def render(data: Mapping[str, Any]) -> bytes:
    """As OpenClaw writes its config: 2-space JSON, non-ASCII kept, a trailing newline.

    A lone surrogate (`"\\ud800"` in the file) is written escaped, as JSON.stringify does: raw it is not UTF-8.
    """
    compact = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    fast = _render_orjson(data, compact) if len(compact) >= ORJSON_FROM else None
    if fast is not None:
        return fast
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return _LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text).encode("utf-8")


def _render_orjson(data: Mapping[str, Any], compact: str) -> bytes | None:
    """json's indent mode is pure Python (220 ms for 10 MB); orjson takes 5 ms. Its output is used only
    when its compact form equals json's (C-encoded) `compact` form byte for byte, so the file is what
    json would write: `1e-07`, NaN, ints over 64 bits and lone surrogates go to json instead."""
    try:
        import orjson

        mine = orjson.dumps(data)
    except (ImportError, TypeError):  # orjson.JSONEncodeError is a TypeError
        return None
    if mine != compact.encode("utf-8"):
        return None
    return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)


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


@record
class Replaced:
    """A finished `replace_file`, with what `put_back` needs to undo it (file contents are secret: not shown)."""

    path: Path
    old: bytes | None = field(repr=False)  # None: there was no file
    new: bytes = field(repr=False)
    moved: tuple[int, ...] | None = None  # the backups moved down a place (by index, in the order moved); None: no backup made
    dropped: bytes | None = field(default=None, repr=False)  # the oldest backup, pushed out by the rotation
    made: tuple[Path, ...] = ()  # the directories the write created, taken back with a file that did not exist


def replace_file(path: Path, data: bytes, *, expect: bytes | None, backup: bool = False) -> Replaced:
    """Atomically put `data` at `path` (0600; a missing directory is made 0700) if it still holds `expect`.

    The new content and the backup are both written and fsynced to temp files before anything is
    renamed, and the file is checked once more just before the rename (a writer that takes no lock,
    as OpenClaw 3.31, may have written meanwhile). Backups rotate only once the new content is in
    place: a refused rename (a full disk, a bind-mounted or immutable file) leaves every file as it was.
    """
    staged: list[Path] = []
    made: list[Path] = []
    changed = False
    try:
        made = _make_dirs(path.parent)
        with locked(path):
            _expect(path, expect)
            _remove_stale_temps(path)
            staged.append(_stage(path, data))
            if backup and expect is not None:
                staged.append(_stage(path, expect))
            _expect(path, expect)
            os.replace(staged[0], path)
            del staged[0]
            changed = True
            moved: tuple[int, ...] | None = None
            dropped = None
            if staged:
                moved, dropped = _keep_backup(path, staged[0])
                staged.clear()
            _fsync_dir(path.parent)
            return Replaced(path, expect, data, moved, dropped, tuple(made))
    except OSError as e:
        left = "" if changed else " (nothing was changed)"
        raise ConfigError(f"cannot write {path}: {e.strerror}; {_hint(e, path)}{left}") from None
    finally:
        for tmp in staged:
            _unlink(tmp)
        if not changed:
            _remove_dirs(made)


def _expect(path: Path, expect: bytes | None) -> None:
    if read_bytes(path) != expect:
        raise ConflictError(
            f"{path} changed while openclaw-aisa was working (another program wrote it); nothing was written: run the command again"
        )


def _backups(path: Path) -> list[Path]:
    return [path.with_name(f"{path.name}.bak")] + [path.with_name(f"{path.name}.bak.{i}") for i in range(1, BACKUPS)]


def _keep_backup(path: Path, old: Path) -> tuple[tuple[int, ...], bytes | None]:
    """Once `path` holds the new content: `old` (the previous content, staged) becomes `.bak` and the older
    backups move down a place. If that fails, every move is undone and `old` goes back to `path`."""
    names, moved = _backups(path), []
    dropped = _read_or_none(names[-1]) if os.path.lexists(names[-2]) else None
    try:
        for i in reversed(range(len(names) - 1)):
            if os.path.lexists(names[i]):
                os.replace(names[i], names[i + 1])
                moved.append(i)
        os.replace(old, names[0])
    except OSError as e:
        try:
            _move_back(path, tuple(moved), dropped)
            os.replace(old, path)
        except OSError:
            raise ConfigError(
                f"{path} was written, but keeping its backup failed ({e.strerror}) and so did undoing it; "
                f"its backups may be out of order: {_hint(e, names[0])}"
            ) from None
        raise ConfigError(f"cannot keep the backup {names[0]}: {e.strerror}; {_hint(e, names[0])} (nothing was changed)") from None
    return tuple(moved), dropped


def _move_back(path: Path, moved: tuple[int, ...], dropped: bytes | None) -> None:
    """Undo a rotation: each backup back up a place (`.bak` is free again), the one it pushed out restored."""
    names = _backups(path)
    for i in reversed(moved):
        os.replace(names[i + 1], names[i])
    if dropped is not None and len(names) - 2 in moved:
        tmp = _stage(path, dropped)
        try:
            os.replace(tmp, names[-1])
        finally:
            _unlink(tmp)


def _read_or_none(path: Path) -> bytes | None:
    try:
        return read_bytes(path)
    except ConfigError:
        return None


def _stage(path: Path, data: bytes, sync: bool = True) -> Path:
    """`data` in a new temp file beside `path` (0600), named after our pid so a later write can tell
    whether the writer that left it is gone."""
    import tempfile  # only writers pay for it

    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:  # mkstemp makes the file 0600
            f.write(data)
            if sync:
                f.flush()
                os.fsync(f.fileno())
    except BaseException:
        _unlink(Path(tmp))
        raise
    return Path(tmp)


def _remove_stale_temps(path: Path) -> None:
    """Our temp files beside `path` that a killed writer left: its pid is gone, or older than a lock lives.

    Called with the lock held, so no live writer of ours is between writing such a file and renaming it.
    """
    prefix = f".{path.name}."
    with os.scandir(path.parent) as entries:
        names = [e.name for e in entries if e.name.startswith(prefix) and e.name.endswith(".tmp") and e.is_file(follow_symlinks=False)]
    for name in names:
        m = _TEMP.fullmatch(name[len(prefix) : -len(".tmp")])
        if not m:
            continue
        tmp = path.with_name(name)
        try:
            old = time.time() - os.lstat(tmp).st_mtime > LOCK_STALE_SECONDS
        except FileNotFoundError:
            continue
        if old or (m.group(1) is not None and not _alive(int(m.group(1)))):
            _unlink(tmp)


def put_back(done: Replaced) -> None:
    """Undo `done`, a write of ours that a later step could not follow: the file and its backups as they were
    (`old` None: the file goes). A file changed since by someone else stays theirs; an undo that fails leaves ours."""
    path = done.path
    try:
        with locked(path):
            if read_bytes(path) != done.new:
                return
            if done.old is None:
                os.unlink(path)
            elif done.moved is not None and read_bytes(_backups(path)[0]) == done.old:
                os.replace(_backups(path)[0], path)
                _move_back(path, done.moved, done.dropped)
            else:
                replace_file(path, done.old, expect=done.new)
            _fsync_dir(path.parent)
    except (ConfigError, ConflictError, OSError):
        return
    if done.old is None:  # once the lock beside it is gone too
        _remove_dirs(list(done.made))


def modes(files: Mapping[str, Path]) -> dict[str, int | None]:
    """Each file's permission bits, None where it does not exist (or cannot be looked at)."""
    found: dict[str, int | None] = {}
    for name, path in files.items():
        try:
            found[name] = os.stat(path).st_mode & 0o777
        except OSError:
            found[name] = None
    return found


def chmod(path: Path, mode: int) -> None:
    try:
        os.chmod(path, mode)
    except OSError as e:
        raise ConfigError(f"cannot chmod {mode:o} {path}: {e.strerror}; {_hint(e, path)}") from None


def secure_dir(directory: Path) -> None:
    """OpenClaw's state directory holds secrets: a missing one is created 0700, as OpenClaw does. An existing
    one keeps the mode its owner chose (a shared 1777 or 2775 one included): doctor reports a loose one."""
    try:
        _make_dirs(directory)
    except OSError as e:
        raise ConfigError(f"cannot create {directory}: {e.strerror}; {_hint(e, directory)}") from None


def _make_dirs(directory: Path) -> list[Path]:
    """Create `directory` and any missing parent, each 0700 whatever the umask; existing ones are left alone.
    Returns those it made, deepest last."""
    missing, made = [], []
    while not os.path.isdir(directory) and directory != directory.parent:
        missing.append(directory)
        directory = directory.parent
    for new in reversed(missing):
        try:
            os.mkdir(new, 0o700)
        except FileExistsError:
            continue
        made.append(new)
        os.chmod(new, 0o700)
    return made


def _remove_dirs(made: list[Path]) -> None:
    """Take back the directories a failed write made (only while they are still empty)."""
    for directory in reversed(made):
        try:
            os.rmdir(directory)
        except OSError:
            return


_held: set[Path] = set()


@contextmanager
def locked(path: Path):
    """Hold the config's lock across a whole read-merge-write: a writer that lost a race retries this
    way, so it cannot lose again to another writer that takes the lock. Re-entrant: replace_file
    inside it does not wait for the lock its own process holds."""
    if path in _held:
        yield
        return
    with _locked(path):
        _held.add(path)
        try:
            yield
        finally:
            _held.discard(path)


@contextmanager
def _locked(path: Path):
    """Hold `<file>.lock` as OpenClaw (5.28 and later) does for its config: `{pid, createdAt}`, created
    exclusively; a live owner is waited for, a dead or 30-second-old one is taken over.

    The lock is a hard link to a temp file already holding the payload, so it never exists empty:
    a writer killed at any moment leaves either no lock or one naming its (dead) pid.
    """
    lock = path.with_name(path.name + ".lock")
    mine = _stage(path, _lock_payload(), sync=False)
    try:
        deadline, delay = time.monotonic() + LOCK_WAIT_SECONDS, 0.025
        while not _take(lock, mine):
            owner, seen = _lock_owner(lock)
            if owner is None and time.monotonic() <= deadline:
                if seen is not None:
                    _unlink_if_unchanged(lock, seen)
                continue
            if time.monotonic() > deadline:
                who = f"pid {owner}" if owner is not None and owner > 0 else "a lock without a pid"
                raise ConflictError(
                    f"{path} is being written by another program ({who}, {lock.name}); "
                    "nothing was written: run the command again once it is done"
                ) from None
            time.sleep(delay)
            delay = min(delay * 2, 0.25)
            mine.write_bytes(_lock_payload())  # a lock says when it was taken, not when we began to wait
    finally:
        _unlink(mine)
    try:
        yield
    finally:
        _unlink(lock)


def _lock_payload() -> bytes:
    created = dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return json.dumps({"pid": os.getpid(), "createdAt": created}).encode()


def _take(lock: Path, mine: Path) -> bool:
    try:
        os.link(mine, lock)
        return True
    except FileExistsError:
        return False
    except OSError as e:
        if e.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK):
            raise
    # A file system without hard links: create and fill it (a kill in between leaves it empty, stale in 30 s).
    try:
        fd = os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "wb") as f:
        f.write(mine.read_bytes())
    return True


def _lock_owner(lock: Path) -> tuple[int | None, os.stat_result | None]:
    """The pid holding a lock (-1: fresh but unreadable), or None when the lock is gone (no stat) or stale:
    its owner is gone, or it is older than OpenClaw allows. A lock that is not a regular file (a symlink,
    pipe or directory) is no writer's: it is refused at once, never opened, waited on or removed."""
    try:
        st = os.lstat(lock)
    except FileNotFoundError:
        return None, None
    if not stat.S_ISREG(st.st_mode):
        kind = "a symlink" if stat.S_ISLNK(st.st_mode) else "a directory" if stat.S_ISDIR(st.st_mode) else "a pipe, socket or device"
        raise ConfigError(f"{lock} is {kind}, not a lock file; remove it, then run the command again (nothing was written)")
    try:
        fd = os.open(lock, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC)
        with os.fdopen(fd, "rb") as f:
            payload = json.loads(f.read() or b"{}") if stat.S_ISREG(os.fstat(fd).st_mode) else {}
    except FileNotFoundError:
        return None, None
    except (OSError, ValueError):
        payload = {}
    if time.time() - st.st_mtime > LOCK_STALE_SECONDS:
        return None, st
    pid = payload.get("pid") if isinstance(payload, dict) else None
    if not isinstance(pid, int):
        return -1, st  # someone is filling it in now (a writer without hard links)
    return (pid if _alive(pid) else None), st


def _unlink_if_unchanged(lock: Path, seen: os.stat_result) -> None:
    """Remove a stale lock, unless another writer replaced it since it was judged (then it is theirs)."""
    try:
        now = lock.stat()
    except FileNotFoundError:
        return
    if (now.st_ino, now.st_mtime_ns, now.st_size) == (seen.st_ino, seen.st_mtime_ns, seen.st_size):
        _unlink(lock)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return True


def _unlink(path: Path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _too_deep(node: dict | list, room: int = MAX_DEPTH) -> bool:
    """More than `room` levels of objects and lists; stops at the limit, so it never recurses far."""
    if room == 0:
        return True
    for child in node.values() if type(node) is dict else node:
        if (type(child) is dict or type(child) is list) and _too_deep(child, room - 1):
            return True
    return False


def _hint(e: OSError, path: Path) -> str:
    """How to fix what the operating system refused."""
    if e.errno in (errno.ENOSPC, errno.EDQUOT):
        return "free some disk space, then run the command again"
    if e.errno == errno.EFBIG:
        return "the file size limit (ulimit -f) is too low; raise it, then run the command again"
    if e.errno == errno.EBUSY:
        return (
            f"{path} is busy or a mount point (a bind-mounted file cannot be replaced by rename); "
            "mount the directory that holds it instead of the file alone, then run the command again"
        )
    if e.errno == errno.EPERM:
        return (
            f"check the permissions of {path} and {path.parent}, and whether either is immutable "
            f"(`lsattr -d {path.parent} {path}` shows an i; `chattr -i` clears it)"
        )
    if e.errno in (errno.EACCES, errno.EROFS):
        return f"check the permissions of {path} and {path.parent} (or a read-only mount)"
    if e.errno == errno.ENOTDIR:
        return f"a part of {path.parent} is a file, not a directory; move it away"
    if e.errno == errno.ELOOP:
        return f"{path} is a symlink loop; fix or remove the link"
    return "check the file and its directory"


def _first_line(e: Exception) -> str:
    """The error's message alone: pyjson5 puts the data read so far (keys included) in its args."""
    message = getattr(e, "message", None)
    text = message if isinstance(message, str) else (str(e.args[0]) if e.args else "")
    return (text.strip().splitlines() or [type(e).__name__])[0]
