"""`plugin install | status | uninstall`: the native OpenClaw plugin, through OpenClaw's own CLI."""

from __future__ import annotations

import argparse
from collections.abc import Mapping

from ..errors import UsageError
from ..host import Host
from ..workflows import plugin
from .output import Console


def add_arguments(p: argparse.ArgumentParser, host: Host) -> None:
    actions = p.add_subparsers(dest="plugin_command", required=True, metavar="ACTION")
    install = actions.add_parser("install", help="install (or upgrade) the plugin through OpenClaw's own CLI")
    status = actions.add_parser("status", help="is it installed and loaded, and is it this package's version?")
    uninstall = actions.add_parser("uninstall", help="uninstall it through OpenClaw, and clean up what that leaves")
    for action in (install, status, uninstall):
        action.add_argument("--openclaw", metavar="PATH", help="the openclaw command to use (default: the one on PATH)")
        action.add_argument("--provider", help="which provider (default: the only one registered)")
        action.add_argument("--json", action="store_true")
    install.add_argument("--base-url", metavar="URL", help="endpoint baked into the plugin's catalogue")
    uninstall.add_argument("--primary", metavar="REF", help="the primary model to use instead of a removed one")
    uninstall.add_argument("--non-interactive", action="store_true")


def run(args: argparse.Namespace, host: Host, env: Mapping[str, str], console: Console) -> int:
    request = plugin.Request(args.provider, args.profile, args.openclaw, getattr(args, "base_url", None), getattr(args, "primary", None))
    if args.plugin_command == "install":
        return console.emit(plugin.install(host, env, request), args.json, _installed)
    if args.plugin_command == "status":
        return console.emit(plugin.status(host, env, request), args.json, _status)
    planned = plugin.plan_uninstall(host, env, request)
    primary = request.primary
    if planned.primary_needed:
        if not console.interactive:
            raise UsageError(
                f"the primary model is {planned.primary_needed}, which needs the plugin; say what replaces it with --primary PROVIDER/MODEL"
            )
        primary = console.ask(f"The primary model is {planned.primary_needed}. Which model should replace it (PROVIDER/MODEL)?") or None
    return console.emit(plugin.uninstall(env, planned, primary), args.json, _uninstalled)


def _installed(result: plugin.Installed, console: Console) -> None:
    r, provider = result.bundle, result.provider
    console.say(f"OpenClaw {r.openclaw_version} ({r.openclaw}): {r.did}.")
    console.say(f"OpenClaw's own `openclaw onboard --auth-choice {result.auth_choice}` now knows {provider.label}.")


def _status(result: plugin.Status, console: Console) -> None:
    if not result.installed:
        console.say(f"OpenClaw {result.openclaw_version}: the {result.plugin} plugin is not installed (openclaw-aisa plugin install)")
        return
    if result.stale_files:
        upgrade = f"; older than this package's ({', '.join(result.stale_files)} differ): run `openclaw-aisa plugin install` to upgrade"
    elif not result.current:
        upgrade = f"; this package has {result.package_version}: run `openclaw-aisa plugin install` to upgrade"
    else:
        upgrade = ""
    state = "enabled" if result.enabled else "disabled"
    console.say(f"OpenClaw {result.openclaw_version}: {result.plugin} plugin {result.installed_version}, {state}, {result.status}{upgrade}")


def _uninstalled(result: plugin.Uninstalled, console: Console) -> None:
    for line in result.done:
        console.say(f"  - {line}")
    console.say(f"OpenClaw {result.openclaw_version}: the {result.plugin} plugin is uninstalled")
