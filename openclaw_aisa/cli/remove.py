"""`remove`: take out what onboarding added, and the native plugin."""

from __future__ import annotations

import argparse
from collections.abc import Mapping

from ..host import Host
from ..workflows import remove
from .output import Console


def add_arguments(p: argparse.ArgumentParser, host: Host) -> None:
    p.add_argument("--provider", help="which provider (default: the only one registered)")
    p.add_argument("--primary", metavar="REF", help="the primary model to use instead of a removed one")
    p.add_argument("--purge-key", action="store_true", help="also delete the key from the state dir's .env")
    p.add_argument("--non-interactive", action="store_true")
    p.add_argument("--dry-run", action="store_true")
    p.add_argument("--no-plugin", action="store_true", help="leave the native OpenClaw plugin installed")
    p.add_argument("--openclaw", metavar="PATH", help="the openclaw command (default: the one on PATH)")


def run(args: argparse.Namespace, host: Host, env: Mapping[str, str], console: Console) -> int:
    request = remove.Request(args.provider, args.profile, args.primary, args.purge_key, args.dry_run, not args.no_plugin, args.openclaw)
    prepared = remove.prepare(host, env, request)
    primary = args.primary
    if prepared.primary_needed and console.interactive:
        primary = console.ask(f"The primary model is {prepared.primary_needed}. Which model should replace it (PROVIDER/MODEL)?") or None
    result = remove.remove(env, prepared, request, primary)
    if result.diff is not None:
        console.say(result.diff.rstrip("\n") if result.diff else "No changes.")
        for note in result.notes:
            console.say(f"note: {note}")
        console.say("(dry run: nothing written)")
        return result.exit_code
    if result.dotenv_removed:
        console.say(f"  - removed {', '.join(result.dotenv_removed)} from {result.loc.dotenv}")
    if result.journal_error:
        console.warn(f"{result.provider.id} is removed, but {result.journal_error}")
    for line in (*result.changes, *result.plugin_done):
        console.say(f"  - {line}")
    for note in result.notes:
        console.say(f"  note: {note}")
    label, config = result.provider.label, result.loc.config
    console.say(f"{label} removed from {config}" if result.written else f"{label} was not configured in {config}")
    return result.exit_code
