"""The `openclaw-aisa` command: OpenClaw's verbs (onboard, models, config) for registered providers.

I/O lives here (files through store, the terminal, stdin); decisions are made by merge and keys.
Exit codes: 0 done, 1 failed, 2 bad usage or bad input.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

from . import keys, merge
from .adapters import journal, paths, store
from .adapters import openclaw_exe as openclaw_cli
from .errors import AisaError, ConflictError, UsageError
from .host import Host, load_host
from .schema import SUPPORTED, split_ref
from .types import AuthChoice, AuthRequest, Provider

PROG = "openclaw-aisa"
CONFLICT_RETRIES = 3


class Console:
    """Where output goes; `interactive` is true only with a terminal on stdin and no --non-interactive."""

    def __init__(self, out: TextIO, err: TextIO, stdin: TextIO, interactive: bool):
        self.out, self.err, self.stdin, self.interactive = out, err, stdin, interactive

    def say(self, text: str = "") -> None:
        print(text, file=self.out)

    def warn(self, text: str) -> None:
        print(f"warning: {text}", file=self.err)

    def ask(self, question: str) -> str:
        print(question, end=" ", file=self.err, flush=True)
        return self.stdin.readline().strip()

    def confirm(self, question: str) -> bool:
        return self.ask(f"{question} [y/N]").lower() in ("y", "yes")

    def secret(self, prompt: str) -> str:
        import getpass

        return getpass.getpass(f"{prompt}: ", stream=self.err)


class _Parser(argparse.ArgumentParser):
    """Usage errors in one line, as every other error: what is wrong, and where the help is."""

    def error(self, message: str):
        from .gateway import redact  # argparse repeats what it did not understand: a key pasted in the wrong place too

        self.exit(2, f"{self.prog}: error: {redact(message)}; see `{self.prog} --help`\n")


def build_parser(host: Host) -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description="Make AIsa and other registered providers usable in OpenClaw.")
    parser.add_argument("--version", action="version", version=f"{PROG} {_version()}")
    parser.add_argument("--profile", metavar="NAME", help="as OpenClaw's --profile: use ~/.openclaw-NAME")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    onboard = sub.add_parser("onboard", help="configure a provider in OpenClaw's config (and keep its key)")
    onboard.add_argument("--auth-choice", choices=sorted(host.auth_choices), help="which provider key to set up")
    for choice in host.auth_choices.values():
        onboard.add_argument(choice.cli_flag, metavar="KEY", dest=_dest(choice), help=f"{choice.label} ('-' reads one line from stdin)")
    onboard.add_argument("--non-interactive", action="store_true", help="never prompt; fail when something is missing")
    onboard.add_argument("--dry-run", action="store_true", help="show the diff of the config and .env; write nothing")
    onboard.add_argument("--primary", metavar="REF", help="make REF (e.g. aisa/kimi-k2.5) the primary model")
    onboard.add_argument("--base-url", metavar="URL", help="use this endpoint instead of the provider's")
    onboard.add_argument("--persist-key", action="store_true", help="save a key found in the environment to the state dir's .env")
    onboard.add_argument("--secret-input-mode", choices=("ref", "plaintext"), default="ref", help="ref (default): key in .env, referenced; plaintext: key inline in the config")
    onboard.add_argument("--refresh-models", action="store_true", help="rewrite catalogue models' metadata from the current catalogue")
    onboard.add_argument("--openclaw-version", metavar="V", help="write for this OpenClaw version (default: `openclaw --version`, else the config's meta)")
    onboard.add_argument("--no-plugin", action="store_true", help="do not install the native OpenClaw plugin")
    onboard.add_argument("--openclaw", metavar="PATH", help="the openclaw command (default: the one on PATH)")
    onboard.add_argument("--skip-validation", action="store_true", help="save the key without checking it against the provider first")
    onboard.add_argument("--require-valid-key", action="store_true", help="fail (write nothing) when the key cannot be checked, e.g. offline")
    onboard.add_argument("--json", action="store_true", help="print the result as JSON")

    detect = sub.add_parser("detect", help="show the provider keys found in the environment and .env (masked)")
    detect.add_argument("--json", action="store_true")

    models = sub.add_parser("models", help="list the catalogue or set the primary model").add_subparsers(dest="models_command", required=True, metavar="ACTION")
    listing = models.add_parser("list", help="the catalogue, and what is configured and primary")
    listing.add_argument("--provider", help="only this provider")
    listing.add_argument("--json", action="store_true")
    listing.add_argument("--live", action="store_true", help="what the provider serves now (GET /v1/models, cached for 6 h)")
    listing.add_argument("--refresh", action="store_true", help="with --live: fetch the list again even if the cache is fresh")
    listing.add_argument("--kind", choices=("chat", "image", "video", "audio", "embedding", "rerank", "other"), help="with --live: only models of this kind")
    setter = models.add_parser("set", help="make a configured model the primary")
    setter.add_argument("ref", metavar="REF", help="e.g. aisa/kimi-k2.5")
    adder = models.add_parser("add", help="add models the provider serves to the config (catalogue metadata, or stated defaults)")
    adder.add_argument("ids", nargs="+", metavar="ID", help="e.g. qwen-flash kimi-k2.6")
    adder.add_argument("--dry-run", action="store_true", help="show the diff; write nothing")
    adder.add_argument("--openclaw-version", metavar="V", help="write for this OpenClaw version")
    sync = models.add_parser("sync", help="compare the configured models with what the provider serves now")
    sync.add_argument("--apply", action="store_true", help="remove models no longer served and add curated ones newly served")
    sync.add_argument("--primary", metavar="REF", help="the primary model to use when the current one is no longer served")
    sync.add_argument("--dry-run", action="store_true", help="with --apply: show the diff; write nothing")
    sync.add_argument("--openclaw-version", metavar="V", help="write for this OpenClaw version")
    for p in (listing, adder, sync):
        p.add_argument("--base-url", metavar="URL", help="ask this endpoint (default: the config's baseUrl)")
        p.add_argument("--timeout", type=float, metavar="SECONDS", help="read timeout for the request")
    for p in (adder, sync):
        p.add_argument("--provider", help="which provider (default: the only one registered)")
        p.add_argument("--json", action="store_true")

    remove = sub.add_parser("remove", help="take out what onboarding added")
    remove.add_argument("--provider", help="which provider (default: the only one registered)")
    remove.add_argument("--primary", metavar="REF", help="the primary model to use instead of a removed one")
    remove.add_argument("--purge-key", action="store_true", help="also delete the key from the state dir's .env")
    remove.add_argument("--non-interactive", action="store_true")
    remove.add_argument("--dry-run", action="store_true")
    remove.add_argument("--no-plugin", action="store_true", help="leave the native OpenClaw plugin installed")
    remove.add_argument("--openclaw", metavar="PATH", help="the openclaw command (default: the one on PATH)")

    plugin = sub.add_parser("plugin", help="the native OpenClaw plugin, so OpenClaw's own commands know the provider").add_subparsers(dest="plugin_command", required=True, metavar="ACTION")
    install = plugin.add_parser("install", help="install (or upgrade) the plugin through OpenClaw's own CLI")
    status = plugin.add_parser("status", help="is it installed and loaded, and is it this package's version?")
    uninstall = plugin.add_parser("uninstall", help="uninstall it through OpenClaw, and clean up what that leaves")
    for p in (install, status, uninstall):
        p.add_argument("--openclaw", metavar="PATH", help="the openclaw command to use (default: the one on PATH)")
        p.add_argument("--provider", help="which provider (default: the only one registered)")
        p.add_argument("--json", action="store_true")
    install.add_argument("--base-url", metavar="URL", help="endpoint baked into the plugin's catalogue")
    uninstall.add_argument("--primary", metavar="REF", help="the primary model to use instead of a removed one")
    uninstall.add_argument("--non-interactive", action="store_true")

    chat = sub.add_parser("chat", help="one streamed turn with a model: the quickest proof that the key and the model work")
    chat.add_argument("-m", "--model", required=True, metavar="ID", help="e.g. kimi-k2.5 or aisa/kimi-k2.5")
    chat.add_argument("prompt", metavar="PROMPT", help="the message ('-' reads it from stdin)")
    chat.add_argument("--system", metavar="TEXT", help="a system message")
    chat.add_argument("--max-tokens", type=int, metavar="N", help="output budget (default: the catalogue's max output)")
    chat.add_argument("--provider", help="which provider (default: the only one registered)")
    chat.add_argument("--base-url", metavar="URL", help="use this endpoint (default: the config's baseUrl)")
    chat.add_argument("--timeout", type=float, metavar="SECONDS", help="read timeout (default 60)")
    chat.add_argument("--json", action="store_true", help="print the whole answer, usage and cost as JSON at the end")

    pricing = sub.add_parser("pricing", help="each model's price at AIsa against the vendor's and OpenRouter's, dated and sourced")
    pricing.add_argument("--model", nargs="+", metavar="ID", dest="models", help="only these models (default: the catalogue)")
    pricing.add_argument("--as-of", metavar="DATE", help="prices in force on DATE (YYYY-MM-DD; default: the latest known)")
    pricing.add_argument("--provider", help="which provider (default: the only one registered)")
    pricing.add_argument("--json", action="store_true")
    cost = sub.add_parser("cost", help="monthly and yearly cost of a token volume per seller, and the saving")
    cost.add_argument("--model", required=True, metavar="ID", help="e.g. qwen3-max")
    cost.add_argument("--tokens", required=True, metavar="N", help="tokens per month, e.g. 500M, 1.5B")
    cost.add_argument("--input-share", type=float, default=0.5, metavar="X", help="share of the tokens that are input (default 0.5)")
    cost.add_argument("--as-of", metavar="DATE", help="prices in force on DATE (YYYY-MM-DD; default: the latest known)")
    cost.add_argument("--provider", help="which provider (default: the only one registered)")
    cost.add_argument("--json", action="store_true")

    bench = sub.add_parser("bench", help="latency per model: time to first token, total time, output tokens/s (median and p90)")
    bench.add_argument("--models", nargs="+", metavar="ID", help="model ids (default: the configured chat models)")
    bench.add_argument("--runs", type=int, default=5, metavar="N", help="streamed requests per model (default 5)")
    bench.add_argument("--prompt", metavar="TEXT", help="the fixed prompt (default: a short one, the same for every model)")
    bench.add_argument("--max-tokens", type=int, default=256, metavar="N", help="output budget per request (default 256)")
    bench.add_argument("--provider", help="which provider (default: the only one registered)")
    bench.add_argument("--base-url", metavar="URL", help="measure this endpoint (default: the config's baseUrl)")
    bench.add_argument("--timeout", type=float, metavar="SECONDS", help="read timeout per request (default 60)")
    bench.add_argument("--csv", metavar="FILE", help="also write every request's figures to FILE")
    bench.add_argument("--chart", metavar="FILE", help="also write an HTML page with a bar chart of the medians (e.g. bench.html)")
    bench.add_argument("--json", action="store_true")

    doctor = sub.add_parser("doctor", help="check the provider's setup in OpenClaw (block, key, files, refs, the gateway) and repair what is safe")
    doctor.add_argument("--fix", action="store_true", help="repair what is safe (a .bak of the config is kept)")
    doctor.add_argument("--offline", action="store_true", help="skip the checks that ask the provider (key valid, models served)")
    doctor.add_argument("--provider", help="which provider (default: the only one registered)")
    doctor.add_argument("--openclaw-version", metavar="V", help="judge the config for this OpenClaw version (default: `openclaw --version`)")
    doctor.add_argument("--openclaw", metavar="PATH", help="the openclaw command (default: the one on PATH)")
    doctor.add_argument("--timeout", type=float, metavar="SECONDS", help="read timeout for the online checks")
    doctor.add_argument("--json", action="store_true")

    config = sub.add_parser("config", help="OpenClaw config file").add_subparsers(dest="config_command", required=True, metavar="ACTION")
    config.add_parser("path", help="print the config file OpenClaw uses")
    return parser


def main(argv: Sequence[str] | None = None, env: Mapping[str, str] | None = None) -> int:
    env = os.environ if env is None else env
    try:
        host = load_host(env=env)
        try:
            args = build_parser(host).parse_args(argv)
        except SystemExit as e:  # --help, --version, or a usage error already printed by argparse
            return e.code if isinstance(e.code, int) else 2
        interactive = sys.stdin.isatty() and not getattr(args, "non_interactive", False)
        console = Console(sys.stdout, sys.stderr, sys.stdin, interactive)
        return COMMANDS[_command(args)](args, host, env, console)
    except AisaError as e:
        print(f"{PROG}: error: {e}", file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted; nothing more was written", file=sys.stderr)
        return 130


def _command(args: argparse.Namespace) -> str:
    parts = (args.command, getattr(args, "models_command", None), getattr(args, "plugin_command", None), getattr(args, "config_command", None))
    return " ".join(filter(None, parts))


def _dest(choice: AuthChoice) -> str:
    return "key_" + choice.id.replace("-", "_")


def _version() -> str:
    from .catalog import load_catalog

    return load_catalog().plugin.version


# --- onboard ---------------------------------------------------------------------------------


def cmd_onboard(args: argparse.Namespace, host: Host, env: Mapping[str, str], console: Console) -> int:
    choice = _pick_choice(args, host, console)
    provider = host.providers[choice.provider]
    base_url = _check_base_url(args.base_url) if args.base_url else None
    loc = paths.locate(env, args.profile)
    dotenv_raw = store.read_bytes(loc.dotenv)
    dotenv_text = (dotenv_raw or b"").decode("utf-8", "replace")
    dotenv = keys.parse_dotenv(dotenv_text)
    key = _resolve_key(args, choice, env, dotenv, console)
    warnings = _key_warnings(choice, key, env, dotenv, loc)

    first = _read_config(loc)
    command = openclaw_cli.find(env, args.openclaw)
    target, target_source = openclaw_cli.target_version(args.openclaw_version, first.data, env, command)
    request = AuthRequest(key=key.value, key_source=key.source, base_url=base_url, secret_mode=args.secret_input_mode, openclaw_version=target)
    result = host.run_auth_choice(choice, request)
    options = merge.Options(
        primary=args.primary,
        base_url=base_url,
        replace_key=key.typed or args.secret_input_mode == "plaintext",
        refresh_models=args.refresh_models,
        openclaw_version=target,
    )

    persist = args.secret_input_mode == "ref" and (key.typed or (key.source == "environment" and _persist_env_key(args, loc, console)))
    new_dotenv = keys.set_dotenv(dotenv_text, choice.env_var, key.value) if persist else dotenv_text
    if args.secret_input_mode == "plaintext":
        warnings.append(f"the key is stored in plain text in the config; the default (--secret-input-mode ref) keeps it in {loc.dotenv} (0600)")
    elif key.source == "environment" and not persist:
        warnings.append(
            f"the key stays only in your environment: OpenClaw's Gateway service sees a key only in its own environment "
            f"or in {loc.dotenv}; run again with --persist-key to save it there"
        )

    def plan() -> tuple[store.Snapshot, merge.Merged]:
        snapshot = _read_config(loc)
        return snapshot, merge.apply_auth(snapshot.data, provider, result, options)

    snapshot, merged = first, merge.apply_auth(first.data, provider, result, options)
    if args.dry_run:
        secrets = _secrets(provider, env, dotenv, snapshot.data, key.value)
        return _report_dry_run(args, console, loc, snapshot, merged, dotenv_text, new_dotenv, secrets, warnings)
    verified = _verify_key(args, provider, merged.config, key, env)
    if verified.get("warning"):
        warnings.append(verified["warning"])
    if args.refresh_models and console.interactive and any("refreshed" in c.summary for c in merged.changes):
        for change in merged.changes:
            if change.summary:
                console.say(f"  ~ {change.summary}")
        if not console.confirm("Apply these changes?"):
            console.say("Nothing written.")
            return 1

    if merged.config != snapshot.data:
        store.check_writable(snapshot.path, env)  # before the .env, so a refusal leaves both files alone
    dotenv_written = False
    if new_dotenv != dotenv_text:
        store.secure_dir(loc.state_dir)
        store.replace_file(loc.dotenv, new_dotenv.encode(), expect=dotenv_raw)
        dotenv_written = True
    if snapshot.json5 and merged.config != snapshot.data:
        warnings.append(f"{snapshot.path.name} used JSON5 (comments or trailing commas); it is now plain JSON as OpenClaw writes it, and the comments are gone: the old file is {snapshot.path.name}.bak")
    try:
        snapshot, merged, written = _write_with_retry(loc, plan, env, snapshot, merged)
    except AisaError:
        if dotenv_written:  # the key goes with the config that references it, or not at all
            _put_back(loc.dotenv, dotenv_raw, new_dotenv.encode())
        raise
    if written:
        failed = _journal(loc, provider.id, add=merged.created)
        if failed:
            warnings.append(f"the config is written, but {failed}; `openclaw-aisa remove` will then keep what this run added")
    plugin = _onboard_plugin(args, host, provider, command, env, loc, base_url)

    stored = "config (plain text)" if args.secret_input_mode == "plaintext" else (str(loc.dotenv) if persist or key.source == ".env" else "environment only")
    report = {
        "config": str(loc.config),
        "provider": provider.id,
        "dry_run": False,
        "written": {"config": written, "dotenv": dotenv_written},
        "changes": [{"path": c.path, "summary": c.summary} for c in merged.changes if c.summary],
        "notes": list(merged.notes),
        "warnings": warnings,
        "primary": merge.current_primary(merged.config),
        "openclaw_version": {"version": target, "source": target_source},
        "key": {"source": key.source, "masked": key.masked, "stored": stored, "env_var": choice.env_var, "verified": verified["verified"], "models_visible": verified["models"]},
        "plugin": plugin,
    }
    if args.json:
        console.say(json.dumps(report, indent=2))
        return 0
    for w in warnings:
        console.warn(w)
    if written:
        console.say(f"{provider.label} configured in {loc.config}")
        for change in report["changes"]:
            console.say(f"  + {change['summary']}")
    else:
        console.say(f"{provider.label} was already configured in {loc.config}: nothing to change")
    for note in merged.notes:
        console.say(f"  note: {note}")
    where = {"environment only": "kept in your environment only"}.get(stored, f"saved in {stored}")
    console.say(f"Key {key.masked} (from {key.source}) {where}; the config {'holds it inline' if args.secret_input_mode == 'plaintext' else f'reads it from {choice.env_var}'}.")
    if verified["verified"]:
        console.say(f"Key verified: {provider.label} accepts it and lists {verified['models']} models for it.")
    console.say(f"Primary model: {report['primary']}")
    if target:
        console.say(f"Written for OpenClaw {target} (from {target_source})")
    else:
        console.say(f"Written with keys every supported OpenClaw accepts ({', '.join(SUPPORTED)}): {target_source}; --openclaw-version V targets one")
    console.say(plugin["summary"])
    example = next((m.id for m in provider.models if "thinking" in m.tags), provider.default_model)
    console.say(f"Next: openclaw models list --provider {provider.id}   (in OpenClaw's TUI: /model {provider.ref(example)})")
    return 0


def _put_back(path: Path, old: bytes | None, ours: bytes) -> None:
    """Undo our write of `path` (`old` None: it did not exist); a file changed since by someone else stays theirs."""
    try:
        if old is not None:
            store.replace_file(path, old, expect=ours)
        elif store.read_bytes(path) == ours:
            path.unlink()
    except (AisaError, OSError):
        pass


def _onboard_plugin(args, host: Host, provider: Provider, command: Path | None, env: Mapping[str, str], loc: paths.Location, base_url: str | None) -> dict[str, Any]:
    """Install the native plugin when an openclaw command is at hand, so OpenClaw's own commands work too."""
    if args.no_plugin:
        return {"installed": False, "summary": "Native OpenClaw plugin: skipped (--no-plugin); add it later with `openclaw-aisa plugin install`"}
    version = openclaw_cli.version(command, env) if command else None
    if command is None or version is None:
        return {"installed": False, "summary": "Native OpenClaw plugin: no openclaw command found; once OpenClaw is installed run `openclaw-aisa plugin install` (or `--openclaw PATH`)"}
    report = install_bundle(host, provider, command, version, env, loc, base_url)
    report.update(installed=True, summary=f"Native OpenClaw plugin: OpenClaw {version} seen at {command}; installed {provider.id} {report['plugin_version']} ({report['status']})")
    return report


def _verify_key(args: argparse.Namespace, provider: Provider, config: dict[str, Any], key: keys.Key, env: Mapping[str, str]) -> dict[str, Any]:
    """Check the key against the endpoint the config will use, before anything is written."""
    if args.skip_validation:
        return {"verified": None, "models": None, "warning": ""}
    from . import online

    if online.offline(env):
        if args.require_valid_key:
            raise UsageError(f"--require-valid-key needs the network, but {online.OFFLINE_ENV} is set; nothing was written")
        return {"verified": None, "models": None, "warning": f"key not verified ({online.OFFLINE_ENV} is set); check it later with `{PROG} doctor`"}
    return online.verify_key(provider, online.endpoint(provider, config), key, required=args.require_valid_key)


def _pick_choice(args: argparse.Namespace, host: Host, console: Console) -> AuthChoice:
    if args.auth_choice:
        return host.auth_choices[args.auth_choice]
    given = [c for c in host.auth_choices.values() if getattr(args, _dest(c), None)]
    if len(given) == 1:
        return given[0]
    candidates = given or list(host.auth_choices.values())
    if len(candidates) == 1:
        return candidates[0]
    names = ", ".join(c.id for c in candidates)
    if console.interactive:
        answer = console.ask(f"Which provider? ({names})")
        if answer in host.auth_choices:
            return host.auth_choices[answer]
    raise UsageError(f"several auth choices are available ({names}); pass --auth-choice ID")


def _resolve_key(args: argparse.Namespace, choice: AuthChoice, env: Mapping[str, str], dotenv: Mapping[str, str], console: Console) -> keys.Key:
    """First wins: the flag (or '-' for stdin), the environment, the state dir's .env, a hidden prompt."""
    flag = getattr(args, _dest(choice), None)
    what = choice.label
    if flag == "-":
        return keys.Key(keys.clean(console.stdin.readline(), what), "stdin")
    if flag is not None:
        return keys.Key(keys.clean(flag, what), "flag")
    if env.get(choice.env_var, "").strip():
        return keys.Key(keys.clean(env[choice.env_var], f"{what} in ${choice.env_var}"), "environment")
    if dotenv.get(choice.env_var, "").strip():
        return keys.Key(keys.clean(dotenv[choice.env_var], f"{what} in .env"), ".env")
    if console.interactive:
        where = f" (get one at {choice.key_url})" if choice.key_url else ""
        return keys.Key(keys.clean(console.secret((choice.prompt or f"Enter {what}") + where), what), "prompt")
    raise UsageError(f"no {what} given: pass {choice.cli_flag} KEY ('-' reads it from stdin) or export {choice.env_var}")


def _key_warnings(choice: AuthChoice, key: keys.Key, env: Mapping[str, str], dotenv: Mapping[str, str], loc: paths.Location) -> list[str]:
    """Say which key OpenClaw will really use when the environment and the .env disagree."""
    in_env, in_file = env.get(choice.env_var, "").strip(), dotenv.get(choice.env_var, "").strip()
    out = []
    if key.typed and in_env and in_env != key.value:
        out.append(
            f"your environment exports a different {choice.env_var} ({keys.mask(in_env)}); OpenClaw started from this shell "
            f"uses that one, not the key saved now: unset it or update it"
        )
    elif in_env and in_file and in_env != in_file:
        out.append(
            f"{choice.env_var} differs between your environment ({keys.mask(in_env)}) and {loc.dotenv} ({keys.mask(in_file)}): "
            f"OpenClaw uses the environment's where it is set, the .env one elsewhere (e.g. the Gateway service)"
        )
    return out


def _persist_env_key(args: argparse.Namespace, loc: paths.Location, console: Console) -> bool:
    if args.persist_key:
        return True
    return console.interactive and console.confirm(f"Save the key to {loc.dotenv} (0600) so OpenClaw's Gateway service sees it too?")


def _check_base_url(url: str) -> str:
    from .gateway import check_base_url  # only when --base-url is given: gateway's imports cost time

    return check_base_url(url)


def _read_config(loc: paths.Location) -> store.Snapshot:
    snapshot = store.read_config(loc.config)
    _refuse_root_include(snapshot, loc.config)
    return snapshot


def _refuse_root_include(snapshot: store.Snapshot, path: Path) -> None:
    """A top-level `$include` is fine unless what it includes holds `models` or `agents` (which we edit)."""
    include = snapshot.data.get("$include")
    if include is None:
        return
    for name in include if isinstance(include, list) else [include]:
        target = path.parent / str(name)
        raw = store.read_bytes(target)
        data = store.parse(raw, target)[0] if raw else {}
        touched = sorted(set(data) & {"models", "agents", "$include"})
        if touched:
            raise UsageError(
                f"{path}: {', '.join(touched)} come(s) from $include {name}: openclaw-aisa does not edit included files; "
                "add the block there by hand (openclaw-aisa onboard --dry-run shows it)"
            )


Plan = Callable[[], tuple[store.Snapshot, merge.Merged]]


def _write_with_retry(
    loc: paths.Location, plan: Plan, env: Mapping[str, str], snapshot: store.Snapshot, merged: merge.Merged
) -> tuple[store.Snapshot, merge.Merged, bool]:
    """Write; when another writer got there first, re-read and merge again (the merge is pure).

    The first try holds the lock only for the write; a retry holds it from the read on, so writers
    that honour the lock (ours, OpenClaw 5.28+) cannot get in between again."""
    def write() -> tuple[store.Snapshot, merge.Merged, bool]:
        if merged.config != snapshot.data and snapshot.target.parent == loc.state_dir.resolve():
            store.secure_dir(loc.state_dir)
        return snapshot, merged, store.write_config(snapshot, merged.config, env)

    for attempt in range(CONFLICT_RETRIES + 1):
        try:
            if attempt == 0:
                return write()
            with store.locked(snapshot.target):
                snapshot, merged = plan()
                return write()
        except ConflictError:
            if attempt == CONFLICT_RETRIES:
                raise
    raise AssertionError("unreachable")


def _journal(loc: paths.Location, provider: str, add: Iterable[str] = (), forget: bool = False) -> str | None:
    """Record what onboarding created; a failure is worth a warning, not the command: the config is written."""
    try:
        journal.update(loc.config, provider, add, forget=forget)
    except AisaError as e:
        return f"its record of what onboarding added was not saved ({e})"
    return None


def _report_dry_run(args, console, loc, snapshot, merged, old_env: str, new_env: str, secrets: list[str], warnings) -> int:
    diff = _plan_diff(loc, snapshot, merged, old_env, new_env, secrets)
    if args.json:
        console.say(json.dumps({
            "config": str(loc.config), "dry_run": True, "diff": diff, "warnings": warnings, "notes": list(merged.notes),
            "changes": [{"path": c.path, "summary": c.summary} for c in merged.changes if c.summary],
        }, indent=2))
        return 0
    for w in warnings:
        console.warn(w)
    console.say(diff.rstrip("\n") if diff else "No changes.")
    for note in merged.notes:
        console.say(f"note: {note}")
    console.say("(dry run: nothing written)")
    return 0


def _plan_diff(loc: paths.Location, snapshot: store.Snapshot, merged: merge.Merged, old_env: str, new_env: str, secrets: list[str]) -> str:
    """The unified diff of the config and the .env that a write would make, every secret masked."""
    old = (snapshot.raw or b"").decode("utf-8", "replace")
    new = old if merged.config == snapshot.data else store.render(merged.config).decode()
    diff = _diff(old, new, str(loc.config)) + _diff(old_env, new_env, str(loc.dotenv))
    for secret in sorted(secrets, key=len, reverse=True):
        diff = diff.replace(secret, keys.mask(secret))
    return diff


def _secrets(provider: Provider, env: Mapping[str, str], dotenv: Mapping[str, str], config: dict[str, Any], *extra: str) -> list[str]:
    """Every key value that could show up in a diff: given now, in the environment, the .env, or inline."""
    found = [*extra]
    for var in provider.env_vars:
        found += [env.get(var, "").strip(), dotenv.get(var, "").strip()]
    inline = merge.dig(config, "models", "providers", provider.id, "apiKey")
    if isinstance(inline, str) and not inline.startswith("${"):
        found.append(inline)
    return [s for s in found if len(s) >= 8]


def _diff(old: str, new: str, name: str) -> str:
    import difflib

    return "".join(difflib.unified_diff(old.splitlines(True), new.splitlines(True), f"{name} (now)", f"{name} (after)"))


# --- detect, models, config --------------------------------------------------------------------


def cmd_detect(args: argparse.Namespace, host: Host, env: Mapping[str, str], console: Console) -> int:
    loc = paths.locate(env, args.profile)
    dotenv = keys.parse_dotenv((store.read_bytes(loc.dotenv) or b"").decode("utf-8", "replace"))
    found = host.detect(env, dotenv)
    rows = []
    for provider in host.providers.values():
        creds = [c for c in found if c.provider == provider.id]
        used = next((c for c in creds if c.source == "environment"), creds[0] if creds else None)
        rows.append({
            "provider": provider.id,
            "label": provider.label,
            "credentials": [
                {"env_var": c.env_var, "source": c.source, "masked": keys.mask(c.value), "used_by_openclaw": c is used}
                for c in creds
            ],
        })
    if args.json:
        console.say(json.dumps({"dotenv": str(loc.dotenv), "providers": rows}, indent=2))
        return 0
    for row in rows:
        if not row["credentials"]:
            var = host.providers[row["provider"]].env_vars[0] if host.providers[row["provider"]].env_vars else "its key"
            console.say(f"{row['provider']} ({row['label']}): no key found (export {var} or run `{PROG} onboard`)")
            continue
        console.say(f"{row['provider']} ({row['label']}):")
        for c in row["credentials"]:
            where = "environment" if c["source"] == "environment" else str(loc.dotenv)
            console.say(f"  {c['env_var']} in {where}: {c['masked']}{'   <- OpenClaw uses this one' if c['used_by_openclaw'] and len(row['credentials']) > 1 else ''}")
    return 0


def cmd_models_list(args: argparse.Namespace, host: Host, env: Mapping[str, str], console: Console) -> int:
    if args.live:
        return _online("cmd_models_live")(args, host, env, console)
    if args.refresh or args.kind or args.base_url:
        raise UsageError("--refresh, --kind and --base-url go with --live")
    loc = paths.locate(env, args.profile)
    config = _read_config(loc).data
    primary = merge.current_primary(config)
    providers = [host.providers[args.provider]] if args.provider in host.providers else list(host.providers.values())
    if args.provider and args.provider not in host.providers:
        raise UsageError(f"unknown provider {args.provider!r}; registered: {', '.join(host.providers)}")
    rows = []
    for provider in providers:
        configured = merge.configured_ids(config, provider.id)
        for m in provider.models:
            price = m.price(provider.id)
            rows.append({
                "ref": provider.ref(m.id), "provider": provider.id, "id": m.id, "name": m.name,
                "context_window": m.context_window.value, "max_tokens": m.max_tokens.value,
                "input": list(m.input), "reasoning": m.reasoning, "tags": list(m.tags),
                "price": None if price is None else {"input": price.input, "output": price.output, "as_of": price.as_of.isoformat(), "source": price.source},
                "curated": True, "configured": m.id in configured, "primary": provider.ref(m.id) == primary,
            })
        for extra in [i for i in configured if provider.model(i) is None]:
            rows.append({"ref": provider.ref(extra), "provider": provider.id, "id": extra, "curated": False, "configured": True, "primary": provider.ref(extra) == primary})
    if args.json:
        console.say(json.dumps({"config": str(loc.config), "primary": primary, "models": rows}, indent=2))
        return 0
    console.say(f"{'MODEL':30} {'CONTEXT':>9} {'MAX OUT':>8} {'$/1M IN':>8} {'$/1M OUT':>9}  STATUS")
    for r in rows:
        status = ", ".join(s for s in ("primary" if r["primary"] else "", "configured" if r["configured"] else "not configured", "" if r["curated"] else "not in catalogue", *(t for t in r.get("tags", []) if t == "translation")) if s)
        if r["curated"]:
            price = r["price"] or {"input": "-", "output": "-"}
            console.say(f"{r['ref']:30} {r['context_window']:>9,} {r['max_tokens']:>8,} {price['input']:>8} {price['output']:>9}  {status}")
        else:
            console.say(f"{r['ref']:30} {'?':>9} {'?':>8} {'?':>8} {'?':>9}  {status}")
    dates = sorted({r["price"]["as_of"] for r in rows if r.get("price")})
    if dates:
        console.say(f"Prices in USD per 1M tokens, as of {dates[0]}" + (f" to {dates[-1]}" if len(dates) > 1 else "") + "; live figures: " + ", ".join(filter(None, {p.models_url or p.console_url for p in providers})))
    return 0


def cmd_models_set(args: argparse.Namespace, host: Host, env: Mapping[str, str], console: Console) -> int:
    pid, _ = split_ref(args.ref)
    if pid not in host.providers:
        raise UsageError(f"{args.ref!r} is not a ref of a registered provider ({', '.join(host.providers)}); write it as PROVIDER/MODEL, e.g. aisa/kimi-k2.5")
    provider = host.providers[pid]
    loc = paths.locate(env, args.profile)

    def plan() -> tuple[store.Snapshot, merge.Merged]:
        snapshot = _read_config(loc)
        return snapshot, merge.set_primary(snapshot.data, provider, args.ref)

    snapshot, merged = plan()
    snapshot, merged, written = _write_with_retry(loc, plan, env, snapshot, merged)
    for change in merged.changes:
        if change.summary:
            console.say(f"  + {change.summary}")
    console.say(f"Primary model: {args.ref}" + ("" if written else " (already)"))
    return 0


def cmd_remove(args: argparse.Namespace, host: Host, env: Mapping[str, str], console: Console) -> int:
    provider = _pick_provider(args.provider, host)
    loc = paths.locate(env, args.profile)
    created = journal.created(loc.config, provider.id)
    primary = args.primary
    snapshot = _read_config(loc)
    current = merge.current_primary(snapshot.data)
    needs_choice = current and current.startswith(f"{provider.id}/") and not primary and "agents.defaults.model.primary" not in created
    if needs_choice and console.interactive:
        primary = console.ask(f"The primary model is {current}. Which model should replace it (PROVIDER/MODEL)?") or None

    def plan() -> tuple[store.Snapshot, merge.Merged]:
        snapshot = _read_config(loc)
        return snapshot, merge.remove_provider(snapshot.data, provider, primary=primary, created=created)

    snapshot, merged = plan()
    dotenv_raw = store.read_bytes(loc.dotenv)
    dotenv_text = (dotenv_raw or b"").decode("utf-8", "replace")
    new_dotenv = dotenv_text
    if args.purge_key:
        for var in provider.env_vars:
            new_dotenv = keys.set_dotenv(new_dotenv, var, None)
    if args.dry_run:
        diff = _plan_diff(loc, snapshot, merged, dotenv_text, new_dotenv, _secrets(provider, env, keys.parse_dotenv(dotenv_text), snapshot.data))
        console.say(diff.rstrip("\n") if diff else "No changes.")
        console.say("(dry run: nothing written)")
        return 0
    snapshot, merged, written = _write_with_retry(loc, plan, env, snapshot, merged)
    if new_dotenv != dotenv_text:
        store.replace_file(loc.dotenv, new_dotenv.encode(), expect=dotenv_raw)
        console.say(f"  - removed {', '.join(provider.env_vars)} from {loc.dotenv}")
    failed = _journal(loc, provider.id, forget=True)
    if failed:
        console.warn(f"{provider.id} is removed, but {failed}")
    for change in merged.changes:
        if change.summary:
            console.say(f"  - {change.summary}")
    command = None if args.no_plugin else openclaw_cli.find(env, args.openclaw)
    if command is not None:
        for line in uninstall_native(provider, command, loc, env)["done"]:
            console.say(f"  - {line}")
    console.say(f"{provider.label} removed from {loc.config}" if written else f"{provider.label} was not configured in {loc.config}")
    return 0


def _pick_provider(wanted: str | None, host: Host) -> Provider:
    if wanted:
        if wanted not in host.providers:
            raise UsageError(f"unknown provider {wanted!r}; registered: {', '.join(host.providers)}")
        return host.providers[wanted]
    if len(host.providers) == 1:
        return next(iter(host.providers.values()))
    raise UsageError(f"several providers are registered ({', '.join(host.providers)}); pass --provider ID")


# --- the native plugin ------------------------------------------------------------------------


def _openclaw(args: argparse.Namespace, env: Mapping[str, str]) -> tuple[Path, str]:
    command = openclaw_cli.find(env, getattr(args, "openclaw", None))
    if command is None:
        raise UsageError("no openclaw command on PATH; pass --openclaw PATH (the openclaw you run), or install OpenClaw first")
    version = openclaw_cli.version(command, env)
    if version is None:
        raise AisaError(f"{command} --version printed no version; is it OpenClaw, with Node 24 on PATH?")
    return command, version


def install_bundle(host: Host, provider: Provider, command: Path, version: str, env: Mapping[str, str], loc: paths.Location, base_url: str | None = None) -> dict[str, Any]:
    """Write the bundle to a private temp dir and install it with OpenClaw's own CLI; what happened.

    Versions without `plugins install --force` (3.31) refuse to install over an existing plugin:
    there the old one is uninstalled first, through OpenClaw, with the directory it leaves behind.
    """
    import shutil
    import tempfile

    from .adapters import bundle as native

    choices = [c for c in host.auth_choices.values() if c.provider == provider.id]
    flags = openclaw_cli.supported_flags(command, env, "plugins", "install")
    if "--force" not in flags and openclaw_cli.plugin_entry(command, provider.id, env):
        _uninstall_plugin(provider, command, loc, env)
    work = Path(tempfile.mkdtemp(prefix="openclaw-aisa-bundle-"))  # 0700
    try:
        bundle = native.write_bundle(work / provider.id, provider, choices, _version(), base_url=base_url, openclaw_version=version)
        used = openclaw_cli.install_plugin(command, bundle, env, flags)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    entry = openclaw_cli.plugin_entry(command, provider.id, env) or {}
    return {"openclaw": str(command), "openclaw_version": version, "plugin": provider.id, "plugin_version": _version(),
            "command": "openclaw " + " ".join(a if not a.startswith(str(work)) else "<bundle>" for a in used),
            "enabled": entry.get("enabled"), "status": entry.get("status")}


def cmd_plugin_install(args: argparse.Namespace, host: Host, env: Mapping[str, str], console: Console) -> int:
    provider = _pick_provider(args.provider, host)
    command, version = _openclaw(args, env)
    base_url = _check_base_url(args.base_url) if args.base_url else None
    report = install_bundle(host, provider, command, version, env, paths.locate(env, args.profile), base_url)
    if report["status"] != "loaded":
        raise AisaError(f"OpenClaw {version} installed the {provider.id} plugin but reports it {report['status'] or 'missing'}; see `openclaw plugins list`")
    if args.json:
        console.say(json.dumps(report, indent=2))
    else:
        console.say(f"OpenClaw {version} ({command}): installed the {provider.id} plugin {report['plugin_version']} with `{report['command']}`; it is {report['status']}.")
        console.say(f"OpenClaw's own `openclaw onboard --auth-choice {next(iter(c.id for c in host.auth_choices.values() if c.provider == provider.id), '')}` now knows {provider.label}.")
    return 0


def cmd_plugin_status(args: argparse.Namespace, host: Host, env: Mapping[str, str], console: Console) -> int:
    provider = _pick_provider(args.provider, host)
    command, version = _openclaw(args, env)
    entry = openclaw_cli.plugin_entry(command, provider.id, env)
    report = {
        "openclaw": str(command), "openclaw_version": version, "plugin": provider.id,
        "installed": entry is not None, "enabled": (entry or {}).get("enabled"), "status": (entry or {}).get("status"),
        "installed_version": (entry or {}).get("version"), "package_version": _version(),
    }
    report["current"] = report["installed_version"] == report["package_version"]
    if args.json:
        console.say(json.dumps(report, indent=2))
        return 0
    if entry is None:
        console.say(f"OpenClaw {version}: the {provider.id} plugin is not installed (openclaw-aisa plugin install)")
        return 0
    upgrade = "" if report["current"] else f"; this package has {report['package_version']}: run `openclaw-aisa plugin install` to upgrade"
    console.say(f"OpenClaw {version}: {provider.id} plugin {report['installed_version']}, {'enabled' if report['enabled'] else 'disabled'}, {report['status']}{upgrade}")
    return 0


def cmd_plugin_uninstall(args: argparse.Namespace, host: Host, env: Mapping[str, str], console: Console) -> int:
    provider = _pick_provider(args.provider, host)
    command, version = _openclaw(args, env)
    loc = paths.locate(env, args.profile)
    snapshot = _read_config(loc)
    block = merge.dig(snapshot.data, "models", "providers", provider.id)
    keeps_working = isinstance(block, dict) and "apiKey" in block  # our onboarding's block needs no plugin
    primary = args.primary
    current = merge.current_primary(snapshot.data)
    if not keeps_working and current and current.startswith(f"{provider.id}/") and not primary:
        if not console.interactive:
            raise UsageError(f"the primary model is {current}, which needs the plugin; say what replaces it with --primary PROVIDER/MODEL")
        primary = console.ask(f"The primary model is {current}. Which model should replace it (PROVIDER/MODEL)?") or None
    report = uninstall_native(provider, command, loc, env)
    if keeps_working:
        report["done"].append(f"{provider.label} stays configured in {loc.config} (openclaw-aisa onboard); `openclaw-aisa remove` takes it out")
    else:

        def plan() -> tuple[store.Snapshot, merge.Merged]:
            snapshot = _read_config(loc)
            return snapshot, merge.remove_provider(snapshot.data, provider, primary=primary)

        first, merged = plan()
        _, merged, _ = _write_with_retry(loc, plan, env, first, merged)
        report["done"] += [c.summary for c in merged.changes if c.summary]
    if args.json:
        console.say(json.dumps(report, indent=2))
    else:
        for line in report["done"]:
            console.say(f"  - {line}")
        console.say(f"OpenClaw {version}: the {provider.id} plugin is uninstalled")
    return 0


def uninstall_native(provider: Provider, command: Path, loc: paths.Location, env: Mapping[str, str]) -> dict[str, Any]:
    """OpenClaw's own uninstall, then what it leaves: 3.31 keeps `extensions/<id>/` (and still loads it);
    auth profiles go through `openclaw models auth logout` where that exists (9.x), never by editing its store."""
    done = _uninstall_plugin(provider, command, loc, env)
    auth = store.read_config(loc.config).data.get("auth")
    profiles = [p for p in ((auth or {}).get("profiles") or {}) if p.startswith(f"{provider.id}:")] if isinstance(auth, dict) else []
    if profiles:
        if "logout" in _subcommands(command, env):
            for profile in profiles:
                gone = openclaw_cli.run(command, "models", "auth", "logout", profile, "--yes", env=env)
                done.append(f"openclaw models auth logout {profile}" + ("" if gone.returncode == 0 else f" failed (exit {gone.returncode})"))
        else:
            done.append(f"auth profile(s) {', '.join(profiles)} kept: this OpenClaw has no command to remove them, and its store is not ours to edit")
    return {"plugin": provider.id, "done": done}


def _uninstall_plugin(provider: Provider, command: Path, loc: paths.Location, env: Mapping[str, str]) -> list[str]:
    """`openclaw plugins uninstall`, then the `extensions/<id>/` that 3.31 leaves behind (and would still load)."""
    import shutil

    done = []
    if openclaw_cli.uninstall_plugin(command, provider.id, env).returncode == 0:
        done.append(f"openclaw plugins uninstall {provider.id}")
    leftover = loc.state_dir / "extensions" / provider.id
    if leftover.is_dir():
        shutil.rmtree(leftover)
        done.append(f"removed {leftover} (this OpenClaw leaves it behind and would still load it)")
    return done


def _subcommands(command: Path, env: Mapping[str, str]) -> set[str]:
    import re

    text = openclaw_cli.run(command, "models", "auth", "--help", env=env, timeout=60).stdout
    return set(re.findall(r"^\s{2}([a-z][a-z-]+)\b", text, re.M))


# --- pricing and cost ---------------------------------------------------------------------------


def _date(text: str | None):
    import datetime as dt

    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--as-of {text!r} is not a date; write YYYY-MM-DD, e.g. 2026-02-01") from None


def _catalogue_model(provider: Provider, wanted: str):
    model_id = split_ref(wanted)[1] if wanted.startswith(f"{provider.id}/") else wanted
    model = provider.model(model_id)
    if model is None:
        import difflib

        close = difflib.get_close_matches(model_id, [m.id for m in provider.models], n=3, cutoff=0.4)
        hint = f"did you mean {', '.join(close)}?" if close else f"known: {', '.join(m.id for m in provider.models)}"
        raise UsageError(f"{wanted!r} has no prices in the catalogue; {hint}")
    return model


def _stale_note(provider: Provider) -> str:
    from .pricing import STALE_AFTER_DAYS

    where = " and ".join(filter(None, (provider.models_url, provider.console_url)))
    return f"! older than {STALE_AFTER_DAYS} days: check {where} for {provider.label}, the vendor's price page for the others"


def _money(low: float, high: float | None, digits: int | None = None) -> str:
    """A price (as precise as quoted, at least 2 decimals) or an amount (`digits`), or a low-high range."""
    def fmt(x: float) -> str:
        if digits is not None:
            return f"{x:,.{digits}f}"
        text = f"{x:.4f}".rstrip("0")
        return text + "0" * max(0, 2 - len(text.split(".")[1]))

    return fmt(low) if high is None or fmt(high) == fmt(low) else f"{fmt(low)}-{fmt(high)}"


def cmd_pricing(args: argparse.Namespace, host: Host, env: Mapping[str, str], console: Console) -> int:
    import datetime as dt

    from . import pricing

    provider = _pick_provider(args.provider, host)
    as_of, today = _date(args.as_of), dt.date.today()
    models = [_catalogue_model(provider, m) for m in args.models] if args.models else [m for m in provider.models if m.prices]
    report = {"as_of": args.as_of, "today": today.isoformat(), "stale_after_days": pricing.STALE_AFTER_DAYS,
              "check": [u for u in (provider.models_url, provider.console_url) if u], "models": []}
    for model in models:
        quotes = pricing.quotes(provider, model, as_of, today)
        ours = next((q for q in quotes if q.seller == provider.id), None)
        rows = []
        for q in quotes:
            save = None
            if ours and q is not ours:
                save = {"input": pricing.saving(ours.base.input, q.base.input), "output": pricing.saving(ours.base.output, q.base.output)}
            rows.append({
                "seller": q.seller, "name": q.name, "as_of": q.base.as_of.isoformat(), "source": q.base.source, "stale": q.stale,
                "tiers": [{"max_input_tokens": t.max_input_tokens, "input": t.input, "output": t.output, "cache_read": t.cache_read,
                           "input_high": t.input_high, "output_high": t.output_high} for t in q.tiers],
                f"{provider.id}_saves_percent": save,
            })
        report["models"].append({"ref": provider.ref(model.id), "name": model.name, "quotes": rows})
    if args.json:
        console.say(json.dumps(report, indent=2))
        return 0
    when = f"in force on {as_of}" if as_of else "latest known"
    console.say(f"Prices in USD per 1M tokens ({when}); {provider.label}'s saving against each seller, input / output")
    stale = False
    for m in report["models"]:
        console.say(f"\n{m['ref']} ({m['name']})")
        console.say(f"  {'SELLER':22} {'INPUT':>11} {'OUTPUT':>12} {'CACHE':>6}  {'SAVES':>13}  AS OF")
        for q in m["quotes"]:
            save = q[f"{provider.id}_saves_percent"]
            saves = f"{save['input']:.0f}% / {save['output']:.0f}%" if save and save["input"] is not None else "-"
            for i, t in enumerate(q["tiers"]):
                tier = f"  input <= {t['max_input_tokens'] // 1024}K" if t["max_input_tokens"] and len(q["tiers"]) > 1 else ""
                cache = "-" if t["cache_read"] is None else _money(t["cache_read"], None)
                first = i == 0
                console.say(
                    f"  {q['name'] if first else '':22} {_money(t['input'], t['input_high']):>11} {_money(t['output'], t['output_high']):>12} {cache:>6}  "
                    f"{saves if first else '':>13}  {(q['as_of'] + (' !' if q['stale'] else '')) if first else '':13}{tier}"
                )
            stale = stale or q["stale"]
    console.say("")
    if stale:
        console.say(_stale_note(provider))
    console.say("Sources: `openclaw-aisa pricing --json` gives each figure's source; they are kept in plugin.toml.")
    return 0


def cmd_cost(args: argparse.Namespace, host: Host, env: Mapping[str, str], console: Console) -> int:
    import datetime as dt

    from . import pricing

    provider = _pick_provider(args.provider, host)
    model = _catalogue_model(provider, args.model)
    tokens = pricing.parse_tokens(args.tokens)
    as_of, today = _date(args.as_of), dt.date.today()
    quotes = pricing.quotes(provider, model, as_of, today)
    if not quotes:
        raise UsageError(f"no price for {model.id} in force on {as_of}; `{PROG} pricing --model {model.id}` shows the dates known")
    projections = [(q, pricing.project(q, tokens, args.input_share)) for q in quotes]
    ours = next((p for q, p in projections if q.seller == provider.id), None)
    rows = []
    for q, p in projections:
        row = {"seller": p.seller, "name": p.name, "monthly": round(p.monthly, 2), "monthly_high": None if p.monthly_high is None else round(p.monthly_high, 2),
               "yearly": round(p.yearly, 2), "yearly_high": None if p.yearly_high is None else round(p.yearly_high, 2),
               "price": {"input": p.price.input, "output": p.price.output, "input_high": p.price.input_high, "output_high": p.price.output_high},
               "as_of": p.price.as_of.isoformat(), "source": p.price.source, "stale": q.stale, "yearly_saving": None}
        if ours is not None and p is not ours:
            row["yearly_saving"] = round(p.yearly - ours.yearly, 2)
            row["yearly_saving_high"] = None if p.yearly_high is None else round(p.yearly_high - ours.yearly, 2)
        rows.append(row)
    tiered = any(len(q.tiers) > 1 for q in quotes)
    report = {"model": provider.ref(model.id), "tokens_per_month": tokens, "input_share": args.input_share, "as_of": args.as_of,
              "tiered_note": "tiered prices: the first tier (requests under its input limit) is used" if tiered else None, "sellers": rows}
    if args.json:
        console.say(json.dumps(report, indent=2))
        return 0
    when = f"prices in force on {as_of}" if as_of else "latest known prices"
    console.say(f"{tokens:,} tokens a month on {report['model']}, {args.input_share:.0%} of them input, at {when} (USD):")
    console.say(f"  {'SELLER':22} {'PER MONTH':>17} {'PER YEAR':>19}  {provider.label.upper() + ' SAVES A YEAR':>19}  AS OF")
    for r in rows:
        saves = "-" if r["yearly_saving"] is None else _money(r["yearly_saving"], r.get("yearly_saving_high"), 0)
        console.say(f"  {r['name']:22} {_money(r['monthly'], r['monthly_high'], 0):>17} {_money(r['yearly'], r['yearly_high'], 0):>19}  {saves:>19}  {r['as_of']}{' !' if r['stale'] else ''}")
    if report["tiered_note"]:
        console.say(f"Note: {report['tiered_note']}.")
    if any(r["stale"] for r in rows):
        console.say(_stale_note(provider))
    return 0


def cmd_config_path(args: argparse.Namespace, host: Host, env: Mapping[str, str], console: Console) -> int:
    console.say(str(paths.locate(env, args.profile).config))
    return 0


def _online(name: str) -> Callable[..., int]:
    """A command of online.py, imported only when it runs (offline commands never load httpx)."""

    def run(args: argparse.Namespace, host: Host, env: Mapping[str, str], console: Console) -> int:
        from . import online

        return getattr(online, name)(args, host, env, console)

    return run


def _bench(args: argparse.Namespace, host: Host, env: Mapping[str, str], console: Console) -> int:
    from . import bench

    return bench.cmd_bench(args, host, env, console)


COMMANDS = {
    "onboard": cmd_onboard,
    "detect": cmd_detect,
    "models list": cmd_models_list,
    "pricing": cmd_pricing,
    "cost": cmd_cost,
    "models set": cmd_models_set,
    "models add": _online("cmd_models_add"),
    "models sync": _online("cmd_models_sync"),
    "chat": _online("cmd_chat"),
    "doctor": _online("cmd_doctor"),
    "bench": _bench,
    "remove": cmd_remove,
    "config path": cmd_config_path,
    "plugin install": cmd_plugin_install,
    "plugin status": cmd_plugin_status,
    "plugin uninstall": cmd_plugin_uninstall,
}
