"""Generic hook implementations, registered after the installed plugins (and tried last).

They give every registered provider env-var detection and API-key onboarding, so a provider plugin
only has to register data; a plugin that needs more implements the hook itself and wins.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from . import hookimpl, schema
from .types import AuthChoice, AuthRequest, AuthResult, Credential, Provider


@hookimpl(trylast=True)
def detect_credentials(provider: Provider, env: Mapping[str, str], dotenv: Mapping[str, str]) -> list[Credential]:
    found = []
    sources: tuple[tuple[Literal["environment", ".env"], Mapping[str, str]], ...] = (("environment", env), (".env", dotenv))
    for var in provider.env_vars:
        for source, values in sources:
            value = values.get(var, "").strip()
            if value:
                found.append(Credential(provider.id, var, source, value))
    return found


@hookimpl(trylast=True)
def run_auth_choice(choice: AuthChoice, provider: Provider, request: AuthRequest) -> AuthResult | None:
    if choice.method != "api-key":
        return None
    api_key = request.key if request.secret_mode == "plaintext" else schema.key_ref(choice.env_var, request.openclaw_version)
    block = schema.provider_block(provider, api_key=api_key, base_url=request.base_url, version=request.openclaw_version)
    return AuthResult(
        config_patch={"models": {"providers": {provider.id: block}}},
        default_model=provider.ref(provider.default_model),
    )
