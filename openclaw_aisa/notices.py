"""What the user must be told in the middle of a workflow, before it acts (comments about to be lost).

Workflows never print; the CLI says where notices go (its console) once, and every workflow that
writes reaches the user through this one hook, present ones and future ones alike.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar

_sink: ContextVar[tuple[Callable[[str], None], set[str]] | None] = ContextVar("notices", default=None)


def send_to(sink: Callable[[str], None] | None) -> None:
    _sink.set((sink, set()) if sink else None)


def tell(text: str) -> None:
    """Pass `text` on, once: a dry run's preview and the write after it may both have reason to say it."""
    current = _sink.get()
    if current is not None and text not in current[1]:
        current[1].add(text)
        current[0](text)
