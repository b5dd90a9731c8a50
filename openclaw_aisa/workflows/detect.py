"""`detect`: the provider keys in every place OpenClaw reads one, and which one OpenClaw uses."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .. import keys, places
from ..adapters import paths, profiles, store
from ..errors import AisaError
from ..host import Host
from ..types import Credential, Provider, StoredProfile, record


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
                "masked": keys.mask(p.value),
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


def detect(host: Host, env: Mapping[str, str], profile: str | None, cwd: Path | None = None) -> Detected:
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
    cwd_dotenv = (cwd or Path.cwd()) / ".env"
    in_cwd = store.read_dotenv(cwd_dotenv)[2] if cwd_dotenv != loc.dotenv else {}
    where = {
        "environment": "the environment",
        "cwd .env": str(cwd_dotenv),
        ".env": str(loc.dotenv),
        "config env": f"env block of {loc.config}",
    }
    rows = []
    for p in host.providers.values():
        creds = [c for c in found if c.provider == p.id]
        creds += places.cwd_credentials(p.id, p.env_vars, in_cwd) + places.config_credentials(p.id, p.env_vars, config)
        row = Found(p, tuple(places.arrange(creds, where, version)))
        used = row.exported
        var = used.env_var if used else (p.env_vars[0] if p.env_vars else "")
        stale = keys.stale_profile(profiles.stored(loc.state_dir, config, p.id), config, p.id, var, used.value if used else None)
        rows.append(Found(row.provider, row.places, stale, keys.profile_everywhere(version)))
    return Detected(str(loc.dotenv), tuple(rows))
