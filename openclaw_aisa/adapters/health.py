"""OpenClaw's record of the last config it saw healthy ("last known good"), kept current after our writes.

OpenClaw 9.x compares every config it loads with that record and, when the file shrank below half
of it or lost `meta` or `gateway.mode`, puts `openclaw.json.bak` back and keeps ours as
`openclaw.json.clobbered.<time>` (`Config auto-restored from backup ... size-drop-vs-last-good`).
A write of ours that takes a provider out shrinks the file legitimately, and our `.bak` is the
bigger file before it: without this, 9.x would undo `plugin uninstall` and `remove`. Only OpenClaw's
own healthy reads move the record, never its writes (nor ours), so after each write we record the
file exactly as OpenClaw's next healthy read would: its fingerprint (hash, size, stat, `meta`,
`gateway.mode`), with no anomaly acknowledged. 9.x keeps the record in `state/openclaw.sqlite`
(`config_health_entries`); 3.31 and 5.28, which only warn, in `logs/config-health.json` (which 9.x
imports on upgrade). A store that does not exist is never created: OpenClaw has not run there.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

DATABASE = Path("state") / "openclaw.sqlite"  # under the state dir, whichever config it holds
LEGACY = Path("logs") / "config-health.json"


def adopt(config: Path, state_dir: Path, data: Mapping[str, Any]) -> str | None:
    """Record `config` (just written with `data`) as OpenClaw's last known good; what failed, or None."""
    try:
        fingerprint = _fingerprint(config, data)
    except OSError as e:
        return f"cannot read {config} back ({e.strerror or e})"
    problems = [
        p for p in (_adopt_database(config, state_dir / DATABASE, fingerprint), _adopt_file(config, state_dir / LEGACY, fingerprint)) if p
    ]
    return "; ".join(problems) or None


def _fingerprint(config: Path, data: Mapping[str, Any]) -> dict[str, Any]:
    """As OpenClaw's `createConfigHealthFingerprint`: stat times in milliseconds as Node gives them."""
    raw = config.read_bytes()
    st = os.stat(config)
    gateway = data.get("gateway")
    mode = gateway.get("mode") if isinstance(gateway, dict) else None
    return {
        "hash": hashlib.sha256(raw).hexdigest(),
        "bytes": len(raw),
        "mtimeMs": _ms(st.st_mtime_ns),
        "ctimeMs": _ms(st.st_ctime_ns),
        "dev": str(st.st_dev),
        "ino": str(st.st_ino),
        "mode": st.st_mode & 0o777,
        "nlink": st.st_nlink,
        "uid": st.st_uid,
        "gid": st.st_gid,
        "hasMeta": isinstance(data.get("meta"), dict),
        "gatewayMode": mode.strip() or None if isinstance(mode, str) else None,
        "observedAt": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
    }


def _ms(ns: int) -> int | float:
    seconds, rest = divmod(ns, 10**9)
    value = seconds * 1e3 + rest / 1e6
    return int(value) if value == int(value) else value


def _keys(config: Path, known: list[str]) -> list[str]:
    """The record's keys for this file: OpenClaw keys by the path it resolved, so a link is another string."""
    real = os.path.realpath(config)
    return [k for k in known if os.path.realpath(k) == real] or [os.path.abspath(config)]


def _adopt_database(config: Path, database: Path, fingerprint: dict[str, Any]) -> str | None:
    if not database.is_file():
        return None
    import sqlite3

    try:
        db = sqlite3.connect(f"file:{database}?mode=rw", uri=True, timeout=5, isolation_level=None)
    except sqlite3.Error as e:
        return f"cannot open {database} ({e})"
    try:
        if not db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'config_health_entries'").fetchone():
            return None  # an OpenClaw without the guard
        db.execute("BEGIN IMMEDIATE")
        known = [row[0] for row in db.execute("SELECT config_path FROM config_health_entries")]
        value, now = json.dumps(fingerprint, separators=(",", ":")), int(time.time() * 1000)
        for key in _keys(config, known):
            db.execute(
                "INSERT INTO config_health_entries (config_path, last_known_good_json, last_promoted_good_json, "
                "last_observed_suspicious_signature, updated_at_ms) VALUES (?, ?, NULL, NULL, ?) "
                "ON CONFLICT (config_path) DO UPDATE SET last_known_good_json = excluded.last_known_good_json, "
                "last_observed_suspicious_signature = NULL, updated_at_ms = excluded.updated_at_ms",
                (key, value, now),
            )
        db.execute("COMMIT")
    except sqlite3.Error as e:
        return f"cannot update {database} ({e})"
    finally:
        db.close()
    return None


def _adopt_file(config: Path, path: Path, fingerprint: dict[str, Any]) -> str | None:
    from . import store

    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as e:
        return f"cannot read {path} ({e.strerror or e})"
    try:
        state = json.loads(raw)
    except ValueError:
        return None  # OpenClaw rewrites a damaged record itself; ours would be a guess
    entries = state.get("entries") if isinstance(state, dict) else None
    if not isinstance(entries, dict):
        return None
    for key in _keys(config, list(entries)):
        old = entries.get(key)
        entries[key] = {**(old if isinstance(old, dict) else {}), "lastKnownGood": fingerprint, "lastObservedSuspiciousSignature": None}
    try:
        store.replace_file(path, (json.dumps(state, indent=2) + "\n").encode(), expect=raw)
    except Exception as e:  # a conflict or a write error: the config is written; only the record is stale
        return f"cannot update {path} ({e})"
    return None
