"""`doctor`: gather what the pure checks in doctor.py need (the config, the .env, file modes, the
provider's answer), run them, and with `fix` apply the safe repairs through the config transaction."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import doctor, merge
from ..adapters import openclaw_exe, profiles, store
from ..errors import PROG, ConfigError
from ..host import Host
from ..types import record
from . import detect, plugin, session

if TYPE_CHECKING:
    from ..adapters.client import AisaClient
    from ..gateway import GatewayError


@record
class Request:
    """Which provider's setup to check, for which OpenClaw, and whether to repair and go online."""

    target: session.Target
    fix: bool = False
    offline: bool = False
    openclaw_version: str | None = None
    openclaw: str | None = None


@record
class Report:
    """`doctor --json`; exit 1 while an error remains."""

    config: str
    provider: str
    version: str | None
    version_source: str
    online: bool
    no_key: bool  # online checks skipped for want of a key (not for --offline)
    fix: bool
    found: tuple[doctor.Finding, ...]
    fixed: tuple[str, ...]
    remaining: tuple[doctor.Finding, ...]

    @property
    def errors(self) -> list[doctor.Finding]:
        return [f for f in self.remaining if f.level == "error"]

    @property
    def exit_code(self) -> int:
        return 1 if self.errors else 0

    def document(self) -> dict[str, Any]:
        return {
            "config": self.config,
            "provider": self.provider,
            "openclaw_version": {"version": self.version, "source": self.version_source},
            "online": self.online,
            "findings": [_finding(f) for f in self.found],
            "fixed": list(self.fixed),
            "remaining": [_finding(f) for f in self.remaining] if self.fix else None,
            "errors": len(self.errors),
        }


def run(host: Host, env: Mapping[str, str], request: Request) -> Report:
    s = session.open_session(host, env, request.target, need_key=False, offline_flag=request.offline)
    command = openclaw_exe.find(env, request.openclaw)
    version, version_source = openclaw_exe.target_version(request.openclaw_version, s.snapshot.data, env, command)
    files = {"state_dir": s.loc.state_dir, "config": s.loc.config, "dotenv": s.loc.dotenv}
    key_files: dict[str, tuple[str, Mapping[str, str]]] = {
        source: (str(path), values) for source, (path, values) in detect.key_files(s.loc, env).items()
    }
    choice = next((c for c in host.auth_choices.values() if c.provider == s.provider.id), None)
    onboard = f"{PROG} onboard" + (f" --auth-choice {choice.id}" if choice else "")

    def context(config: dict[str, Any], config_exists: bool, live_status: doctor.Live | None) -> doctor.Context:
        return doctor.Context(
            config=config,
            config_exists=config_exists,
            provider=s.provider,
            env=env,
            dotenv=s.dotenv,
            key_files=key_files,
            modes=store.modes(files),
            openclaw_version=version,
            live=live_status,
            locations={k: str(v) for k, v in files.items()},
            onboard=onboard,
            profiles=tuple(profiles.stored(s.loc.state_dir, config, s.provider.id)),
            agent_copies=profiles.copied_keys(s.loc.state_dir, s.provider.id),
            plugin_stale=plugin.stale_files(host, s.provider, s.loc, version),
            can_install=command is not None and version is not None,
        )

    live_status = None if s.offline or s.key is None else _live_status(s)
    ctx = context(s.snapshot.data, s.snapshot.raw is not None, live_status)
    found = doctor.diagnose(ctx)
    changes: list[str] = []
    remaining = found
    if request.fix and any(f.fixable for f in found):

        def transform(config: dict[str, Any]) -> merge.Merged:
            fresh = context(config, s.snapshot.raw is not None, live_status)
            fixed = doctor.fix(fresh, doctor.diagnose(fresh))
            return merge.Merged(fixed.config, fixed.changes)

        from . import transaction  # only a repair writes

        try:
            committed = transaction.commit(s.loc, env, transform, transaction.plan(s.loc, transform))
        except ConfigError as e:
            raise ConfigError(f"doctor --fix cannot repair this config: {e}") from None
        changes = [c.summary for c in committed.merged.changes]
        repairs = doctor.fix(ctx, found)
        for name, mode in repairs.chmods:
            store.chmod(files[name], mode)
            changes.append(f"chmod {mode:o} {files[name]}")
        for path, var in repairs.scrubs:
            if profiles.scrub_copied_key(Path(path), s.provider.id, var):
                changes.append(f"{path}: the plain-text key replaced with {var}")
        if any(f.check == "plugin.stale" and f.fixable for f in found):
            assert command is not None and version is not None  # can_install
            changes.append(_reinstall(host, s, command, version, env))
        after = store.read_config(s.loc.config)
        remaining = doctor.diagnose(context(after.data, after.raw is not None, live_status))
    return Report(
        str(s.loc.config),
        s.provider.id,
        version,
        version_source,
        live_status is not None,
        s.key is None and not s.offline,
        request.fix,
        tuple(found),
        tuple(changes),
        tuple(remaining),
    )


def _live_status(s: session.Session) -> doctor.Live:
    from ..gateway import BadKey, PaymentRequired

    def at(url: str) -> AisaClient:
        return s.client(read_timeout=session.VERIFY_TIMEOUT * 2, base_url=url)

    with at(s.base_url) as client:
        check = session.check_key(client, s.base_url, timeout=None, retries=None, elsewhere=at)
        e = check.error
        if isinstance(e, PaymentRequired) and e.key_recognised:
            return doctor.Live("payment", _why_payment(client, e))
    if isinstance(e, BadKey):
        return doctor.Live("bad-key", str(e))
    if isinstance(e, PaymentRequired):
        return doctor.Live("payment", str(e))
    if e is not None:
        return doctor.Live("unreachable", str(e))
    return doctor.Live("valid", served=frozenset(m["id"] for m in check.models), model_count=check.model_count, base_url=check.corrected)


def _reinstall(host: Host, s: session.Session, command: Path, version: str, env: Mapping[str, str]) -> str:
    """The native plugin upgraded through OpenClaw, to the endpoint it was installed for."""
    from ..adapters import bundle

    base_url = bundle.base_url(s.loc.plugin_installed(s.provider.id), s.provider.id)
    done = plugin.install_bundle(host, s.provider, command, version, env, s.loc, base_url if base_url != s.provider.base_url else None)
    return f"plugin: {done.did}"


def _why_payment(client: AisaClient, e: GatewayError) -> str:
    """A 402 explained from the balance: the wallet is empty, or the key reached its own limit (best effort)."""
    from ..gateway import GatewayError as Failed

    try:
        found = client.balance(timeout=session.VERIFY_TIMEOUT, retries=0)
    except Failed:
        return str(e)
    request = f" (request id {e.request_id})" if e.request_id else ""
    return found.explain_payment() + request


def _finding(f: doctor.Finding) -> dict[str, Any]:
    return {"check": f.check, "level": f.level, "message": f.message, "fix": f.fix, "fixable": f.fixable, "path": f.path}
