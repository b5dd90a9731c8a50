"""`onboard`: ask what must be asked (auth choice, key, saving an exported key), then plan, check the
key, confirm refreshed models, apply, and say what happened."""

from __future__ import annotations

import argparse
from collections.abc import Mapping

from .. import keys
from ..errors import UsageError
from ..host import Host
from ..redact import learn
from ..schema import SUPPORTED
from ..types import AuthChoice
from ..urls import check_base_url
from ..workflows import onboard
from .output import Console


def add_arguments(p: argparse.ArgumentParser, host: Host) -> None:
    p.add_argument("--auth-choice", choices=sorted(host.auth_choices), help="which provider key to set up")
    for choice in host.auth_choices.values():
        p.add_argument(choice.cli_flag, metavar="KEY", dest=_dest(choice), help=f"{choice.label} ('-' reads one line from stdin)")
    p.add_argument("--non-interactive", action="store_true", help="never prompt; fail when something is missing")
    p.add_argument("--dry-run", action="store_true", help="show the diff of the config and .env; write nothing")
    p.add_argument("--primary", metavar="REF", help="make REF (e.g. aisa/kimi-k2.5) the primary model")
    p.add_argument(
        "--fallbacks",
        metavar="REF,REF",
        type=_refs,
        default=(),
        help="add these fallback models (e.g. aisa/deepseek-v4-flash,aisa/glm-5) after any you have",
    )
    p.add_argument("--base-url", metavar="URL", help="use this endpoint instead of the provider's")
    p.add_argument("--persist-key", action="store_true", help="save a key found in the environment to the state dir's .env")
    p.add_argument(
        "--secret-input-mode",
        choices=("ref", "plaintext"),
        default="ref",
        help="ref (default): key in .env, referenced; plaintext: key inline in the config",
    )
    p.add_argument("--refresh-models", action="store_true", help="rewrite catalogue models' metadata from the current catalogue")
    p.add_argument(
        "--openclaw-version", metavar="V", help="write for this OpenClaw version (default: `openclaw --version`, else the config's meta)"
    )
    p.add_argument("--no-plugin", action="store_true", help="do not install the native OpenClaw plugin")
    p.add_argument("--openclaw", metavar="PATH", help="the openclaw command (default: the one on PATH)")
    p.add_argument("--skip-validation", action="store_true", help="save the key without checking it against the provider first")
    p.add_argument("--require-valid-key", action="store_true", help="fail (write nothing) when the key cannot be checked, e.g. offline")
    p.add_argument("--json", action="store_true", help="print the result as JSON")


def run(args: argparse.Namespace, host: Host, env: Mapping[str, str], console: Console) -> int:
    choice = _pick_choice(args, host, console)
    base_url = check_base_url(args.base_url) if args.base_url else None
    key = _key(args, host, env, choice, console)
    persist = args.persist_key
    if onboard.movable(key) and not persist and args.secret_input_mode == "ref" and console.interactive:
        why = "so OpenClaw's Gateway service sees it too" if key.source == "environment" else "out of the config's env block"
        persist = console.confirm(f"Save the key to {onboard.dotenv_path(env, args.profile)} (0600) {why}?")
    request = onboard.Request(
        choice=choice.id,
        key=key,
        persist=persist,
        profile=args.profile,
        primary=args.primary,
        fallbacks=args.fallbacks,
        base_url=base_url,
        secret_mode=args.secret_input_mode,
        refresh_models=args.refresh_models,
        openclaw_version=args.openclaw_version,
        openclaw=args.openclaw,
        install_plugin=not args.no_plugin,
        skip_validation=args.skip_validation,
        require_valid_key=args.require_valid_key,
    )
    plan = onboard.plan(host, env, request)
    if args.dry_run:
        return console.emit(plan, args.json, _dry_run)
    verified = onboard.verify(plan, env)
    if verified.base_url:
        plan = onboard.replan(host, env, plan, base_url=verified.base_url)
    if console.interactive and not args.primary and verified.chat:
        plan = _pick_primary(host, env, plan, verified, console)
    if args.refresh_models and console.interactive and plan.refreshes:
        for summary in plan.refreshes:
            console.say(f"  ~ {summary}")
        if not console.confirm("Apply these changes?"):
            console.say("Nothing written.")
            return 1
    return console.emit(onboard.apply(host, env, plan, verified), args.json, _done)


def _pick_primary(host: Host, env: Mapping[str, str], plan: onboard.Plan, verified: onboard.Verified, console: Console) -> onboard.Plan:
    """On a terminal: the primary from the models this key can use; Enter keeps the pre-selected one."""
    refs, current = onboard.primary_choices(plan, verified)
    if not refs:
        return plan
    console.say(f"Primary model (the one OpenClaw's agents use first); {plan.provider.label} serves these for your key:")
    for i, ref in enumerate(refs, 1):
        model = plan.provider.model(ref.partition("/")[2])
        name = f"  {model.name}" if model else ""
        console.say(f"  {i:>2}. {ref}{name}{'   [Enter]' if ref == current else ''}")
    for _ in range(3):
        answer = console.ask(f"Number or model [{current}]").strip()
        if not answer:
            return plan
        picked = refs[int(answer) - 1] if answer.isdigit() and 0 < int(answer) <= len(refs) else None
        picked = picked or next((r for r in refs if answer in (r, r.partition("/")[2])), None)
        if picked:
            return plan if picked == current else onboard.replan(host, env, plan, primary=picked)
        console.say(f"  {answer!r} is not one of the {len(refs)} above: give its number or its name")
    console.say(f"  keeping {current}")
    return plan


def _dry_run(plan: onboard.Plan, console: Console) -> None:
    for w in plan.warnings:
        console.warn(w)
    console.say(plan.diff.rstrip("\n") if plan.diff else "No changes.")
    for note in plan.planned.merged.notes:
        console.say(f"note: {note}")
    console.say("(dry run: nothing written)")


def _done(result: onboard.Onboarded, console: Console) -> None:
    plan, committed, key = result.plan, result.committed, result.plan.request.key
    provider, loc = plan.provider, plan.loc
    for w in result.warnings:
        console.warn(w)
    if committed.written:
        console.say(f"{provider.label} configured in {loc.config}")
        for change in committed.merged.changes:
            if change.summary:
                console.say(f"  + {change.summary}")
    else:
        console.say(f"{provider.label} was already configured in {loc.config}: nothing to change")
    for note in committed.merged.notes:
        console.say(f"  note: {note}")
    stored = result.stored
    where = {"environment only": "kept in your environment only", "config env block": "kept in the config's env block"}.get(
        stored, f"saved in {stored}"
    )
    plaintext = plan.request.secret_mode == "plaintext"
    console.say(
        f"Key {key.masked} (from {key.source}) {where}; the config {'holds it inline' if plaintext else f'reads it from {plan.choice.env_var}'}."
    )
    if result.verified.verified:
        console.say(f"Key verified: {provider.label} accepts it and lists {result.verified.models} models for it.")
    console.say(f"Primary model: {result.primary}")
    if plan.target:
        console.say(f"Written for OpenClaw {plan.target} (from {plan.target_source})")
    else:
        console.say(
            f"Written with keys every supported OpenClaw accepts ({', '.join(SUPPORTED)}): {plan.target_source}; --openclaw-version V targets one"
        )
    console.say(result.plugin.summary)
    for line in result.profiles:
        console.say(f"  - {line}")
    console.say(f"Next: {result.tui}")
    console.say(f"      then /model {result.example_ref} in it; `openclaw models list --provider {provider.id}` lists the models")


def _refs(text: str) -> tuple[str, ...]:
    refs = tuple(r.strip() for r in text.split(",") if r.strip())
    if not refs or any("/" not in r for r in refs):
        raise argparse.ArgumentTypeError(f"{text!r}: give provider/model refs separated by commas, e.g. aisa/deepseek-v4-flash,aisa/glm-5")
    return refs


def _dest(choice: AuthChoice) -> str:
    return "key_" + choice.id.replace("-", "_")


def _pick_choice(args: argparse.Namespace, host: Host, console: Console) -> AuthChoice:
    if args.auth_choice:
        return host.auth_choices[args.auth_choice]
    given = [c for c in host.auth_choices.values() if getattr(args, _dest(c), None)]
    if len(given) == 1:
        return given[0]
    candidates = given or list(host.auth_choices.values())
    if len(candidates) == 1:
        return candidates[0]
    names = ", ".join(c.id for c in candidates)
    if console.interactive:
        answer = console.ask(f"Which provider? ({names})")
        if answer in host.auth_choices:
            return host.auth_choices[answer]
    raise UsageError(f"several auth choices are available ({names}); pass --auth-choice ID")


def _key(args: argparse.Namespace, host: Host, env: Mapping[str, str], choice: AuthChoice, console: Console) -> keys.Key:
    """First wins: the flag (or '-' for stdin), the environment, the state dir's .env, a hidden prompt."""
    flag = getattr(args, _dest(choice), None)
    what = choice.label
    if flag == "-":
        typed = console.read(f"the {what}", line=True)
        learn(typed.strip())
        return keys.Key(keys.clean(typed, what), "stdin")
    if flag is not None:
        return keys.Key(keys.clean(flag, what), "flag")
    stored = onboard.stored_key(host, env, args.profile, choice)
    if stored is not None:
        return stored
    if console.interactive:
        where = f" (get one at {choice.key_url})" if choice.key_url else ""
        return keys.Key(keys.clean(console.secret((choice.prompt or f"Enter {what}") + where), what), "prompt")
    raise UsageError(f"no {what} given: pass {choice.cli_flag} KEY ('-' reads it from stdin) or export {choice.env_var}")
