"""Files a command writes at the user's request (`bench --csv`, `--chart`): opened before any request
is paid for, so a bad path fails first, with one clear line."""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import IO, Any

from ..errors import UsageError
from ..redact import redact


def open_output(path: str, flag: str, mode: str = "w") -> IO[str]:
    try:
        return open(path, mode, newline="", encoding="utf-8")
    except OSError as e:
        raise UsageError(f"{flag} {path}: cannot write it ({e.strerror or e})") from None


@contextmanager
def _writing(path: str, flag: str) -> Iterator[None]:
    """A write that fails (a full disk, /dev/full, a quota) is one line naming the file, not a traceback."""
    try:
        yield
    except OSError as e:
        raise UsageError(f"{flag} {path}: writing it failed ({e.strerror or e}); choose another file") from None


@contextmanager
def csv_rows(path: str | None, header: Iterable[str]) -> Iterator[Callable[[list[Any]], None]]:
    """Write each row as it comes (an interrupted run keeps what it measured); no path, no file."""
    if not path:
        yield lambda row: None
        return
    f = open_output(path, "--csv")
    try:
        writer = csv.writer(f)

        def write(row: list[Any]) -> None:
            with _writing(path, "--csv"):
                writer.writerow([redact(c) if isinstance(c, str) else c for c in row])
                f.flush()

        write(list(header))
        yield write
    finally:
        with _writing(path, "--csv"):
            f.close()


@contextmanager
def later(path: str | None, flag: str) -> Iterator[Callable[[str], None]]:
    """A file checked now and written at the end (an existing one is kept until then); a new one
    is removed again when the work fails."""
    if not path:
        yield lambda text: None
        return
    existed = os.path.exists(path)
    open_output(path, flag, mode="a").close()
    try:

        def write(text: str) -> None:
            with _writing(path, flag), open_output(path, flag) as f:
                f.write(redact(text))

        yield write
    except BaseException:
        if not existed:
            os.unlink(path)
        raise
