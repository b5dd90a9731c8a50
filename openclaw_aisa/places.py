"""Every place OpenClaw reads a provider's key variable from, in the order it reads them, per version.

Pure: the workflows read the files and hand the values over. Each place says who reads it, since the
Gateway service (started by systemd, launchd or a container) does not share the shell's environment
or working directory (OpenClaw issues #52771, #70581, #90277). Auth profiles stored by OpenClaw's own
onboarding come before all of these on some paths: keys.stale_profile and doctor judge those.

Seen on the wire for each version (research notes of 2026-12-01/02): the process environment wins;
then `<cwd>/.env` (3.31 only), `<state dir>/.env`, the config folder's `.env` and `gateway.env` (5.28
and later), none overriding what is set; then the config's flat `env.VAR` (3.31, 5.28) and `env.vars`
(`applyConfigEnvVars`, only where still unset).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .keys import in_config_env
from .schema import schema_version
from .types import Credential, record
from .types import CredentialSource as Source

# OpenClaw's order (the first set wins), then the Gateway service's own copy, which only the service reads.
FILES = ("cwd .env", ".env", "config dir .env", "gateway.env")  # the .env-style files OpenClaw's commands read
ORDER = ("environment", *FILES, "config env", "service")
WHO = {
    "environment": "the environment of this shell; OpenClaw started from it reads it, the Gateway service has its own",
    "cwd .env": "read by OpenClaw 2026.3.31 started in this directory (later versions ignore provider keys there), not by the Gateway service",
    ".env": "read by every OpenClaw command and the Gateway service",
    "config dir .env": "the .env beside a config outside the state dir: read by 2026.5.28 and later when OPENCLAW_STATE_DIR is unset",
    "gateway.env": "~/.config/openclaw/gateway.env: read last by 2026.5.28 and later (not with a non-default OPENCLAW_STATE_DIR)",
    "config env": "the config's env block: applied where the variable is set nowhere else (a flat env.VAR before env.vars)",
    "service": "the copy `openclaw gateway install` put into the Gateway service: the running service uses it before the .env (3.31, 5.28)",
}
FIRST = "2026.3.31"


@record
class Place:
    """One place holding the variable: where, what (secret), who reads it, and whether OpenClaw uses it."""

    credential: Credential
    where: str  # the path shown
    note: str
    read: bool  # False: this OpenClaw version ignores this place for provider keys
    used: bool = False


def read_by(source: str, version: str | None) -> bool:
    """Whether OpenClaw commands of `version` read provider keys from this place (unknown: as the newest).

    2026.5.28 and 9.6 keep a key an installed plugin declares out of a working directory's .env, and
    read the config folder's .env and gateway.env, which 3.31 does not know (research of 2026-12-02)."""
    first = version is not None and schema_version(version) == FIRST
    if source == "cwd .env":
        return first
    if source in ("config dir .env", "gateway.env"):
        return not first
    return source != "service"


def config_credentials(provider: str, variables: Iterable[str], config: Any) -> list[Credential]:
    """The variables set in the config's env block, as OpenClaw applies them (the flat form before env.vars)."""
    out = []
    for var in variables:
        if found := in_config_env(config, var):
            out.append(Credential(provider, var, "config env", found[1]))
    return out


def file_credentials(provider: str, variables: Iterable[str], files: Mapping[Source, Mapping[str, str]]) -> list[Credential]:
    """The variables set in each of the other files OpenClaw may read (values by source)."""
    return [
        Credential(provider, v, source, values[v].strip())
        for source, values in files.items()
        for v in variables
        if values.get(v, "").strip()
    ]


def arrange(credentials: Iterable[Credential], where: Mapping[str, str], version: str | None) -> list[Place]:
    """The credentials in OpenClaw's order, each with its place, and the one OpenClaw uses marked."""
    ordered = sorted(credentials, key=lambda c: ORDER.index(c.source) if c.source in ORDER else len(ORDER))
    first = next((c for c in ordered if read_by(c.source, version)), None)  # the service's copy is never the commands' key
    return [Place(c, where.get(c.source, c.source), WHO.get(c.source, ""), read_by(c.source, version), c is first) for c in ordered]
