"""The plugin host: installed plugins from the `openclaw_aisa` entry-point group, then the built-ins.

Typed methods forward to the hooks, so call sites never touch pluggy, and every conflict between
plugins (two providers with one id, an auth choice for an unknown provider) is one clear error.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import time
from collections.abc import Mapping
from functools import cached_property

import pluggy

from . import builtin, hookspecs
from .cache import cache_dir, checksum
from .cache import write as write_cache
from .errors import AisaError, UsageError
from .types import AuthChoice, AuthRequest, AuthResult, Credential, Provider

ENTRY_POINT_GROUP = "openclaw_aisa"
DISABLE_VAR = "OPENCLAW_AISA_DISABLE_PLUGINS"


class PluginError(AisaError):
    """A plugin that does not load or contradicts another one."""


class Host:
    def __init__(self, pm: pluggy.PluginManager):
        self.pm = pm

    @cached_property
    def providers(self) -> dict[str, Provider]:
        found: dict[str, Provider] = {}

        def register(provider: Provider) -> None:
            if provider.id in found:
                raise PluginError(f"two plugins register the provider {provider.id!r}; uninstall one of them")
            found[provider.id] = provider

        self.pm.hook.register_providers(register=register)
        return found

    @cached_property
    def auth_choices(self) -> dict[str, AuthChoice]:
        found: dict[str, AuthChoice] = {}

        def register(choice: AuthChoice) -> None:
            if choice.id in found:
                raise PluginError(f"two plugins register the auth choice {choice.id!r}; uninstall one of them")
            if choice.provider not in self.providers:
                raise PluginError(f"auth choice {choice.id!r} names the unknown provider {choice.provider!r}")
            found[choice.id] = choice

        self.pm.hook.register_auth_choices(register=register)
        return found

    def provider(self, wanted: str | None = None) -> Provider:
        """The provider `--provider` names, else the only one registered; else one clear error."""
        if wanted:
            if wanted not in self.providers:
                raise UsageError(f"unknown provider {wanted!r}; registered: {', '.join(self.providers)}")
            return self.providers[wanted]
        if len(self.providers) == 1:
            return next(iter(self.providers.values()))
        raise UsageError(f"several providers are registered ({', '.join(self.providers)}); pass --provider ID")

    def detect(self, env: Mapping[str, str], dotenv: Mapping[str, str]) -> list[Credential]:
        found: list[Credential] = []
        seen = set()
        for provider in self.providers.values():
            for batch in self.pm.hook.detect_credentials(provider=provider, env=env, dotenv=dotenv):
                for cred in batch or ():
                    if (cred.provider, cred.env_var, cred.source) not in seen:
                        seen.add((cred.provider, cred.env_var, cred.source))
                        found.append(cred)
        return found

    def run_auth_choice(self, choice: AuthChoice, request: AuthRequest) -> AuthResult:
        provider = self.providers[choice.provider]
        result = self.pm.hook.run_auth_choice(choice=choice, provider=provider, request=request)
        if result is None:
            raise PluginError(f"no plugin can run the auth choice {choice.id!r} (method {choice.method!r})")
        return result


def load_host(*, plugins: tuple[object, ...] = (), env: Mapping[str, str] | None = None) -> Host:
    """Installed plugins, then `plugins` (for tests and embedding), then the built-ins; then check them."""
    env = os.environ if env is None else env
    disabled = {name.strip() for name in env.get(DISABLE_VAR, "").split(",") if name.strip()}
    pm = pluggy.PluginManager("openclaw_aisa")
    pm.add_hookspecs(hookspecs)
    for name, module, attr in installed_plugins():
        if name in disabled or pm.has_plugin(name):
            continue
        try:
            pm.register(_load(module, attr), name=name)
        except Exception as e:  # a broken third-party plugin must not hide behind a traceback
            value = f"{module}:{attr}" if attr else module
            raise PluginError(f"plugin {name!r} ({value}) failed to load: {e}; uninstall it or set {DISABLE_VAR}={name}") from None
    for plugin in plugins:
        pm.register(plugin)
    pm.register(builtin, name="builtin")
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as e:
        raise PluginError(f"a plugin implements a hook that does not exist: {e}") from None
    return Host(pm)


def installed_plugins() -> list[tuple[str, str, str]]:
    """(name, module, attr) of the group's entry points, cached because importlib.metadata costs ~12 ms a start.

    The cache is keyed by what importlib.metadata reads: every `*.dist-info` (or `.egg-info`) on
    sys.path and the mtime of its entry_points.txt (0.3 ms to collect). Installing, upgrading or
    removing a distribution changes the list; editing the file changes the mtime. As git does with
    its index, a list read while one of those files is under 2 s old is not cached: a change within
    the mtime's resolution would leave the same mtime behind.
    """
    key = _distributions()
    cached = cache_dir() / f"entry-points-{checksum(chr(0).join(sys.path).encode())}.json"  # one per environment
    try:
        data = json.loads(cached.read_bytes())
        if data["key"] == key:
            return [(n, m, a) for n, m, a in data["entry_points"]]
    except (OSError, ValueError, TypeError, KeyError):
        pass
    from importlib.metadata import entry_points

    found = [(ep.name, ep.module, ep.attr or "") for ep in entry_points(group=ENTRY_POINT_GROUP)]
    settled = time.time_ns() - 2 * 10**9
    if all(mtime is None or mtime < settled for _, mtime in key):
        write_cache(cached, json.dumps({"key": key, "entry_points": found}).encode())
    return found


def _distributions() -> list[list]:
    """[metadata directory, its entry_points.txt's mtime or None] for every distribution on sys.path."""
    found: list[list] = []
    for entry in sys.path:
        try:
            listing = os.scandir(entry or ".")
        except OSError:  # missing, not a directory, or a zip file (whose own mtime then stands for it)
            found.append([entry, _mtime(entry)])
            continue
        with listing:
            for item in listing:
                if item.name.endswith((".dist-info", ".egg-info")):
                    found.append([item.path, _mtime(os.path.join(item.path, "entry_points.txt"))])
    return found


def _mtime(path: str) -> int | None:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return None


def _load(module: str, attr: str) -> object:
    """What EntryPoint.load does: import the module, then walk the dotted attribute."""
    obj: object = importlib.import_module(module)
    for part in filter(None, attr.split(".")):
        obj = getattr(obj, part)
    return obj
