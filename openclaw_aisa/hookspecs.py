"""The provider hook contract: what a provider plugin may implement.

Hooks that collect things take a `register` callback, called once per item. Every hook is
optional for a plugin; the built-in plugin (builtin.py) implements the generic behaviour.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pluggy

from .types import AuthChoice, AuthRequest, AuthResult, Credential, Provider

hookspec = pluggy.HookspecMarker("openclaw_aisa")


@hookspec
def register_providers(register: Callable[[Provider], None]) -> None:
    """Register model providers: call ``register(provider)`` once for each (id, label, base URL, env vars, models)."""


@hookspec
def register_auth_choices(register: Callable[[AuthChoice], None]) -> None:
    """Register onboarding auth choices, as OpenClaw's ``providerAuthChoices``: ``register(choice)`` once for each."""


@hookspec
def detect_credentials(provider: Provider, env: Mapping[str, str], dotenv: Mapping[str, str]) -> list[Credential] | None:
    """Return the keys for ``provider`` found in the process environment ``env`` or the state dir's ``dotenv``."""


@hookspec(firstresult=True)
def run_auth_choice(choice: AuthChoice, provider: Provider, request: AuthRequest) -> AuthResult | None:
    """Run ``choice`` for an already resolved key: the config patch, default model and notes; None if not yours."""
