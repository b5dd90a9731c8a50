"""Where OpenClaw keeps its config and state, resolved from the environment as OpenClaw does."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Location:
    config: Path
    state_dir: Path
    legacy: bool = False

    @property
    def dotenv(self) -> Path:
        return self.state_dir / ".env"


def _expand(value: str, home: Path) -> Path:
    if value == "~" or value.startswith("~/"):
        return home / value[2:]
    return Path(value).absolute()


def home_dir(env: Mapping[str, str]) -> Path:
    """`OPENCLAW_HOME` replaces the home directory for everything OpenClaw resolves."""
    base = Path(env.get("HOME") or os.path.expanduser("~"))
    custom = env.get("OPENCLAW_HOME", "").strip()
    return _expand(custom, base) if custom else base


def locate(env: Mapping[str, str] | None = None) -> Location:
    env = os.environ if env is None else env
    home = home_dir(env)
    legacy = False
    if env.get("OPENCLAW_STATE_DIR", "").strip():
        state = _expand(env["OPENCLAW_STATE_DIR"].strip(), home)
    elif env.get("OPENCLAW_PROFILE", "").strip() not in ("", "default"):
        state = home / f".openclaw-{env['OPENCLAW_PROFILE'].strip()}"
    else:
        state = home / ".openclaw"
        if not state.exists() and (home / ".clawdbot").is_dir():
            state, legacy = home / ".clawdbot", True
    if env.get("OPENCLAW_CONFIG_PATH", "").strip():
        config = _expand(env["OPENCLAW_CONFIG_PATH"].strip(), home)
    else:
        config = state / "openclaw.json"
        if legacy and not config.exists() and (state / "clawdbot.json").exists():
            config = state / "clawdbot.json"
    return Location(config=config, state_dir=state, legacy=legacy)
