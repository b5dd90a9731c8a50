"""`detect`: the provider keys in the environment and the state dir's .env, and which one OpenClaw uses."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import keys
from ..adapters import paths, profiles, store
from ..errors import AisaError
from ..host import Host
from ..types import Credential, Provider, StoredProfile, record


@record
class Found:
    """A provider's keys, the environment's first: OpenClaw uses an exported key over the .env's."""

    provider: Provider
    credentials: tuple[Credential, ...]
    profile: StoredProfile | None = None  # a key OpenClaw's own onboarding stored, sent before these
    profile_everywhere: bool = True  # False on 9.x: only its one-shot commands send the profile

    @property
    def exported(self) -> Credential | None:
        """The variable's value OpenClaw reads: the environment's where set, else the .env's."""
        return next((c for c in self.credentials if c.source == "environment"), self.credentials[0] if self.credentials else None)

    @property
    def used(self) -> Credential | StoredProfile | None:
        return self.profile if self.profile is not None and self.profile_everywhere else self.exported

    def document(self) -> dict[str, Any]:
        creds = [
            {"env_var": c.env_var, "source": c.source, "masked": keys.mask(c.value), "used_by_openclaw": c is self.used}
            for c in self.credentials
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


def detect(host: Host, env: Mapping[str, str], profile: str | None) -> Detected:
    """The keys in the environment and the .env, and a key OpenClaw's own onboarding stored that it sends
    first (read from its store, read-only; judged for the version the config was last written by)."""
    loc = paths.locate(env, profile)
    found = host.detect(env, store.read_dotenv(loc.dotenv)[2])
    try:
        config = store.read_config(loc.config).data
    except AisaError:  # a broken config is doctor's to report; the keys are still worth showing
        config = {}
    meta = config.get("meta")
    touched = meta.get("lastTouchedVersion") if isinstance(meta, dict) else None
    rows = []
    for p in host.providers.values():
        row = Found(p, tuple(c for c in found if c.provider == p.id))
        used = row.exported
        var = used.env_var if used else (p.env_vars[0] if p.env_vars else "")
        stale = keys.stale_profile(profiles.stored(loc.state_dir, config, p.id), config, p.id, var, used.value if used else None)
        rows.append(Found(row.provider, row.credentials, stale, keys.profile_everywhere(touched if isinstance(touched, str) else None)))
    return Detected(str(loc.dotenv), tuple(rows))
