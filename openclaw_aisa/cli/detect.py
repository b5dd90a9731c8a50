"""`detect`: the provider keys found where OpenClaw reads them, masked, and who reads each place."""

from __future__ import annotations

import argparse
from collections.abc import Mapping

from .. import keys
from ..host import Host
from ..workflows import detect
from . import PROG
from .output import Console


def add_arguments(p: argparse.ArgumentParser, host: Host) -> None:
    p.add_argument("--json", action="store_true")


def run(args: argparse.Namespace, host: Host, env: Mapping[str, str], console: Console) -> int:
    return console.emit(detect.detect(host, env, args.profile), args.json, _text)


def _text(result: detect.Detected, console: Console) -> None:
    for found in result.providers:
        p = found.provider
        stored = found.profile
        if not found.credentials and stored is None:
            var = p.env_vars[0] if p.env_vars else "its key"
            console.say(f"{p.id} ({p.label}): no key found (export {var} or run `{PROG} onboard`)")
            continue
        console.say(f"{p.id} ({p.label}):")
        several = len(found.credentials) + (stored is not None) > 1
        for place in found.places:
            c = place.credential
            mark = "   <- OpenClaw uses this one" if c is found.used and several else ""
            if stored is not None and not found.profile_everywhere and c is found.exported:
                mark = "   <- OpenClaw's turns (agent, TUI, Gateway) use this one"
            console.say(f"  {c.env_var} in {place.where}: {keys.mask(c.value)}{mark}")
            if several or c.source not in (".env",):
                console.say(f"      {place.note if place.read else 'ignored by this OpenClaw version for provider keys'}")
        if stored is not None:
            what = keys.mask(stored.value) if stored.value else f"a reference to {stored.var}"
            mark = "   <- OpenClaw uses this one" if found.profile_everywhere else "   <- `openclaw infer` uses this one"
            console.say(f"  auth profile {stored.id} in {stored.where} (stored by `openclaw onboard`): {what}{mark}")
            console.say(f"  to use one key: `{PROG} onboard` with the key you want (it removes the profile through OpenClaw)")
