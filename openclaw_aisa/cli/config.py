"""`config path`: the config file OpenClaw uses."""

from __future__ import annotations

import argparse
from collections.abc import Mapping

from ..adapters import paths
from ..host import Host
from .output import Console


def add_arguments(p: argparse.ArgumentParser, host: Host) -> None:
    actions = p.add_subparsers(dest="config_command", required=True, metavar="ACTION")
    actions.add_parser("path", help="print the config file OpenClaw uses")


def run(args: argparse.Namespace, host: Host, env: Mapping[str, str], console: Console) -> int:
    console.say(str(paths.locate(env, args.profile).config))
    return 0
