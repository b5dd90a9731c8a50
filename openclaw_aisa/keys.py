"""API keys: checking one and showing it masked.

A key is never printed: every message uses `mask()`, which shows at most a known prefix and the
last four characters, and nothing of a key too short for that to stay secret; redact.py masks every
secret the process has seen, and whatever looks like a key, in all the text it emits.
"""

from __future__ import annotations

import re
from dataclasses import field

from .errors import UsageError
from .types import record

_PREFIX = re.compile(r"^(?:[a-z]{2,4}-){1,2}")
_UNSAFE = re.compile(r"[\s\"'`#\\$\x00-\x1f\x7f]")

SOURCES = ("flag", "stdin", "environment", ".env", "prompt")


@record
class Key:
    """A key and where it came from; `value` is secret and never printed (`masked` is)."""

    value: str = field(repr=False)
    source: str

    @property
    def masked(self) -> str:
        return mask(self.value)

    @property
    def typed(self) -> bool:
        """Given on this run (flag, stdin, prompt) rather than found where OpenClaw already looks."""
        return self.source in ("flag", "stdin", "prompt")


def mask(key: str) -> str:
    """`sk-aisa-…abcd`: the prefix and the last four, and only the prefix for a short key."""
    prefix = m.group(0) if (m := _PREFIX.match(key)) else ""
    rest = key[len(prefix) :]
    return f"{prefix}…{rest[-4:]}" if len(rest) >= 12 else f"{prefix}…"


def clean(raw: str, what: str) -> str:
    """Strip whitespace and newlines; refuse an empty key or one that cannot be a key."""
    key = raw.strip()
    if not key:
        raise UsageError(f"the {what} is empty; paste the whole key")
    if _UNSAFE.search(key):
        raise UsageError(f"the {what} contains a space, quote, '#', '$' or control character; paste it exactly as issued")
    if not key.isascii() or not key.isprintable():  # a byte that is not UTF-8 arrives as a surrogate, unprintable
        raise UsageError(f"the {what} contains a character that is not plain ASCII; paste it exactly as issued")
    return key
