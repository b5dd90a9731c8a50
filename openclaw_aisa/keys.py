"""API keys: checking one and showing it masked.

A key is never printed: every message uses `mask()`, which shows at most a known prefix and the
last four characters, and nothing of a key too short for that to stay secret; redact.py masks every
secret the process has seen, and whatever looks like a key, in all the text it emits.
"""

from __future__ import annotations

import re
from dataclasses import field
from typing import Any, TypeGuard

from .errors import UsageError
from .types import StoredProfile, record

_PREFIX = re.compile(r"^(?:[a-z]{2,4}-){1,2}")
_UNSAFE = re.compile(r"[\s\"'`#\\$\x00-\x1f\x7f]")

SOURCES = ("flag", "stdin", "environment", ".env", "config env", "prompt")
CONFIG_ENV = "config env"  # a key in the config's env block: OpenClaw applies it when the variable is unset elsewhere


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


def in_config_env(config: Any, var: str) -> tuple[str, str] | None:
    """(path, value) of `var` in the config's env block as OpenClaw applies it: the flat `env.VAR` of
    AIsa's guide first (3.31 and 5.28 let it win over env.vars; 9.6 refuses the whole config for it),
    else `env.vars.VAR` (valid everywhere)."""
    env = config.get("env") if isinstance(config, dict) else None
    if not isinstance(env, dict):
        return None
    vars_ = env.get("vars")
    for path, value in ((f"env.{var}", env.get(var)), (f"env.vars.{var}", vars_.get(var) if isinstance(vars_, dict) else None)):
        if isinstance(value, str) and value.strip():
            return path, value.strip()
    return None


def profile_pointer(value: Any) -> TypeGuard[str]:
    """`"auth:aisa:default"`: AIsa's guide's apiKey, meant to point at a stored profile. No OpenClaw version
    resolves it, so it is sent as the key itself and AIsa answers 401."""
    return isinstance(value, str) and value.strip().lower().startswith("auth:")


def looks_like_key(value: str) -> bool:
    """A secret rather than one of OpenClaw's stand-ins for it: a variable name (`AISA_API_KEY`), a
    template (`${VAR}`), or a marker such as `secretref-managed`."""
    text = value.strip()
    if len(text) < 8 or re.fullmatch(r"[A-Z][A-Z0-9_]*", text) or text.startswith("${") or "managed" in text or "secretref" in text:
        return False
    return not _UNSAFE.search(text)


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


PROFILES_FIRST_UNTIL = (
    "2026.5.28"  # 9.x turns send the config's referenced key; its one-shot commands, and older versions always, a profile
)


def stale_profile(
    profiles: tuple[StoredProfile, ...] | list[StoredProfile], config: dict, provider: str, var: str, value: str | None
) -> StoredProfile | None:
    """The stored profile OpenClaw sends before the key `var` holds (`value`), when it is another key:
    none when profiles are switched off for the provider (`auth.order.<id>: []`), or each holds the
    same key, or refers to the same variable."""
    auth = config.get("auth")
    order = auth.get("order") if isinstance(auth, dict) else None
    if isinstance(order, dict) and order.get(provider) == []:
        return None
    for p in profiles:
        if p.provider == provider and p.var != var and (p.var is not None or (p.value is not None and p.value != value)):
            return p
    return None


def profile_everywhere(version: str | None) -> bool:
    """Whether a stored profile is sent on every path (3.31, 5.28, an unknown version), or, on 9.x, only by
    one-shot commands (`openclaw infer`) while turns (agent, TUI, Gateway) use the config's reference."""
    from .schema import since

    return version is None or since(version) <= since(PROFILES_FIRST_UNTIL)
