"""`detect`: the provider keys found in the environment and the .env, masked."""

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
        if not found.credentials:
            var = p.env_vars[0] if p.env_vars else "its key"
            console.say(f"{p.id} ({p.label}): no key found (export {var} or run `{PROG} onboard`)")
            continue
        console.say(f"{p.id} ({p.label}):")
        for c in found.credentials:
            where = "environment" if c.source == "environment" else result.dotenv
            mark = "   <- OpenClaw uses this one" if c is found.used and len(found.credentials) > 1 else ""
            console.say(f"  {c.env_var} in {where}: {keys.mask(c.value)}{mark}")
