"""`doctor`: what is wrong with the provider's setup in OpenClaw, and `--fix` for what is safe."""

from __future__ import annotations

import argparse
from collections.abc import Mapping

from ..host import Host
from ..workflows import doctor, session
from . import PROG, values
from .output import Console

LEVELS = {"error": "ERROR", "warning": "warn", "info": "ok"}


def add_arguments(p: argparse.ArgumentParser, host: Host) -> None:
    p.add_argument("--fix", action="store_true", help="repair what is safe (a .bak of the config is kept)")
    p.add_argument("--offline", action="store_true", help="skip the checks that ask the provider (key valid, models served)")
    p.add_argument("--provider", help="which provider (default: the only one registered)")
    p.add_argument("--openclaw-version", metavar="V", help="judge the config for this OpenClaw version (default: `openclaw --version`)")
    p.add_argument("--openclaw", metavar="PATH", help="the openclaw command (default: the one on PATH)")
    p.add_argument("--timeout", type=values.seconds, metavar="SECONDS", help="the online check's whole budget (default 10)")
    p.add_argument("--json", action="store_true")


def run(args: argparse.Namespace, host: Host, env: Mapping[str, str], console: Console) -> int:
    target = session.Target(args.provider, args.profile, None, args.timeout)
    request = doctor.Request(target, args.fix, args.offline, args.openclaw_version, args.openclaw)
    return console.emit(doctor.run(host, env, request), args.json, _text)


def _text(report: doctor.Report, console: Console) -> None:
    target = (
        f"OpenClaw {report.version} ({report.version_source})" if report.version else f"every supported OpenClaw ({report.version_source})"
    )
    online = "online" if report.online else ("offline: no key to check" if report.no_key else "offline")
    console.say(f"{PROG} doctor: {report.config}, checked for {target}, {online}")
    for f in report.found:
        console.say(f"  {LEVELS[f.level]:5}  {f.check:20} {f.message}")
        if f.fix and f.level != "info":
            console.say(f"  {'':5}  {'':20} fix: {f.fix}{'' if not f.fixable or report.fix else f' (`{PROG} doctor --fix` does this)'}")
    if report.fix:
        console.say("Fixed:" if report.fixed else "Nothing to fix automatically.")
        for change in report.fixed:
            console.say(f"  + {change}")
        for f in report.remaining:
            if f.level != "info":
                console.say(f"  still {LEVELS[f.level]:5}  {f.check:20} {f.message}")
    errors, warnings = report.errors, [f for f in report.remaining if f.level == "warning"]
    fixable = [f for f in report.remaining if f.fixable and f.level != "info"]
    tail = f"; {len(fixable)} fixable with --fix" if fixable and not report.fix else ""
    console.say(f"{len(errors)} error(s), {len(warnings)} warning(s){tail}" if errors or warnings else "No problems found.")
