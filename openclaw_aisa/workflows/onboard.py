"""Onboarding: plan (everything `--dry-run` shows), check the key, then apply.

The CLI decides what needs asking (which auth choice, the key, whether to save an exported key)
before `plan`, and may ask for a confirmation between `plan` and `apply`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from .. import keys, merge, notices, schema
from ..adapters import journal, openclaw_exe, paths, store
from ..dotenv import set_var
from ..errors import PROG, AisaError, UsageError
from ..host import Host
from ..types import AuthChoice, AuthRequest, AuthResult, Provider, record
from . import transaction

if TYPE_CHECKING:  # a dry run needs neither: they load when the key is checked and the plugin installed
    from . import plugin

PROFILE_LOGOUT_SINCE = "2026.5.28"  # the first version seen with a command that removes a stored key (`infer model auth logout`)
TUI_LOCAL_SINCE = "2026.5.28"  # the first version seen with `openclaw tui --local` (3.31 has none)
SecretMode = Literal["ref", "plaintext"]  # where the key goes: .env with a reference, or inline in the config


@record
class Request:
    """Everything onboarding needs once the CLI has asked what it must: the key and the user's choices."""

    choice: str
    key: keys.Key
    persist: bool  # save a key found in the environment to the .env
    profile: str | None = None
    primary: str | None = None
    fallbacks: tuple[str, ...] = ()
    base_url: str | None = None
    secret_mode: SecretMode = "ref"
    refresh_models: bool = False
    openclaw_version: str | None = None
    openclaw: str | None = None
    install_plugin: bool = True
    skip_validation: bool = False
    require_valid_key: bool = False


def stored_key(host: Host, env: Mapping[str, str], profile: str | None, choice: AuthChoice) -> keys.Key | None:
    """The key OpenClaw itself would find, in its order (first wins): the environment, the state dir's
    .env, the config's env block (where AIsa's guide puts it), if any."""
    what, loc = choice.label, paths.locate(env, profile)
    if env.get(choice.env_var, "").strip():
        return keys.Key(keys.clean(env[choice.env_var], f"{what} in ${choice.env_var}"), "environment")
    dotenv = store.read_dotenv(loc.dotenv)[2]
    if dotenv.get(choice.env_var, "").strip():
        return keys.Key(keys.clean(dotenv[choice.env_var], f"{what} in .env"), ".env")
    if found := keys.in_config_env(store.read_checked(loc.config).data, choice.env_var):
        return keys.Key(keys.clean(found[1], f"{what} in the config's {found[0]}"), keys.CONFIG_ENV)
    return None


def movable(key: keys.Key) -> bool:
    """A key found where the Gateway service may not see it (the shell) or in the config in plain text:
    onboarding offers to save it to the .env (0600)."""
    return key.source in ("environment", keys.CONFIG_ENV)


def dotenv_path(env: Mapping[str, str], profile: str | None) -> Path:
    return paths.locate(env, profile).dotenv


@record
class Plan:
    """What onboarding would write; `document()` is `onboard --dry-run --json`."""

    provider: Provider
    choice: AuthChoice
    request: Request
    loc: paths.Location
    planned: transaction.Planned
    dotenv: transaction.Dotenv
    diff: str
    warnings: tuple[str, ...]
    target: str | None
    target_source: str
    command: Path | None
    persist: bool
    auth: AuthResult
    options: merge.Options
    exit_code: int = 0

    def document(self) -> dict[str, Any]:
        merged = self.planned.merged
        return {
            "config": str(self.loc.config),
            "dry_run": True,
            "diff": self.diff,
            "warnings": list(self.warnings),
            "notes": list(merged.notes),
            "changes": [{"path": c.path, "summary": c.summary} for c in merged.changes if c.summary],
        }

    @property
    def refreshes(self) -> list[str]:
        """The model refreshes (`--refresh-models`) a user may want to confirm first."""
        changes = self.planned.merged.changes
        return [c.summary for c in changes if c.summary] if any("refreshed" in c.summary for c in changes) else []

    def transform(self, config: dict[str, Any]) -> merge.Merged:
        """The merge, pure: the transaction runs it again on a fresh read when another writer got in first."""
        return merge.apply_auth(config, self.provider, self.auth, self.options)


def plan(host: Host, env: Mapping[str, str], request: Request) -> Plan:
    from dataclasses import replace

    from . import session

    choice = host.auth_choices[request.choice]
    provider = host.providers[choice.provider]
    loc = paths.locate(env, request.profile)
    dotenv_raw, _, dotenv = store.read_dotenv(loc.dotenv)
    key = request.key
    warnings = _key_warnings(choice, key, env, dotenv, loc)
    first = store.read_checked(loc.config)
    if request.base_url is None and (found := session.base_url_variable(provider, first.data, env, dotenv)):
        request = replace(request, base_url=session.variable_base_url(found))
        warnings.append(f"using the base URL {request.base_url} from {found[1]}")
    command = openclaw_exe.find(env, request.openclaw)
    if command is not None and not request.openclaw_version:
        notices.step(f"Asking {command} for its version")
    target, target_source = openclaw_exe.target_version(request.openclaw_version, first.data, env, command)
    auth = host.run_auth_choice(
        choice,
        AuthRequest(
            key=key.value, key_source=key.source, base_url=request.base_url, secret_mode=request.secret_mode, openclaw_version=target
        ),
    )
    from ..adapters import profiles

    stale = [
        p.id
        for p in profiles.stored(loc.state_dir, first.data, provider.id)
        if keys.stale_profile([p], first.data, provider.id, choice.env_var, key.value)
    ]
    off = None
    if stale and target is not None and schema.since(target) < schema.since(PROFILE_LOGOUT_SINCE):
        off = f"OpenClaw {target} sends the key its own onboarding stored in {', '.join(stale)} before this one, and has no command to remove it"
    persist = request.secret_mode == "ref" and (key.typed or (movable(key) and request.persist))
    options = merge.Options(
        env_var=choice.env_var,
        key_moved=key.value if persist else None,
        profiles_off=off,
        primary=request.primary,
        fallbacks=request.fallbacks,
        base_url=request.base_url,
        replace_key=key.typed or request.secret_mode == "plaintext",
        refresh_models=request.refresh_models,
        openclaw_version=target,
    )
    merged = merge.apply_auth(first.data, provider, auth, options)
    new_dotenv = set_var(dotenv_raw or b"", choice.env_var, key.value, str(loc.dotenv)) if persist else dotenv_raw or b""
    if request.secret_mode == "plaintext":
        warnings.append(
            f"the key is stored in plain text in the config; the default (--secret-input-mode ref) keeps it in {loc.dotenv} (0600)"
        )
    elif key.source == keys.CONFIG_ENV and not persist:
        warnings.append(
            f"the key stays in plain text in the config's env block; run again with --persist-key to move it to {loc.dotenv} (0600)"
        )
    elif key.source == "environment" and not persist:
        warnings.append(
            f"the key stays only in your environment: OpenClaw's Gateway service sees a key only in its own environment "
            f"or in {loc.dotenv}; run again with --persist-key to save it there"
        )
    planned = transaction.Planned(first, merged)
    dotenv_edit = transaction.Dotenv(loc.dotenv, dotenv_raw, new_dotenv, var=choice.env_var if persist else None)
    if interrupted := journal.pending(loc.config, provider.id):
        warnings.append(
            f"an earlier onboarding was stopped after it saved {interrupted[0]} to {loc.dotenv} and before it wrote the config; "
            "this run finishes the job"
        )
    diff = transaction.preview(loc, planned, dotenv_edit)
    return Plan(
        provider, choice, request, loc, planned, dotenv_edit, diff, tuple(warnings), target, target_source, command, persist, auth, options
    )


@record
class Verified:
    """The key check's outcome: True (with the model count), or None when it could not be checked (why: `warning`)."""

    verified: bool | None
    models: int | None
    warning: str = ""
    chat: tuple[str, ...] = ()  # the chat model ids the key may use (GET /models), for the primary's choice
    base_url: str | None = None  # the corrected base URL (a /v1 missing or doubled), to plan again with


def verify(plan: Plan, env: Mapping[str, str]) -> Verified:
    """Check the key against the endpoint the config will use, before anything is written."""
    from . import session

    request, provider = plan.request, plan.provider
    if request.skip_validation:
        return Verified(None, None)
    if session.offline(env):
        if request.require_valid_key:
            raise UsageError(f"--require-valid-key needs the network, but {session.OFFLINE_ENV} is set; nothing was written")
        return Verified(None, None, f"key not verified ({session.OFFLINE_ENV} is set); check it later with `{PROG} doctor`")
    from ..adapters.client import AisaClient, Timeouts
    from ..gateway import BadKey, PaymentRequired

    base_url = session.endpoint(provider, plan.planned.merged.config)
    key, t = request.key, session.VERIFY_TIMEOUT
    notices.step(f"Checking the key {key.masked} with {provider.label} at {base_url} (at most {t:g} s)")

    def at(url: str) -> AisaClient:
        return AisaClient(url, key.value, timeouts=Timeouts(connect=t, read=t, write=t, pool=t), max_retries=1)

    with at(base_url) as client:
        check = session.check_key(client, base_url, timeout=None, retries=None, elsewhere=at)
    e, fixed = check.error, check.corrected
    moved = (
        f"{base_url} is not {provider.label}'s API (its answer there was no model list); {fixed} is: the config uses that" if fixed else ""
    )
    if isinstance(e, BadKey):
        raise AisaError(f"{provider.label} refused the key {key.masked}: {e}; nothing was written (--skip-validation saves it anyway)")
    if isinstance(e, PaymentRequired):
        raise AisaError(
            f"{provider.label} answered 402 for the key {key.masked}: {e}; nothing was written (--skip-validation saves it anyway)"
        )
    if e is not None:  # unreachable, too slow, a 5xx, an answer that is not AIsa's: the key is neither good nor bad
        if request.require_valid_key:
            raise AisaError(f"could not verify the key: {e}; nothing was written (--require-valid-key)")
        return Verified(None, None, f"key not verified: {e}; the config is written anyway, check later with `{PROG} doctor`")
    from ..adapters.live import kind_of

    chat = tuple(m["id"] for m in check.models if kind_of(m) == "chat")
    return Verified(True, check.model_count, moved, chat=chat, base_url=fixed)


def primary_choices(done: Plan, verified: Verified) -> tuple[list[str], str]:
    """The refs a terminal user may pick as the primary: configured models the key can use (served chat
    models, never a translation model), curated first; and the pre-selected one: the current primary,
    else the catalogue's default."""
    p, config = done.provider, done.planned.merged.config
    configured = schema.configured_ids(config, p.id)
    order = [m.id for m in p.models] + [i for i in configured if not p.model(i)]
    usable = [i for i in order if i in configured and i in verified.chat and not p.describe(i).is_translation]
    return [p.ref(i) for i in usable], schema.current_primary(config) or p.ref(p.default_model)


def replan(host: Host, env: Mapping[str, str], done: Plan, **changes: Any) -> Plan:
    """The same onboarding with some of its choices changed after the key check: the primary picked on
    the terminal, the base URL corrected. The OpenClaw version is not asked again."""
    from dataclasses import replace

    return plan(host, env, replace(done.request, openclaw_version=done.target or done.request.openclaw_version, **changes))


@record
class Onboarded:
    """What onboarding did; `document()` is `onboard --json`."""

    plan: Plan
    committed: transaction.Committed
    verified: Verified
    warnings: tuple[str, ...]
    plugin: PluginStep
    profiles: tuple[str, ...] = ()  # what was done to OpenClaw's own stored keys
    exit_code: int = 0

    @property
    def stored(self) -> str:
        p = self.plan
        if p.request.secret_mode == "plaintext":
            return "config (plain text)"
        if p.persist or p.request.key.source == ".env":
            return str(p.loc.dotenv)
        return "config env block" if p.request.key.source == keys.CONFIG_ENV else "environment only"

    @property
    def primary(self) -> str | None:
        return schema.current_primary(self.committed.merged.config)

    @property
    def tui(self) -> str:
        """The command that opens OpenClaw's TUI right after onboarding, for the version written for: plain
        `openclaw tui` needs a running Gateway and its token ("Missing gateway auth token")."""
        version = self.plan.target
        if version is not None and schema.since(version) < schema.since(TUI_LOCAL_SINCE):
            return "openclaw config set gateway.mode local && openclaw gateway run   (then, in another terminal: openclaw tui)"
        if version is None:
            return f"openclaw tui --local   (OpenClaw {TUI_LOCAL_SINCE} and later; before it: `openclaw gateway run`, then `openclaw tui`)"
        return "openclaw tui --local"

    @property
    def example_ref(self) -> str:
        provider = self.plan.provider
        return provider.ref(next((m.id for m in provider.models if "thinking" in m.tags), provider.default_model))

    def document(self) -> dict[str, Any]:
        p, c, key = self.plan, self.committed, self.plan.request.key
        return {
            "config": str(p.loc.config),
            "provider": p.provider.id,
            "dry_run": False,
            "written": {"config": c.written, "dotenv": c.dotenv_written},
            "changes": [{"path": ch.path, "summary": ch.summary} for ch in c.merged.changes if ch.summary],
            "notes": list(c.merged.notes),
            "warnings": list(self.warnings),
            "primary": self.primary,
            "openclaw_version": {"version": p.target, "source": p.target_source},
            "key": {
                "source": key.source,
                "masked": key.masked,
                "stored": self.stored,
                "env_var": p.choice.env_var,
                "verified": self.verified.verified,
                "models_visible": self.verified.models,
            },
            "plugin": self.plugin.document(),
            "openclaw_profiles": list(self.profiles),
        }


def apply(host: Host, env: Mapping[str, str], plan: Plan, verified: Verified) -> Onboarded:
    warnings = list(plan.warnings)
    if verified.warning:
        warnings.append(verified.warning)
    committed = transaction.commit(plan.loc, env, plan.transform, plan.planned, dotenv=plan.dotenv, journal=plan.provider.id)
    if committed.journal_error:
        warnings.append(f"the config is written, but {committed.journal_error}; `openclaw-aisa remove` will then keep what this run added")
    installed = _onboard_plugin(host, env, plan)
    done, left = _retire_stale_profiles(plan, env, committed.merged.config)
    return Onboarded(plan, committed, verified, (*warnings, *left), installed, done)


def _retire_stale_profiles(plan: Plan, env: Mapping[str, str], config: dict[str, Any]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """OpenClaw sends a key stored by its own onboarding (an auth profile) before the config's, on 3.31
    and 5.28 always and on 9.6 in one-shot commands: a profile holding another key would keep the old
    key in use. It goes, through OpenClaw's own command (9.x `models auth logout`, 5.28 `infer model
    auth logout`); where none exists (3.31), the user is told what to run. Returns (done, warnings)."""
    from ..adapters import profiles

    key, var, provider = plan.request.key.value, plan.choice.env_var, plan.provider
    stale = [p for p in profiles.stored(plan.loc.state_dir, config, provider.id) if keys.stale_profile([p], config, provider.id, var, key)]
    if not stale:
        return (), ()
    names = ", ".join(f"{p.id} ({keys.mask(p.value) if p.value else p.kind})" for p in stale)
    command = plan.command
    if command is not None:
        notices.step(f"Removing OpenClaw's older stored {provider.label} key ({names}) through OpenClaw")
        runs = openclaw_exe.forget_keys_commands(command, env, provider.id, [p.id for p in stale])
        done = []
        for args in runs:
            ran = openclaw_exe.run(command, *args, env=env, timeout=120)
            if ran.returncode != 0:
                break
            done.append(f"openclaw {' '.join(args)}")
        else:
            if runs:
                if keys.stale_profile(profiles.stored(plan.loc.state_dir, config, provider.id), config, provider.id, var, key) is None:
                    return (*done, f"OpenClaw's own stored key ({names}) is gone: OpenClaw now sends the key saved now"), ()
    return (), (
        f"OpenClaw keeps another {provider.label} key in its auth profile {names}, and sends it before the one saved now; "
        f"replace it in a terminal with `openclaw models auth paste-token --provider {provider.id} --profile-id {stale[0].id}` "
        f"(or re-run `openclaw onboard --auth-choice {plan.choice.id}`)",
    )


@record
class PluginStep:
    """Onboarding's install of the native plugin: the bundle installed, or why not, in one line."""

    bundle: plugin.Bundle | None
    summary: str

    def document(self) -> dict[str, Any]:
        head = self.bundle.document() if self.bundle else {}
        return {**head, "installed": self.bundle is not None, "summary": self.summary}


def _onboard_plugin(host: Host, env: Mapping[str, str], plan: Plan) -> PluginStep:
    """Install the native plugin when an openclaw command is at hand, so OpenClaw's own commands work too."""
    provider, command = plan.provider, plan.command
    if not plan.request.install_plugin:
        return PluginStep(None, "Native OpenClaw plugin: skipped (--no-plugin); add it later with `openclaw-aisa plugin install`")
    version = openclaw_exe.version(command, env) if command else None
    if command is None or version is None:
        return PluginStep(
            None,
            "Native OpenClaw plugin: no openclaw command found; once OpenClaw is installed run `openclaw-aisa plugin install` (or `--openclaw PATH`)",
        )
    from . import plugin

    b = plugin.install_bundle(host, provider, command, version, env, plan.loc, plan.request.base_url)
    return PluginStep(b, f"Native OpenClaw plugin: OpenClaw {version} seen at {command}; {b.did}")


def _key_warnings(choice: AuthChoice, key: keys.Key, env: Mapping[str, str], dotenv: Mapping[str, str], loc: paths.Location) -> list[str]:
    """Say which key OpenClaw will really use when the environment and the .env disagree."""
    in_env, in_file = env.get(choice.env_var, "").strip(), dotenv.get(choice.env_var, "").strip()
    out = []
    if key.typed and in_env and in_env != key.value:
        out.append(
            f"your environment exports a different {choice.env_var} ({keys.mask(in_env)}); OpenClaw started from this shell "
            f"uses that one, not the key saved now: unset it or update it"
        )
    elif in_env and in_file and in_env != in_file:
        out.append(
            f"{choice.env_var} differs between your environment ({keys.mask(in_env)}) and {loc.dotenv} ({keys.mask(in_file)}): "
            f"OpenClaw uses the environment's where it is set, the .env one elsewhere (e.g. the Gateway service)"
        )
    return out
