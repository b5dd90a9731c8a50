"""What the user must be told in the middle of a workflow: before it acts (comments about to be lost),
and, on a terminal, each slow step as it starts (the key check, OpenClaw's plugin install).

Workflows never print; the CLI says where notices and steps go (its console) once, and every workflow
reaches the user through these hooks, present ones and future ones alike.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar

_sink: ContextVar[tuple[Callable[[str], None], set[str]] | None] = ContextVar("notices", default=None)
_steps: ContextVar[Callable[[str], None] | None] = ContextVar("steps", default=None)


def send_to(sink: Callable[[str], None] | None) -> None:
    _sink.set((sink, set()) if sink else None)


def tell(text: str) -> None:
    """Pass `text` on, once: a dry run's preview and the write after it may both have reason to say it."""
    current = _sink.get()
    if current is not None and text not in current[1]:
        current[1].add(text)
        current[0](text)


def steps_to(sink: Callable[[str], None] | None) -> None:
    """Where `step` lines go: a terminal's stderr; None (a pipe, `--json`) drops them."""
    _steps.set(sink)


def step(text: str) -> None:
    """A slow step starts now (`text` says what, and for how long at most): silence would look like a hang."""
    sink = _steps.get()
    if sink is not None:
        sink(text)
