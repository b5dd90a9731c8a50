"""`chat`: one streamed turn; the answer on stdout as it arrives, the thinking on stderr."""

from __future__ import annotations

import argparse
from collections.abc import Mapping

from ..host import Host
from ..workflows import chat, session
from . import values
from .output import Console


def add_arguments(p: argparse.ArgumentParser, host: Host) -> None:
    p.add_argument("-m", "--model", required=True, metavar="ID", help="e.g. kimi-k2.5 or aisa/kimi-k2.5")
    p.add_argument("prompt", metavar="PROMPT", help="the message ('-' reads it from stdin)")
    p.add_argument("--system", metavar="TEXT", help="a system message")
    p.add_argument("--max-tokens", type=values.count, metavar="N", help="output budget (default: the catalogue's max output)")
    p.add_argument("--provider", help="which provider (default: the only one registered)")
    p.add_argument("--base-url", metavar="URL", help="use this endpoint (default: the config's baseUrl)")
    p.add_argument(
        "--timeout", type=values.seconds, metavar="SECONDS", help="read timeout (default 60); the answer must end within 10 of them"
    )
    p.add_argument("--json", action="store_true", help="print the whole answer, usage and cost as JSON at the end")


def run(args: argparse.Namespace, host: Host, env: Mapping[str, str], console: Console) -> int:
    prompt = console.read("the prompt") if args.prompt == "-" else args.prompt
    target = session.Target(args.provider, args.profile, args.base_url, args.timeout)
    request = chat.Request(target, args.model, prompt, args.system, args.max_tokens)
    dim = console.err.isatty() if hasattr(console.err, "isatty") else False
    thinking = False
    for item in chat.chat(host, env, request):
        if isinstance(item, chat.Answer):
            if thinking:
                console.err.write("\x1b[0m\n" if dim else "\n")
            return console.emit(item, args.json, _summary)
        if args.json:
            continue
        if item.kind == "reasoning":
            if not thinking:
                console.err.write("\x1b[2m" if dim else "[thinking] ")
                thinking = True
            console.err.write(item.text)
            console.err.flush()
        else:
            if thinking:
                console.err.write("\x1b[0m\n" if dim else "\n")
                thinking = False
            console.out.write(item.text)
            console.out.flush()
    raise AssertionError("a chat ends with its answer")


def _summary(answer: chat.Answer, console: Console) -> None:
    console.say("")
    console.err.write(answer.summary() + "\n")
    if answer.finish_reason == "length":
        budget = answer.max_tokens if answer.max_tokens is not None else "the default"
        console.warn(f"the answer was cut at max_tokens ({budget}); thinking models need a budget of 32K or more (--max-tokens)")
