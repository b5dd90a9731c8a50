"""`balance`: the AIsa credit left for the key OpenClaw uses (the wallet and the key's own limit)."""

from __future__ import annotations

import argparse
from collections.abc import Mapping

from ..gateway import money
from ..host import Host
from ..workflows import balance, session
from . import values
from .output import Console


def add_arguments(p: argparse.ArgumentParser, host: Host) -> None:
    p.add_argument("--provider", help="which provider (default: the only one registered)")
    p.add_argument("--base-url", metavar="URL", help="use this endpoint (default: the config's baseUrl)")
    p.add_argument("--timeout", type=values.seconds, metavar="SECONDS", help="read timeout (default 5)")
    p.add_argument("--json", action="store_true")


def run(args: argparse.Namespace, host: Host, env: Mapping[str, str], console: Console) -> int:
    target = session.Target(args.provider, args.profile, args.base_url, args.timeout)
    return console.emit(balance.balance(host, env, target), args.json, _text)


def _text(shown: balance.Shown, console: Console) -> None:
    b = shown.balance
    console.say(f"{shown.provider.label} credit for key {shown.key_masked} (from {shown.key_source}), as of {b.as_of or 'now'}:")
    console.say(f"  wallet: {money(b.available, b.currency)} available of {money(b.account, b.currency)}")
    if b.key_unlimited:
        console.say(f"  this key: no limit of its own ({money(b.key_used, b.currency)} used)")
    else:
        console.say(f"  this key: {money(b.key_remaining, b.currency)} left of its limit ({money(b.key_used, b.currency)} used)")
    if b.spent:
        console.warn(b.explain_payment())
    if b.request_id:
        console.say(f"  request id {b.request_id}")
