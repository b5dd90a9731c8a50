"""`detect`: the provider keys in the environment and the state dir's .env, and which one OpenClaw uses."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .. import keys
from ..adapters import paths
from ..host import Host
from . import transaction


@dataclass(frozen=True)
class Detected:
    dotenv: str
    providers: tuple[dict[str, Any], ...]
    exit_code: int = 0

    def document(self) -> dict[str, Any]:
        return {"dotenv": self.dotenv, "providers": list(self.providers)}


def detect(host: Host, env: Mapping[str, str], profile: str | None) -> Detected:
    loc = paths.locate(env, profile)
    found = host.detect(env, transaction.read_dotenv(loc)[2])
    rows = []
    for provider in host.providers.values():
        creds = [c for c in found if c.provider == provider.id]
        used = next((c for c in creds if c.source == "environment"), creds[0] if creds else None)
        rows.append(
            {
                "provider": provider.id,
                "label": provider.label,
                "credentials": [
                    {"env_var": c.env_var, "source": c.source, "masked": keys.mask(c.value), "used_by_openclaw": c is used} for c in creds
                ],
            }
        )
    return Detected(str(loc.dotenv), tuple(rows))
