"""The AIsa plugin: registers what plugin.toml declares. Hook implementations only."""

from __future__ import annotations

from collections.abc import Callable

from . import hookimpl
from .catalog import load_catalog
from .types import AuthChoice, Provider


@hookimpl
def register_providers(register: Callable[[Provider], None]) -> None:
    for provider in load_catalog().providers:
        register(provider)


@hookimpl
def register_auth_choices(register: Callable[[AuthChoice], None]) -> None:
    for choice in load_catalog().auth_choices:
        register(choice)
