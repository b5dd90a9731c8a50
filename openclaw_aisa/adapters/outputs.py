"""Files a command writes at the user's request (`bench --csv`, `--chart`): opened before any request
is paid for, so a bad path fails first, with one clear line."""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import IO, Any

from ..errors import UsageError


def open_output(path: str, flag: str, mode: str = "w") -> IO[str]:
    try:
        return open(path, mode, newline="", encoding="utf-8")
    except OSError as e:
        raise UsageError(f"{flag} {path}: cannot write it ({e.strerror or e})") from None


@contextmanager
def csv_rows(path: str | None, header: Iterable[str]) -> Iterator[Callable[[list[Any]], None]]:
    """Write each row as it comes (an interrupted run keeps what it measured); no path, no file."""
    if not path:
        yield lambda row: None
        return
    with open_output(path, "--csv") as f:
        writer = csv.writer(f)
        writer.writerow(header)

        def write(row: list[Any]) -> None:
            writer.writerow(row)
            f.flush()

        yield write


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
            with open_output(path, flag) as f:
                f.write(text)

        yield write
    except BaseException:
        if not existed:
            os.unlink(path)
        raise
