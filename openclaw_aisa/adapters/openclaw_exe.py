"""The user's own `openclaw` command: where it is, and which version it is.

Asking `openclaw --version` starts Node (about 0.1-0.3 s), so the answer is cached in the user cache,
keyed by the command's real path, size and modification time: an upgrade invalidates it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import cache
from ..errors import AisaError, UsageError
from ..schema import parse_version

if TYPE_CHECKING:  # subprocess and shutil cost ~4 ms a start, and offline commands never run openclaw
    import subprocess

VERSION_TIMEOUT = 10.0  # Node starts in well under a second; a command silent this long will stay so


def find(env: Mapping[str, str], explicit: str | None = None) -> Path | None:
    if explicit:
        path = Path(explicit).expanduser()
        if not (path.is_file() and os.access(path, os.X_OK)):
            raise UsageError(f"--openclaw {explicit} is not an executable file; give the path of your openclaw command")
        return path
    import shutil

    found = shutil.which("openclaw", path=env.get("PATH"))
    return Path(found) if found else None


def version(command: Path, env: Mapping[str, str]) -> str | None:
    """`2026.9.6`, or None when the command does not run or says no version. A command that does not
    answer is an AisaError that says so, asked once: it is there, so "not found" would mislead."""
    real = Path(os.path.realpath(command))
    try:
        st = real.stat()
    except OSError:
        return None
    key = f"{real}|{st.st_size}|{st.st_mtime_ns}"
    cache_file = cache.cache_dir() / "openclaw-versions.json"
    raw = cache.read(cache_file)
    try:
        cached: dict[str, Any] = json.loads(raw) if raw else {}
    except ValueError:
        cached = {}
    if key in cached:
        return cached[key]
    import subprocess

    try:
        done = subprocess.run([str(command), "--version"], env=dict(env), capture_output=True, text=True, timeout=VERSION_TIMEOUT)
    except OSError:
        return None
    except subprocess.TimeoutExpired:
        raise AisaError(
            f"`{command} --version` did not answer in {VERSION_TIMEOUT:g} s; run it yourself to see why (OpenClaw needs Node 24)"
        ) from None
    found = parse_version(done.stdout) if done.returncode == 0 else None
    result = ".".join(map(str, found)) if found else None
    cache.write(cache_file, json.dumps({**{k: v for k, v in cached.items() if not k.startswith(f"{real}|")}, key: result}).encode())
    return result


def target_version(
    flag: str | None, config: Mapping[str, Any], env: Mapping[str, str], command: Path | None = None
) -> tuple[str | None, str]:
    """Which OpenClaw the config is written for, and how that was decided."""
    if flag:
        if parse_version(flag) is None:
            raise UsageError(f"--openclaw-version {flag!r} is not a version like 2026.9.6")
        return flag, "--openclaw-version"
    if command and (found := version(command, env)):
        return found, f"{command} --version"
    meta = config.get("meta")
    touched = meta.get("lastTouchedVersion") if isinstance(meta, dict) else None
    if isinstance(touched, str) and parse_version(touched):
        return touched, "meta.lastTouchedVersion in the config"
    return None, "no openclaw command on PATH and no version in the config"


def run(command: Path, *args: str, env: Mapping[str, str], timeout: float = 300) -> subprocess.CompletedProcess:
    """Run the user's openclaw; a command that cannot start is one clear error."""
    import subprocess

    try:
        return subprocess.run([str(command), *args], env=dict(env), capture_output=True, text=True, timeout=timeout)
    except OSError as e:
        raise AisaError(f"cannot run {command}: {e.strerror}; check that OpenClaw and Node 24 are installed") from None
    except subprocess.TimeoutExpired:
        raise AisaError(f"`{command} {' '.join(args)}` did not finish in {timeout:.0f} s") from None


def supported_flags(command: Path, env: Mapping[str, str], *subcommand: str) -> set[str]:
    """The long options a subcommand accepts, read from its --help (they differ between versions)."""
    import re

    done = run(command, *subcommand, "--help", env=env, timeout=60)
    return set(re.findall(r"(--[a-z][a-z0-9-]*)", done.stdout))


def json_output(done: subprocess.CompletedProcess) -> Any:
    """The JSON object a `--json` command printed (some versions log lines first, or use stderr)."""
    for out in (done.stdout, done.stderr):
        lines = out.splitlines()
        for i, line in enumerate(lines):
            if line.startswith(("{", "[")):
                try:
                    return json.JSONDecoder().raw_decode("\n".join(lines[i:]))[0]
                except ValueError:
                    continue
    return None


def install_plugin(command: Path, bundle: Path, env: Mapping[str, str], flags: set[str]) -> list[str]:
    """`openclaw plugins install DIR` with those of --force, --accept-capabilities that this version has
    (`flags`, from supported_flags: 9.x both, 5.x --force, 3.31 none); returns the command line used."""
    args = ["plugins", "install", str(bundle), *[f for f in ("--force", "--accept-capabilities") if f in flags]]
    done = run(command, *args, env=env)
    if done.returncode != 0:
        raise AisaError(f"`openclaw {' '.join(args)}` failed (exit {done.returncode}): {_last_line(done)}")
    return args


def uninstall_plugin(command: Path, plugin_id: str, env: Mapping[str, str]) -> subprocess.CompletedProcess:
    flags = supported_flags(command, env, "plugins", "uninstall")
    return run(command, "plugins", "uninstall", plugin_id, *(["--force"] if "--force" in flags else []), env=env)


def plugin_entry(command: Path, plugin_id: str, env: Mapping[str, str]) -> dict[str, Any] | None:
    """This plugin's row of `openclaw plugins list --json` ({id, enabled, status, version, ...})."""
    listing = json_output(run(command, "plugins", "list", "--json", env=env, timeout=120))
    rows = listing.get("plugins", []) if isinstance(listing, dict) else listing or []
    return next((r for r in rows if isinstance(r, dict) and r.get("id") == plugin_id), None)


def _last_line(done: subprocess.CompletedProcess) -> str:
    lines = [line for line in (done.stderr + "\n" + done.stdout).splitlines() if line.strip()]
    return lines[-1].strip() if lines else "no output"


def subcommands(command: Path, env: Mapping[str, str], *parent: str) -> set[str]:
    """The subcommands a command group lists in its --help (`models auth` has `logout` on 9.x only)."""
    import re

    text = run(command, *parent, "--help", env=env, timeout=60).stdout
    return set(re.findall(r"^\s{2}([a-z][a-z-]+)\b", text, re.M))


def forget_keys_commands(command: Path, env: Mapping[str, str], provider_id: str, profile_ids: list[str]) -> list[tuple[str, ...]]:
    """The commands of this OpenClaw that remove keys its own onboarding stored: 9.x `models auth logout ID
    --yes` per profile, 5.28 `infer model auth logout --provider ID` (9.6 has that too, but it removes
    nothing from its shared store); [] on 3.31, which has none."""
    if "logout" in subcommands(command, env, "models", "auth"):
        return [("models", "auth", "logout", pid, "--yes") for pid in profile_ids]
    if "logout" in subcommands(command, env, "infer", "model", "auth"):
        return [("infer", "model", "auth", "logout", "--provider", provider_id)]
    return []
