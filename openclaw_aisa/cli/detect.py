"""`detect`: the provider keys found in the environment and the .env, masked."""

from __future__ import annotations

import argparse
from collections.abc import Mapping

from ..host import Host
from ..workflows import detect
from . import PROG
from .output import Console


def add_arguments(p: argparse.ArgumentParser, host: Host) -> None:
    p.add_argument("--json", action="store_true")


def run(args: argparse.Namespace, host: Host, env: Mapping[str, str], console: Console) -> int:
    def text(result: detect.Detected, console: Console) -> None:
        for row in result.providers:
            if not row["credentials"]:
                provider = host.providers[row["provider"]]
                var = provider.env_vars[0] if provider.env_vars else "its key"
                console.say(f"{row['provider']} ({row['label']}): no key found (export {var} or run `{PROG} onboard`)")
                continue
            console.say(f"{row['provider']} ({row['label']}):")
            for c in row["credentials"]:
                where = "environment" if c["source"] == "environment" else result.dotenv
                mark = "   <- OpenClaw uses this one" if c["used_by_openclaw"] and len(row["credentials"]) > 1 else ""
                console.say(f"  {c['env_var']} in {where}: {c['masked']}{mark}")

    return console.emit(detect.detect(host, env, args.profile), args.json, text)
