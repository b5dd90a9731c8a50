"""`pricing`: each model's price at the provider against other sellers', dated and sourced."""

from __future__ import annotations

import argparse
from collections.abc import Mapping

from ..host import Host
from ..pricing import STALE_AFTER_DAYS
from ..types import Provider
from ..workflows import prices
from .output import Console


def add_arguments(p: argparse.ArgumentParser, host: Host) -> None:
    p.add_argument("--model", nargs="+", metavar="ID", dest="models", help="only these models (default: the catalogue)")
    p.add_argument("--as-of", metavar="DATE", help="prices in force on DATE (YYYY-MM-DD; default: the latest known)")
    p.add_argument("--provider", help="which provider (default: the only one registered)")
    p.add_argument("--json", action="store_true")


def run(args: argparse.Namespace, host: Host, env: Mapping[str, str], console: Console) -> int:
    return console.emit(prices.prices(host, args.provider, tuple(args.models or ()), args.as_of), args.json, _table)


def _table(result: prices.Prices, console: Console) -> None:
    provider = result.provider
    when = f"in force on {result.as_of}" if result.as_of else "latest known"
    console.say(f"Prices in USD per 1M tokens ({when}); {provider.label}'s saving against each seller, input / output")
    stale = False
    for priced in result.models:
        console.say(f"\n{provider.ref(priced.model.id)} ({priced.model.name})")
        console.say(f"  {'SELLER':22} {'INPUT':>11} {'OUTPUT':>12} {'CACHE':>6}  {'SAVES':>13}  AS OF")
        for q in priced.quotes:
            save = priced.saves(q)
            saves = f"{save['input']:.0f}% / {save['output']:.0f}%" if save and save["input"] is not None else "-"
            as_of = q.base.as_of.isoformat() + (" !" if q.stale else "")
            for i, t in enumerate(q.tiers):
                tier = f"  input <= {t.max_input_tokens // 1024}K" if t.max_input_tokens and len(q.tiers) > 1 else ""
                cache = "-" if t.cache_read is None else money(t.cache_read, None)
                first = i == 0
                console.say(
                    f"  {q.name if first else '':22} {money(t.input, t.input_high):>11} {money(t.output, t.output_high):>12} {cache:>6}  "
                    f"{saves if first else '':>13}  {as_of if first else '':13}{tier}"
                )
            stale = stale or q.stale
    console.say("")
    if stale:
        console.say(stale_note(provider))
    console.say("Sources: `openclaw-aisa pricing --json` gives each figure's source; they are kept in plugin.toml.")


def stale_note(provider: Provider) -> str:
    where = " and ".join(filter(None, (provider.models_url, provider.console_url)))
    return f"! older than {STALE_AFTER_DAYS} days: check {where} for {provider.label}, the vendor's price page for the others"


def money(low: float, high: float | None, digits: int | None = None) -> str:
    """A price (as precise as quoted, at least 2 decimals) or an amount (`digits`), or a low-high range."""

    def fmt(x: float) -> str:
        if digits is not None:
            return f"{x:,.{digits}f}"
        text = f"{x:.4f}".rstrip("0")
        return text + "0" * max(0, 2 - len(text.split(".")[1]))

    return fmt(low) if high is None or fmt(high) == fmt(low) else f"{fmt(low)}-{fmt(high)}"
