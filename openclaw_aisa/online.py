"""The commands that talk to AIsa: key checks in onboarding, the live model list, `models add` and
`models sync`, `chat`, and `doctor`'s online checks.

cli.py loads this module only when one of them runs, and it imports httpx (through client.py) only
when a request is really made, so every offline command stays fast.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Mapping
from typing import Any

from . import keys, merge
from .adapters import live, paths, store
from .adapters import openclaw_exe as openclaw_cli
from .cli import PROG, Console, _diff, _pick_provider, _read_config, _write_with_retry
from .errors import AisaError, UsageError
from .host import Host
from .types import Provider

OFFLINE_ENV = "OPENCLAW_AISA_OFFLINE"
VERIFY_TIMEOUT = 5.0


def offline(env: Mapping[str, str]) -> bool:
    """OPENCLAW_AISA_OFFLINE=1: never touch the network (scripts on air-gapped machines, test suites)."""
    return env.get(OFFLINE_ENV, "").strip().lower() in ("1", "true", "yes")


def endpoint(provider: Provider, config: Mapping[str, Any], flag: str | None = None) -> str:
    """Where OpenClaw sends requests: --base-url, else the config's baseUrl, else the catalogue's."""
    from .gateway import check_base_url

    if flag:
        return check_base_url(flag)
    configured = merge.dig(config, "models", "providers", provider.id, "baseUrl")
    if isinstance(configured, str) and configured.strip():
        try:
            return check_base_url(configured)
        except UsageError as e:
            raise UsageError(f"models.providers.{provider.id}.baseUrl in the config: {e}") from None
    return provider.base_url


def resolve_key(provider: Provider, config: Mapping[str, Any], env: Mapping[str, str], dotenv: Mapping[str, str]) -> keys.Key | None:
    """The key OpenClaw would send: an inline one as is; a reference from the environment, else the .env."""
    api_key = merge.dig(config, "models", "providers", provider.id, "apiKey")
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
    return None


def timeouts(args: argparse.Namespace, read: float | None = None):
    from .adapters.client import Timeouts

    seconds = getattr(args, "timeout", None) or read
    return Timeouts(read=seconds) if seconds else Timeouts()


class Session:
    """What an online command needs: the provider, the config, the endpoint and the key."""

    def __init__(self, args: argparse.Namespace, host: Host, env: Mapping[str, str], *, need_key: bool = True):
        self.args, self.env = args, env
        self.provider = _pick_provider(getattr(args, "provider", None), host)
        self.loc = paths.locate(env, args.profile)
        self.snapshot = _read_config(self.loc)
        self.dotenv = keys.parse_dotenv((store.read_bytes(self.loc.dotenv) or b"").decode("utf-8", "replace"))
        self.base_url = endpoint(self.provider, self.snapshot.data, getattr(args, "base_url", None))
        self.key = resolve_key(self.provider, self.snapshot.data, env, self.dotenv)
        self.offline = offline(env) or getattr(args, "offline", False)
        if need_key and self.key is None and not self.offline:
            var = self.provider.env_vars[0] if self.provider.env_vars else "the key variable"
            raise UsageError(f"no {self.provider.label} key found: export {var}, or run `{PROG} onboard` to save one")

    def client(self, read_timeout: float | None = None):
        from .adapters.client import AisaClient

        if self.offline:
            raise AisaError(f"{OFFLINE_ENV} is set: this needs the network; unset it to reach {self.base_url}")
        return AisaClient(self.base_url, self.key.value, timeouts=timeouts(self.args, read_timeout))

    def listing(self, refresh: bool = False) -> live.Listing:
        if self.offline or self.key is None:
            return live.load(self.provider, self.base_url, None, refresh=refresh)

        def fetch() -> list[dict]:
            with self.client(read_timeout=20) as c:
                return c.list_models()

        return live.load(self.provider, self.base_url, fetch, refresh=refresh)


# --- onboarding's key check ------------------------------------------------------------------


def verify_key(provider: Provider, base_url: str, key: keys.Key, *, required: bool) -> dict[str, Any]:
    """`GET /models` with a short timeout: a refused key stops onboarding before anything is written."""
    from .adapters.client import AisaClient, Timeouts
    from .gateway import BadKey, GatewayTimeout, GatewayUnreachable, PaymentRequired

    quick = Timeouts(connect=VERIFY_TIMEOUT, read=VERIFY_TIMEOUT, write=VERIFY_TIMEOUT, pool=VERIFY_TIMEOUT)
    try:
        with AisaClient(base_url, key.value, timeouts=quick, max_retries=1) as c:
            entries = c.list_models()
    except BadKey as e:
        raise AisaError(f"{provider.label} refused the key {key.masked}: {e}; nothing was written (--skip-validation saves it anyway)") from None
    except PaymentRequired as e:
        raise AisaError(f"{provider.label} answered 402 for the key {key.masked}: {e}; nothing was written "
                        f"(--skip-validation saves it anyway)") from None
    except (GatewayUnreachable, GatewayTimeout) as e:
        if required:
            raise AisaError(f"could not verify the key: {e}; nothing was written (--require-valid-key)") from None
        return {"verified": None, "models": None, "warning": f"key not verified: {e}; the config is written anyway, check later with `{PROG} doctor`"}
    live.write_cache(base_url, entries, time.time())
    return {"verified": True, "models": len(entries), "warning": ""}


# --- models list --live, models add, models sync ----------------------------------------------


def cmd_models_live(args: argparse.Namespace, host: Host, env: Mapping[str, str], console: Console) -> int:
    s = Session(args, host, env, need_key=False)
    found = s.listing(refresh=args.refresh)
    configured = set(merge.configured_ids(s.snapshot.data, s.provider.id))
    primary = merge.current_primary(s.snapshot.data)
    rows = [
        {"ref": s.provider.ref(m.id), "id": m.id, "kind": m.kind, "owned_by": m.owned_by, "curated": m.curated,
         "configured": m.id in configured, "primary": s.provider.ref(m.id) == primary}
        for m in found.models if not args.kind or m.kind == args.kind
    ]
    if found.warning:
        console.warn(found.warning)
    if args.json:
        console.say(json.dumps({"base_url": s.base_url, "source": found.source, "fetched_at": found.fetched_at, "models": rows}, indent=2))
        return 0
    counts: dict[str, int] = {}
    for m in found.models:
        counts[m.kind] = counts.get(m.kind, 0) + 1
    kinds = ", ".join(f"{n} {k}" for k, n in counts.items())
    when = "just now" if found.source == "live" else f"{live.age(time.time() - found.fetched_at)} ago ({found.source})"
    console.say(f"{s.provider.label} serves {len(found.models)} models ({kinds}) at {s.base_url}, listed {when}")
    console.say(f"{'MODEL':36} {'KIND':10} STATUS")
    for r in rows:
        model = s.provider.model(r["id"])
        status = ", ".join(filter(None, (
            "primary" if r["primary"] else "", "configured" if r["configured"] else "",
            "curated" if r["curated"] else "not curated", "translation" if model and model.is_translation else "",
        )))
        console.say(f"{r['ref']:36} {r['kind']:10} {status}")
    gone = sorted(configured - set(found.ids))
    if gone:
        console.warn(f"configured but not served: {', '.join(s.provider.ref(i) for i in gone)} (`{PROG} models sync` shows the fix)")
    console.say(f"Add one: {PROG} models add ID   (curated models get catalogue metadata; others stated defaults)")
    return 0


def _check_ids(provider: Provider, found: live.Listing, ids: list[str]) -> list[str]:
    """Bare ids that AIsa serves for chat; anything else is one clear error naming close ids."""
    from .gateway import suggest

    out = []
    for raw in ids:
        model_id = provider.bare_id(raw)
        if model_id is None:
            raise UsageError(f"{raw!r} is not one of {provider.label}'s model ids; write e.g. kimi-k2.5 or {provider.ref('kimi-k2.5')}")
        alias = provider.alias_for(model_id)
        if alias and model_id not in found.ids:
            raise UsageError(f"{model_id} is not served by {provider.label} ({alias.reason}); use {alias.target}")
        entry = found.get(model_id)
        if entry is None:
            close = suggest(model_id, found.chat_ids)
            hint = f"did you mean {', '.join(close)}?" if close else f"see `{PROG} models list --live`"
            raise UsageError(f"{provider.label} does not serve {model_id!r}; {hint}")
        if entry.kind != "chat":
            raise UsageError(f"{model_id} is a{'n' if entry.kind[0] in 'aeiou' else ''} {entry.kind} model; OpenClaw's agents need a chat model (`{PROG} models list --live --kind chat`)")
        out.append(model_id)
    return out


def cmd_models_add(args: argparse.Namespace, host: Host, env: Mapping[str, str], console: Console) -> int:
    s = Session(args, host, env, need_key=False)
    found = s.listing()
    if found.source == "cache" and any(s.provider.bare_id(i) not in found.ids for i in args.ids):
        found = s.listing(refresh=True)  # the id may be newer than the cache
    if found.warning:
        console.warn(found.warning)
    ids = _check_ids(s.provider, found, args.ids)
    command = openclaw_cli.find(env, getattr(args, "openclaw", None))
    version, _ = openclaw_cli.target_version(args.openclaw_version, s.snapshot.data, env, command)

    def plan():
        snapshot = _read_config(s.loc)
        return snapshot, merge.add_models(snapshot.data, s.provider, ids, version)

    snapshot, merged = plan()
    return _apply(args, console, s, snapshot, merged, plan, nothing=f"already configured: {', '.join(s.provider.ref(i) for i in ids)}")


def cmd_models_sync(args: argparse.Namespace, host: Host, env: Mapping[str, str], console: Console) -> int:
    s = Session(args, host, env, need_key=False)
    found = s.listing(refresh=True)
    if found.warning:
        console.warn(found.warning)
    configured = merge.configured_ids(s.snapshot.data, s.provider.id)
    served = set(found.ids)
    gone = [i for i in configured if i not in served]
    curated_new = [m.id for m in s.provider.models if m.id in served and m.id not in configured and found.get(m.id).kind == "chat"]
    other_new = [i for i in found.chat_ids if i not in configured and i not in curated_new]
    report = {"base_url": s.base_url, "source": found.source, "gone": gone, "new_curated": curated_new, "new_other": other_new, "applied": False, "changes": []}
    if not args.apply:
        if args.json:
            console.say(json.dumps(report, indent=2))
            return 0
        ref = s.provider.ref
        console.say(f"Configured {s.provider.label} models no longer served: {', '.join(map(ref, gone)) or 'none'}")
        console.say(f"Curated models served and not configured: {', '.join(map(ref, curated_new)) or 'none'}")
        console.say(f"Other chat models served ({len(other_new)}): add one with `{PROG} models add ID` (`{PROG} models list --live` lists them)")
        if gone or curated_new:
            console.say(f"`{PROG} models sync --apply` removes the first and adds the second.")
        return 0
    if found.source != "live":
        raise AisaError(f"models sync --apply needs {s.provider.label}'s current list, and it could not be fetched ({found.warning}); nothing was written")
    version, _ = openclaw_cli.target_version(args.openclaw_version, s.snapshot.data, env, openclaw_cli.find(env, None))

    def plan():
        snapshot = _read_config(s.loc)
        removed = merge.remove_models(snapshot.data, s.provider, gone, primary=args.primary)
        added = merge.add_models(removed.config, s.provider, curated_new, version)
        return snapshot, merge.Merged(added.config, removed.changes + added.changes, removed.notes + added.notes)

    snapshot, merged = plan()
    return _apply(args, console, s, snapshot, merged, plan, nothing="in sync: nothing to change", report=report)


def _apply(args, console: Console, s: Session, snapshot, merged: merge.Merged, plan, *, nothing: str, report: dict | None = None) -> int:
    report = dict(report or {}, config=str(s.loc.config))
    report["changes"] = [c.summary for c in merged.changes if c.summary]
    if getattr(args, "dry_run", False):
        old = (snapshot.raw or b"").decode("utf-8", "replace")
        new = old if merged.config == snapshot.data else store.render(merged.config).decode()
        report["diff"] = _diff(old, new, str(s.loc.config))
        if args.json:
            console.say(json.dumps(report, indent=2))
        else:
            console.say(report["diff"].rstrip("\n") or "No changes.")
            console.say("(dry run: nothing written)")
        return 0
    snapshot, merged, written = _write_with_retry(s.loc, plan, s.env, snapshot, merged)
    report.update(applied=written, changes=[c.summary for c in merged.changes if c.summary])
    if args.json:
        console.say(json.dumps(report, indent=2))
        return 0
    if not written:
        console.say(nothing)
        return 0
    console.say(f"Updated {s.loc.config}")
    for summary in report["changes"]:
        console.say(f"  + {summary}")
    return 0


# --- chat -----------------------------------------------------------------------------------


def cmd_chat(args: argparse.Namespace, host: Host, env: Mapping[str, str], console: Console) -> int:
    s = Session(args, host, env)
    model_id = s.provider.bare_id(args.model)
    if model_id is None:
        raise UsageError(f"-m {args.model!r}: give a {s.provider.label} model id, e.g. kimi-k2.5")
    alias = s.provider.alias_for(model_id)
    if alias:
        raise UsageError(f"{model_id} is not served by {s.provider.label} ({alias.reason}); use -m {alias.target}")
    prompt = sys.stdin.read() if args.prompt == "-" else args.prompt
    if not prompt.strip():
        raise UsageError("the prompt is empty; pass it as an argument, or '-' to read it from stdin")
    model = s.provider.model(model_id)
    messages = ([{"role": "system", "content": args.system}] if args.system else []) + [{"role": "user", "content": prompt}]
    params: dict[str, Any] = {}
    if args.max_tokens or model:
        params["max_tokens"] = args.max_tokens or model.max_tokens.value

    dim = console.err.isatty() if hasattr(console.err, "isatty") else False
    content, reasoning, usage, finish = [], [], None, None
    started = time.monotonic()
    first = None
    thinking = False
    with s.client() as c:
        for chunk in c.chat_stream(model_id, messages, **params):
            if isinstance(chunk.get("usage"), dict):
                usage = chunk["usage"]
            for choice in chunk.get("choices") or []:
                delta = choice.get("delta") or {}
                finish = choice.get("finish_reason") or finish
                if delta.get("reasoning_content"):
                    first = first or time.monotonic()
                    reasoning.append(delta["reasoning_content"])
                    if not args.json:
                        if not thinking:
                            console.err.write("\x1b[2m" if dim else "[thinking] ")
                            thinking = True
                        console.err.write(delta["reasoning_content"])
                        console.err.flush()
                if delta.get("content"):
                    first = first or time.monotonic()
                    content.append(delta["content"])
                    if not args.json:
                        if thinking:
                            console.err.write("\x1b[0m\n" if dim else "\n")
                            thinking = False
                        console.out.write(delta["content"])
                        console.out.flush()
    total = time.monotonic() - started
    if thinking and not args.json:
        console.err.write("\x1b[0m\n" if dim else "\n")
    cost = _cost(s.provider, model_id, usage)
    result = {
        "model": s.provider.ref(model_id), "base_url": s.base_url, "content": "".join(content), "reasoning": "".join(reasoning) or None,
        "finish_reason": finish, "usage": usage, "cost_usd": cost,
        "seconds": {"first_token": None if first is None else round(first - started, 3), "total": round(total, 3)},
    }
    if args.json:
        console.say(json.dumps(result, indent=2))
        return 0
    console.say("")
    console.err.write(_summary(s.provider, model_id, result) + "\n")
    if finish == "length":
        console.warn(f"the answer was cut at max_tokens ({params.get('max_tokens', 'the default')}); thinking models need a budget of 32K or more (--max-tokens)")
    return 0


def _cost(provider: Provider, model_id: str, usage: dict | None) -> float | None:
    model = provider.model(model_id)
    if not usage or model is None:
        return None
    prompt, completion = int(usage.get("prompt_tokens") or 0), int(usage.get("completion_tokens") or 0)
    details = usage.get("prompt_tokens_details")
    cached = int(details.get("cached_tokens") or 0) if isinstance(details, dict) else 0
    price = model.price(provider.id, prompt)
    return None if price is None else round(price.cost(prompt, completion, cached), 10)


def _summary(provider: Provider, model_id: str, result: dict) -> str:
    usage, parts = result["usage"], [provider.ref(model_id)]
    if usage:
        parts.append(f"{usage.get('prompt_tokens', '?')} in + {usage.get('completion_tokens', '?')} out tokens")
    else:
        parts.append("no usage reported")
    model = provider.model(model_id)
    if result["cost_usd"] is not None:
        price = model.price(provider.id, int((usage or {}).get("prompt_tokens") or 0))
        parts.append(f"${result['cost_usd']:.6f} at {provider.label}'s price of {price.as_of}")
    elif usage:
        parts.append("cost unknown (not in the catalogue)")
    timing = result["seconds"]
    if timing["first_token"] is not None:
        parts.append(f"first token {timing['first_token']:.2f} s")
    parts.append(f"{timing['total']:.2f} s in all")
    return "-- " + ", ".join(parts)


# --- doctor ---------------------------------------------------------------------------------

LEVELS = {"error": "ERROR", "warning": "warn", "info": "ok"}


def cmd_doctor(args: argparse.Namespace, host: Host, env: Mapping[str, str], console: Console) -> int:
    import os

    from . import doctor
    from .errors import ConfigError

    s = Session(args, host, env, need_key=False)
    command = openclaw_cli.find(env, getattr(args, "openclaw", None))
    version, version_source = openclaw_cli.target_version(args.openclaw_version, s.snapshot.data, env, command)
    files = {"state_dir": s.loc.state_dir, "config": s.loc.config, "dotenv": s.loc.dotenv}
    choice = next((c for c in host.auth_choices.values() if c.provider == s.provider.id), None)
    onboard = f"{PROG} onboard" + (f" --auth-choice {choice.id}" if choice else "")

    def context(snapshot: store.Snapshot, live_status) -> doctor.Context:
        modes = {}
        for name, path in files.items():
            try:
                modes[name] = os.stat(path).st_mode & 0o777
            except OSError:
                modes[name] = None
        return doctor.Context(
            config=snapshot.data, config_exists=snapshot.raw is not None, provider=s.provider, env=env, dotenv=s.dotenv,
            modes=modes, openclaw_version=version, live=live_status, locations={k: str(v) for k, v in files.items()},
            onboard=onboard,
        )

    live_status = None if s.offline or s.key is None else _live_status(s)
    ctx = context(s.snapshot, live_status)
    found = doctor.diagnose(ctx)
    changes: list[str] = []
    remaining = found
    if args.fix and any(f.fixable for f in found):
        def plan():
            snapshot = _read_config(s.loc)
            fresh = context(snapshot, live_status)
            fixed = doctor.fix(fresh, doctor.diagnose(fresh))
            return snapshot, merge.Merged(fixed.config, fixed.changes)

        try:
            snapshot, merged = plan()
            snapshot, merged, _ = _write_with_retry(s.loc, plan, env, snapshot, merged)
        except ConfigError as e:
            raise ConfigError(f"doctor --fix cannot repair this config: {e}") from None
        changes = [c.summary for c in merged.changes]
        fixed = doctor.fix(ctx, found)
        for name, mode in fixed.chmods:
            os.chmod(files[name], mode)
            changes.append(f"chmod {mode:o} {files[name]}")
        remaining = doctor.diagnose(context(_read_config(s.loc), live_status))
    errors = [f for f in remaining if f.level == "error"]
    report = {
        "config": str(s.loc.config), "provider": s.provider.id, "openclaw_version": {"version": version, "source": version_source},
        "online": live_status is not None, "findings": [_finding(f) for f in found], "fixed": changes,
        "remaining": [_finding(f) for f in remaining] if args.fix else None, "errors": len(errors),
    }
    if args.json:
        console.say(json.dumps(report, indent=2))
        return 1 if errors else 0
    target = f"OpenClaw {version} ({version_source})" if version else f"every supported OpenClaw ({version_source})"
    online_note = "online" if live_status else ("offline: no key to check" if s.key is None and not s.offline else "offline")
    console.say(f"{PROG} doctor: {s.loc.config}, checked for {target}, {online_note}")
    for f in found:
        console.say(f"  {LEVELS[f.level]:5}  {f.check:20} {f.message}")
        if f.fix and f.level != "info":
            console.say(f"  {'':5}  {'':20} fix: {f.fix}{'' if not f.fixable or args.fix else f' (`{PROG} doctor --fix` does this)'}")
    if args.fix:
        console.say("Fixed:" if changes else "Nothing to fix automatically.")
        for change in changes:
            console.say(f"  + {change}")
        for f in remaining:
            if f.level != "info":
                console.say(f"  still {LEVELS[f.level]:5}  {f.check:20} {f.message}")
    warnings = [f for f in remaining if f.level == "warning"]
    fixable = [f for f in remaining if f.fixable and f.level != "info"]
    tail = f"; {len(fixable)} fixable with --fix" if fixable and not args.fix else ""
    console.say(f"{len(errors)} error(s), {len(warnings)} warning(s){tail}" if errors or warnings else "No problems found.")
    return 1 if errors else 0


def _live_status(s: Session):
    from .doctor import Live
    from .gateway import BadKey, GatewayError, GatewayTimeout, GatewayUnreachable, PaymentRequired

    try:
        with s.client(read_timeout=VERIFY_TIMEOUT * 2) as c:
            entries = c.list_models()
    except BadKey as e:
        return Live("bad-key", str(e))
    except PaymentRequired as e:
        return Live("payment", str(e))
    except (GatewayUnreachable, GatewayTimeout) as e:
        return Live("unreachable", str(e))
    except GatewayError as e:
        return Live("unreachable", str(e))
    live.write_cache(s.base_url, entries, time.time())
    return Live("valid", served=frozenset(e["id"] for e in entries), model_count=len(entries))


def _finding(f) -> dict[str, Any]:
    return {"check": f.check, "level": f.level, "message": f.message, "fix": f.fix, "fixable": f.fixable, "path": f.path}
