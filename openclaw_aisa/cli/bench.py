"""`bench`: latency per model, with a live progress line on a terminal."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping
from typing import TextIO

from .. import benchstats
from ..host import Host
from ..workflows import bench, session
from . import PROG, values
from .output import Console


def add_arguments(p: argparse.ArgumentParser, host: Host) -> None:
    p.add_argument("--models", nargs="+", metavar="ID", help="model ids (default: the configured chat models)")
    p.add_argument("--runs", type=values.count, default=5, metavar="N", help="streamed requests per model (default 5)")
    p.add_argument("--prompt", metavar="TEXT", help="the fixed prompt (default: a short one, the same for every model)")
    p.add_argument("--max-tokens", type=values.count, default=256, metavar="N", help="output budget per request (default 256)")
    p.add_argument("--provider", help="which provider (default: the only one registered)")
    p.add_argument("--base-url", metavar="URL", help="measure this endpoint (default: the config's baseUrl)")
    p.add_argument(
        "--timeout", type=values.seconds, metavar="SECONDS", help="read timeout (default 60); an answer must end within 10 of them"
    )
    p.add_argument("--csv", metavar="FILE", help="also write every request's figures to FILE")
    p.add_argument("--chart", metavar="FILE", help="also write an HTML page with a bar chart of the medians (e.g. bench.html)")
    p.add_argument("--json", action="store_true")


def run(args: argparse.Namespace, host: Host, env: Mapping[str, str], console: Console) -> int:
    target = session.Target(args.provider, args.profile, args.base_url, args.timeout)
    request = bench.Request(target, tuple(args.models or ()), args.runs, args.prompt, args.max_tokens, args.csv, args.chart)
    result = bench.bench(host, env, request, _progress(console.err))
    code = console.emit(result, args.json, _table)
    if code:
        console.warn(f"no request succeeded; `{PROG} doctor` checks the key and the models")
    return code


def _table(result: bench.Benched, console: Console) -> None:
    r = result.report
    console.say(
        f"{result.provider.label} at {r['base_url']}: {r['runs']} streamed request(s) per model, one at a time, "
        f"max_tokens {r['max_tokens']}; seconds, median and p90"
    )
    for line in benchstats.render_table(r["models"]):
        console.say(line)


def _progress(stream: TextIO) -> Callable[[str], None]:
    """A status line rewritten in place on a terminal; nothing at all otherwise, so logs stay clean."""
    if not (hasattr(stream, "isatty") and stream.isatty()):
        return lambda text: None

    def show(text: str) -> None:
        stream.write("\r\x1b[K" + text)
        stream.flush()

    return show
