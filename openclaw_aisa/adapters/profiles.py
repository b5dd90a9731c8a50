"""OpenClaw's own stored credentials (auth profiles), read only: which key OpenClaw really sends.

OpenClaw's onboarding (`openclaw onboard --auth-choice aisa-api-key`) keeps the key in an auth profile
(`aisa:default`), not in the config: 9.x in `state/openclaw.sqlite` (table `config_machine_state`, row
`authProfiles.store`), 3.31 and 5.28 in `agents/main/agent/auth-profiles.json`. A stored profile is
sent before the config's key on 3.31 and 5.28 (and by 9.6's one-shot commands), so `detect`, `doctor`
and `onboard` must know it is there and whether it holds the same key. These stores are OpenClaw's:
they are opened read-only here and changed only through OpenClaw's own commands.

The one exception is each agent's `models.json` (3.31, on every `models list` and turn) or
`plugins/<id>/catalog.json` (5.28, on Gateway start), copies of the provider settings OpenClaw resolved
(OpenClaw issue #84632): a key it copied there in plain text is replaced by the variable's name, the
very marker OpenClaw writes there itself for a key it reads from a variable.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..types import StoredProfile
from . import store

DATABASE = Path("state") / "openclaw.sqlite"


def stored(state_dir: Path, config: Mapping[str, Any], provider: str) -> list[StoredProfile]:
    """The provider's profiles in whichever store this OpenClaw uses (the database wins when it has them)."""
    found = _from_database(state_dir / DATABASE)
    if found is None:
        path = agent_dir(state_dir, config) / "auth-profiles.json"
        found = (_from_json(path), str(path))
    store, where = found
    profiles = store.get("profiles") if isinstance(store, dict) else None
    out = []
    for pid, p in (profiles or {}).items() if isinstance(profiles, dict) else ():
        if not isinstance(p, dict) or p.get("provider") != provider:
            continue
        ref = p.get("keyRef")
        var = ref.get("id") if isinstance(ref, dict) and ref.get("source") == "env" else None
        value = p.get("key") if isinstance(p.get("key"), str) else p.get("token") if isinstance(p.get("token"), str) else None
        out.append(StoredProfile(pid, provider, str(p.get("type", "")), value, var, where))
    return out


def agent_dir(state_dir: Path, config: Mapping[str, Any]) -> Path:
    """The default agent's directory: the config's `agents.entries.main.agentDir` if set, else OpenClaw's default."""
    entries = config.get("agents", {}).get("entries") if isinstance(config.get("agents"), dict) else None
    main = entries.get("main") if isinstance(entries, dict) else None
    custom = main.get("agentDir") if isinstance(main, dict) else None
    return Path(custom).expanduser() if isinstance(custom, str) and custom.strip() else state_dir / "agents" / "main" / "agent"


def _from_json(path: Path) -> Any:
    try:
        return json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None


def _from_database(path: Path) -> tuple[Any, str] | None:
    """`authProfiles.store` from 9.x's state database, read-only (WAL rows included); None without one."""
    if not path.is_file():
        return None
    import sqlite3

    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
    except sqlite3.Error:
        return None
    try:
        row = db.execute("SELECT value_json FROM config_machine_state WHERE state_key = 'authProfiles.store'").fetchone()
    except sqlite3.Error:  # an OpenClaw whose database keeps no profiles: they are in the JSON file
        return None
    finally:
        db.close()
    if row is None:
        return None
    try:
        return json.loads(row[0]), f"{path} (authProfiles.store)"
    except (TypeError, ValueError):
        return None


def forget_in_file(state_dir: Path, config: Mapping[str, Any], provider: str) -> str | None:
    """Take the provider's profiles out of 3.31's `auth-profiles.json`, which has no command that removes
    one (later versions do: they go through it). Only this provider's entries (and its order, last-good
    and usage records) go; every other byte of meaning stays. Returns what was done, None if nothing."""
    from . import store

    path = agent_dir(state_dir, config) / "auth-profiles.json"
    try:
        raw = path.read_bytes()
        data = json.loads(raw)
    except (OSError, ValueError):
        return None
    profiles = data.get("profiles") if isinstance(data, dict) else None
    if not isinstance(profiles, dict):
        return None
    gone = [k for k, v in profiles.items() if isinstance(v, dict) and v.get("provider") == provider]
    if not gone:
        return None
    for k in gone:
        del profiles[k]
    for section in ("order", "lastGood"):
        if isinstance(data.get(section), dict):
            data[section].pop(provider, None)
    if isinstance(data.get("usageStats"), dict):
        for k in gone:
            data["usageStats"].pop(k, None)
    store.replace_file(path, (json.dumps(data, indent=2) + "\n").encode(), expect=raw)
    return f"removed {', '.join(gone)} from {path} (this OpenClaw has no command for it)"


# --- the resolved provider settings OpenClaw copies into each agent (agents/<id>/agent/models.json) ---


def copied_keys(state_dir: Path, provider_id: str) -> tuple[tuple[str, str], ...]:
    """The provider's apiKey in each agent's models.json or plugin catalogue (OpenClaw's copies of the resolved settings)."""
    out = []
    found = [*state_dir.glob("agents/*/agent/models.json"), *state_dir.glob("agents/*/agent/plugins/*/catalog.json")]
    for path in sorted(found):
        try:
            key = json.loads(path.read_bytes())["providers"][provider_id]["apiKey"]
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if isinstance(key, str):
            out.append((str(path), key))
    return tuple(out)


def scrub_copied_key(path: Path, provider_id: str, var: str) -> bool:
    """The key in such a copy replaced by the variable's name, atomically, if the file is unchanged."""
    raw = store.read_bytes(path)
    try:
        data = json.loads(raw or b"")
        data["providers"][provider_id]["apiKey"] = var
    except (ValueError, KeyError, TypeError):
        return False
    store.replace_file(path, (json.dumps(data, indent=2) + "\n").encode(), expect=raw)
    return True
