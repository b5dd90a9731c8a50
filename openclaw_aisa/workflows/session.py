"""What the commands that talk to a provider share: the provider, the config, where requests go, the
key OpenClaw would send, and the one key check that onboarding and doctor both use.

httpx is imported (through adapters/client.py) only when a request is really made.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from .. import keys, schema
from ..adapters import paths, store
from ..errors import PROG, AisaError, UsageError
from ..host import Host
from ..types import Provider, record

if TYPE_CHECKING:  # the network modules load only when a request is made: offline commands never pay for them
    from ..adapters.client import AisaClient, KeyCheck, Timeouts
    from ..adapters.live import Listing

OFFLINE_ENV = "OPENCLAW_AISA_OFFLINE"
VERIFY_TIMEOUT = 5.0


@record
class Target:
    """Which provider, which OpenClaw profile, and the endpoint and timeout a user asked for."""

    provider: str | None = None
    profile: str | None = None
    base_url: str | None = None
    timeout: float | None = None


def offline(env: Mapping[str, str]) -> bool:
    """OPENCLAW_AISA_OFFLINE=1: never touch the network (scripts on air-gapped machines, test suites)."""
    return env.get(OFFLINE_ENV, "").strip().lower() in ("1", "true", "yes")


def endpoint(provider: Provider, config: Mapping[str, Any], flag: str | None = None, variable: tuple[str, str] | None = None) -> str:
    """Where OpenClaw sends requests: --base-url, else the config's baseUrl, else the provider's base URL
    variable (`variable`: its value and where it was found; see `base_url_variable`), else the catalogue's."""
    from ..urls import check_base_url

    if flag:
        return check_base_url(flag)
    configured = schema.dig(config, "models", "providers", provider.id, "baseUrl")
    if isinstance(configured, str) and configured.strip():
        try:
            return check_base_url(configured)
        except UsageError as e:
            raise UsageError(f"models.providers.{provider.id}.baseUrl in the config: {e}") from None
    return variable_base_url(variable) or provider.base_url


def base_url_variable(
    provider: Provider, config: Mapping[str, Any], env: Mapping[str, str], dotenv: Mapping[str, str]
) -> tuple[str, str] | None:
    """AISA_BASE_URL, read like the key: (value, where) from the environment, else the .env, else the config's env block."""
    var = provider.base_url_env
    if not var:
        return None
    if env.get(var, "").strip():
        return env[var].strip(), f"{var} in the environment"
    if dotenv.get(var, "").strip():
        return dotenv[var].strip(), f"{var} in the .env"
    if found := keys.in_config_env(config, var):
        return found[1], f"{var} in the config's {found[0]}"
    return None


def stored_base_url(provider: Provider, loc: paths.Location, env: Mapping[str, str]) -> tuple[str, str] | None:
    """The base URL variable as onboarding and plugin install read it before anything else: (checked URL,
    where it was set). The config is read only when neither the environment nor the .env sets it."""
    var, dotenv = provider.base_url_env, store.read_dotenv(loc.dotenv)[2]
    if not var:
        return None
    config = {} if env.get(var, "").strip() or dotenv.get(var, "").strip() else store.read_checked(loc.config).data
    found = base_url_variable(provider, config, env, dotenv)
    url = variable_base_url(found)
    return (url, found[1]) if url and found else None


def variable_base_url(variable: tuple[str, str] | None) -> str | None:
    """The variable's base URL, checked like --base-url; a bad one is named with where it was set."""
    from ..urls import check_base_url

    if variable is None:
        return None
    try:
        return check_base_url(variable[0])
    except UsageError as e:
        raise UsageError(f"{variable[1]}: {str(e).replace('--base-url ', '', 1)}") from None


def resolve_key(provider: Provider, config: Mapping[str, Any], env: Mapping[str, str], dotenv: Mapping[str, str]) -> keys.Key | None:
    """The key OpenClaw would send: an inline one as is; a reference from the environment, else the .env,
    else the config's own env block (OpenClaw applies `env.vars` only to variables still unset)."""
    api_key = schema.dig(config, "models", "providers", provider.id, "apiKey")
    var = provider.env_vars[0] if provider.env_vars else None
    if isinstance(api_key, dict) and api_key.get("source") == "env" and isinstance(api_key.get("id"), str):
        var = api_key["id"]
    elif isinstance(api_key, str) and api_key.startswith("${") and api_key.endswith("}"):
        var = api_key[2:-1]
    elif isinstance(api_key, str) and api_key.strip():
        return keys.Key(api_key.strip(), "config")
    if var and env.get(var, "").strip():
        return keys.Key(env[var].strip(), "environment")
    if var and dotenv.get(var, "").strip():
        return keys.Key(dotenv[var].strip(), ".env")
    if var and (found := keys.in_config_env(config, var)):
        return keys.Key(found[1], keys.CONFIG_ENV)
    return None


@record
class Session:
    """An online command's provider, config, endpoint and key, resolved once."""

    provider: Provider
    loc: paths.Location
    snapshot: store.Snapshot
    dotenv: Mapping[str, str]
    base_url: str
    key: keys.Key | None
    offline: bool
    timeout: float | None
    env: Mapping[str, str]

    def timeouts(self, read: float | None = None) -> Timeouts:
        from ..adapters.client import Timeouts

        seconds = self.timeout or read
        return Timeouts(read=seconds) if seconds else Timeouts()

    def client(self, read_timeout: float | None = None, base_url: str | None = None) -> AisaClient:
        from ..adapters.client import AisaClient

        if self.offline:
            raise AisaError(f"{OFFLINE_ENV} is set: this needs the network; unset it to reach {self.base_url}")
        assert self.key is not None
        return AisaClient(base_url or self.base_url, self.key.value, timeouts=self.timeouts(read_timeout))

    def listing(self, refresh: bool = False) -> Listing:
        from ..adapters import live

        if self.offline or self.key is None:
            return live.load(self.provider, self.base_url, None, refresh=refresh)

        def fetch() -> list[dict]:
            with self.client(read_timeout=20) as c:
                return c.list_models()

        return live.load(self.provider, self.base_url, fetch, refresh=refresh)


def open_session(host: Host, env: Mapping[str, str], target: Target, *, need_key: bool = True, offline_flag: bool = False) -> Session:
    provider = host.provider(target.provider)
    loc = paths.locate(env, target.profile)
    snapshot = store.read_checked(loc.config)
    dotenv = store.read_dotenv(loc.dotenv)[2]
    base_url = endpoint(provider, snapshot.data, target.base_url, base_url_variable(provider, snapshot.data, env, dotenv))
    key = resolve_key(provider, snapshot.data, env, dotenv)
    is_offline = offline(env) or offline_flag
    if need_key and key is None and not is_offline:
        var = provider.env_vars[0] if provider.env_vars else "the key variable"
        raise UsageError(f"no {provider.label} key found: export {var}, or run `{PROG} onboard` to save one")
    return Session(provider, loc, snapshot, dotenv, base_url, key, is_offline, target.timeout, env)


def check_key(
    client: AisaClient,
    base_url: str,
    *,
    timeout: float | None = None,
    retries: int | None = None,
    elsewhere: Callable[[str], AisaClient] | None = None,
) -> KeyCheck:
    """Ask the provider about the key (GET /models); a list that came back is cached for `models list --live`.

    With `elsewhere` (a client for another base URL, same key): when the answer says the path is wrong
    (404, a web page), the URL with `/v1` added (or a doubled one removed) is tried once, and adopted
    only when AIsa answers there (`KeyCheck.corrected`), as Hermes Agent does."""
    from dataclasses import replace

    from ..adapters import live
    from ..gateway import wrong_path
    from ..urls import path_fixes

    check = client.check_key(timeout=timeout, retries=retries)
    if elsewhere is not None and wrong_path(check.error):
        for url in path_fixes(base_url):
            with elsewhere(url) as other:
                again = other.check_key(timeout=timeout, retries=retries)
            if again.valid is not None:  # AIsa itself answered there: a yes or a no about the key
                base_url, check = url, replace(again, corrected=url)
                break
    if check.valid:
        live.write_cache(base_url, list(check.models), time.time())
    return check
