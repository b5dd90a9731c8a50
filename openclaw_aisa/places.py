"""Every place OpenClaw reads a provider's key variable from, in the order it reads them, per version.

Pure: the workflows read the files and hand the values over. Each place says who reads it, since the
Gateway service (started by systemd, launchd or a container) does not share the shell's environment
or working directory (OpenClaw issues #52771, #70581, #90277). Auth profiles stored by OpenClaw's own
onboarding come before all of these on some paths: keys.stale_profile and doctor judge those.

Seen in each version's dist (research notes of 2026-12-01/02): the process environment wins; then
`<cwd>/.env`, then `<state dir>/.env` (dotenv `loadDotEnv`, neither overriding what is set); then the
config's `env.vars` and (3.31, 5.28) the flat `env.VAR` (`applyConfigEnvVars`, only when still unset).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import field
from typing import Any

from .keys import in_config_env
from .schema import schema_version
from .types import Credential, record

ORDER = ("environment", "cwd .env", ".env", "config env")  # OpenClaw's order: the first set wins
WHO = {
    "environment": "the environment of this shell; OpenClaw started from it reads it, the Gateway service has its own",
    "cwd .env": "read by OpenClaw started in this directory, not by the Gateway service",
    ".env": "read by every OpenClaw command and the Gateway service",
    "config env": "applied by OpenClaw where the variable is set nowhere else",
}
CWD_DOTENV_IGNORED_SINCE = "2026.9.6"  # 9.6 keeps provider keys out of a working directory's .env


@record
class Place:
    """One place holding the variable: where, what (secret), who reads it, and whether OpenClaw uses it."""

    credential: Credential
    where: str  # the path shown
    note: str
    read: bool  # False: this OpenClaw version ignores this place for provider keys
    used: bool = False
    value: str = field(default="", repr=False)


def read_by(source: str, version: str | None) -> bool:
    """Whether `version` reads provider keys from this place (unknown version: as the newest seen)."""
    if source == "cwd .env":
        return version is not None and schema_version(version) != CWD_DOTENV_IGNORED_SINCE
    return True


def config_credentials(provider: str, variables: Iterable[str], config: Any) -> list[Credential]:
    """The variables set in the config's env block (env.vars, else the flat form)."""
    out = []
    for var in variables:
        if found := in_config_env(config, var):
            out.append(Credential(provider, var, "config env", found[1]))
    return out


def cwd_credentials(provider: str, variables: Iterable[str], values: Mapping[str, str]) -> list[Credential]:
    """The variables set in the working directory's .env."""
    return [Credential(provider, v, "cwd .env", values[v].strip()) for v in variables if values.get(v, "").strip()]


def arrange(credentials: Iterable[Credential], where: Mapping[str, str], version: str | None) -> list[Place]:
    """The credentials in OpenClaw's order, each with its place, and the one OpenClaw uses marked."""
    ordered = sorted(credentials, key=lambda c: ORDER.index(c.source) if c.source in ORDER else len(ORDER))
    places = [Place(c, where.get(c.source, c.source), WHO.get(c.source, ""), read_by(c.source, version), value=c.value) for c in ordered]
    first = next((p for p in places if p.read), None)
    return [Place(p.credential, p.where, p.note, p.read, p is first, p.value) for p in places]
