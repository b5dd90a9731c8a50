"""What onboarding created in each config, so `remove` can hand back the config the user had.

OpenClaw's schema has no room for our bookkeeping, so it lives in our own state directory, keyed by
the config's real path and the provider id.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path

from ..cache import user_dir
from ..errors import AisaError
from . import store

PENDING = "#pending"  # the suffix of the entry that records a `.env` write not yet matched by the config


def _file() -> Path:
    return user_dir("state") / "onboarding.json"


def _key(config: Path, provider: str) -> str:
    return f"{os.path.realpath(config)}#{provider}"


def _read() -> tuple[bytes | None, dict[str, list[str]]]:
    raw = store.read_bytes(_file())
    try:
        data = json.loads(raw) if raw else {}
    except ValueError:
        data = {}
    return raw, data if isinstance(data, dict) else {}


def created(config: Path, provider: str) -> set[str]:
    return set(_read()[1].get(_key(config, provider), []))


def pending(config: Path, provider: str) -> tuple[str, bool] | None:
    """A `.env` write that onboarding began and never finished (killed before the config was written):
    (the variable, whether it held a value before), or None."""
    try:
        entries = _read()[1].get(_key(config, provider) + PENDING, [])
    except AisaError:  # a journal that cannot be read records nothing; its writers say why
        return None
    for entry in entries:
        var, _, had = entry.partition(":")
        return var, had == "had"
    return None


def begin(config: Path, provider: str, var: str, had: bool) -> store.Replaced | None:
    """Record, before the `.env` is written, that onboarding is about to save `var` there; what was
    written (for `store.put_back` when the onboarding then fails), None when nothing changed."""
    return _write({_key(config, provider) + PENDING: [f"{var}:{'had' if had else 'new'}"]})


def update(config: Path, provider: str, add: Iterable[str] = (), forget: bool = False) -> None:
    """What onboarding created (with `forget`, nothing any more); a pending `.env` write is finished."""
    key = _key(config, provider)
    paths = set() if forget else set(_read()[1].get(key, [])) | set(add)
    _write({key: sorted(paths), key + PENDING: []})


def _write(entries: dict[str, list[str]]) -> store.Replaced | None:
    raw, data = _read()
    for key, value in entries.items():
        if value:
            data[key] = value
        else:
            data.pop(key, None)
    new = json.dumps(data, indent=2, sort_keys=True).encode() + b"\n"
    return store.replace_file(_file(), new, expect=raw) if new != raw else None
