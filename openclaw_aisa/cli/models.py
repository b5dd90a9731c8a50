"""`models list [--live] | set | add | sync`."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from typing import TYPE_CHECKING

from ..errors import UsageError
from ..host import Host
from ..workflows import catalogue
from . import PROG, values
from .output import Console

if TYPE_CHECKING:
    from ..workflows import models


def add_arguments(p: argparse.ArgumentParser, host: Host) -> None:
    actions = p.add_subparsers(dest="models_command", required=True, metavar="ACTION")
    listing = actions.add_parser("list", help="the catalogue, and what is configured and primary")
    listing.add_argument("--provider", help="only this provider")
    listing.add_argument("--json", action="store_true")
    listing.add_argument("--live", action="store_true", help="what the provider serves now (GET /v1/models, cached for 6 h)")
    listing.add_argument("--refresh", action="store_true", help="with --live: fetch the list again even if the cache is fresh")
    listing.add_argument(
        "--kind", choices=("chat", "image", "video", "audio", "embedding", "rerank", "other"), help="with --live: only models of this kind"
    )
    setter = actions.add_parser("set", help="make a configured model the primary")
    setter.add_argument("ref", metavar="REF", help="e.g. aisa/kimi-k2.5")
    adder = actions.add_parser("add", help="add models the provider serves to the config (catalogue metadata, or stated defaults)")
    adder.add_argument("ids", nargs="+", metavar="ID", help="e.g. qwen-flash kimi-k2.6")
    adder.add_argument("--dry-run", action="store_true", help="show the diff; write nothing")
    adder.add_argument("--openclaw-version", metavar="V", help="write for this OpenClaw version")
    sync = actions.add_parser("sync", help="compare the configured models with what the provider serves now")
    sync.add_argument("--apply", action="store_true", help="remove models no longer served and add curated ones newly served")
    sync.add_argument("--primary", metavar="REF", help="the primary model to use when the current one is no longer served")
    sync.add_argument("--dry-run", action="store_true", help="with --apply: show the diff; write nothing")
    sync.add_argument("--openclaw-version", metavar="V", help="write for this OpenClaw version")
    for action in (listing, adder, sync):
        action.add_argument("--base-url", metavar="URL", help="ask this endpoint (default: the config's baseUrl)")
        action.add_argument(
            "--timeout",
            type=values.seconds,
            metavar="SECONDS",
            help="read timeout (default 20); the request, retries included, gets 2 of them",
        )
    for action in (adder, sync):
        action.add_argument("--provider", help="which provider (default: the only one registered)")
        action.add_argument("--json", action="store_true")


def run(args: argparse.Namespace, host: Host, env: Mapping[str, str], console: Console) -> int:
    action = args.models_command
    if action == "set":
        result = catalogue.set_primary(host, env, args.profile, args.ref)
        for summary in result.changes:
            console.say(f"  + {summary}")
        console.say(f"Primary model: {result.ref}" + ("" if result.written else " (already)"))
        return result.exit_code
    if action == "list" and not args.live:
        if args.refresh or args.kind or args.base_url:
            raise UsageError("--refresh, --kind and --base-url go with --live")
        return console.emit(catalogue.list_catalogue(host, env, args.profile, args.provider), args.json, _catalogue)
    from ..workflows import models, session  # what the provider serves: only these actions load the network side

    target = session.Target(args.provider, args.profile, args.base_url, args.timeout)
    if action == "list":
        listed = models.list_live(host, env, target, refresh=args.refresh, kind=args.kind)
        if listed.found.warning:
            console.warn(listed.found.warning)
        return console.emit(listed, args.json, _live)
    change = models.Change(
        tuple(getattr(args, "ids", ())), args.dry_run, args.openclaw_version, getattr(args, "primary", None), getattr(args, "apply", False)
    )
    edited = models.add(host, env, target, change) if action == "add" else models.sync(host, env, target, change)
    if edited.warning:
        console.warn(edited.warning)
    return console.emit(edited, args.json, _edited)


def _catalogue(result: catalogue.Listed, console: Console) -> None:
    console.say(f"{'MODEL':30} {'CONTEXT':>9} {'MAX OUT':>8} {'$/1M IN':>8} {'$/1M OUT':>9}  STATUS")
    dates = set()
    for row in result.models:
        m = row.model
        translation = "translation" if m and "translation" in m.tags else ""
        configured = "configured" if row.configured else "not configured"
        status = ", ".join(s for s in ("primary" if row.primary else "", configured, "" if m else "not in catalogue", translation) if s)
        if m is None:
            console.say(f"{row.ref:30} {'?':>9} {'?':>8} {'?':>8} {'?':>9}  {status}")
            continue
        price = m.price(row.provider.id)
        if price:
            dates.add(price.as_of.isoformat())
        cells = (price.input, price.output) if price else ("-", "-")
        console.say(f"{row.ref:30} {m.context_window.value:>9,} {m.max_tokens.value:>8,} {cells[0]:>8} {cells[1]:>9}  {status}")
    if dates:
        first, last = min(dates), max(dates)
        live = ", ".join(filter(None, {p.models_url or p.console_url for p in result.providers}))
        console.say(f"Prices in USD per 1M tokens, as of {first}" + (f" to {last}" if last != first else "") + "; live figures: " + live)


def _live(result: models.LiveListed, console: Console) -> None:
    found, provider = result.found, result.provider
    counts: dict[str, int] = {}
    for m in found.models:
        counts[m.kind] = counts.get(m.kind, 0) + 1
    kinds = ", ".join(f"{n} {k}" for k, n in counts.items())
    console.say(f"{provider.label} serves {len(found.models)} models ({kinds}) at {result.base_url}, listed {result.listed_when}")
    console.say(f"{'MODEL':36} {'KIND':10} STATUS")
    for row in result.rows:
        served, model = row.model, provider.model(row.model.id)
        status = ", ".join(
            filter(
                None,
                (
                    "primary" if row.primary else "",
                    "configured" if row.configured else "",
                    "curated" if served.curated else f"family: {row.family}" if row.family else "not curated",
                    "translation" if model and model.is_translation else "",
                ),
            )
        )
        console.say(f"{provider.ref(served.id):36} {served.kind:10} {status}")
    if result.gone:
        console.warn(f"configured but not served: {', '.join(provider.ref(i) for i in result.gone)} (`{PROG} models sync` shows the fix)")
    console.say(f"Add one: {PROG} models add ID   (curated models get catalogue metadata; others their family's figures)")


def _edited(result: models.Edited, console: Console) -> None:
    drift, ref = result.drift, result.provider.ref
    if not result.attempted and drift is not None:
        console.say(f"Configured {result.provider.label} models no longer served: {', '.join(map(ref, drift.gone)) or 'none'}")
        console.say(f"Curated models served and not configured: {', '.join(map(ref, drift.new_curated)) or 'none'}")
        console.say(
            f"Other chat models served ({len(drift.new_other)}): add one with `{PROG} models add ID` (`{PROG} models list --live` lists them)"
        )
        if drift.gone or drift.new_curated:
            console.say(f"`{PROG} models sync --apply` removes the first and adds the second.")
        return
    if result.diff is not None:
        console.say(result.diff.rstrip("\n") or "No changes.")
        console.say("(dry run: nothing written)")
        return
    if not result.applied:
        console.say(result.nothing)
        return
    console.say(f"Updated {result.config}")
    for summary in result.changes:
        console.say(f"  + {summary}")
