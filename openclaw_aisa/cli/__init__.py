"""The `openclaw-aisa` command: OpenClaw's verbs (onboard, models, config) for registered providers.

One module per command in this package, each with its flags (`add_arguments`) and its rendering
(`run`); the work is done by workflows. Only the chosen command's module is imported.
Exit codes: 0 done, 1 failed, 2 bad usage or bad input.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Mapping, Sequence
from types import ModuleType
from typing import NoReturn

from .. import notices
from ..errors import PROG, AisaError
from ..host import Host, load_host
from ..redact import SEEN, redact
from .output import Console

# name -> (module, help): the table of commands, in the order `--help` lists them.
COMMANDS = {
    "onboard": ("onboard", "configure a provider in OpenClaw's config (and keep its key)"),
    "detect": ("detect", "show the provider keys found in the environment and .env (masked)"),
    "models": ("models", "list the catalogue or set the primary model"),
    "remove": ("remove", "take out what onboarding added"),
    "plugin": ("plugin", "the native OpenClaw plugin, so OpenClaw's own commands know the provider"),
    "chat": ("chat", "one streamed turn with a model: the quickest proof that the key and the model work"),
    "pricing": ("pricing", "each model's price at AIsa against the vendor's and OpenRouter's, dated and sourced"),
    "cost": ("cost", "monthly and yearly cost of a token volume per seller, and the saving"),
    "balance": ("balance", "the AIsa credit left: the wallet and the key's own spending limit"),
    "bench": ("bench", "latency per model: time to first token, total time, output tokens/s (median and p90)"),
    "doctor": ("doctor", "check the provider's setup in OpenClaw (block, key, files, refs, the gateway) and repair what is safe"),
    "config": ("config", "OpenClaw config file"),
}


class Parser(argparse.ArgumentParser):
    """Usage errors in one line, as every other error: what is wrong, and where the help is."""

    def error(self, message: str) -> NoReturn:
        # argparse repeats what it did not understand: a key pasted in the wrong place too
        self.exit(2, f"{self.prog}: error: {redact(message)}; see `{self.prog} --help`\n")


def build_parser(host: Host, chosen: str | None = None) -> tuple[argparse.ArgumentParser, ModuleType | None]:
    """The parser with the `chosen` command's flags; with none chosen (--help, a typo), every command
    is listed. An ArgumentParser per command costs ~0.5 ms, so the others are left out when one is named."""
    parser = Parser(prog=PROG, description="Make AIsa and other registered providers usable in OpenClaw.")
    parser.add_argument("--version", action="version", version=f"{PROG} {_version()}")
    parser.add_argument("--profile", metavar="NAME", help="as OpenClaw's --profile: use ~/.openclaw-NAME")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    module = None
    for name, (module_name, help_text) in COMMANDS.items():
        if chosen is not None and name != chosen:
            continue
        command = sub.add_parser(name, help=help_text)
        if name == chosen:
            module = importlib.import_module(f".{module_name}", __name__)
            module.add_arguments(command, host)
    return parser, module


def _chosen(argv: Sequence[str]) -> str | None:
    """The command named in argv (the first word that is not an option or --profile's value)."""
    words = iter(argv)
    for word in words:
        if word == "--profile":
            next(words, None)
        elif not word.startswith("-"):
            return word if word in COMMANDS else None
    return None


def main(argv: Sequence[str] | None = None, env: Mapping[str, str] | None = None) -> int:
    env = os.environ if env is None else env
    argv = sys.argv[1:] if argv is None else list(argv)
    SEEN.forget()
    SEEN.learn_env(env)
    try:
        _check_text(argv)
        host = load_host(env=env)
        parser, module = build_parser(host, _chosen(argv))
        try:
            args = parser.parse_args(argv)
        except SystemExit as e:  # --help, --version, or a usage error already printed by argparse
            return e.code if isinstance(e.code, int) else 2
        SEEN.learn_named(vars(args))  # a key given on a flag (`--aisa-api-key`), by the redactor's own rule for names
        interactive = sys.stdin.isatty() and not getattr(args, "non_interactive", False)
        console = Console(sys.stdout, sys.stderr, sys.stdin, interactive)
        notices.send_to(console.warn)
        notices.steps_to(console.step if console.terminal and not getattr(args, "json", False) else None)
        assert module is not None  # a command is required, so argparse stopped without one
        return module.run(args, host, env, console)
    except AisaError as e:
        print(redact(f"{PROG}: error: {e}"), file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted; nothing more was written", file=sys.stderr)
        return 130
    except Exception as e:  # a defect of ours: one redacted line (a traceback may quote a key), and how to see more
        if env.get("OPENCLAW_AISA_DEBUG"):
            import traceback

            print(redact("".join(traceback.format_exception(e))), file=sys.stderr, end="")
        print(redact(f"{PROG}: internal error: {type(e).__name__}: {e}"), file=sys.stderr)
        print(f"{PROG}: this is a bug; please report it (OPENCLAW_AISA_DEBUG=1 shows where it happened)", file=sys.stderr)
        return 1


def _check_text(argv: Sequence[str]) -> None:
    """Bytes that are not UTF-8 reach argv as lone surrogates, which no request, file or message can carry."""
    from ..errors import UsageError

    for n, word in enumerate(argv, 1):
        try:
            word.encode("utf-8")
        except UnicodeEncodeError:
            raise UsageError(f"argument {n} holds bytes that are not UTF-8 text; retype it (or convert it with iconv -t UTF-8)") from None


def _version() -> str:
    from ..catalog import load_catalog

    return load_catalog().plugin.version
