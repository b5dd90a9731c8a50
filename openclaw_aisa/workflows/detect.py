"""`detect`: the provider keys in every place OpenClaw reads one, and which one OpenClaw uses."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .. import keys, places
from ..adapters import paths, profiles, store
from ..errors import AisaError
from ..host import Host
from ..types import Credential, CredentialSource, Provider, StoredProfile, record


@record
class Found:
    """A provider's keys in every place OpenClaw reads them, in its order (places.py): the first it reads wins."""

    provider: Provider
    places: tuple[places.Place, ...]
    profile: StoredProfile | None = None  # a key OpenClaw's own onboarding stored, sent before these
    profile_everywhere: bool = True  # False on 9.x: only its one-shot commands send the profile

    @property
    def credentials(self) -> tuple[Credential, ...]:
        return tuple(p.credential for p in self.places)

    @property
    def exported(self) -> Credential | None:
        """The variable's value OpenClaw reads: the first place it reads that holds one."""
        return next((p.credential for p in self.places if p.used), None)

    @property
    def used(self) -> Credential | StoredProfile | None:
        return self.profile if self.profile is not None and self.profile_everywhere else self.exported

    def document(self) -> dict[str, Any]:
        creds = [
            {
                "env_var": p.credential.env_var,
                "source": p.credential.source,
                "where": p.where,
                "masked": keys.mask(p.credential.value),
                "used_by_openclaw": p.credential is self.used,
                "read_by_this_version": p.read,
                "who_reads_it": p.note,
            }
            for p in self.places
        ]
        doc: dict[str, Any] = {"provider": self.provider.id, "label": self.provider.label, "credentials": creds}
        if (p := self.profile) is not None:
            doc["openclaw_profile"] = {
                "id": p.id,
                "where": p.where,
                "masked": keys.mask(p.value) if p.value else None,
                "env_var": p.var,
                "used_by_openclaw": "every command" if self.profile_everywhere else "one-shot commands (openclaw infer)",
            }
        return doc


@record
class Detected:
    """`detect --json`: the keys found for every registered provider."""

    dotenv: str
    providers: tuple[Found, ...]
    exit_code: int = 0

    def document(self) -> dict[str, Any]:
        return {"dotenv": self.dotenv, "providers": [p.document() for p in self.providers]}


def key_files(loc: paths.Location, env: Mapping[str, str]) -> dict[CredentialSource, tuple[Path, dict[str, str]]]:
    """The files besides the state dir's .env that OpenClaw (or its Gateway service) may take a key
    from, each with its variables: see places.py for who reads which, on which version."""
    home = Path(env.get("HOME") or Path.home())
    explicit = env.get("OPENCLAW_STATE_DIR", "").strip()
    found: dict[CredentialSource, Path] = {"cwd .env": Path.cwd() / ".env"}
    if not explicit and loc.config.parent != loc.state_dir:
        found["config dir .env"] = loc.config.parent / ".env"
    if not explicit or Path(explicit) == home / ".openclaw":
        found["gateway.env"] = home / ".config" / "openclaw" / "gateway.env"
    out = {source: (path, store.read_dotenv(path)[2]) for source, path in found.items() if path != loc.dotenv}
    service = _unit_environment(home / ".config" / "systemd" / "user" / "openclaw-gateway.service")
    service.update(store.read_dotenv(loc.state_dir / "gateway.systemd.env")[2])
    out["service"] = (loc.state_dir / "gateway.systemd.env", service)
    return out


def _unit_environment(unit: Path) -> dict[str, str]:
    """`Environment=NAME=value` lines of a systemd unit (3.31's `gateway install` writes the .env's keys there)."""
    raw = store.read_bytes(unit)
    out = {}
    for line in (raw or b"").decode("utf-8", "replace").splitlines():
        name, _, value = line.strip().removeprefix("Environment=").strip('"').partition("=")
        if line.strip().startswith("Environment=") and name and value:
            out[name] = value.strip('"')
    return out


def detect(host: Host, env: Mapping[str, str], profile: str | None) -> Detected:
    """The keys in every place OpenClaw reads one (places.py), and a key OpenClaw's own onboarding stored
    that it sends first (read from its store, read-only); judged for the version that last wrote the config."""
    loc = paths.locate(env, profile)
    found = host.detect(env, store.read_dotenv(loc.dotenv)[2])
    try:
        config = store.read_config(loc.config).data
    except AisaError:  # a broken config is doctor's to report; the keys are still worth showing
        config = {}
    meta = config.get("meta")
    touched = meta.get("lastTouchedVersion") if isinstance(meta, dict) else None
    version = touched if isinstance(touched, str) else None
    files = key_files(loc, env)
    where: dict[str, str] = {"environment": "the environment", ".env": str(loc.dotenv), "config env": f"the env block of {loc.config}"}
    where.update({source: str(path) for source, (path, _) in files.items()})
    rows = []
    for p in host.providers.values():
        creds = [c for c in found if c.provider == p.id]
        creds += places.file_credentials(p.id, p.env_vars, {source: values for source, (_, values) in files.items()})
        creds += places.config_credentials(p.id, p.env_vars, config)
        row = Found(p, tuple(places.arrange(creds, where, version)))
        used = row.exported
        var = used.env_var if used else (p.env_vars[0] if p.env_vars else "")
        stale = keys.stale_profile(profiles.stored(loc.state_dir, config, p.id), config, p.id, var, used.value if used else None)
        rows.append(Found(row.provider, row.places, stale, keys.profile_everywhere(version)))
    return Detected(str(loc.dotenv), tuple(rows))
