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
from . import store


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


def update(config: Path, provider: str, add: Iterable[str] = (), forget: bool = False) -> None:
    raw, data = _read()
    key = _key(config, provider)
    paths = set() if forget else set(data.get(key, [])) | set(add)
    if paths:
        data[key] = sorted(paths)
    else:
        data.pop(key, None)
    new = json.dumps(data, indent=2, sort_keys=True).encode() + b"\n"
    if new != raw:
        store.replace_file(_file(), new, expect=raw)
