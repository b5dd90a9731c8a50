"""Malformed and hostile input: each case is one line on stderr that says what is wrong and how to fix
it, exit 2, and the user's files exactly as they were (no byte changed, no file added or removed)."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from .conftest import KEY

ONBOARD = ("onboard", "--aisa-api-key", KEY, "--non-interactive", "--no-plugin")
ENV_REF = {"source": "env", "provider": "default", "id": "AISA_API_KEY"}
AISA = {
    "baseUrl": "https://api.aisa.one/v1",
    "api": "openai-completions",
    "apiKey": ENV_REF,
    "models": [{"id": "qwen3-max", "name": "Qwen3 Max"}],
}
NO_CONFIG = object()


def at(path: str, value: Any, base: dict | None = None) -> dict:
    """A config holding `value` at the dotted `path` (on top of `base`)."""
    config = json.loads(json.dumps(base or {}))
    node = config
    *parents, last = path.split(".")
    for part in parents:
        node = node.setdefault(part, {})
    node[last] = value
    return config


def aisa_with(key: str, value: Any) -> dict:
    return {"models": {"providers": {"aisa": {**AISA, key: value}}}}


def configured(path: str, value: Any) -> dict:
    return at(path, value, {"models": {"providers": {"aisa": AISA}}})


@dataclass(frozen=True)
class Case:
    id: str
    says: str  # what the error line must say
    argv: tuple[str, ...] = ONBOARD
    config: Any = NO_CONFIG  # written as JSON to the config path
    raw: bytes | None = None  # or these bytes
    setup: Callable[[Path, Path, Path], None] | None = None  # (home, state dir, config) for what is not a plain file
    env: dict[str, str] = field(default_factory=dict)
    stdin: str = ""
    patch: Callable[[pytest.MonkeyPatch], None] | None = None


def fifo(home: Path, state: Path, config: Path) -> None:
    state.mkdir(exist_ok=True)
    os.mkfifo(config)


def live_list(*ids: str) -> Callable[[Path, Path, Path], None]:
    def setup(home: Path, state: Path, config: Path) -> None:
        from openclaw_aisa.adapters import live

        live.write_cache("https://api.aisa.one/v1", [{"id": i} for i in ids], time.time())

    return setup


def hundred_megabytes(home: Path, state: Path, config: Path) -> None:
    state.mkdir(exist_ok=True)
    with open(config, "wb") as f:
        f.write(b'{"pad": "')
        chunk = b"x" * (1 << 20)
        for _ in range(100):
            f.write(chunk)
        f.write(b'"}\n')


def full_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    def fsync(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", fsync)


def full_disk_for_the_config_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """The small .env still fits; the config does not: the .env written first must go back."""
    from openclaw_aisa.adapters import store

    real = store._stage

    def stage(path: Path, data: bytes, sync: bool = True) -> Path:
        if path.name == "openclaw.json" and sync:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(path, data, sync)

    monkeypatch.setattr(store, "_stage", stage)


EXISTING = {"gateway": {"port": 18789}}
CASES = [
    # --- not a config OpenClaw could read ---
    Case("truncated-json", "is not valid JSON5 (Unclosed", raw=b'{"models": {'),
    Case("unclosed-comment", "is not valid JSON5 (Unclosed", raw=b"/* mine\n{}"),
    Case("trailing-garbage", "is not valid JSON5", raw=b'{"a": 1} x'),
    Case("nul-byte", "is not valid JSON5", raw=b'{"a": 1}\x00'),
    Case("latin-1", "is not UTF-8 text", raw=b'{"name": "caf\xe9"}'),
    Case("utf-16", "is not UTF-8 text", raw='{"a": 1}'.encode("utf-16")),
    Case("top-level-array", "must hold a JSON object at the top, not a list", raw=b"[]"),
    Case("top-level-string", "must hold a JSON object at the top, not a string", raw=b'"openclaw"'),
    Case("top-level-null", "must hold a JSON object at the top, not null", raw=b"null"),
    Case("nested-100000-deep", "is not valid JSON5 (Maximum nesting level", raw=b"[" * 100_000 + b"]" * 100_000),
    Case("nested-500-deep", "nests more than 64 levels", raw=b'{"gateway": ' + b'{"a": ' * 500 + b"1" + b"}" * 501),
    Case(
        "json5-error-after-an-inline-key",
        "is not valid JSON5",
        raw=f'{{models: {{providers: {{aisa: {{apiKey: "{KEY}"}}}}}}, oops'.encode(),
    ),
    Case("100-megabytes", "is 100 MB, far more than OpenClaw's files hold", setup=hundred_megabytes),
    Case("include-holds-models", "models comes from $include", config={"models": {"$include": "./models.json5"}}),
    Case(
        "root-include-holds-agents",
        "come(s) from $include agents.json5",
        config={"$include": "agents.json5"},
        setup=lambda home, state, config: (state.mkdir(exist_ok=True), (state / "agents.json5").write_text("{agents: {}}")),
    ),
    # --- a wrong type at every level of the paths we edit ---
    Case("models-list", "models is a list where OpenClaw expects an object", config={"models": []}),
    Case("models-string", "models is a string where OpenClaw expects an object", config={"models": "aisa"}),
    Case("models-null", "models is null where OpenClaw expects an object", config={"models": None}),
    Case("models-mode-number", "models.mode is a number where OpenClaw expects a string", config=at("models.mode", 1)),
    Case("providers-list", "models.providers is a list where OpenClaw expects an object", config=at("models.providers", [])),
    Case("providers-string", "models.providers is a string where OpenClaw expects an object", config=at("models.providers", "aisa")),
    Case("aisa-list", "models.providers.aisa is a list where OpenClaw expects an object", config=at("models.providers.aisa", [])),
    Case("aisa-string", "models.providers.aisa is a string where OpenClaw expects an object", config=at("models.providers.aisa", "aisa")),
    Case("aisa-models-object", "models.providers.aisa.models is an object where OpenClaw expects a list", config=aisa_with("models", {})),
    Case(
        "aisa-models-string",
        "models.providers.aisa.models is a string where OpenClaw expects a list",
        config=aisa_with("models", "qwen3-max"),
    ),
    Case("aisa-models-null", "models.providers.aisa.models is null where OpenClaw expects a list", config=aisa_with("models", None)),
    Case("entry-string", 'models.providers.aisa.models[0] needs an "id" string', config=aisa_with("models", ["qwen3-max"])),
    Case("entry-without-id", 'models.providers.aisa.models[0] needs an "id" string', config=aisa_with("models", [{"name": "Qwen3 Max"}])),
    Case(
        "entry-id-number",
        'models.providers.aisa.models[1] needs an "id" string',
        config=aisa_with("models", [{"id": "qwen3-max"}, {"id": 7}]),
    ),
    Case("agents-list", "agents is a list where OpenClaw expects an object", config={"agents": []}),
    Case("defaults-string", "agents.defaults is a string where OpenClaw expects an object", config=at("agents.defaults", "main")),
    Case("defaults-list", "agents.defaults is a list where OpenClaw expects an object", config=at("agents.defaults", [])),
    Case(
        "model-number",
        "agents.defaults.model is a number where OpenClaw expects a string or an object",
        config=at("agents.defaults.model", 5),
    ),
    Case(
        "model-list",
        "agents.defaults.model is a list where OpenClaw expects a string or an object",
        config=at("agents.defaults.model", ["a/b"]),
    ),
    Case(
        "primary-number",
        "agents.defaults.model.primary is a number where OpenClaw expects a string",
        config=at("agents.defaults.model.primary", 5),
    ),
    Case(
        "primary-null",
        "agents.defaults.model.primary is null where OpenClaw expects a string",
        config=at("agents.defaults.model.primary", None),
    ),
    Case(
        "fallbacks-string",
        "agents.defaults.model.fallbacks is a string where OpenClaw expects a list",
        config=at("agents.defaults.model", {"primary": "openai/gpt-5", "fallbacks": "aisa/kimi-k2.5"}),
    ),
    Case(
        "fallbacks-object",
        "agents.defaults.model.fallbacks is an object where OpenClaw expects a list",
        config=at("agents.defaults.model", {"primary": "openai/gpt-5", "fallbacks": {}}),
    ),
    Case(
        "allowlist-list",
        "agents.defaults.models is a list where OpenClaw expects an object",
        config=at("agents.defaults.models", ["openai/gpt-5"]),
    ),
    Case(
        "allowlist-string", "agents.defaults.models is a string where OpenClaw expects an object", config=at("agents.defaults.models", "*")
    ),
    Case(
        "model-policy-list",
        "agents.defaults.modelPolicy is a list where OpenClaw expects an object",
        config=at("agents.defaults.modelPolicy", []),
    ),
    Case(
        "policy-allow-string",
        "agents.defaults.modelPolicy.allow is a string where OpenClaw expects a list",
        config=at("agents.defaults.modelPolicy.allow", "aisa/*"),
    ),
    Case(
        "policy-allow-object",
        "agents.defaults.modelPolicy.allow is an object where OpenClaw expects a list",
        config=at("agents.defaults.modelPolicy.allow", {}),
    ),
    Case(
        "models-set-fallbacks-string",
        "agents.defaults.model.fallbacks is a string where OpenClaw expects a list",
        argv=("models", "set", "aisa/qwen3-max"),
        config=configured("agents.defaults.model", {"primary": "openai/gpt-5", "fallbacks": "x"}),
    ),
    Case(
        "models-add-policy-allow-string",
        "agents.defaults.modelPolicy.allow is a string where OpenClaw expects a list",
        argv=("models", "add", "kimi-k2.5"),
        config=configured("agents.defaults.modelPolicy.allow", "aisa/*"),
        setup=live_list("kimi-k2.5"),
    ),
    # --- not a file, or not where it should be ---
    Case(
        "config-is-a-directory",
        "openclaw.json is a directory, not a file; move it away or point OPENCLAW_CONFIG_PATH",
        setup=lambda home, state, config: config.mkdir(parents=True),
    ),
    Case(
        "dotenv-is-a-directory",
        ".env is a directory, not a file; move it away",
        setup=lambda home, state, config: (state / ".env").mkdir(parents=True),
    ),
    Case("state-dir-is-a-file", "Not a directory; a part of", setup=lambda home, state, config: state.write_text("oops")),
    Case(
        "dangling-symlink",
        "which does not exist; restore that file or remove the link",
        setup=lambda home, state, config: (state.mkdir(exist_ok=True), config.symlink_to(home / "dotfiles" / "openclaw.json")),
    ),
    Case(
        "symlink-loop",
        "Too many levels of symbolic links; ",
        setup=lambda home, state, config: (state.mkdir(exist_ok=True), config.symlink_to(config)),
    ),
    Case("fifo", "is not a regular file (a pipe, socket or device); move it away", setup=fifo),
    Case(
        "symlink-to-dev-zero",
        "is not a regular file (a pipe, socket or device)",
        setup=lambda home, state, config: (state.mkdir(exist_ok=True), config.symlink_to("/dev/zero")),
    ),
    Case(
        "config-path-variable-names-a-directory",
        "is a directory, not a file; move it away or point OPENCLAW_CONFIG_PATH",
        env={"OPENCLAW_CONFIG_PATH": "~/configs"},
        setup=lambda home, state, config: (home / "configs").mkdir(),
    ),
    Case("readonly-variable", "OPENCLAW_CONFIG_READONLY is set", env={"OPENCLAW_CONFIG_READONLY": "1"}, config=EXISTING),
    Case(
        "full-disk",
        "No space left on device; free some disk space",
        config=EXISTING,
        patch=full_disk,
        setup=lambda home, state, config: ((state / ".env").write_text("OTHER=1\n"), (state / "openclaw.json.bak").write_text("{}\n")),
    ),
    Case(
        "full-disk-after-the-dotenv",
        "No space left on device; free some disk space",
        config=EXISTING,
        patch=full_disk_for_the_config_only,
        setup=lambda home, state, config: (state / ".env").write_text("OTHER=1\n"),
    ),
    # --- keys that cannot be keys ---
    Case(
        "key-with-newline",
        "the AIsa API key contains a space, quote, '#', '$' or control character",
        argv=("onboard", "--aisa-api-key", KEY[:12] + "\n" + KEY[12:], "--non-interactive", "--no-plugin"),
    ),
    Case(
        "key-with-nul",
        "the AIsa API key contains a space, quote, '#', '$' or control character",
        argv=("onboard", "--aisa-api-key", KEY[:12] + "\x00" + KEY[12:], "--non-interactive", "--no-plugin"),
    ),
    Case(
        "key-on-stdin-with-nul",
        "the AIsa API key contains a space",
        argv=("onboard", "--aisa-api-key", "-", "--non-interactive", "--no-plugin"),
        stdin=KEY[:12] + "\x00" + KEY[12:] + "\n",
    ),
    Case(
        "empty-key-on-stdin",
        "the AIsa API key is empty; paste the whole key",
        argv=("onboard", "--aisa-api-key", "-", "--non-interactive", "--no-plugin"),
        stdin="\n",
    ),
    Case(
        "key-in-environment-with-newline",
        "the AIsa API key in $AISA_API_KEY contains",
        argv=("onboard", "--non-interactive", "--no-plugin"),
        env={"AISA_API_KEY": KEY[:12] + "\n" + KEY[12:]},
    ),
    Case(
        "key-in-dotenv-with-dollar",
        "the AIsa API key in .env contains",
        argv=("onboard", "--non-interactive", "--no-plugin"),
        setup=lambda home, state, config: (state.mkdir(exist_ok=True), (state / ".env").write_text("AISA_API_KEY=sk-aisa-$(whoami)\n")),
    ),
    # --- endpoints that would leak the key or break every request ---
    Case(
        "http-to-a-remote-host",
        "is plain http to a remote host, which would send the key in clear; use https://",
        argv=(*ONBOARD, "--base-url", "http://api.example.com/v1"),
    ),
    Case("credentials-in-the-url", "must not carry credentials", argv=(*ONBOARD, "--base-url", "https://user:pw@api.aisa.one/v1")),
    Case("not-http", "is not an http(s) URL", argv=(*ONBOARD, "--base-url", "file:///etc/passwd")),
    Case("no-host", "is not an http(s) URL", argv=(*ONBOARD, "--base-url", "https:///v1")),
    Case("port-out-of-range", "has an invalid port", argv=(*ONBOARD, "--base-url", "https://api.aisa.one:99999/v1")),
    Case(
        "newline-in-the-url", "contains a space or control character", argv=(*ONBOARD, "--base-url", "https://api.aisa.one/v1\nX-Evil: 1")
    ),
    Case("query-in-the-url", "has a query or fragment", argv=(*ONBOARD, "--base-url", "https://api.aisa.one/v1?key=x")),
    # --- choices and models that do not exist ---
    Case(
        "unknown-auth-choice",
        "argument --auth-choice: invalid choice: 'nope' (choose from 'aisa-api-key'); see `openclaw-aisa onboard --help`",
        argv=("onboard", "--auth-choice", "nope", "--non-interactive"),
    ),
    Case("unknown-option", "unrecognized arguments: --aisa-key", argv=("onboard", "--aisa-key", KEY)),
    Case(
        "primary-not-a-model",
        "aisa/nope is not a configured AIsa model; configured: aisa/qwen3-max",
        argv=(*ONBOARD, "--primary", "aisa/nope"),
    ),
    Case("primary-without-a-model", "'aisa/' names no model; use aisa/qwen3-max", argv=(*ONBOARD, "--primary", "aisa/")),
    Case("primary-translation-model", "is a translation model", argv=(*ONBOARD, "--primary", "aisa/qwen-mt-flash")),
    Case(
        "models-set-unknown",
        "aisa/nope is not a configured AIsa model",
        argv=("models", "set", "aisa/nope"),
        config={"models": {"providers": {"aisa": AISA}}},
    ),
    Case(
        "models-set-close-typo",
        "did you mean aisa/qwen3-max?",
        argv=("models", "set", "aisa/qwen3-mux"),
        config={"models": {"providers": {"aisa": AISA}}},
    ),
    Case("models-set-no-provider", "is not a ref of a registered provider", argv=("models", "set", "qwen3-max")),
    Case(
        "models-set-before-onboarding",
        "AIsa is not configured yet; run `openclaw-aisa onboard` first",
        argv=("models", "set", "aisa/qwen3-max"),
        config=EXISTING,
    ),
    Case(
        "models-add-not-served",
        "AIsa does not serve 'nope-1'",
        argv=("models", "add", "nope-1"),
        config={"models": {"providers": {"aisa": AISA}}},
        setup=live_list("kimi-k2.5"),
    ),
    Case(
        "models-add-other-provider",
        "is not one of AIsa's model ids",
        argv=("models", "add", "openai/gpt-5"),
        config={"models": {"providers": {"aisa": AISA}}},
        setup=live_list("kimi-k2.5"),
    ),
    Case("unknown-openclaw-version", "--openclaw-version 'banana' is not a version", argv=(*ONBOARD, "--openclaw-version", "banana")),
    Case(
        "openclaw-not-a-program",
        "--openclaw /nonexistent/openclaw is not an executable file",
        argv=("onboard", "--aisa-api-key", KEY, "--non-interactive", "--openclaw", "/nonexistent/openclaw"),
    ),
    Case("unknown-provider", "unknown provider 'nope'; registered: aisa", argv=("models", "list", "--provider", "nope")),
]


def files(*roots: Path) -> dict[str, str]:
    """Everything under `roots` as it is on disk: names, types, link targets, contents (links and pipes are not
    followed or opened). Not modes: the state dir may be left tightened to 0700, as OpenClaw does."""
    seen = {}
    for root in roots:
        for path in [root, *root.rglob("*")] if os.path.lexists(root) else []:
            st = os.lstat(path)
            if stat.S_ISLNK(st.st_mode):
                seen[str(path)] = f"link -> {os.readlink(path)}"
            elif stat.S_ISREG(st.st_mode):
                with open(path, "rb") as f:
                    seen[str(path)] = hashlib.file_digest(f, "sha256").hexdigest()
            else:
                seen[str(path)] = f"type {stat.S_IFMT(st.st_mode):o}"
    return seen


def one_error_line(err: str) -> str:
    """The error: one line, last, after any warnings (e.g. that the model list came from the cache)."""
    lines = err.splitlines()
    assert err.endswith("\n") and lines and lines[-1].startswith("openclaw-aisa") and ": error: " in lines[-1], err
    assert all(line.startswith("warning: ") for line in lines[:-1]), err
    return lines[-1]


def test_the_corpus_has_at_least_forty_distinct_cases():
    assert len(CASES) >= 40 and len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_input_is_one_line_exit_2_and_every_file_as_it_was(case, run, monkeypatch, home, state_dir, config_path, tmp_path):
    if case.config is not NO_CONFIG or case.raw is not None:
        state_dir.mkdir(exist_ok=True)
        config_path.write_bytes(case.raw if case.raw is not None else json.dumps(case.config, indent=2).encode())
    if case.setup:
        case.setup(home, state_dir, config_path)
    for name, value in case.env.items():
        monkeypatch.setenv(name, value)
    before = files(home, tmp_path / "xdg-state")
    with pytest.MonkeyPatch.context() as failing:
        if case.patch:
            case.patch(failing)
        result = run(*case.argv, stdin=case.stdin)
    assert result.code == 2, result.err
    assert case.says in one_error_line(result.err)
    assert result.out == ""
    assert files(home, tmp_path / "xdg-state") == before


@pytest.fixture
def readonly_state_dir(state_dir, config_path):
    """A state dir holding `config` that nobody may write to (root ignores permissions: there it is made immutable)."""
    made = []

    def make(config: dict, mode: int) -> Path:
        state_dir.mkdir()
        config_path.write_text(json.dumps(config, indent=2) + "\n")
        state_dir.chmod(mode)
        if os.geteuid() == 0:
            if subprocess.run(["chattr", "+i", str(state_dir)], capture_output=True).returncode != 0:
                pytest.skip("running as root without chattr +i: a read-only directory cannot be made here")
            made.append(state_dir)
        return state_dir

    yield make
    for directory in made:
        subprocess.run(["chattr", "-i", str(directory)], check=True)
    if state_dir.exists():
        state_dir.chmod(0o700)


@pytest.mark.parametrize("mode", [0o500, 0o555], ids=oct)  # 0555: also too loose, so tightening it is tried first
@pytest.mark.parametrize(
    ("argv", "config"),
    [(ONBOARD, {"gateway": {"port": 18789}}), (("models", "set", "aisa/qwen3-max"), {"models": {"providers": {"aisa": AISA}}})],
    ids=["onboard", "models-set"],
)
def test_a_read_only_state_dir_is_one_line_exit_2_and_untouched(run, readonly_state_dir, home, argv, config, mode):
    readonly_state_dir(config, mode)
    before = files(home)
    result = run(*argv)
    assert result.code == 2
    assert one_error_line(result.err).startswith(("openclaw-aisa: error: cannot write", "openclaw-aisa: error: cannot secure"))
    assert "check the permissions of" in result.err
    assert files(home) == before


def test_a_file_size_limit_hit_by_the_config_leaves_the_dotenv_and_the_config_as_they_were(home, state_dir, config_path):
    """A real kernel refusal (RLIMIT_FSIZE: the .env fits, the config does not), in a subprocess."""
    import resource
    import signal

    from .realclaw import sandbox_env

    state_dir.mkdir(mode=0o700)
    config_path.write_text('{"gateway": {"port": 18789}}\n')
    (state_dir / ".env").write_text("OTHER=1\n")
    before = files(state_dir)

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead of killing
        resource.setrlimit(resource.RLIMIT_FSIZE, (1024, 1024))

    done = subprocess.run(
        [sys.executable, "-m", "openclaw_aisa", *ONBOARD],
        env=sandbox_env(home),
        capture_output=True,
        text=True,
        preexec_fn=limit,
        timeout=60,
    )
    assert KEY not in done.stdout + done.stderr
    assert (done.returncode, done.stderr.count("\n")) == (2, 1), done.stderr
    assert "File too large; the file size limit (ulimit -f) is too low" in done.stderr and "nothing was changed" in done.stderr
    assert files(state_dir) == before
