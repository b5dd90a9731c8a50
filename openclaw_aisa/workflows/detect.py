"""`detect`: the provider keys in the environment and the state dir's .env, and which one OpenClaw uses."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import keys
from ..adapters import paths, store
from ..host import Host
from ..types import Credential, Provider, record


@record
class Found:
    """A provider's keys, the environment's first: OpenClaw uses an exported key over the .env's."""

    provider: Provider
    credentials: tuple[Credential, ...]

    @property
    def used(self) -> Credential | None:
        return next((c for c in self.credentials if c.source == "environment"), self.credentials[0] if self.credentials else None)

    def document(self) -> dict[str, Any]:
        creds = [
            {"env_var": c.env_var, "source": c.source, "masked": keys.mask(c.value), "used_by_openclaw": c is self.used}
            for c in self.credentials
        ]
        return {"provider": self.provider.id, "label": self.provider.label, "credentials": creds}


@record
class Detected:
    """`detect --json`: the keys found for every registered provider."""

    dotenv: str
    providers: tuple[Found, ...]
    exit_code: int = 0

    def document(self) -> dict[str, Any]:
        return {"dotenv": self.dotenv, "providers": [p.document() for p in self.providers]}


def detect(host: Host, env: Mapping[str, str], profile: str | None) -> Detected:
    loc = paths.locate(env, profile)
    found = host.detect(env, store.read_dotenv(loc.dotenv)[2])
    rows = tuple(Found(p, tuple(c for c in found if c.provider == p.id)) for p in host.providers.values())
    return Detected(str(loc.dotenv), rows)
