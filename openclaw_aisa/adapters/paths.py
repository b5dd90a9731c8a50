"""Where OpenClaw keeps its config and state, resolved from the environment as OpenClaw does."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from ..types import record


@record
class Location:
    """The config file and the state dir OpenClaw uses (`legacy`: a clawdbot-era path)."""

    config: Path
    state_dir: Path
    legacy: bool = False

    @property
    def dotenv(self) -> Path:
        return self.state_dir / ".env"

    def plugin_installed(self, plugin_id: str) -> Path:
        """Where `openclaw plugins install` copies a plugin, and loads it from."""
        return self.state_dir / "extensions" / plugin_id

    def plugin_source(self, plugin_id: str) -> Path:
        """Our private copy of the bundle that OpenClaw installs from: it stays, so OpenClaw's install
        record (its `sourcePath`) keeps pointing at a real directory holding what was installed."""
        return self.state_dir / "openclaw-aisa" / plugin_id


def _expand(value: str, home: Path) -> Path:
    if value == "~" or value.startswith("~/"):
        return home / value[2:]
    return Path(value).absolute()


def home_dir(env: Mapping[str, str]) -> Path:
    """`OPENCLAW_HOME` replaces the home directory for everything OpenClaw resolves."""
    base = Path(env.get("HOME") or os.path.expanduser("~"))
    custom = env.get("OPENCLAW_HOME", "").strip()
    return _expand(custom, base) if custom else base


def locate(env: Mapping[str, str] | None = None, profile: str | None = None) -> Location:
    """The config and state dir OpenClaw would use (checked against 2026.3.31, 5.28 and 9.6).

    `profile` is OpenClaw's `--profile NAME` flag (`~/.openclaw-NAME`); an explicit state dir or config
    path wins over it. The OPENCLAW_PROFILE variable alone changes nothing in OpenClaw, so not here either.
    """
    env = os.environ if env is None else env
    home = home_dir(env)
    explicit_state = env.get("OPENCLAW_STATE_DIR", "").strip()
    if explicit_state:
        state = _expand(explicit_state, home)
        candidates = [state / "openclaw.json", state / "clawdbot.json"]
    elif profile and profile != "default":
        state = home / f".openclaw-{profile}"
        candidates = [state / "openclaw.json"]
    else:
        state = home / ".openclaw"
        if not state.exists() and (home / ".clawdbot").is_dir():
            state = home / ".clawdbot"
        candidates = [d / name for d in (state, home / ".openclaw", home / ".clawdbot") for name in ("openclaw.json", "clawdbot.json")]
    if env.get("OPENCLAW_CONFIG_PATH", "").strip():
        config = _expand(env["OPENCLAW_CONFIG_PATH"].strip(), home)
    else:
        config = next((c for c in candidates if c.is_file()), state / "openclaw.json")
    return Location(config=config, state_dir=state, legacy=".clawdbot" in config.parts or config.name == "clawdbot.json")
