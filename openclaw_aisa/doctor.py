"""`openclaw-aisa doctor`: what is wrong with a provider in the user's OpenClaw config, and the safe repairs.

Pure: workflows/doctor.py reads the config, the .env, the file modes and (unless --offline) asks the
provider, and hands them over in a `Context`. `diagnose` lists findings; `fix` returns the repaired
config, the changes made and the chmods for the workflow to apply. A repair only does what a finding names: it sets no
primary and appends no catalogue model of its own accord, and it never touches other providers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import field, replace
from typing import Any, Literal, TypeGuard

from . import keys, merge, places
from .refs import close_matches
from .schema import (
    SUPPORTED,
    KeyLevel,
    accepted_keys,
    key_ref,
    key_var,
    model_entry,
    schema_version,
    split_ref,
    template_var,
    versions_accepting,
)
from .types import UNLISTED, Model, Provider, StoredProfile, record

Level = Literal["error", "warning", "info"]

# A thinking model spends its budget on reasoning first: below this, replies come back empty (finish_reason "length").
THINKING_MIN_TOKENS = 16_384
_MODES = {"state_dir": 0o700, "config": 0o600, "dotenv": 0o600}  # what OpenClaw itself writes


@record
class Finding:
    """One thing doctor found: its check id, how bad, what to do, and whether `--fix` can do it."""

    check: str  # stable id, e.g. "block.prefixed-id"
    level: Level  # error: OpenClaw breaks or turns fail; warning: works but risky; info: a fact
    message: str  # what is wrong, one line; a key only ever through keys.mask
    fix: str  # what `fix` does, or how to fix it by hand when it is not fixable
    fixable: bool
    path: str | None = None  # the config path or file concerned


@record
class Live:
    """What the provider answered, filled by workflows/doctor.py when online."""

    key_status: Literal["valid", "bad-key", "payment", "unreachable"]
    detail: str = ""  # the typed error's one-line message
    served: frozenset[str] | None = None  # ids from GET /v1/models; None: unknown
    model_count: int | None = None
    base_url: str | None = None  # where the provider answered, when the configured baseUrl's path was wrong


@record
class Context:
    """Everything the checks look at, gathered by workflows/doctor.py: the checks themselves touch nothing."""

    config: dict[str, Any]  # the parsed config ({} when there is no file)
    config_exists: bool
    provider: Provider
    env: Mapping[str, str] = field(default_factory=dict)  # the process environment
    dotenv: Mapping[str, str] = field(default_factory=dict)  # the parsed <state dir>/.env
    key_files: Mapping[str, tuple[str, Mapping[str, str]]] = field(default_factory=dict)  # places.py source -> (path, variables)
    modes: Mapping[str, int | None] = field(default_factory=dict)  # "state_dir", "config", "dotenv" (None: absent)
    openclaw_version: str | None = None  # the target; None: judged by what every supported version accepts
    live: Live | None = None
    locations: Mapping[str, str] = field(default_factory=dict)  # "state_dir", "config", "dotenv" -> path shown
    onboard: str = "openclaw-aisa onboard"  # the command that sets the provider up
    profiles: tuple[StoredProfile, ...] = ()  # the credentials OpenClaw's own onboarding stored for the provider
    agent_copies: tuple[tuple[str, str], ...] = ()  # (path, apiKey) in agents/*/agent/models.json and plugins/*/catalog.json
    plugin_stale: tuple[str, ...] | None = None  # files of the installed native plugin older than this package's; None: none installed
    can_install: bool = False  # an openclaw command is known, so `--fix` can reinstall the plugin through it

    def where(self, name: str) -> str:
        return self.locations.get(name) or {"config": "openclaw.json", "dotenv": ".env", "state_dir": "the state dir"}[name]


@record
class Fixed:
    """The repaired config, the changes to show, and the file modes to set."""

    config: dict[str, Any]
    changes: tuple[merge.Change, ...]
    chmods: tuple[tuple[str, int], ...] = ()  # ("dotenv", 0o600): for the CLI to apply
    scrubs: tuple[tuple[str, str], ...] = ()  # (models.json path, the variable name to put in place of the key)


def diagnose(ctx: Context) -> list[Finding]:
    p = ctx.provider
    block = _block(ctx.config, p.id)
    if isinstance(block, dict) and "$include" not in block:
        checks = (
            _check_block,
            _check_key,
            _check_agent_copies,
            _check_permissions,
            _check_refs,
            _check_allowlist,
            _check_temperature,
            _check_live,
            _check_plugin,
        )
        return [f for check in checks for f in check(ctx, block)]
    if include := _include_on_path(ctx.config, p.id):
        return [
            Finding(
                "config.include",
                "warning",
                f"{include} comes from $include: doctor does not read included files",
                f"check the {p.label} block there by hand (`{ctx.onboard} --dry-run` shows what it should be)",
                False,
                include,
            ),
            *_check_permissions(ctx, None),
            *_check_plugin(ctx, None),
        ]
    where, at = ctx.where("config"), f"models.providers.{p.id}"
    if block is not None:
        return [
            Finding(
                "block.shape",
                "error",
                f"{at} in {where} is not an object: OpenClaw refuses the whole config",
                f"make it an object by hand, or remove it and run `{ctx.onboard}`",
                False,
                at,
            )
        ]
    message = (
        f"{p.label} is not configured in {where}"
        if ctx.config_exists
        else f"there is no OpenClaw config at {where}, so {p.label} is not configured"
    )
    return [Finding("block.missing", "error", message, f"run `{ctx.onboard}`", False, at), *_check_plugin(ctx, None)]


def fix(ctx: Context, findings: Iterable[Finding]) -> Fixed:
    """The repairs for the fixable `findings`, applied to a copy of the config.

    Repairs run in a fixed order and each re-reads the config it repairs, so one that renames ids
    comes before the ones that read refs. `after(ctx, fixed)` is the context to diagnose again.
    """
    wanted = {f.check for f in findings if f.fixable}
    edit = merge.Edit(merge.copy_json(ctx.config))
    for checks, repair in _REPAIRS:
        if wanted & checks and (checks <= _BLOCKLESS or isinstance(_block(edit.config, ctx.provider.id), dict)):
            repair(edit, ctx)
    chmods = tuple((name, mode & 0o700) for name, mode in ctx.modes.items() if mode is not None and _perm_check(name) in wanted)
    var = key_var(merge.dig(edit.config, "models", "providers", ctx.provider.id, "apiKey"))
    scrubs = tuple((path, var) for path, _ in _plaintext_copies(ctx) if var) if "key.copied" in wanted else ()
    return Fixed(edit.config, tuple(c for c in edit.changes if c.summary), chmods, scrubs)


def after(ctx: Context, fixed: Fixed) -> Context:
    """The context once `fixed` is written and its chmods are done: what `diagnose` then finds remains."""
    return replace(ctx, config=fixed.config, modes={**ctx.modes, **dict(fixed.chmods)})


# --- the provider block -------------------------------------------------------------------------


def _block(config: Any, pid: str) -> Any:
    return merge.dig(config, "models", "providers", pid)


def _include_on_path(config: dict[str, Any], pid: str) -> str | None:
    node: Any = config
    walked: list[str] = []
    for part in ("models", "providers", pid, None):
        if isinstance(node, dict) and "$include" in node:
            return ".".join(walked) or "the top level"
        if part is None or not isinstance(node, dict):
            return None
        node, walked = node.get(part), [*walked, part]
    return None


def _entries(block: dict[str, Any]) -> list[dict[str, Any]]:
    """The model entries that have an id (the others are reported, never touched)."""
    models = block.get("models")
    return [m for m in models if _well_formed(m)] if isinstance(models, list) else []


def _well_formed(m: Any) -> bool:
    return isinstance(m, dict) and isinstance(m.get("id"), str) and bool(m["id"].strip())


def _served_id(p: Provider, model_id: str) -> str:
    """The id the provider serves for a configured one: the `<provider>/` prefix dropped, an alias replaced."""
    bare = model_id.removeprefix(f"{p.id}/")
    alias = p.alias_for(bare)
    return alias.target if alias else bare


def _text(value: Any) -> TypeGuard[str]:
    return isinstance(value, str) and bool(value.strip())


def _check_block(ctx: Context, block: dict[str, Any]) -> Iterator[Finding]:
    p, at = ctx.provider, f"models.providers.{ctx.provider.id}"
    for key, value, why in (
        ("baseUrl", p.base_url, "OpenClaw refuses the whole config"),
        ("api", p.api, f"OpenClaw then speaks its Responses API, which {p.label} does not serve"),
    ):
        if not _text(block.get(key)):
            yield Finding("block.missing-field", "error", f"{at} has no {key}: {why}", f"sets {key} to {value}", True, f"{at}.{key}")
    models = block.get("models")
    if models is None:
        yield Finding(
            "block.missing-field",
            "error",
            f"{at} has no models list: OpenClaw refuses the whole config",
            f"adds the catalogue's models ({', '.join(m.id for m in p.models)})",
            True,
            f"{at}.models",
        )
    elif not isinstance(models, list):
        yield Finding(
            "block.shape",
            "error",
            f"{at}.models is not a list: OpenClaw refuses the whole config",
            "make it a list of model entries by hand",
            False,
            f"{at}.models",
        )
    yield from _check_keys(ctx, "provider", block, at)
    for i, m in enumerate(models if isinstance(models, list) else []):
        where = f"{at}.models[{i}]"
        if not _well_formed(m):
            yield Finding(
                "block.shape",
                "error",
                f"{where} has no model id: OpenClaw refuses the whole config",
                f"give it the bare {p.label} model id, or remove the entry",
                False,
                where,
            )
            continue
        model_id, bare = m["id"], m["id"].removeprefix(f"{p.id}/")
        if not _text(m.get("name")):
            yield Finding(
                "block.missing-field",
                "error",
                f"{where} ({model_id}) has no name: OpenClaw refuses the whole config",
                "sets the catalogue's name (else the id)",
                True,
                f"{where}.name",
            )
        if bare != model_id:
            yield Finding(
                "block.prefixed-id",
                "error",
                f"model id {model_id!r} carries the {p.id}/ prefix: OpenClaw sends it verbatim and {p.label} answers 503 (unknown model)",
                f"renames it to {bare!r} (the ref {p.ref(bare)} keeps working)",
                True,
                f"{where}.id",
            )
        if alias := p.alias_for(bare):
            yield Finding(
                "block.alias-id",
                "error",
                f"model id {bare!r} is not served by {p.label} ({alias.reason})",
                f"renames it to {alias.target!r}; refs follow",
                True,
                f"{where}.id",
            )
        yield from _check_keys(ctx, "model", m, where)
        if isinstance(m.get("compat"), dict):
            yield from _check_keys(ctx, "compat", m["compat"], f"{where}.compat")
        yield from _check_tokens(ctx, m, where)
    sparse = [p.ref(m["id"]) for m in _entries(block) if merge.missing_fields(p, m, ctx.openclaw_version)]
    if sparse:
        yield Finding(
            "block.sparse",
            "warning",
            f"{', '.join(sparse)} lack{'s' * (len(sparse) == 1)} limits, input, prices or compat (rows as AIsa's guide pastes them): "
            "OpenClaw then assumes 8,192 output tokens and max_tokens for every model",
            "fills in what each row lacks from the catalogue (a model it does not list: its family's figures); values you set stay",
            True,
            f"{at}.models",
        )
    drift = [
        p.ref(m["id"])
        for m in _entries(block)
        if (model := p.model(m["id"])) and merge.field_diffs(m, model_entry(p, model, ctx.openclaw_version))
    ]
    if drift:
        yield Finding(
            "block.drift",
            "info",
            f"{', '.join(drift)} differ{'s' * (len(drift) == 1)} from the current catalogue (limits, prices, input or compat)",
            f"`{ctx.onboard} --refresh-models` updates them (`--dry-run` shows how)",
            False,
            f"{at}.models",
        )


def _check_keys(ctx: Context, level: KeyLevel, obj: dict[str, Any], where: str) -> Iterator[Finding]:
    target, accepted = ctx.openclaw_version, accepted_keys(level, ctx.openclaw_version)
    for key in obj:
        path = f"{where}.{key}"
        if key in accepted:
            continue
        if level == "model" and versions_accepting("compat", key):
            how = (
                "moves it into compat"
                if not target or key in accepted_keys("compat", target)
                else f"removes it (OpenClaw {target} rejects it in compat too)"
            )
            yield Finding(
                "block.compat-outside", "error", f"{path} belongs under compat: OpenClaw refuses the whole config", how, True, path
            )
        elif not (takers := versions_accepting(level, key)):
            known = sorted(set().union(*(accepted_keys(level, v) for v in SUPPORTED)))
            near = close_matches(key, known, n=1)
            hint = f"did you mean {near[0]}? " if near else ""
            yield Finding(
                "block.unknown-key",
                "error",
                f"{path}: no OpenClaw version knows this key, so OpenClaw refuses the whole config",
                f"{hint}rename or remove it by hand",
                False,
                path,
            )
        elif target:
            yield Finding(
                "block.rejected-key",
                "error",
                f"{path}: OpenClaw {target} rejects this key (only {', '.join(takers)} accept it) and refuses the whole config",
                "removes it",
                True,
                path,
            )
        else:
            others = [v for v in SUPPORTED if v not in takers]
            yield Finding(
                "block.rejected-key",
                "warning",
                f"{path} is accepted only by OpenClaw {', '.join(takers)}; {', '.join(others)} refuse the whole config",
                "left alone while the OpenClaw version is unknown: remove it if you run one of those",
                False,
                path,
            )


def _thinking(p: Provider, model_id: str) -> tuple[bool, Model | None]:
    model = p.model(model_id)
    return "thinking" in p.describe(model_id).tags, model


def _too_few_tokens(value: Any) -> bool:
    return not isinstance(value, (int, float)) or value < THINKING_MIN_TOKENS


def _check_tokens(ctx: Context, m: dict[str, Any], where: str) -> Iterator[Finding]:
    p, model_id = ctx.provider, _served_id(ctx.provider, m["id"])
    thinking, model = _thinking(p, model_id)
    if thinking and _too_few_tokens(m.get("maxTokens")):
        have = f"maxTokens {m['maxTokens']}" if "maxTokens" in m else "no maxTokens (OpenClaw's default is 8192)"
        how = (
            f"sets maxTokens to {model.max_tokens.value} (the catalogue's figure)"
            if model
            else f"raise maxTokens to {THINKING_MIN_TOKENS} or more by hand"
        )
        yield Finding(
            "tokens.thinking",
            "warning",
            f"{p.ref(model_id)} thinks before it answers and {have} leaves it too little: replies come back empty (finish_reason length)",
            how,
            model is not None,
            f"{where}.maxTokens",
        )


def _fix_fields(edit: merge.Edit, ctx: Context) -> None:
    p, at = ctx.provider, f"models.providers.{ctx.provider.id}"
    block = _block(edit.config, p.id)
    for key, value in (("baseUrl", p.base_url), ("api", p.api)):
        if not _text(block.get(key)):
            block[key] = value
            edit.change(f"{at}.{key}", f"{at}.{key} set to {value}", created=True)
    if block.get("models") is None:
        block["models"] = [model_entry(p, m, ctx.openclaw_version) for m in p.models]
        edit.change(f"{at}.models", f"{at}.models: added the catalogue's models {', '.join(m.id for m in p.models)}", created=True)
    for m in _entries(block):
        if not _text(m.get("name")):
            model = p.model(_served_id(p, m["id"]))
            m["name"] = model.name if model else m["id"]
            edit.change(f"{at}.models", f"{p.ref(m['id'])}: name set to {m['name']!r}")


def _fix_base_url(edit: merge.Edit, ctx: Context) -> None:
    block, at = _block(edit.config, ctx.provider.id), f"models.providers.{ctx.provider.id}.baseUrl"
    if ctx.live and ctx.live.base_url and block.get("baseUrl") != ctx.live.base_url:
        before, block["baseUrl"] = block.get("baseUrl"), ctx.live.base_url
        edit.change(at, f"{at}: {before} -> {ctx.live.base_url} (where {ctx.provider.label} answers)")


def _fix_ids(edit: merge.Edit, ctx: Context) -> None:
    """De-prefix ids, replace alias ids (refs follow), and move compat keys found at model level into compat."""
    p, at = ctx.provider, f"models.providers.{ctx.provider.id}.models"
    block = _block(edit.config, p.id)
    models, good = block.get("models"), _entries(block)
    if not isinstance(models, list):
        return
    renames, _ = merge.repair_models(edit, p, good)
    kept = {id(m) for m in good}
    models[:] = [m for m in models if id(m) in kept or not _well_formed(m)]
    model_keys, compat_keys = accepted_keys("model", ctx.openclaw_version), accepted_keys("compat", ctx.openclaw_version)
    for m in good:
        for key in [k for k in m if k not in model_keys and versions_accepting("compat", k)]:
            value, compat = m.pop(key), m.setdefault("compat", {})
            if isinstance(compat, dict) and key not in compat and (key in compat_keys or not ctx.openclaw_version):
                compat[key] = value
                edit.change(at, f"{p.ref(m['id'])}: moved {key} into compat (OpenClaw rejects it at model level)")
            else:
                why = (
                    "compat has one"
                    if isinstance(compat, dict) and key in compat
                    else f"OpenClaw {ctx.openclaw_version} rejects it in compat too"
                )
                edit.change(at, f"{p.ref(m['id'])}: dropped model-level {key} (OpenClaw rejects it there; {why})")
    merge.rename_refs(edit, renames)


def _fix_rejected_keys(edit: merge.Edit, ctx: Context) -> None:
    """Keys that other versions accept and the target rejects: without them the target loads the config."""
    p, target = ctx.provider, ctx.openclaw_version
    if not target:
        return
    block, at = _block(edit.config, p.id), f"models.providers.{p.id}"
    levels: list[tuple[KeyLevel, Any, str]] = [("provider", block, at)]
    for m in _entries(block):
        levels += [("model", m, p.ref(m["id"])), ("compat", m.get("compat"), f"{p.ref(m['id'])} compat")]
    for level, obj, where in levels:
        if not isinstance(obj, dict):
            continue
        gone = [k for k in obj if k not in accepted_keys(level, target) and versions_accepting(level, k)]
        for key in gone:
            del obj[key]
        if gone:
            edit.change(at, f"{where}: removed {', '.join(gone)} (OpenClaw {target} rejects {'it' if len(gone) == 1 else 'them'})")


def _fix_tokens(edit: merge.Edit, ctx: Context) -> None:
    p = ctx.provider
    for m in _entries(_block(edit.config, p.id)):
        thinking, model = _thinking(p, _served_id(p, m["id"]))
        if thinking and model and _too_few_tokens(m.get("maxTokens")):
            before, m["maxTokens"] = m.get("maxTokens", "(none)"), model.max_tokens.value
            edit.change(
                f"models.providers.{p.id}.models",
                f"{p.ref(model.id)}: maxTokens {before} -> {model.max_tokens.value} (room to think and answer)",
            )


# --- the key --------------------------------------------------------------------------------------


def _key_var(p: Provider) -> str | None:
    return p.env_vars[0] if p.env_vars else None


def _key_sources(ctx: Context, config: dict[str, Any], var: str) -> list[tuple[str, str]]:
    """Where `var` is set, in the order this OpenClaw version reads it (places.py): the environment, the
    files it reads (the working directory's .env on 3.31, the state dir's, the config folder's,
    gateway.env), the config's env block. The Gateway service's own copy is judged apart (key.service)."""
    files = {**ctx.key_files, ".env": (ctx.where("dotenv"), ctx.dotenv)}
    found: list[tuple[str, Any]] = [("the environment", ctx.env.get(var))]
    for source in places.FILES:
        if source in files and places.read_by(source, ctx.openclaw_version):
            found.append((files[source][0], files[source][1].get(var)))
    found += [("the config's env block", merge.dig(config, "env", var)), ("the config's env.vars", merge.dig(config, "env", "vars", var))]
    return [(where, value.strip()) for where, value in found if isinstance(value, str) and value.strip()]


def _check_service_copy(ctx: Context, var: str, value: str) -> Iterator[Finding]:
    """`openclaw gateway install` copies the key into the service (3.31: the unit's Environment=, 5.28:
    gateway.systemd.env), which the running service uses before the .env: a changed key stays unseen."""
    where, values = ctx.key_files.get("service", ("", {}))
    copy = values.get(var, "").strip()
    if copy and copy != value:
        yield Finding(
            "key.service",
            "warning",
            f"OpenClaw's Gateway service keeps its own copy of {var} ({keys.mask(copy)}, from `openclaw gateway install`), "
            f"not the key OpenClaw's commands use ({keys.mask(value)}): the service sends the old one",
            "left alone (the service is OpenClaw's): `openclaw gateway install --force`, then `systemctl --user restart openclaw-gateway`",
            False,
            where,
        )


def _profile_key(profile: StoredProfile) -> str:
    return keys.mask(profile.value) if profile.value else f"a reference to {profile.var}" if profile.var else f"a {profile.kind}"


def _check_profiles(ctx: Context, var: str, winner: str, value: str, at: str) -> Iterator[Finding]:
    """Which key OpenClaw really sends: a profile stored by its own onboarding comes before the config's
    reference (on 9.x only in one-shot commands), so one holding another key is the key in use."""
    p, ours = ctx.provider, keys.mask(value)
    stale = keys.stale_profile(ctx.profiles, ctx.config, p.id, var, value)
    if stale is None:
        yield Finding("key.source", "info", f"OpenClaw takes the {p.label} key from {var} in {winner}: {ours}", "", False, at)
        return
    theirs = _profile_key(stale)
    if keys.profile_everywhere(ctx.openclaw_version):
        message = f"OpenClaw takes the {p.label} key from its auth profile {stale.id}: {theirs} (it comes before {var} in {winner}: {ours})"
    else:
        message = (
            f"OpenClaw {ctx.openclaw_version} sends {var} from {winner} ({ours}) in turns (agent, TUI, Gateway), "
            f"and its auth profile {stale.id} ({theirs}) in one-shot commands (`openclaw infer`)"
        )
    yield Finding("key.source", "info", message, "", False, "auth.profiles")
    yield Finding(
        "key.profile",
        "warning",
        f"OpenClaw's auth profile {stale.id} (stored by `openclaw onboard`) holds another {p.label} key ({theirs}) than {var} in {winner} ({ours})",
        f"`{ctx.onboard}` with the key you want removes it through OpenClaw (9.x `openclaw models auth logout {stale.id} --yes`, "
        f"5.28 `openclaw infer model auth logout --provider {p.id}`); on 3.31 run "
        f"`openclaw models auth paste-token --provider {p.id} --profile-id {stale.id}` in a terminal",
        False,
        "auth.profiles",
    )


def _auth_profile(config: dict[str, Any], pid: str) -> str | None:
    """The auth profile OpenClaw's own onboarding adds (`aisa:default`); the key itself is in OpenClaw's store."""
    profiles = merge.dig(config, "auth", "profiles")
    found = [name for name, prof in profiles.items() if merge.dig(prof, "provider") == pid] if isinstance(profiles, dict) else []
    return found[0] if found else None


def _forget_profile_hint(provider: Provider, profile_id: str, version: str | None) -> str:
    """How to take a key out of OpenClaw's own store, on the version at hand (each tried on the real CLI)."""
    by_version = {
        "9.x": f"`openclaw models auth logout {profile_id} --yes`",
        "2026.5.28": f"`openclaw infer model auth logout --provider {provider.id}`",
        "2026.3.31": (
            f"`openclaw onboard --non-interactive --accept-risk --skip-health --auth-choice {provider.id}-api-key --secret-input-mode ref` "
            "with the key exported (the profile then refers to the variable; set your primary again after it)"
        ),
    }
    release = schema_version(version) if version else None
    if release == "2026.9.6":
        return by_version["9.x"]
    if release in by_version:
        return by_version[release]
    return "; ".join(f"{v}: {how}" for v, how in by_version.items())


def _check_stored_plaintext(ctx: Context) -> Iterator[Finding]:
    """OpenClaw's own onboarding keeps the key it was given in plain text (9.6 in state/openclaw.sqlite,
    before in agents/<id>/agent/auth-profiles.json), outside the 0600 .env that this package uses."""
    for stored in ctx.profiles:
        if stored.value:
            yield Finding(
                "key.plaintext",
                "warning",
                f"OpenClaw's auth profile {stored.id} (stored by `openclaw onboard`) keeps the {ctx.provider.label} key in plain text "
                f"in {stored.where or 'its auth store'} ({keys.mask(stored.value)})",
                f"left alone (it is OpenClaw's store): {_forget_profile_hint(ctx.provider, stored.id, ctx.openclaw_version)} removes it; "
                f"the key then comes from {ctx.where('dotenv')}, where `{ctx.onboard}` keeps it",
                False,
                "auth.profiles",
            )


def _plaintext_copies(ctx: Context) -> list[tuple[str, str]]:
    return [(path, value) for path, value in ctx.agent_copies if keys.looks_like_key(value)]


def _check_agent_copies(ctx: Context, block: dict[str, Any]) -> Iterator[Finding]:
    """OpenClaw writes the provider settings it resolved to agents/<id>/agent/models.json (issue #84632):
    an inline key lands there in plain text, and stays after the config refers to the key instead."""
    var = key_var(block.get("apiKey"))
    for path, value in _plaintext_copies(ctx):
        how = (
            f'puts "{var}" in its place (what OpenClaw itself writes there for a key it reads from {var})'
            if var
            else f"left alone: the config's apiKey is inline, so OpenClaw writes it again; `{ctx.onboard}` with the key moves it to "
            f"{ctx.where('dotenv')} first, then run doctor --fix"
        )
        yield Finding(
            "key.copied",
            "warning",
            f"{path} holds the {ctx.provider.label} key in plain text ({keys.mask(value)}): OpenClaw copied the resolved provider settings there",
            how,
            var is not None,
            path,
        )


def _check_key(ctx: Context, block: dict[str, Any]) -> Iterator[Finding]:
    p, at = ctx.provider, f"models.providers.{ctx.provider.id}.apiKey"
    api_key, var = block.get("apiKey"), _key_var(ctx.provider)
    yield from _check_flat_env(ctx)
    yield from _check_stored_plaintext(ctx)
    if isinstance(api_key, dict):
        if api_key.get("source") != "env" or not isinstance(api_key.get("id"), str):
            yield Finding(
                "key.source",
                "info",
                f"the {p.label} key comes from OpenClaw's {api_key.get('source')} secret provider (not read by doctor)",
                "",
                False,
                at,
            )
            return
        var = api_key["id"]
        if isinstance(key_ref(var, ctx.openclaw_version), str):
            yield Finding(
                "key.template",
                "warning",
                f"apiKey is an env reference to {var}: in OpenClaw {ctx.openclaw_version}'s `openclaw tui --local`, every "
                '/model after the first message then fails ("prepared model catalog owner config was replaced")',
                f'replaces it with "${{{var}}}" (the same key from the same place; switching works)',
                True,
                at,
            )
    elif isinstance(api_key, str) and (named := template_var(api_key.strip())):
        var = named
        if ctx.openclaw_version and not isinstance(key_ref(var, ctx.openclaw_version), str):  # unknown: either form holds
            yield Finding(
                "key.template",
                "warning",
                f'apiKey is the template "${{{var}}}": OpenClaw 2026.9.6\'s doctor flags it as a plaintext secret, '
                f"and old versions refuse the whole config when {var} is unset",
                f"replaces it with an env reference to {var} (the same key, valid on every version)",
                True,
                at,
            )
    elif keys.profile_pointer(api_key):
        yield from _check_profile_pointer(ctx, api_key.strip(), var, at)
        return
    elif _text(api_key):
        yield Finding(
            "key.plaintext",
            "warning",
            f"apiKey holds the {p.label} key in plain text in {ctx.where('config')} ({keys.mask(api_key.strip())})",
            f"left alone (where a secret lives is your decision): `{ctx.onboard} --secret-input-mode ref` with the key given again "
            f"saves it to {ctx.where('dotenv')} (0600) and puts a reference in the config",
            False,
            at,
        )
        yield Finding(
            "key.source", "info", f"OpenClaw takes the {p.label} key from the config itself: {keys.mask(api_key.strip())}", "", False, at
        )
        return
    elif profile := _auth_profile(ctx.config, p.id):
        stored = next((s for s in ctx.profiles if s.id == profile), None)
        what = _profile_key(stored) if stored else "kept by OpenClaw"
        yield Finding(
            "key.source", "info", f"OpenClaw takes the {p.label} key from its auth profile {profile}: {what}", "", False, "auth.profiles"
        )
        return
    if var is None:
        return
    found = _key_sources(ctx, ctx.config, var)
    if not found:
        check, what = ("key.missing", f"{at} is not set") if api_key is None else ("key.unresolved", f"apiKey refers to {var}")
        yield Finding(
            check,
            "error",
            f"{what}, and {var} is set neither in the environment nor in {ctx.where('dotenv')}: every request fails with 401",
            f"run `{ctx.onboard}`: it asks for the key and stores it in {ctx.where('dotenv')} (0600)",
            False,
            at,
        )
        return
    if api_key is None:
        yield Finding(
            "key.missing",
            "error",
            f"{at} is not set: OpenClaw sends no key to {p.label}",
            f"sets it to an env reference to {var} (set in {found[0][0]})",
            True,
            at,
        )
    winner, value = found[0]
    if in_config := keys.in_config_env(ctx.config, var):
        yield Finding(
            "key.plaintext",
            "warning",
            f"{in_config[0]} holds the {p.label} key in plain text in {ctx.where('config')} ({keys.mask(in_config[1])}), "
            "readable by anything that reads the config (backups, `openclaw config get`, support dumps)",
            f"left alone (where a secret lives is your decision): `{ctx.onboard} --persist-key` moves it to {ctx.where('dotenv')} (0600)",
            False,
            in_config[0],
        )
    yield from _check_profiles(ctx, var, winner, value, at)
    yield from _check_service_copy(ctx, var, value)
    for where, other in found[1:]:
        if other != value:
            who = (
                "OpenClaw started from this shell uses the first, the Gateway service (started elsewhere) the other"
                if winner == "the environment"
                else "OpenClaw reads the first and ignores the other"
            )
            yield Finding(
                "key.conflict",
                "warning",
                f"{var} differs between {winner} ({keys.mask(value)}) and {where} ({keys.mask(other)}): {who}",
                "left alone: update or remove the stale one",
                False,
                at,
            )
    shell_only = {"the environment", ctx.key_files.get("cwd .env", ("",))[0]}
    if {w for w, _ in found} <= shell_only:
        where = " and ".join("this shell's environment" if w == "the environment" else w for w, _ in found)
        yield Finding(
            "key.env-only",
            "warning",
            f"{var} is only in {where}: OpenClaw's Gateway service, started elsewhere, gets no key",
            f"`{ctx.onboard} --persist-key` saves it to {ctx.where('dotenv')} (0600)",
            False,
            at,
        )


def _check_profile_pointer(ctx: Context, pointer: str, var: str | None, at: str) -> Iterator[Finding]:
    """AIsa's guide: `"apiKey": "auth:aisa:default"` after `openclaw auth set aisa:default --key ...`.
    Neither exists in OpenClaw: the string goes out as the key. Fixable when the key is somewhere OpenClaw reads."""
    p = ctx.provider
    found = _key_sources(ctx, ctx.config, var) if var else []
    if found:
        how = f"replaces it with an env reference to {var} (set in {found[0][0]})"
    else:
        native = (
            f"OpenClaw 2026.5.28 and later store one with `printf '%s\\n' KEY | openclaw models auth paste-api-key --provider {p.id} "
            f"--profile-id {p.id}:default`"
        )
        how = (
            f"left alone (no key found): `{ctx.onboard} --{p.id}-api-key KEY` saves the key to {ctx.where('dotenv')} (0600) "
            f"and references it; {native}"
        )
    yield Finding(
        "key.pointer",
        "error",
        f'apiKey is "{pointer}" (from {p.label}\'s setup guide): no OpenClaw version resolves it, so that text is sent as the key '
        f"and every request fails with 401; `openclaw auth set`, which the guide pairs with it, exists in no OpenClaw version",
        how,
        bool(found),
        at,
    )


def _check_flat_env(ctx: Context) -> Iterator[Finding]:
    target = ctx.openclaw_version
    broken = schema_version(target) == "2026.9.6"
    for var in ctx.provider.env_vars:
        if isinstance(merge.dig(ctx.config, "env", var), str):
            when = f"OpenClaw {target} refuses the whole config" if broken else "OpenClaw 2026.9.6 and later refuse the whole config"
            movable = merge.flat_env_movable(ctx.config["env"], var)
            yield Finding(
                "key.flat-env",
                "error" if broken else "warning",
                f"env.{var} (the form in {ctx.provider.label}'s docs): {when}",
                f"moves it to env.vars.{var} (valid on every version)"
                if movable
                else f"left alone: env.vars.{var} holds a different key; delete the stale one of the two by hand",
                movable,
                f"env.{var}",
            )


def _fix_key(edit: merge.Edit, ctx: Context) -> None:
    p, at = ctx.provider, f"models.providers.{ctx.provider.id}.apiKey"
    block, var = _block(edit.config, p.id), _key_var(p)
    api_key = block.get("apiKey")
    if ctx.openclaw_version and (named := key_var(api_key)) and api_key != (preferred := key_ref(named, ctx.openclaw_version)):
        block["apiKey"] = preferred
        edit.change(at, f"apiKey: {_key_form(api_key)} -> {_key_form(preferred)}")
    elif (
        (api_key is None and not _auth_profile(edit.config, p.id) or keys.profile_pointer(api_key))
        and var
        and _key_sources(ctx, edit.config, var)
    ):
        block["apiKey"] = key_ref(var, ctx.openclaw_version)
        edit.change(at, f"apiKey set: {_key_form(block['apiKey'])}", created=True)


def _key_form(api_key: Any) -> str:
    return f'"{api_key}"' if isinstance(api_key, str) else f"env reference to {api_key.get('id')}"


def _fix_flat_env(edit: merge.Edit, ctx: Context) -> None:
    for var in ctx.provider.env_vars:
        merge.settle_env_key(edit, var)


# --- permissions ------------------------------------------------------------------------------------


def _perm_check(name: str) -> str:
    return f"perm.{name.replace('_', '-')}"


def _check_permissions(ctx: Context, block: Any) -> Iterator[Finding]:
    why = {"state_dir": "others can list what is in it", "config": "others can read it", "dotenv": "others can read the key in it"}
    for name, want in _MODES.items():
        mode = ctx.modes.get(name)
        if mode is not None and mode & 0o077:
            yield Finding(
                _perm_check(name),
                "warning",
                f"{ctx.where(name)} is mode {mode & 0o777:04o}: {why[name]}",
                f"chmod {mode & 0o777 & ~0o077:04o} (OpenClaw itself writes {want:04o})",
                True,
                ctx.where(name),
            )


# --- primary, fallbacks and the allowlist ------------------------------------------------------------


def _refs(config: dict[str, Any]) -> list[tuple[str, str]]:
    """(path, ref) of the primary and each fallback."""
    model = merge.dig(config, "agents", "defaults", "model")
    out = []
    if primary := merge.current_primary(config):
        out.append(("agents.defaults.model" if isinstance(model, str) else "agents.defaults.model.primary", primary))
    if isinstance(model, dict) and isinstance(model.get("fallbacks"), list):
        out += [("agents.defaults.model.fallbacks", f) for f in model["fallbacks"] if isinstance(f, str)]
    return out


def _known(p: Provider, block: dict[str, Any]) -> set[str]:
    """Ids a ref may name: as configured (OpenClaw resolves them today) and as served (after the block's repair)."""
    ids = [m["id"] for m in _entries(block)]
    return set(ids) | {_served_id(p, i) for i in ids}


def _classify(p: Provider, known: set[str], model_id: str) -> tuple[str | None, str | None]:
    """What is wrong with a ref's model id: (check, the id to use instead, when there is one)."""
    model = p.model(_served_id(p, model_id))
    if model and model.is_translation:
        return "ref.translation", p.default_model
    if model and model.deprecated and model_id in known:
        return "ref.deprecated", model.deprecated.id
    if model_id in known:
        return None, None
    if alias := p.alias_for(model_id):  # a retired id's successor is served: its family's figures do when not curated
        return "ref.alias", alias.target if alias.target in known or p.model(alias.target) or alias.retired else None
    if p.model(model_id):
        return "ref.not-configured", model_id
    return "ref.unknown", None


def _check_refs(ctx: Context, block: dict[str, Any]) -> Iterator[Finding]:
    p, known = ctx.provider, _known(ctx.provider, block)
    for path, ref in _refs(ctx.config):
        pid, model_id = split_ref(ref)
        if pid != p.id:
            continue
        role = "the primary" if path != "agents.defaults.model.fallbacks" else "a fallback"
        check, target = _classify(p, known, model_id)
        if check == "ref.translation":
            how = f"replaces it with {p.ref(p.default_model)}" if role == "the primary" else "removes it from the fallbacks"
            yield Finding(
                check,
                "error",
                f"{ref} is {role} but a translation model (one turn, no system prompt, no tools): agent turns fail",
                how,
                True,
                path,
            )
        elif check == "ref.alias":
            alias = p.alias_for(model_id)
            assert alias is not None  # _classify says ref.alias only for an alias id
            if target:
                how = f"renames it to {p.ref(target)} everywhere" + ("" if target in known else ", adding that catalogue model")
            else:
                how = f"left alone: use {p.ref(alias.target)} and add it to models.providers.{p.id}.models by hand"
            yield Finding(
                check, "error", f"{ref} is {role} but {p.label} does not serve it ({alias.reason})", how, target is not None, path
            )
        elif check == "ref.deprecated":
            model = p.model(model_id)
            assert model is not None and model.deprecated is not None and target is not None
            why = model.deprecated.reason or f"superseded by {p.ref(target)}"
            yield Finding(
                check,
                "warning",
                f"{ref} is {role} but deprecated ({why}; {model.deprecated.source}, {model.deprecated.as_of})",
                f"moves the primary, fallbacks and allowlists to {p.ref(target)}"
                + ("" if target in known else ", adding that catalogue model"),
                True,
                path,
            )
        elif check == "ref.not-configured":
            yield Finding(
                check,
                "error",
                f"{ref} is {role} but not in models.providers.{p.id}.models: OpenClaw reports an unknown model",
                f"adds its catalogue entry to models.providers.{p.id}.models",
                True,
                path,
            )
        elif check == "ref.unknown":
            close = close_matches(model_id, sorted(known), n=3, cutoff=0.4)
            hint = (
                f"did you mean {', '.join(p.ref(c) for c in close)}?"
                if close
                else f"configured: {', '.join(p.ref(c) for c in sorted(known)) or 'none'}"
            )
            yield Finding(check, "error", f"{ref} is {role} but names no configured {p.label} model", f"left alone: {hint}", False, path)


def _ensure_model(edit: merge.Edit, ctx: Context, model_id: str) -> None:
    p = ctx.provider
    block = _block(edit.config, p.id)
    if not isinstance(block.get("models"), list) or model_id in _known(p, block):
        return
    block["models"].append(model_entry(p, p.describe(model_id), ctx.openclaw_version))
    source = "the catalogue" if p.model(model_id) else f"its family's figures ({(p.family(model_id) or UNLISTED).name})"
    edit.change(f"models.providers.{p.id}.models", f"added {p.ref(model_id)} from {source} (a primary or fallback names it)")


def _fix_refs(edit: merge.Edit, ctx: Context) -> None:
    p = ctx.provider
    for path, ref in _refs(edit.config):
        pid, model_id = split_ref(ref)
        check, target = _classify(p, _known(p, _block(edit.config, p.id)), model_id) if pid == p.id else (None, None)
        if check == "ref.translation" and path != "agents.defaults.model.fallbacks":
            assert target is not None  # _classify gives a translation model the default model instead
            _ensure_model(edit, ctx, target)
            merge.point_primary(edit, p.ref(target))
        elif check == "ref.translation":
            fallbacks = edit.config["agents"]["defaults"]["model"]["fallbacks"]
            if ref in fallbacks:
                fallbacks.remove(ref)
                edit.change(path, f"removed translation model {ref} from the fallbacks")
        elif check in ("ref.alias", "ref.deprecated") and target:
            _ensure_model(edit, ctx, target)
            merge.rename_refs(edit, {ref: p.ref(target)})
        elif check == "ref.not-configured":
            assert target is not None  # _classify gives a not-configured catalogue model its own id
            _ensure_model(edit, ctx, target)


def _missing_from_allowlists(ctx: Context, config: dict[str, Any], block: dict[str, Any]) -> list[tuple[str, list[str]]]:
    p = ctx.provider
    refs = list(dict.fromkeys(p.ref(_served_id(p, m["id"])) for m in _entries(block)))
    allow, policy = merge.dig(config, "agents", "defaults", "models"), merge.dig(config, "agents", "defaults", "modelPolicy", "allow")
    out = []
    if isinstance(allow, dict) and allow and (missing := [r for r in refs if r not in allow]):
        out.append(("agents.defaults.models", missing))
    if isinstance(policy, list) and policy and f"{p.id}/*" not in policy and (missing := [r for r in refs if r not in policy]):
        out.append(("agents.defaults.modelPolicy.allow", missing))
    return out


def _check_allowlist(ctx: Context, block: dict[str, Any]) -> Iterator[Finding]:
    for path, missing in _missing_from_allowlists(ctx, ctx.config, block):
        yield Finding(
            "allow.missing",
            "warning",
            f"{path} is an allowlist and lacks {', '.join(missing)}: /model and --model refuse them",
            "adds them",
            True,
            path,
        )


def _fix_allowlist(edit: merge.Edit, ctx: Context) -> None:
    for _, missing in _missing_from_allowlists(ctx, edit.config, _block(edit.config, ctx.provider.id)):
        merge.add_to_allowlist(edit, missing)


# --- temperature on models that fix their own ----------------------------------------------------------


def _fixed_temperature_refs(ctx: Context, block: dict[str, Any]) -> list[str]:
    p = ctx.provider
    ids = (_served_id(p, m["id"]) for m in _entries(block))
    return list(dict.fromkeys(p.ref(i) for i in ids if p.fixed_sampling(i)))


def _shields(params: Any) -> bool:
    """A per-model `temperature` that is not a number (null) overrides the agent-wide one, and none is sent.

    OpenClaw merges agent-wide, then per-model, then per-agent params (Object.assign) and sends
    `temperature` only when the result is a number (checked on 2026.5.28 and 9.6).
    """
    return isinstance(params, dict) and "temperature" in params and not _number(params["temperature"])


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _agent_entries(config: dict[str, Any]) -> list[tuple[str, Any]]:
    """Per-agent settings: `agents.list[]` (up to 2026.8) and `agents.entries.<id>` (9.x)."""
    listed, keyed = merge.dig(config, "agents", "list"), merge.dig(config, "agents", "entries")
    out = [(f"agents.list[{i}]", a) for i, a in enumerate(listed)] if isinstance(listed, list) else []
    return out + ([(f"agents.entries.{k}", a) for k, a in keyed.items()] if isinstance(keyed, dict) else [])


def _defaults_override_is_safe(config: dict[str, Any]) -> bool:
    """An entry added to agents.defaults.models restricts nothing: the map is already an allowlist, or modelPolicy is."""
    allow = merge.dig(config, "agents", "defaults", "models")
    return (isinstance(allow, dict) and bool(allow)) or isinstance(merge.dig(config, "agents", "defaults", "modelPolicy"), dict)


def _check_temperature(ctx: Context, block: dict[str, Any]) -> Iterator[Finding]:
    p = ctx.provider
    answer = '400 "invalid temperature: only 1 is allowed"'
    allow = merge.dig(ctx.config, "agents", "defaults", "models")
    for ref, entry in allow.items() if isinstance(allow, dict) else ():
        pid, model_id = split_ref(ref)
        if pid == p.id and p.fixed_sampling(model_id) and _number(t := merge.dig(entry, "params", "temperature")):
            path = f'agents.defaults.models["{ref}"].params.temperature'
            yield Finding(
                "temp.model",
                "error",
                f"{path} is {t}: {ref} fixes its own temperature and answers {answer}",
                "removes that temperature",
                True,
                path,
            )
    exposed = [r for r in _fixed_temperature_refs(ctx, block) if not _shields(merge.dig(allow, r, "params"))]
    t = merge.dig(ctx.config, "agents", "defaults", "params", "temperature")
    if exposed and _number(t):
        used = {ref for _, ref in _refs(ctx.config)} & set(exposed)
        if _defaults_override_is_safe(ctx.config):
            how = f"sets params.temperature to null for {', '.join(exposed)} in agents.defaults.models (OpenClaw then sends none to them; other models keep {t})"
        else:
            how = (
                f"left alone (an entry in an empty agents.defaults.models would turn it into an allowlist): move the temperature from agents.defaults.params "
                f'to the models that take one (agents.defaults.models.<ref>.params), or add "{exposed[0]}": {{"params": {{"temperature": null}}}} there knowingly'
            )
        yield Finding(
            "temp.defaults",
            "error" if used else "warning",
            f"agents.defaults.params.temperature ({t}) is sent to every model, and {', '.join(exposed)} answer{'s' * (len(exposed) == 1)} {answer}",
            how,
            _defaults_override_is_safe(ctx.config),
            "agents.defaults.params.temperature",
        )
    if refs := _fixed_temperature_refs(ctx, block):
        for path, agent in _agent_entries(ctx.config):
            if _number(t := merge.dig(agent, "params", "temperature")):
                yield Finding(
                    "temp.agent",
                    "warning",
                    f"{path}.params.temperature ({t}) overrides every per-model setting: that agent's turns on {', '.join(refs)} get {answer}",
                    "left alone: remove it, or set it per model under agents.defaults.models.<ref>.params for the models that take one",
                    False,
                    f"{path}.params.temperature",
                )


def _fix_temperature(edit: merge.Edit, ctx: Context) -> None:
    p = ctx.provider
    allow = merge.dig(edit.config, "agents", "defaults", "models")
    for ref, entry in allow.items() if isinstance(allow, dict) else ():
        pid, model_id = split_ref(ref)
        params = merge.dig(entry, "params")
        if pid == p.id and p.fixed_sampling(model_id) and isinstance(params, dict) and _number(params.get("temperature")):
            del params["temperature"]
            edit.change("agents.defaults.models", f"removed temperature from {ref} (it fixes its own)")
    if _number(merge.dig(edit.config, "agents", "defaults", "params", "temperature")) and _defaults_override_is_safe(edit.config):
        models = edit.ensure("agents.defaults.models")
        for ref in _fixed_temperature_refs(ctx, _block(edit.config, p.id)):
            entry = models.setdefault(ref, {})
            params = entry.setdefault("params", {}) if isinstance(entry, dict) else None
            if isinstance(params, dict) and not _shields(params):
                params["temperature"] = None
                edit.change("agents.defaults.models", f"{ref}: params.temperature set to null (no agent-wide temperature reaches it)")


# --- what the provider answered ---------------------------------------------------------------------------


def _check_plugin(ctx: Context, block: dict[str, Any] | None) -> Iterator[Finding]:
    pid, plugins = ctx.provider.id, ctx.config.get("plugins")
    allow, deny = merge.dig(plugins, "allow"), merge.dig(plugins, "deny")
    installed = ctx.plugin_stale is not None or isinstance(merge.dig(plugins, "entries", pid), dict)
    if installed and isinstance(allow, list) and allow and pid not in allow:
        yield Finding(
            "plugin.blocked",
            "warning",
            f"plugins.allow lists {len(allow)} plugin(s) and not {pid}: OpenClaw does not load the native {pid} plugin, so its own "
            f"commands do not know {ctx.provider.label} (`openclaw onboard --auth-choice`, the env var alone, served ids outside the config)",
            f"adds {pid} to plugins.allow",
            True,
            "plugins.allow",
        )
    if installed and isinstance(deny, list) and pid in deny:
        yield Finding(
            "plugin.blocked",
            "warning",
            f"plugins.deny names {pid}: OpenClaw does not load the native {pid} plugin",
            f"left alone (a deny is a deliberate choice): remove {pid} from plugins.deny to use it",
            False,
            "plugins.deny",
        )
    if ctx.plugin_stale:
        yield Finding(
            "plugin.stale",
            "warning",
            f"the native {ctx.provider.id} plugin OpenClaw loads is older than this package's ({', '.join(ctx.plugin_stale)} differ): "
            "served ids outside the catalogue, discovery or the balance may be missing in OpenClaw",
            "reinstalls it through OpenClaw" if ctx.can_install else "run `openclaw-aisa plugin install --openclaw PATH`",
            ctx.can_install,
        )


def _check_live(ctx: Context, block: dict[str, Any]) -> Iterator[Finding]:
    live, p = ctx.live, ctx.provider
    if live is None:
        return
    detail = f": {live.detail}" if live.detail else ""
    console = p.console_url or "the provider's console"
    if live.base_url and block.get("baseUrl") != live.base_url:
        yield Finding(
            "block.base-url",
            "error",
            f"baseUrl {block.get('baseUrl')} does not answer as {p.label}'s API (no model list there), {live.base_url} does: "
            "every turn fails with 404",
            f"sets baseUrl to {live.base_url}",
            True,
            f"models.providers.{p.id}.baseUrl",
        )
    if live.key_status == "valid":
        count = f"; it serves {live.model_count} models" if live.model_count is not None else ""
        yield Finding("live.key", "info", f"{p.label} accepted the key{count}", "", False)
    elif live.key_status == "bad-key":
        yield Finding(
            "live.key", "error", f"{p.label} refused the key{detail}", f"get a valid key at {console}, then run `{ctx.onboard}`", False
        )
    elif live.key_status == "payment":
        yield Finding(
            "live.payment",
            "error",
            f"{p.label} answers 402 (payment required){detail}; every turn fails until then",
            f"see `openclaw-aisa balance`; top up or raise the key's limit at {console}",
            False,
        )
    else:
        yield Finding(
            "live.unreachable",
            "warning",
            f"could not check the key and the served models{detail}",
            "run doctor again when the network is back, or with --offline",
            False,
        )
    if live.served is None:
        return
    models = block.get("models")
    for i, m in enumerate(models if isinstance(models, list) else []):
        if not _well_formed(m) or p.alias_for(m["id"].removeprefix(f"{p.id}/")):
            continue  # an alias id is reported (and renamed) as block.alias-id
        model_id = _served_id(p, m["id"])
        if model_id not in live.served:
            close = close_matches(model_id, sorted(live.served), n=3, cutoff=0.5)
            hint = f"did you mean {', '.join(close)}? " if close else ""
            yield Finding(
                "live.not-served",
                "error",
                f"{p.label} does not serve {model_id!r} (not in GET /v1/models): turns with {p.ref(model_id)} fail with 503",
                f"left alone: {hint}change the id, or `openclaw-aisa models sync --apply` removes it",
                False,
                f"models.providers.{p.id}.models[{i}].id",
            )


_BLOCKLESS = frozenset({"plugin.blocked"})  # repairs that need no provider block (the plugin serves env-only users)
_REPAIRS: tuple[tuple[frozenset[str], Callable[[merge.Edit, Context], None]], ...] = (
    (frozenset({"block.missing-field"}), _fix_fields),
    (frozenset({"block.base-url"}), _fix_base_url),
    (frozenset({"block.prefixed-id", "block.alias-id", "block.compat-outside"}), _fix_ids),
    (frozenset({"block.rejected-key"}), _fix_rejected_keys),
    (
        frozenset({"block.sparse"}),
        lambda edit, ctx: merge.fill_missing(edit, ctx.provider, _entries(_block(edit.config, ctx.provider.id)), ctx.openclaw_version),
    ),
    (frozenset({"tokens.thinking"}), _fix_tokens),
    (frozenset({"key.template", "key.missing", "key.pointer"}), _fix_key),
    (frozenset({"key.flat-env"}), _fix_flat_env),
    (frozenset({"ref.translation", "ref.alias", "ref.deprecated", "ref.not-configured"}), _fix_refs),
    (frozenset({"allow.missing"}), _fix_allowlist),
    (frozenset({"plugin.blocked"}), lambda edit, ctx: merge.allow_plugin(edit, ctx.provider.id)),
    (frozenset({"temp.model", "temp.defaults"}), _fix_temperature),
)
