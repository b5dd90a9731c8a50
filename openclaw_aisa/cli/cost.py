"""`cost`: monthly and yearly cost of a token volume per seller, and the provider's saving."""

from __future__ import annotations

import argparse
from collections.abc import Mapping

from ..host import Host
from ..workflows import prices
from .output import Console
from .pricing import money, stale_note


def add_arguments(p: argparse.ArgumentParser, host: Host) -> None:
    p.add_argument("--model", required=True, metavar="ID", help="e.g. qwen3-max")
    p.add_argument("--tokens", required=True, metavar="N", help="tokens per month, e.g. 500M, 1.5B")
    p.add_argument("--input-share", type=float, default=0.5, metavar="X", help="share of the tokens that are input (default 0.5)")
    p.add_argument("--as-of", metavar="DATE", help="prices in force on DATE (YYYY-MM-DD; default: the latest known)")
    p.add_argument("--provider", help="which provider (default: the only one registered)")
    p.add_argument("--json", action="store_true")


def run(args: argparse.Namespace, host: Host, env: Mapping[str, str], console: Console) -> int:
    return console.emit(prices.cost(host, args.provider, args.model, args.tokens, args.input_share, args.as_of), args.json, _table)


def _table(result: prices.Cost, console: Console) -> None:
    provider = result.provider
    when = f"prices in force on {result.as_of}" if result.as_of else "latest known prices"
    ref = provider.ref(result.model.id)
    console.say(f"{result.tokens:,} tokens a month on {ref}, {result.input_share:.0%} of them input, at {when} (USD):")
    console.say(f"  {'SELLER':22} {'PER MONTH':>17} {'PER YEAR':>19}  {provider.label.upper() + ' SAVES A YEAR':>19}  AS OF")
    for s in result.sellers:
        p, r = s.projection, s.document()  # the figures as rounded for --json
        saves = "-" if r["yearly_saving"] is None else money(r["yearly_saving"], r.get("yearly_saving_high"), 0)
        monthly, yearly = money(r["monthly"], r["monthly_high"], 0), money(r["yearly"], r["yearly_high"], 0)
        console.say(f"  {p.name:22} {monthly:>17} {yearly:>19}  {saves:>19}  {p.price.as_of.isoformat()}{' !' if s.quote.stale else ''}")
    if result.tiered_note:
        console.say(f"Note: {result.tiered_note}.")
    if any(s.quote.stale for s in result.sellers):
        console.say(stale_note(provider))
