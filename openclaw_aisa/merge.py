"""The merge: an OpenClaw config in; the config with a provider added, removed or made primary out,
with the list of changes a user is shown. Pure functions on plain dicts: no file, no terminal.

Rules (as OpenClaw's own provider onboarding): keep what the user has (other providers, an existing
`apiKey` and `baseUrl`, edited models, the primary and fallbacks, aliases); append missing model ids;
set the primary only when there is none or when asked; add refs to an allowlist only where one is
active; never make a translation model the primary or a fallback.

The steps that work on an `Edit` (repair_models, rename_refs, point_primary, add_to_allowlist,
field_diffs) are public: doctor's repairs are built from the same ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from . import keys
from .errors import ConfigError, UsageError
from .refs import close_matches, refuse_alias
from .schema import (
    configured_ids,
    current_primary,
    dig,
    key_form_reason,
    key_ref,
    key_var,
    model_entry,
    parse_version,
    since,
    split_ref,
    template_var,
)
from .types import AuthResult, Provider, record

# Model fields that come from the catalogue; --refresh-models rewrites these and keeps the rest.
CATALOGUE_FIELDS = ("name", "reasoning", "input", "cost", "contextWindow", "maxTokens")


def copy_json(node: Any) -> Any:
    """A deep copy of parsed JSON (objects, lists, scalars): 3x faster than copy.deepcopy on a 10 MB config."""
    if type(node) is dict:
        return {k: copy_json(v) for k, v in node.items()}
    if type(node) is list:
        return [copy_json(v) for v in node]
    return node


@record
class Change:
    """One change to the config, at a dotted path, with the line a user is shown."""

    path: str  # dotted path of what changed, e.g. "models.providers.aisa.models"
    summary: str  # empty for objects created only to hold another change
    created: bool = False  # the path did not exist before (so `remove` may take it out again)

    def __str__(self) -> str:
        return self.summary


@record
class Merged:
    """A merge's result: the new config, what changed, and notes for the user."""

    config: dict[str, Any]
    changes: tuple[Change, ...] = ()
    notes: tuple[str, ...] = ()  # advice about things left as they are

    @property
    def created(self) -> tuple[str, ...]:
        return tuple(c.path for c in self.changes if c.created)


@record
class Options:
    """What the user asked of onboarding beyond the key (primary, base URL, refreshes, target version)."""

    primary: str | None = None  # --primary REF
    fallbacks: tuple[str, ...] = ()  # --fallbacks REF,REF: appended after the user's own
    base_url: str | None = None  # --base-url URL: replaces an existing baseUrl
    replace_key: bool = False  # a key was given on this run: the config must lead to it
    refresh_models: bool = False  # rewrite catalogue models' metadata from the catalogue
    openclaw_version: str | None = None  # the OpenClaw written for; None: unknown
    profiles_off: str | None = None  # why OpenClaw's own stored profiles must be switched off (auth.order.<id>: [])
    env_var: str | None = None  # the provider's key variable, settled in the config's env block
    key_moved: str | None = None  # the key now saved in .env: the same value in the env block goes


@dataclass
class Edit:
    """The config being edited and what was done to it."""

    config: dict[str, Any]
    changes: list[Change] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def change(self, path: str, summary: str, created: bool = False) -> None:
        self.changes.append(Change(path, summary, created))

    def note(self, text: str) -> None:
        self.notes.append(text)

    def done(self) -> Merged:
        return Merged(self.config, tuple(self.changes), tuple(self.notes))

    def get(self, path: str, expected: type | tuple[type, ...] = dict) -> Any:
        """The value at a dotted path, None when absent; a wrong type or an `$include` is refused."""
        node: Any = self.config
        walked: list[str] = []
        for part in path.split("."):
            if isinstance(node, dict) and "$include" in node and walked:
                _refuse_include(".".join(walked))
            if not isinstance(node, dict) or part not in node:
                return None
            node = node[part]
            walked.append(part)
        if not isinstance(node, expected):
            names = " or ".join(t.__name__ for t in (expected if isinstance(expected, tuple) else (expected,)))
            raise ConfigError(f"{path} is {_kind(node)} where OpenClaw expects {_JSON_NAMES.get(names, names)}; fix it by hand")
        if isinstance(node, dict) and "$include" in node:
            _refuse_include(path)
        return node

    def ensure(self, path: str) -> dict[str, Any]:
        """The object at a dotted path, created (and recorded as created) where missing."""
        node = self.config
        walked: list[str] = []
        for part in path.split("."):
            walked.append(part)
            child = self.get(".".join(walked))
            if child is None:
                child = node[part] = {}
                self.change(".".join(walked), "", created=True)  # shown through the change inside it
            node = child
        return node


_JSON_NAMES = {"dict": "an object", "list": "a list", "str": "a string", "str or dict": "a string or an object"}


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean", type(None): "null"}.get(type(value), "a number")


def _refuse_include(path: str) -> None:
    where = path or "the top level"
    raise ConfigError(
        f"{where} comes from $include: openclaw-aisa does not edit included files; "
        "add the block there by hand (openclaw-aisa onboard --dry-run shows it)"
    )


# Every path a merge may edit or read to decide, with the type OpenClaw's schema gives it.
_SHAPES: tuple[tuple[str, type | tuple[type, ...]], ...] = (
    ("models", dict),
    ("models.mode", str),
    ("models.providers", dict),
    ("agents", dict),
    ("agents.defaults", dict),
    ("agents.defaults.model", (str, dict)),
    ("agents.defaults.model.primary", str),
    ("agents.defaults.model.fallbacks", list),
    ("agents.defaults.models", dict),
    ("agents.defaults.modelPolicy", dict),
    ("agents.defaults.modelPolicy.allow", list),
)


def _check_shapes(edit: Edit, provider: Provider) -> None:
    """Refuse a wrong type anywhere on our paths before changing anything (OpenClaw refuses such a file too)."""
    for path, expected in _SHAPES + ((f"models.providers.{provider.id}", dict), (f"models.providers.{provider.id}.models", list)):
        edit.get(path, expected)


def apply_auth(config: dict[str, Any], provider: Provider, result: AuthResult, options: Options = Options()) -> Merged:
    """Merge an auth choice's result into `config` (not modified)."""
    edit = Edit(copy_json(config))
    _check_shapes(edit, provider)
    pid = provider.id
    block = result.config_patch["models"]["providers"][pid]
    existing = edit.get(f"models.providers.{pid}")
    renames: dict[str, str] = {}
    if existing is None:
        edit.ensure("models.providers")[pid] = copy_json(block)
        ids = ", ".join(m["id"] for m in block["models"])
        edit.change(f"models.providers.{pid}", f"added provider {pid} ({block['baseUrl']}) with models {ids}", created=True)
    else:
        renames = _merge_provider(edit, provider, existing, block, options)
    if edit.get("models.mode", str) is None:
        edit.ensure("models")["mode"] = "merge"
        edit.change("models.mode", 'set models.mode to "merge" (other providers stay visible)', created=True)
    rename_refs(edit, renames)
    configured = [m["id"] for m in edit.get(f"models.providers.{pid}.models", list) or [] if isinstance(m, dict)]
    _set_primary_if_needed(edit, provider, configured, options.primary, result.default_model)
    add_fallbacks(edit, provider, configured, options.fallbacks)
    wanted = {m["id"] for m in block["models"]}
    add_to_allowlist(edit, [provider.ref(i) for i in configured if i in wanted])
    add_shorthands(edit, provider, configured)
    _warn_translation_in_use(edit, provider)
    if options.env_var:
        settle_env_key(edit, options.env_var, options.key_moved)
    if options.profiles_off and dig(edit.config, "auth", "order", pid) != []:
        edit.ensure("auth.order")[pid] = []
        edit.change(f"auth.order.{pid}", f"auth.order.{pid}: [] ({options.profiles_off})", created=True)
    return edit.done()


def _merge_provider(edit: Edit, provider: Provider, existing: dict[str, Any], block: dict[str, Any], options: Options) -> dict[str, str]:
    pid, at = provider.id, f"models.providers.{provider.id}"
    models = edit.get(f"{at}.models", list)
    if models is None:
        models = existing["models"] = []
    for i, m in enumerate(models):
        if not isinstance(m, dict) or not isinstance(m.get("id"), str):
            raise ConfigError(f'{at}.models[{i}] needs an "id" string; fix or remove that entry')
    renames, seed_copies = repair_models(edit, provider, models)
    _drop_rejected_compat(edit, provider, models, options.openclaw_version)

    api_key = existing.get("apiKey")
    version = options.openclaw_version  # unknown: either form holds on every supported version, so it stays
    if version and (named := key_var(api_key)) and api_key != (preferred := key_ref(named, version)):
        existing["apiKey"] = preferred
        edit.change(f"{at}.apiKey", f"apiKey: {_describe_key(api_key)} -> {_describe_key(preferred)} ({key_form_reason(preferred)})")
    if "apiKey" not in existing:
        existing["apiKey"] = block["apiKey"]
        edit.change(f"{at}.apiKey", f"{at}.apiKey set: {_describe_key(block['apiKey'])}", created=True)
    elif (options.replace_key or keys.profile_pointer(existing["apiKey"])) and existing["apiKey"] != block["apiKey"]:
        before = _describe_key(existing["apiKey"])
        why = "the key given now" if options.replace_key else "no OpenClaw resolves that pointer: it would be sent as the key"
        existing["apiKey"] = block["apiKey"]
        edit.change(f"{at}.apiKey", f"{at}.apiKey: {before} -> {_describe_key(block['apiKey'])} ({why})")

    if "baseUrl" not in existing or (options.base_url and existing["baseUrl"] != block["baseUrl"]):
        edit.change(
            f"{at}.baseUrl", f"{at}.baseUrl: {existing.get('baseUrl', '(none)')} -> {block['baseUrl']}", created="baseUrl" not in existing
        )
        existing["baseUrl"] = block["baseUrl"]
    if "api" not in existing:
        existing["api"] = block["api"]
        edit.change(f"{at}.api", f"{at}.api set to {block['api']}", created=True)

    fill_missing(edit, provider, models, options.openclaw_version)
    have = {m["id"]: m for m in models}
    added = [copy_json(m) for m in block["models"] if m["id"] not in have]
    if added:
        models.extend(added)
        edit.change(f"{at}.models", f"added models {', '.join(m['id'] for m in added)} to {pid}")
    drift = []
    for wanted in block["models"]:
        mine = have.get(wanted["id"])
        if mine is None:
            continue
        diffs = field_diffs(mine, wanted)
        if not diffs:
            continue
        if options.refresh_models or wanted["id"] in seed_copies:
            for key in CATALOGUE_FIELDS:
                if key in wanted:
                    mine[key] = copy_json(wanted[key])
            if "compat" in wanted:
                owned = _owned_compat_keys(provider, wanted["id"])
                mine["compat"] = {**{k: v for k, v in (mine.get("compat") or {}).items() if k not in owned}, **wanted["compat"]}
            why = "" if options.refresh_models else " (a verbatim copy of an old published block)"
            edit.change(f"{at}.models", f"refreshed {provider.ref(wanted['id'])} from the catalogue{why}: {'; '.join(diffs)}")
        else:
            drift.append(wanted["id"])
    if drift:
        edit.notes.append(
            f"{len(drift)} {pid} model(s) differ from the current catalogue and were kept as they are "
            f"({', '.join(drift)}); `openclaw-aisa onboard --refresh-models` updates them, `--dry-run` shows how"
        )
    return renames


def missing_fields(provider: Provider, m: dict[str, Any], version: str | None = None) -> dict[str, Any]:
    """What a configured row lacks of its entry (curated, else its family's figures): AIsa's guide
    pastes rows with an id and a name only, which OpenClaw then runs with its own defaults
    (8,192 output tokens, max_tokens for every model, no context size)."""
    wanted = new_model_entry(provider, m["id"].removeprefix(f"{provider.id}/"), version)
    out = {k: wanted[k] for k in CATALOGUE_FIELDS if k in wanted and k not in m}
    compat = m.get("compat")
    if isinstance(wanted.get("compat"), dict) and (compat is None or isinstance(compat, dict)):
        if extra := {k: v for k, v in wanted["compat"].items() if k not in (compat or {})}:
            out["compat"] = extra
    return out


def fill_missing(edit: Edit, provider: Provider, models: list[Any], version: str | None = None) -> None:
    """Add what each row lacks (never changing a value the user set), one change per row."""
    for m in models:
        if not isinstance(m, dict) or not isinstance(m.get("id"), str) or not (extra := missing_fields(provider, m, version)):
            continue
        for k, v in extra.items():
            m[k] = {**(m.get("compat") or {}), **copy_json(v)} if k == "compat" else copy_json(v)
        what = ", ".join(sorted([k for k in extra if k != "compat"] + [f"compat.{c}" for c in extra.get("compat", {})]))
        source = "the catalogue" if provider.model(m["id"].removeprefix(f"{provider.id}/")) else "its family's figures"
        edit.change(f"models.providers.{provider.id}.models", f"{provider.ref(m['id'])}: filled {what} from {source}")


def field_diffs(mine: dict[str, Any], wanted: dict[str, Any]) -> list[str]:
    """How a configured model's catalogue fields differ from the catalogue's, one "x a -> b" each."""
    out = [f"{k} {mine.get(k, '(none)')} -> {wanted[k]}" for k in CATALOGUE_FIELDS if k in wanted and mine.get(k) != wanted[k]]
    mine_compat = mine.get("compat")
    compat: dict[str, Any] = mine_compat if isinstance(mine_compat, dict) else {}
    out += [f"compat.{k} {compat.get(k, '(none)')} -> {v}" for k, v in (wanted.get("compat") or {}).items() if compat.get(k) != v]
    return out


def _owned_compat_keys(provider: Provider, model_id: str) -> set[str]:
    """The `compat` keys the catalogue writes for a model, on any OpenClaw version."""
    model = provider.model(model_id)
    keys = set(provider.model_compat)
    if model:
        keys |= set(model.compat)
        for extra in model.compat_since:
            keys |= set(extra.compat)
    return keys


def _drop_rejected_compat(edit: Edit, provider: Provider, models: list[dict[str, Any]], version: str | None) -> None:
    """Keys we wrote for a newer OpenClaw make an older one refuse the whole file: take them out."""
    target = parse_version(version) if version else None
    if target is None:
        return
    for m in models:
        model, compat = provider.model(m["id"]), m.get("compat")
        if model is None or not isinstance(compat, dict):
            continue
        for extra in model.compat_since:
            if target < since(extra.since):
                gone = [k for k in extra.compat if k in compat]
                for k in gone:
                    del compat[k]
                if gone:
                    edit.change(
                        f"models.providers.{provider.id}.models",
                        f"{provider.ref(model.id)}: removed compat {', '.join(gone)} (OpenClaw {version} rejects them; they need {extra.since})",
                    )


def repair_models(edit: Edit, provider: Provider, models: list[dict[str, Any]]) -> tuple[dict[str, str], set[str]]:
    """Fix what the seed's block and old docs got wrong.

    Returns the refs renamed on the way, and the ids of entries that carried the `aisa/` prefix:
    verbatim copies of the old published block, whose figures are known wrong, not the user's edits.
    """
    pid, at = provider.id, f"models.providers.{provider.id}.models"
    renames: dict[str, str] = {}
    seed_copies: set[str] = set()
    kept: list[tuple[dict[str, Any], int]] = []  # each entry, and how much it is the user's own (0 most)
    for m in models:
        old = m["id"]
        new = old[len(pid) + 1 :] if old.startswith(f"{pid}/") else old
        if new != old:
            seed_copies.add(new)
            edit.change(f"{at}", f"model id {old} -> {new} (OpenClaw sends the id verbatim; {provider.label} knows only bare ids)")
        alias = provider.alias_for(new)
        if alias:
            edit.change(f"{at}", f"model id {new} -> {alias.target} ({alias.reason})")
            new = alias.target
        if "supportsDeveloperRole" in m:
            value = m.pop("supportsDeveloperRole")
            compat = m.setdefault("compat", {})
            if isinstance(compat, dict) and "supportsDeveloperRole" not in compat:
                compat["supportsDeveloperRole"] = value
                edit.change(f"{at}", f"{provider.ref(new)}: moved supportsDeveloperRole into compat (OpenClaw rejects it at model level)")
            else:
                edit.change(
                    f"{at}", f"{provider.ref(new)}: dropped model-level supportsDeveloperRole (OpenClaw rejects it; compat has one)"
                )
        if new != old:
            m["id"] = new
            renames[provider.ref(old)] = provider.ref(new)
        rank = 2 if old.startswith(f"{pid}/") else 1 if alias else 0
        twin = next((i for i, (k, _) in enumerate(kept) if k["id"] == new), None)
        if twin is None:
            kept.append((m, rank))
        elif rank < kept[twin][1]:  # the user's own entry wins over a copy of the old block, wherever it stands
            kept[twin] = (m, rank)
            edit.change(f"{at}", f"dropped the copied {provider.ref(new)} entry (same model after the fix); yours is kept")
        else:
            edit.change(f"{at}", f"dropped a second {provider.ref(new)} entry (same model after the fix)")
    models[:] = [m for m, _ in kept]
    return renames, seed_copies


def _describe_key(value: Any) -> str:
    if isinstance(value, dict) and value.get("source") == "env":
        return f"env reference to {value.get('id')}"
    if isinstance(value, str) and template_var(value):
        return f"template {value}"
    if keys.profile_pointer(value):
        return f'"{value.strip()}"'
    return "an inline key" if isinstance(value, str) else "a secret reference"


def rename_refs(edit: Edit, renames: dict[str, str]) -> None:
    """Point the refs to renamed models (primary, fallbacks, both allowlists) at their new ids."""
    if not renames:
        return
    model = edit.get("agents.defaults.model", (str, dict))
    if isinstance(model, str) and model in renames:
        edit.config["agents"]["defaults"]["model"] = renames[model]
        edit.change("agents.defaults.model", f"primary {model} -> {renames[model]}")
    elif isinstance(model, dict):
        if model.get("primary") in renames:
            edit.change("agents.defaults.model.primary", f"primary {model['primary']} -> {renames[model['primary']]}")
            model["primary"] = renames[model["primary"]]
        fallbacks = edit.get("agents.defaults.model.fallbacks", list)
        if fallbacks and any(f in renames for f in fallbacks):
            fallbacks[:] = _dedupe(renames.get(f, f) for f in fallbacks)
            edit.change("agents.defaults.model.fallbacks", "fallbacks: renamed " + ", ".join(f"{a} -> {b}" for a, b in renames.items()))
    allow = edit.get("agents.defaults.models")
    if allow and any(k in renames for k in allow):
        renamed = {}
        for key, value in allow.items():
            new = renames.get(key, key)
            if new not in renamed:
                renamed[new] = value
        allow.clear()
        allow.update(renamed)
        edit.change("agents.defaults.models", "allowlist: renamed " + ", ".join(f"{a} -> {b}" for a, b in renames.items()))
    policy = edit.get("agents.defaults.modelPolicy.allow", list)
    if policy and any(r in renames for r in policy):
        policy[:] = _dedupe(renames.get(r, r) for r in policy)
        edit.change(
            "agents.defaults.modelPolicy.allow", "modelPolicy.allow: renamed " + ", ".join(f"{a} -> {b}" for a, b in renames.items())
        )


def _dedupe(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _check_ref(provider: Provider, configured: list[str], ref: str) -> None:
    """A ref of this provider must name a configured chat model; say the nearest ids when not."""
    pid, model_id = split_ref(ref)
    if pid != provider.id:
        return
    if not model_id:
        raise UsageError(f"{ref!r} names no model; use {provider.ref(provider.default_model)}")
    refuse_alias(provider, model_id, served=configured, use=f"{provider.id}/", shown=ref)
    if model_id not in configured:
        close = close_matches(model_id, configured, n=3, cutoff=0.4)
        hint = (
            f"did you mean {', '.join(provider.ref(c) for c in close)}?"
            if close
            else f"configured: {', '.join(provider.ref(c) for c in configured)}"
        )
        raise UsageError(f"{ref} is not a configured {provider.label} model; {hint}")
    model = provider.model(model_id)
    if model and model.is_translation:
        chat = [provider.ref(m.id) for m in provider.models if not m.is_translation]
        raise UsageError(f"{ref} is a translation model (one turn, no tools) and cannot drive an agent; choose {', '.join(chat)}")


def flat_env_movable(env: Any, var: str) -> bool:
    """env.VAR can move to env.vars.VAR without losing a value: vars has none, or the same one."""
    vars_ = env.get("vars") if isinstance(env, dict) else None
    return vars_ is None or (isinstance(vars_, dict) and vars_.get(var, env[var]) == env[var])


def settle_env_key(edit: Edit, var: str, moved: str | None = None) -> None:
    """The key in the config's env block, put right: gone when `moved` (the same key now in .env, which
    OpenClaw reads first), else the flat `env.VAR` of AIsa's guide moved to `env.vars.VAR` (9.6 refuses
    the flat form). A different key is never dropped: that is left to the user, with a note."""
    env = edit.get("env")
    if not isinstance(env, dict):
        return
    vars_ = env.get("vars")
    for holder, path in ((vars_, f"env.vars.{var}"), (env, f"env.{var}")):
        if moved and isinstance(holder, dict) and isinstance(holder.get(var), str) and holder[var].strip() == moved:
            del holder[var]
            edit.change(path, f"removed {path} from the config: the same key now lives in the .env file (0600)")
    if isinstance(vars_, dict) and not vars_ and moved:
        del env["vars"]
    if isinstance(env.get(var), str):
        if flat_env_movable(env, var):
            env.setdefault("vars", {})[var] = env.pop(var)
            edit.change(f"env.{var}", f"moved env.{var} to env.vars.{var} (OpenClaw 2026.9.6 refuses the flat form)")
        else:
            edit.note(f"env.{var} and env.vars.{var} hold different keys and OpenClaw 2026.9.6 refuses the flat one: delete the stale one")
    if not env and moved:
        del edit.config["env"]


def allow_plugin(edit: Edit, plugin_id: str) -> None:
    """Add a plugin to an exclusive `plugins.allow` (a non-empty list: OpenClaw loads only what it names);
    never start one, which would switch off every other plugin."""
    allow = edit.get("plugins.allow", list)
    if allow and plugin_id not in allow:
        allow.append(plugin_id)
        edit.change("plugins.allow", f"added {plugin_id} to plugins.allow (OpenClaw loads only the plugins that list names)")


def allowing_plugin(config: dict[str, Any], plugin_id: str) -> Merged:
    edit = Edit(copy_json(config))
    allow_plugin(edit, plugin_id)
    return edit.done()


def point_primary(edit: Edit, ref: str) -> None:
    """Make `ref` the primary, in the form (string or object) the config has; fallbacks stay."""
    model = edit.get("agents.defaults.model", (str, dict))
    before = current_primary(edit.config)
    if isinstance(model, str):
        edit.config["agents"]["defaults"]["model"] = ref
        edit.change("agents.defaults.model", f"primary model: {before} -> {ref}")
    else:
        created = model is None or "primary" not in model
        edit.ensure("agents.defaults.model")["primary"] = ref
        edit.change("agents.defaults.model.primary", f"primary model: {before or '(none)'} -> {ref}", created=created)


def _set_primary_if_needed(edit: Edit, provider: Provider, configured: list[str], wanted: str | None, default: str) -> None:
    current = current_primary(edit.config)
    if wanted:
        _check_ref(provider, configured, wanted)
        if wanted != current:
            point_primary(edit, wanted)
    elif current is None:
        point_primary(edit, default)


def add_to_allowlist(edit: Edit, refs: list[str]) -> None:
    """Add refs to an active allowlist (a non-empty map, or modelPolicy.allow); never start one."""
    allow = edit.get("agents.defaults.models")
    if allow:
        missing = [r for r in refs if r not in allow]
        for ref in missing:
            allow[ref] = {}
        if missing:
            edit.change("agents.defaults.models", f"allowed {', '.join(missing)} (agents.defaults.models is an allowlist)")
    policy = edit.get("agents.defaults.modelPolicy.allow", list)
    if policy:  # 9.6 also accepts "provider/*"
        missing = [r for r in refs if r not in policy and f"{split_ref(r)[0]}/*" not in policy]
        policy.extend(missing)
        if missing:
            edit.change("agents.defaults.modelPolicy.allow", f"allowed {', '.join(missing)} in modelPolicy.allow")


def _warn_translation_in_use(edit: Edit, provider: Provider) -> None:
    model = edit.get("agents.defaults.model", (str, dict))
    fallbacks = model.get("fallbacks") if isinstance(model, dict) else None
    refs = [current_primary(edit.config)] + (fallbacks if isinstance(fallbacks, list) else [])
    for ref in refs:
        if not isinstance(ref, str):
            continue
        pid, model_id = split_ref(ref)
        m = provider.model(model_id) if pid == provider.id else None
        if m and m.is_translation:
            edit.notes.append(
                f"{ref} is a translation model but is set as primary or fallback; agents will fail with it (openclaw-aisa models set {provider.ref(provider.default_model)})"
            )


def add_shorthands(edit: Edit, provider: Provider, configured: list[str]) -> None:
    """`/model kimi`: the catalogue's shorthands as aliases in agents.defaults.models, only where that map
    is already an allowlist (a first entry would switch one on), never over an alias the user set or uses."""
    models = edit.get("agents.defaults.models")
    if not models:
        return
    taken = {e["alias"].strip().lower() for e in models.values() if isinstance(e, dict) and isinstance(e.get("alias"), str)}
    added = []
    for model in provider.models:
        ref, entry = provider.ref(model.id), models.get(provider.ref(model.id))
        if model.shorthand and model.id in configured and isinstance(entry, dict) and "alias" not in entry and model.shorthand not in taken:
            entry["alias"] = model.shorthand
            taken.add(model.shorthand)
            added.append(f"{model.shorthand} -> {ref}")
    if added:
        edit.change("agents.defaults.models", f"aliases for /model: {', '.join(added)}")


def _our_shorthand(provider: Provider, ref: str) -> dict[str, str] | None:
    model = provider.model(split_ref(ref)[1])
    return {"alias": model.shorthand} if model and model.shorthand else None


def add_fallbacks(edit: Edit, provider: Provider, configured: list[str], refs: Iterable[str]) -> None:
    """Append fallbacks after the user's own (kept, in their order); the primary and repeats are skipped.
    A ref of this provider must name a configured chat model: a translation model fails agent turns."""
    refs = _dedupe(refs)
    if not refs:
        return
    for ref in refs:
        _check_ref(provider, configured, ref)
    model = edit.get("agents.defaults.model", (str, dict))
    current = edit.get("agents.defaults.model.fallbacks", list) if isinstance(model, dict) else None
    have = list(current or [])
    new = [r for r in refs if r not in have and r != current_primary(edit.config)]
    if not new:
        return
    if isinstance(model, str):  # the string form has no fallbacks: the object form keeps the same primary
        edit.config["agents"]["defaults"]["model"] = {"primary": model}
    edit.ensure("agents.defaults.model")["fallbacks"] = have + new
    kept = f" after your {', '.join(have)}" if have else ""
    edit.change("agents.defaults.model.fallbacks", f"fallbacks: added {', '.join(new)}{kept}", created=current is None)
    add_to_allowlist(edit, new)


def set_primary(config: dict[str, Any], provider: Provider, ref: str) -> Merged:
    """`models set`: make a configured model of `provider` the primary (and allow it where needed)."""
    edit = Edit(copy_json(config))
    _check_shapes(edit, provider)
    if edit.get(f"models.providers.{provider.id}") is None:
        raise UsageError(f"{provider.label} is not configured yet; run `openclaw-aisa onboard` first")
    configured = [m["id"] for m in edit.get(f"models.providers.{provider.id}.models", list) or [] if isinstance(m, dict)]
    _check_ref(provider, configured, ref)
    if current_primary(edit.config) != ref:
        point_primary(edit, ref)
    add_to_allowlist(edit, [ref])
    return edit.done()


def new_model_entry(provider: Provider, model_id: str, version: str | None = None) -> dict[str, Any]:
    """The catalogue's entry for a curated id; its family's stated figures (plugin.toml) for any other."""
    return model_entry(provider, provider.describe(model_id), version)


def add_models(config: dict[str, Any], provider: Provider, ids: Iterable[str], version: str | None = None) -> Merged:
    """`models add`: append entries for ids not configured yet, and allow them where an allowlist is active."""
    edit = Edit(copy_json(config))
    _check_shapes(edit, provider)
    at = f"models.providers.{provider.id}"
    if edit.get(at) is None:
        raise UsageError(f"{provider.label} is not configured yet; run `openclaw-aisa onboard` first")
    models = edit.get(f"{at}.models", list)
    if models is None:
        models = edit.config["models"]["providers"][provider.id]["models"] = []
    have = {m.get("id") for m in models if isinstance(m, dict)}
    added = []
    for model_id in _dedupe(ids):
        if model_id in have:
            continue
        entry = new_model_entry(provider, model_id, version)
        models.append(entry)
        added.append(model_id)
        how = (
            "catalogue metadata"
            if provider.model(model_id)
            else (
                f"defaults: context {entry['contextWindow']:,}, max output {entry['maxTokens']:,}, "
                f"reasoning {str(entry['reasoning']).lower()}, no price"
            )
        )
        edit.change(f"{at}.models", f"added {provider.ref(model_id)} ({how})")
    add_to_allowlist(edit, [provider.ref(i) for i in added])
    return edit.done()


def move_refs(config: dict[str, Any], provider: Provider, moves: Mapping[str, str], version: str | None = None) -> Merged:
    """Point the refs to retired ids (primary, fallbacks, allowlists) at their successors, whose entries are added."""
    if not moves:
        return Merged(config, (), ())
    added = add_models(config, provider, list(moves.values()), version)
    edit = Edit(added.config, list(added.changes), list(added.notes))
    rename_refs(edit, {provider.ref(old): provider.ref(new) for old, new in moves.items()})
    return edit.done()


def remove_models(config: dict[str, Any], provider: Provider, ids: Iterable[str], *, primary: str | None = None) -> Merged:
    """`models sync --apply`: take out entries and every ref to them; a removed primary needs `primary`."""
    edit = Edit(copy_json(config))
    gone_ids = set(ids)
    refs = {provider.ref(i) for i in gone_ids}
    current = current_primary(edit.config)
    if current in refs:
        if not primary:
            raise UsageError(f"the primary model {current} is among those removed; say what replaces it with --primary PROVIDER/MODEL")
        if primary in refs:
            raise UsageError(f"--primary {primary} is being removed too; choose a model that stays")
        configured = [i for i in configured_ids(edit.config, provider.id) if i not in gone_ids]
        _check_ref(provider, configured, primary)
        point_primary(edit, primary)
    models = edit.get(f"models.providers.{provider.id}.models", list) or []
    kept = [m for m in models if not (isinstance(m, dict) and m.get("id") in gone_ids)]
    if len(kept) != len(models):
        models[:] = kept
        edit.change(f"models.providers.{provider.id}.models", f"removed {', '.join(sorted(provider.ref(i) for i in gone_ids))}")
    if isinstance(edit.get("agents.defaults.model", (str, dict)), dict):
        fallbacks = edit.get("agents.defaults.model.fallbacks", list)
        if fallbacks and any(f in refs for f in fallbacks):
            fallbacks[:] = [f for f in fallbacks if f not in refs]
            edit.change("agents.defaults.model.fallbacks", f"removed fallbacks {', '.join(sorted(refs))}")
    # An allowlist emptied by this would allow everything: leave such a list as it is.
    allow = edit.get("agents.defaults.models")
    gone = [k for k in allow or {} if k in refs]
    if gone and len(gone) < len(allow):
        for k in gone:
            del allow[k]
        edit.change("agents.defaults.models", f"removed {', '.join(gone)} from agents.defaults.models")
    policy = edit.get("agents.defaults.modelPolicy.allow", list)
    kept_policy = [r for r in policy or [] if r not in refs]
    if policy and kept_policy and len(kept_policy) < len(policy):
        policy[:] = kept_policy
        edit.change("agents.defaults.modelPolicy.allow", f"removed {', '.join(sorted(refs))} from modelPolicy.allow")
    return edit.done()


def remove_provider(config: dict[str, Any], provider: Provider, *, primary: str | None = None, created: Iterable[str] = ()) -> Merged:
    """Take out what onboarding added: the provider block and its refs; paths onboarding created go too.

    A primary pointing at the provider is replaced by `primary`, or removed when onboarding had set
    it where there was none (it is in `created`); otherwise the caller must ask (UsageError).
    """
    edit = Edit(copy_json(config))
    pid, prefix = provider.id, f"{provider.id}/"
    created = set(created)
    if primary and primary.startswith(prefix):
        raise UsageError(f"--primary {primary} names a {provider.label} model, which is being removed; choose another provider's model")
    current = current_primary(edit.config)
    if current and current.startswith(prefix):
        if primary:
            point_primary(edit, primary)
            add_to_allowlist(edit, [primary])  # the new primary must be allowed where the list restricts
        elif "agents.defaults.model.primary" in created and isinstance(edit.get("agents.defaults.model", (str, dict)), dict):
            del edit.config["agents"]["defaults"]["model"]["primary"]
            edit.change("agents.defaults.model.primary", f"removed primary {current} (onboarding had set it; there was none before)")
        else:
            raise UsageError(f"the primary model is {current}; say what replaces it with --primary PROVIDER/MODEL")
    elif primary and primary != current:
        point_primary(edit, primary)
        add_to_allowlist(edit, [primary])
    providers = edit.get("models.providers")
    if providers and pid in providers:
        del providers[pid]
        edit.change(f"models.providers.{pid}", f"removed provider {pid}")
    fallbacks = (
        edit.get("agents.defaults.model.fallbacks", list) if isinstance(edit.get("agents.defaults.model", (str, dict)), dict) else None
    )
    if fallbacks and any(f.startswith(prefix) for f in fallbacks if isinstance(f, str)):
        gone = [f for f in fallbacks if isinstance(f, str) and f.startswith(prefix)]
        fallbacks[:] = [f for f in fallbacks if f not in gone]
        edit.change("agents.defaults.model.fallbacks", f"removed fallbacks {', '.join(gone)}")
    allow = edit.get("agents.defaults.models")
    if allow:
        ours = [k for k in allow if k.startswith(prefix)]
        gone = [k for k in ours if not allow[k] or allow[k] == _our_shorthand(provider, k)]  # the user's alias or params stay
        if len(gone) == len(allow) and "agents.defaults.models" not in created:
            gone = []  # emptied, the allowlist would allow every model: the user's restriction stays as it was
        for k in gone:
            del allow[k]
        if gone:
            edit.change("agents.defaults.models", f"removed {', '.join(gone)} from agents.defaults.models")
        if kept := [k for k in ours if k not in gone]:
            edit.note(
                f"kept {', '.join(kept)} in agents.defaults.models (your alias or params, or the allowlist would be left empty); "
                "edit it by hand if you want them gone"
            )
    policy = edit.get("agents.defaults.modelPolicy.allow", list)
    if policy:
        gone = [r for r in policy if isinstance(r, str) and r.startswith(prefix)]
        if gone and len(gone) == len(policy) and "agents.defaults.modelPolicy.allow" not in created:
            edit.note(f"kept {', '.join(gone)} in modelPolicy.allow (removing them would empty it and allow every model)")
            gone = []
        policy[:] = [r for r in policy if r not in gone]
        if gone:
            edit.change("agents.defaults.modelPolicy.allow", f"removed {', '.join(gone)} from modelPolicy.allow")
    _remove_pins_and_profiles(edit, provider)
    _prune_created(edit, created)
    return edit.done()


def _remove_pins_and_profiles(edit: Edit, provider: Provider) -> None:
    """What OpenClaw's own onboarding of the provider leaves in the config: per-agent model pins
    (`agents.entries.<agent>.model`, 9.6's `aisa/<id>@aisa:setup-...` among them) and per-agent model
    entries, auth profile entries and an auth order. Their stored keys go through OpenClaw's own command."""
    pid, prefix = provider.id, f"{provider.id}/"
    entries = edit.get("agents.entries")
    for name, agent in (entries or {}).items() if isinstance(entries, dict) else ():
        if not isinstance(agent, dict):
            continue
        model = agent.get("model")
        pinned = model.get("primary") if isinstance(model, dict) else model
        if isinstance(pinned, str) and pinned.startswith(prefix):
            del agent["model"]
            edit.change(f"agents.entries.{name}.model", f"removed agent {name}'s model pin {pinned}")
        models = agent.get("models")
        if isinstance(models, dict) and (gone := [k for k in models if k.startswith(prefix)]):
            for k in gone:
                del models[k]
            if not models:
                del agent["models"]
            edit.change(f"agents.entries.{name}.models", f"removed {', '.join(gone)} from agent {name}'s models")
    auth = edit.get("auth")
    emptied = False
    profiles = edit.get("auth.profiles")
    if isinstance(profiles, dict):
        gone = [k for k, v in profiles.items() if k.startswith(f"{pid}:") or (isinstance(v, dict) and v.get("provider") == pid)]
        for k in gone:
            del profiles[k]
        if gone:
            edit.change("auth.profiles", f"removed auth profile entries {', '.join(gone)}")
            emptied = emptied or not profiles
    order = edit.get("auth.order")
    if isinstance(order, dict) and pid in order:
        del order[pid]
        edit.change(f"auth.order.{pid}", f"removed auth.order.{pid}")
        emptied = emptied or not order
    if emptied and isinstance(auth, dict):  # what became empty here goes; an empty object of the user's stays
        for key in ("profiles", "order"):
            if auth.get(key) == {}:
                del auth[key]
        if not auth:
            del edit.config["auth"]


def _prune_created(edit: Edit, created: set[str]) -> None:
    """Undo what onboarding created and is now unused: `models.mode` with no provider left, empty objects."""
    models = edit.config.get("models")
    if "models.mode" in created and isinstance(models, dict) and not models.get("providers") and models.get("mode") == "merge":
        del models["mode"]
        edit.change("models.mode", "removed models.mode (onboarding had added it)")
    for path in sorted(created, key=lambda p: -p.count(".")):
        parent_path, _, key = path.rpartition(".")
        parent = dig(edit.config, *parent_path.split(".")) if parent_path else edit.config
        if isinstance(parent, dict) and parent.get(key) in ({}, []):
            del parent[key]
            edit.change(path, f"removed empty {path} (onboarding had created it)")
