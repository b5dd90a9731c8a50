"""A black-box attack harness: the same security cases against two checkouts, failures counted per class.

Each `--src DIR` is a checkout whose `openclaw_aisa` runs as `python -m openclaw_aisa ...` with DIR first
on PYTHONPATH (checked once per DIR: the import must resolve into it), in a throwaway HOME (XDG dirs,
TMPDIR and cwd too) and an environment scrubbed of OPENCLAW_* / AISA_* / XDG_* / PYTHON* / *PROXY* /
SSL_CERT_* variables. A case passes or fails by what a user sees only: the exit code, stdout and stderr,
the files on disk, what a server on 127.0.0.1 received. No verdict uses the package's internals (they
differ between the checkouts; the servers borrowed from tests/ import this checkout's, which is all);
a case that needs a fault (a rename refused, Ctrl-C, a kill) wraps the CLI in `python -c` code that
patches a stdlib function, or `openclaw_aisa.adapters.store.write_config` (in both checkouts), first.

Every run has a timeout, and a cut run is "hung"; a "Traceback" or an "internal error" in stderr fails
the case whatever else it checks. A timed case is cut 2 s past the limit it is judged by (1.5 x its
budget + 3 s), not at 3 x its budget: the verdict is the same, and the old checkout's hangs would
otherwise add some ten minutes. The checkouts of one case run side by side; cases run one after
another, except those that only wait on a socket (the drips, stalls and 429s of `bounded`, the locks,
a hung `openclaw`), which run up to --jobs at a time (about 5 minutes instead of 20; --jobs 1 runs
every case alone). The whole run takes about 7 minutes on 2 cores. Not part of the test run:

    .venv/bin/python benchmarks/attack.py [--src DIR ...] [--only CLASS[,CLASS]] [--json FILE] [-v]

Defaults: before = /tmp/before (a worktree of 3f29ca3), after = this checkout. The race class (two
writers at once) is left to the reliability test with the real OpenClaw.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fake_aisa import FakeAisa  # noqa: E402
from tests.test_trust_network import Hostile, answer, drip, gzip_bomb, json_head, recording_proxy, sse_head, stall  # noqa: E402
from tests.test_trust_secrets import (  # noqa: E402  the planted secrets and config of the secret sweep
    AISA_KEY,
    GITHUB_TOKEN,
    HOLDERS,
    JWT,
    PROXY_PASSWORD,
    SECRETS,
    TYPED_KEY,
    EchoingGateway,
    planted_config,
)

PYTHON = sys.executable
DEFAULT_SRCS = [Path("/tmp/before"), ROOT]
RUN_TIMEOUT = 60.0  # seconds for any one run of the CLI that states no budget of its own
PEAK_MB = 200
ADDRESS_SPACE = 4 << 30  # a CLI that decodes a gzip bomb whole gets MemoryError, not the machine's RAM
SCRUB_PREFIXES = ("OPENCLAW_", "AISA_", "XDG_", "PYTHON", "SSL_CERT_")

KEY = "sk-aisa-0123456789abcdefghijTEST"  # the key FakeAisa(key=KEY) accepts
OTHER_KEY = "sk-aisa-zyxwvutsrqponmlkjihgOTHR"
# one secret per shape (as tests/test_trust_secrets.py): none may be printed or written but where it is kept

# The CLI as `python -m openclaw_aisa`, with an address-space cap, an optional patch, and its peak RSS
# since exec (kB, VmHWM) written to $ATTACK_PEAK when it exits normally.
WRAPPER = """\
import os, resource, runpy, sys
resource.setrlimit(resource.RLIMIT_AS, ({cap}, {cap}))
{patch}
sys.argv = ["openclaw-aisa", *sys.argv[1:]]
try:
    runpy.run_module("openclaw_aisa", run_name="__main__", alter_sys=True)
finally:
    # VmHWM, the peak since exec: ru_maxrss would start at the size of the harness that forked this process
    with open("/proc/self/status") as _status, open(os.environ["ATTACK_PEAK"], "w") as _peak:
        _peak.write(next(line.split()[1] for line in _status if line.startswith("VmHWM:")))
"""


def patch_rename(errno_name: str) -> str:
    """os.replace and os.rename refuse, with `errno_name`, any rename onto the config file."""
    return textwrap.dedent(
        f"""
        import errno as _errno
        _real = {{"replace": os.replace, "rename": os.rename}}
        _config = os.path.realpath(os.path.expanduser("~/.openclaw/openclaw.json"))
        def _refusing(name):
            def refuse(src, dst, *args, **kwargs):
                if os.path.realpath(os.fspath(dst)) == _config:
                    raise OSError(_errno.{errno_name}, os.strerror(_errno.{errno_name}), os.fspath(dst))
                return _real[name](src, dst, *args, **kwargs)
            return refuse
        os.replace, os.rename = _refusing("replace"), _refusing("rename")
        """
    )


def patch_write_config(action: str) -> str:
    """`store.write_config` (both checkouts have it) raises KeyboardInterrupt or kills the process."""
    return textwrap.dedent(
        f"""
        import openclaw_aisa.adapters.store as _store
        def _fault(*args, **kwargs):
            {action}
        _store.write_config = _fault
        """
    )


CTRL_C = patch_write_config("raise KeyboardInterrupt")
KILL = patch_write_config("os._exit(137)")


# --- one run, one sandbox --------------------------------------------------------------------------


class Fail(Exception):
    """A case's verdict: what the user would see go wrong."""


def expect(condition: object, reason: str) -> None:
    if not condition:
        raise Fail(reason)


@dataclass
class Done:
    argv: tuple[str, ...]
    code: int | None  # None: cut off at its timeout
    out: str
    err: str
    seconds: float
    peak_mb: float | None  # None: the process did not exit by itself

    @property
    def hung(self) -> bool:
        return self.code is None

    @property
    def text(self) -> str:
        return self.out + self.err

    @property
    def err_lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.strip()]

    def brief(self) -> str:
        said = (self.err_lines or [line for line in self.out.splitlines() if line.strip()] or ["(nothing)"])[-1].strip()
        return f"exit {self.code}: {said[:150]}"


def base_env() -> dict[str, str]:
    return {
        k: v
        for k, v in os.environ.items()
        if not k.upper().startswith(SCRUB_PREFIXES) and "PROXY" not in k.upper() and k not in ("LC_ALL", "LANG", "LANGUAGE")
    }


class Box:
    """One case against one checkout: a throwaway home, the servers the case started, every run made."""

    def __init__(self, src: Path):
        self.src = src
        self.root = Path(tempfile.mkdtemp(prefix="attack-"))
        self.home = self.root / "home"
        self.bin = self.root / "bin"
        self.cwd = self.root / "cwd"
        self.elsewhere = self.root / "elsewhere"
        for d in (self.home, self.bin, self.cwd, self.elsewhere, self.root / "tmp"):
            d.mkdir()
        self.state = self.home / ".openclaw"
        self.config = self.state / "openclaw.json"
        self.dotenv = self.state / ".env"
        self.runs: list[Done] = []
        self.note = ""  # what a passing case measured, shown with -v
        self._servers: list[Callable[[], None]] = []
        self.env = base_env()
        self.env.update(
            HOME=str(self.home),
            XDG_CACHE_HOME=str(self.root / "xdg-cache"),
            XDG_STATE_HOME=str(self.root / "xdg-state"),
            XDG_CONFIG_HOME=str(self.root / "xdg-config"),
            TMPDIR=str(self.root / "tmp"),
            PATH=f"{self.bin}:/usr/bin:/bin",
            PYTHONPATH=str(src),
            PYTHONDONTWRITEBYTECODE="1",
            LC_ALL="C.UTF-8",
        )

    # servers ---------------------------------------------------------------------------------------

    def hostile(self, script: Callable) -> Hostile:
        server = Hostile(script)
        self._servers.append(server.stop)
        return server

    def fake(self, key: str | None = KEY, **options: Any) -> FakeAisa:
        server = FakeAisa(key=key, **options).start()
        self._servers.append(server.stop)
        return server

    def echoing(self) -> str:
        server = ThreadingHTTPServer(("127.0.0.1", 0), EchoingGateway)
        server.daemon_threads = True
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        thread.start()

        def stop() -> None:
            server.shutdown()
            server.server_close()
            thread.join(5)

        self._servers.append(stop)
        return f"http://127.0.0.1:{server.server_address[1]}/v1"

    def close(self) -> None:
        for stop in reversed(self._servers):
            try:
                stop()
            except Exception:  # a server that did not stop cleanly does not change the verdict
                pass

        def unlock(func, path, _exc) -> None:
            try:
                os.chmod(os.path.dirname(path), 0o700)
                func(path)
            except OSError:
                pass

        shutil.rmtree(self.root, onerror=unlock)

    # the CLI ---------------------------------------------------------------------------------------

    def run(
        self,
        *argv: str | bytes,
        env: Mapping[str, str | None] | None = None,
        stdin: bytes = b"",
        timeout: float = RUN_TIMEOUT,
        patch: str = "",
    ) -> Done:
        """`python -m openclaw_aisa *argv` in this sandbox (env: variables to set, None to unset)."""
        environ = dict(self.env)
        for k, v in (env or {}).items():
            if v is None:
                environ.pop(k, None)
            else:
                environ[k] = v
        peak_file = self.root / f"peak-{len(self.runs)}"
        environ["ATTACK_PEAK"] = str(peak_file)
        code = WRAPPER.format(cap=ADDRESS_SPACE, patch=patch)
        started = time.monotonic()
        proc = subprocess.Popen(
            [PYTHON, "-c", code, *argv],
            cwd=self.cwd,
            env=environ,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        try:
            out, err = proc.communicate(stdin, timeout=timeout)
            returncode: int | None = proc.returncode
        except subprocess.TimeoutExpired:
            _kill_group(proc.pid)
            out, err = proc.communicate()
            returncode = None
        took = time.monotonic() - started
        _kill_group(proc.pid)  # whatever it started and left behind (an `openclaw` that sleeps)
        try:
            peak: float | None = int(peak_file.read_text()) / 1024
        except (OSError, ValueError):
            peak = None
        shown = tuple(a.decode("utf-8", "backslashreplace") if isinstance(a, bytes) else a for a in argv)
        done = Done(shown, returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"), took, peak)
        self.runs.append(done)
        return done

    def ok(self, *argv: str, **kwargs: Any) -> Done:
        """A setup step: it must succeed, or the case cannot say anything (and fails, naming the step)."""
        done = self.run(*argv, **kwargs)
        expect(done.code == 0, f"setup `{' '.join(argv[:2])}` failed: {done.brief()}")
        return done

    def onboard(self, *extra: str, key: str = KEY, **kwargs: Any) -> Done:
        return self.ok("onboard", "--aisa-api-key", key, "--non-interactive", "--no-plugin", "--skip-validation", *extra, **kwargs)

    # files -----------------------------------------------------------------------------------------

    def write_config(self, data: Any, indent: int = 4) -> None:
        self.state.mkdir(exist_ok=True)
        self.config.write_text(json.dumps(data, indent=indent) + "\n")

    def read_config(self) -> Any:
        import pyjson5

        return pyjson5.decode(self.config.read_text())

    def fake_openclaw(self, version_line: str = "OpenClaw 2026.9.6", uninstall_exit: int = 1, version_sleep: int = 0) -> Path:
        """An `openclaw` first on PATH: `--version` says `version_line` (after `version_sleep` s),
        `plugins uninstall ID` fails with `uninstall_exit`; every other call exits 0 with no output."""
        script = self.bin / "openclaw"
        version = f"exec sleep {version_sleep}" if version_sleep else f"echo '{version_line}'"
        script.write_text(
            "#!/bin/sh\n"
            'case "$*" in\n'
            f'  "--version") {version};;\n'
            '  "plugins uninstall --help") exit 0;;\n'
            f'  "plugins uninstall "*) echo "error: cannot uninstall" >&2; exit {uninstall_exit};;\n'
            "esac\n"
            "exit 0\n"
        )
        script.chmod(0o755)
        return script


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def tree(path: Path) -> dict[str, tuple]:
    """Every entry under `path`, links not followed: kind, mode, bytes or link target."""
    if path.is_symlink():
        return {".": ("link", os.readlink(path))}
    if not path.exists():
        return {}
    found: dict[str, tuple] = {}
    for dirpath, dirnames, filenames in os.walk(path):
        for name in dirnames + filenames:
            p = Path(dirpath, name)
            st = os.lstat(p)
            rel = str(p.relative_to(path))
            if stat.S_ISLNK(st.st_mode):
                found[rel] = ("link", os.readlink(p))
            elif stat.S_ISDIR(st.st_mode):
                found[rel] = ("dir", stat.S_IMODE(st.st_mode))
            else:
                found[rel] = ("file", stat.S_IMODE(st.st_mode), p.read_bytes())
    return found


def files_under(root: Path, skip: Sequence[Path] = ()) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if Path(dirpath, d) not in skip]
        for name in filenames:
            p = Path(dirpath, name)
            if not p.is_symlink() and p.is_file():
                yield p


def missing_backups(done: Done, directory: Path) -> list[str]:
    """The `*.bak` files a message names that do not exist: a hint to restore one would mislead."""
    named = set(re.findall(r"([\w.\-]+\.bak(?:\.\d+)?)\b", done.text))
    return sorted(n for n in named if not (directory / n).exists())


# --- servers of our own ------------------------------------------------------------------------------


def redirect(status: str, location: str) -> Callable:
    """Answer every request with a redirect to `location`."""
    return answer(status, b"", extra=f"Location: {location}\r\n")


# --- the cases ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    cls: str
    id: str
    fn: Callable[[Box], None]
    waits: float = 0.0  # > 0: the case only waits on sockets for up to this long, and may run beside others


CASES: list[Case] = []
CLASSES = ("secrets", "origin", "bytes", "delete", "failed-write", "bounded", "malformed", "modes")


def case(cls: str, case_id: str, waits: float = 0.0) -> Callable[[Callable[[Box], None]], Callable[[Box], None]]:
    def register(fn: Callable[[Box], None]) -> Callable[[Box], None]:
        CASES.append(Case(cls, case_id, fn, waits))
        return fn

    return register


def add(cls: str, case_id: str, fn: Callable[[Box], None], waits: float = 0.0) -> None:
    CASES.append(Case(cls, case_id, fn, waits))


# 1. secrets -----------------------------------------------------------------------------------------


SECRET_COMMANDS: list[tuple[str, Callable[[str, str], tuple[str, ...]]]] = [
    ("detect", lambda url, csv: ("detect",)),
    ("detect --json", lambda url, csv: ("detect", "--json")),
    ("config path", lambda url, csv: ("config", "path")),
    ("models list", lambda url, csv: ("models", "list")),
    ("models list --json", lambda url, csv: ("models", "list", "--json")),
    ("models list --live", lambda url, csv: ("models", "list", "--live")),
    ("models set --dry-run", lambda url, csv: ("models", "set", "aisa/qwen3-max", "--dry-run")),
    ("models add --dry-run", lambda url, csv: ("models", "add", "qwen-flash", "--dry-run")),
    ("models sync --dry-run", lambda url, csv: ("models", "sync", "--dry-run")),
    ("doctor --offline", lambda url, csv: ("doctor", "--offline")),
    ("doctor --offline --json", lambda url, csv: ("doctor", "--offline", "--json")),
    ("doctor", lambda url, csv: ("doctor",)),
    ("doctor --json", lambda url, csv: ("doctor", "--json")),
    ("onboard --dry-run", lambda url, csv: ("onboard", "--non-interactive", "--no-plugin", "--dry-run", "--skip-validation")),
    (
        "onboard --dry-run typed key",
        lambda url, csv: ("onboard", "--non-interactive", "--no-plugin", "--dry-run", "--aisa-api-key", TYPED_KEY, "--skip-validation"),
    ),
    (
        "onboard --dry-run plaintext",
        lambda url, csv: (
            "onboard",
            "--non-interactive",
            "--no-plugin",
            "--dry-run",
            "--aisa-api-key",
            TYPED_KEY,
            "--secret-input-mode",
            "plaintext",
        ),
    ),
    (
        "onboard (key refused)",
        lambda url, csv: ("onboard", "--non-interactive", "--no-plugin", "--aisa-api-key", TYPED_KEY, "--base-url", url),
    ),
    (
        "onboard --json (key refused)",
        lambda url, csv: ("onboard", "--non-interactive", "--no-plugin", "--aisa-api-key", TYPED_KEY, "--base-url", url, "--json"),
    ),
    (
        "onboard --skip-validation (writes)",
        lambda url, csv: ("onboard", "--non-interactive", "--no-plugin", "--aisa-api-key", TYPED_KEY, "--skip-validation"),
    ),
    ("remove --dry-run --purge-key", lambda url, csv: ("remove", "--dry-run", "--purge-key", "--no-plugin")),
    ("chat", lambda url, csv: ("chat", "-m", "kimi-k2.5", "say my key")),
    ("chat --json", lambda url, csv: ("chat", "-m", "kimi-k2.5", "say my key", "--json")),
    ("bench --csv", lambda url, csv: ("bench", "--models", "kimi-k2.5", "--runs", "1", "--csv", csv)),
    ("pricing", lambda url, csv: ("pricing", "--model", "kimi-k2.5")),
    ("cost", lambda url, csv: ("cost", "--model", "kimi-k2.5", "--tokens", "1M")),
    ("key as models set REF", lambda url, csv: ("models", "set", AISA_KEY)),
    ("key in models set aisa/REF", lambda url, csv: ("models", "set", f"aisa/{TYPED_KEY}")),
    ("key as chat -m", lambda url, csv: ("chat", "-m", TYPED_KEY, "hi")),
    (
        "key as onboard --primary",
        lambda url, csv: ("onboard", "--non-interactive", "--no-plugin", "--primary", TYPED_KEY, "--dry-run", "--skip-validation"),
    ),
    ("key as --base-url", lambda url, csv: ("onboard", "--non-interactive", "--no-plugin", "--base-url", TYPED_KEY, "--skip-validation")),
    (
        "key as --openclaw-version",
        lambda url, csv: ("onboard", "--non-interactive", "--no-plugin", "--openclaw-version", TYPED_KEY, "--skip-validation"),
    ),
    ("key as --profile", lambda url, csv: ("--profile", TYPED_KEY, "models", "list")),
    ("key with a bad byte", lambda url, csv: ("onboard", "--aisa-api-key", AISA_KEY + "\udcff", "--non-interactive")),
    ("key as an unknown option", lambda url, csv: ("detect", f"--{AISA_KEY}")),
]


def secrets_case(argv: Callable[[str, str], tuple[str, ...]], inline: bool) -> Callable[[Box], None]:
    def check(box: Box) -> None:
        url = box.echoing()
        box.write_config(planted_config(url, inline), indent=4)
        box.dotenv.write_text(f"SOME_SERVICE={JWT}\n" + ("" if inline else f"AISA_API_KEY={AISA_KEY}\n"))
        box.dotenv.chmod(0o600)
        env = {"GITHUB_TOKEN": GITHUB_TOKEN, "NO_PROXY": "*", "HTTPS_PROXY": f"http://me:{PROXY_PASSWORD}@127.0.0.1:9"}
        if not inline:
            env["AISA_API_KEY"] = AISA_KEY
        csv = str(box.root / "bench.csv")
        done = box.run(*argv(url, csv), env=env)
        leaks = []
        for secret in SECRETS:
            for stream, text in (("stdout", done.out), ("stderr", done.err)):
                if secret in text:
                    leaks.append(f"{secret[:8]}… on {stream}")
        for path in files_under(box.root, skip=[box.bin]):
            if path.name.startswith(HOLDERS) or path.name.startswith("peak-"):
                continue
            data = path.read_bytes()
            leaks += [f"{secret[:8]}… in {path.relative_to(box.root)}" for secret in SECRETS if secret.encode() in data]
        expect(not leaks, "leaked: " + ", ".join(leaks))
        expect(done.code in (0, 1, 2), f"unexpected exit: {done.brief()}")

    return check


for _name, _argv in SECRET_COMMANDS:
    for _inline in (False, True):
        add("secrets", f"{_name} [{'key inline' if _inline else 'key in .env'}]", secrets_case(_argv, _inline))


# 2. origin ------------------------------------------------------------------------------------------


def proxy_case(variables: Sequence[str], command: str) -> Callable[[Box], None]:
    """A loopback http base URL with proxy variables set: the proxy must see nothing."""

    def check(box: Box) -> None:
        proxy = box.hostile(recording_proxy)
        fake = box.fake()
        env = dict.fromkeys(variables, f"http://127.0.0.1:{proxy.port}")
        if command == "onboard":
            done = box.run("onboard", "--aisa-api-key", KEY, "--base-url", fake.base_url, "--no-plugin", "--non-interactive", env=env)
        elif command == "models list --live":
            done = box.run("models", "list", "--live", "--base-url", fake.base_url, env={**env, "AISA_API_KEY": KEY})
        else:
            done = box.run("chat", "-m", "qwen3-max", "--base-url", fake.base_url, "hi", env={**env, "AISA_API_KEY": KEY})
        heads = b"".join(proxy.heads)
        expect(
            proxy.connections == 0, f"the proxy got {proxy.connections} connection(s)" + (", with the key" if KEY.encode() in heads else "")
        )
        expect(done.code == 0, f"did not work without the proxy: {done.brief()}")

    return check


for _vars, _label in (
    (("HTTP_PROXY",), "HTTP_PROXY"),
    (("http_proxy",), "http_proxy"),
    (("ALL_PROXY",), "ALL_PROXY"),
    (("all_proxy",), "all_proxy"),
):
    add("origin", f"{_label} + loopback base URL: onboard's key check", proxy_case(_vars, "onboard"))
add("origin", "HTTP_PROXY + loopback base URL: models list --live", proxy_case(("HTTP_PROXY", "http_proxy"), "models list --live"))
add("origin", "HTTP_PROXY + loopback base URL: chat", proxy_case(("HTTP_PROXY", "http_proxy"), "chat"))


def redirect_case(status: str, command: str, host: str = "127.0.0.1") -> Callable[[Box], None]:
    """The endpoint answers with a redirect to another origin that serves a valid answer: the key must
    not follow, and onboarding must not call the key verified."""

    def check(box: Box) -> None:
        other = box.fake(key=None)
        path = "/v1/models" if command != "chat" else "/v1/chat/completions"
        redirector = box.hostile(redirect(status, f"http://{host}:{other.port}{path}"))
        if command == "onboard":
            done = box.run("onboard", "--aisa-api-key", KEY, "--base-url", redirector.base_url, "--no-plugin", "--non-interactive")
            expect("Key verified" not in done.out, "onboarding says `Key verified` from another origin's model list")
        elif command == "models list --live":
            done = box.run("models", "list", "--live", "--base-url", redirector.base_url, env={"AISA_API_KEY": KEY})
        else:
            done = box.run("chat", "-m", "qwen3-max", "--base-url", redirector.base_url, "hi", env={"AISA_API_KEY": KEY})
        sent = [r for r in other.requests if "authorization" in r.headers]
        expect(not sent, f"the other origin got an Authorization header ({len(sent)} request(s))")
        if command != "onboard":
            expect(done.code != 0, f"an answer from another origin was taken as AIsa's: {done.brief()}")

    return check


for _status in ("301 Moved Permanently", "302 Found", "303 See Other", "307 Temporary Redirect", "308 Permanent Redirect"):
    add("origin", f"GET /models {_status.split()[0]} to another port: onboard", redirect_case(_status, "onboard"))
add("origin", "GET /models 302 to localhost (another host): onboard", redirect_case("302 Found", "onboard", host="localhost"))
add("origin", "GET /models 302 to another port: models list --live", redirect_case("302 Found", "models list --live"))
add("origin", "POST chat 307 to another port: chat", redirect_case("307 Temporary Redirect", "chat"))


def bad_environment_case(variable: str, value: Callable[[Box], str], command: str, hide: str = "") -> Callable[[Box], None]:
    """A variable that breaks the https client, with the default (https) base URL: one error line,
    exit 1 or 2, before any connection matters (there is no internet here)."""

    def check(box: Box) -> None:
        env = {variable: value(box), "AISA_API_KEY": KEY}
        if command == "models list --live":
            done = box.run("models", "list", "--live", env=env)
        else:
            done = box.run("chat", "-m", "kimi-k2.5", "hi", env=env)
        expect(done.code in (1, 2), f"expected exit 1 or 2: {done.brief()}")
        expect(len(done.err_lines) == 1, f"{len(done.err_lines)} lines on stderr, not one: {done.brief()}")
        expect(not hide or hide not in done.text, "the proxy password is shown")

    return check


def _not_pem(box: Box) -> str:
    path = box.elsewhere / "notes.txt"
    path.write_text("not a certificate\n")
    return str(path)


for _command in ("models list --live", "chat"):
    add(
        "origin",
        f"ALL_PROXY=socks5://127.0.0.1:1: {_command}",
        bad_environment_case("ALL_PROXY", lambda b: "socks5://127.0.0.1:1", _command),
    )
    add(
        "origin",
        f"HTTPS_PROXY=ftp://user:pass@...: {_command}",
        bad_environment_case("HTTPS_PROXY", lambda b: f"ftp://me:{PROXY_PASSWORD}@proxy.example:21", _command, hide=PROXY_PASSWORD),
    )
    add("origin", f"SSL_CERT_FILE=/nonexistent: {_command}", bad_environment_case("SSL_CERT_FILE", lambda b: "/nonexistent", _command))
    add("origin", f"SSL_CERT_FILE=<not PEM>: {_command}", bad_environment_case("SSL_CERT_FILE", _not_pem, _command))


# 3. bytes ---------------------------------------------------------------------------------------------

DOTENVS: dict[str, bytes] = {
    "latin-1 bytes": b"# mine\nNAME=Jos\xe9\nCITY=M\xfcnchen\n",
    "CRLF": b'# mine\r\nSOME_SERVICE=abc\r\nOTHER="x y"\r\n',
    "BOM": b"\xef\xbb\xbfSOME_SERVICE=abc\nOTHER=1\n",
    "form feed in a value": b"SOME_SERVICE=abc\nPAGE=a\x0cb\nOTHER=1\n",
    "U+2028 in a value": "SOME_SERVICE=abc\nLINE=a\u2028b\nOTHER=1\n".encode(),
    "quoted multi-line value holding AISA_API_KEY=fake": b'SOME_SERVICE=abc\nCERT="-----BEGIN-----\nAISA_API_KEY=fake\n-----END-----"\nOTHER=1\n',
    "no trailing newline": b"SOME_SERVICE=abc\nOTHER=1",
    "CRLF, no trailing newline": b"SOME_SERVICE=abc\r\nOTHER=1",
}


def dotenv_bytes_case(original: bytes) -> Callable[[Box], None]:
    """Onboarding adds the key and leaves every other byte of the .env as it was, with a .env.bak."""

    def check(box: Box) -> None:
        box.state.mkdir()
        box.dotenv.write_bytes(original)
        box.dotenv.chmod(0o600)
        done = box.run("onboard", "--aisa-api-key", KEY, "--non-interactive", "--no-plugin", "--skip-validation")
        expect(done.code == 0, f"onboarding failed: {done.brief()}")
        after = box.dotenv.read_bytes()
        expect(after.count(KEY.encode()) == 1, f"the key is in the .env {after.count(KEY.encode())} times")
        at = after.find(KEY.encode())
        start = after.rfind(b"\n", 0, at) + 1
        end = after.find(b"\n", at)
        rest = after[:start] + (after[end + 1 :] if end >= 0 else b"")
        allowed = {original} if original.endswith(b"\n") else {original, original + b"\n", original + b"\r\n"}
        expect(rest in allowed, f"other bytes changed: {original[-40:]!r} became {rest[-40:]!r}")
        backup = box.state / ".env.bak"
        expect(backup.is_file(), "no .env.bak")
        expect(backup.read_bytes() == original, ".env.bak does not hold the original bytes")

    return check


for _name, _raw in DOTENVS.items():
    add("bytes", f".env with {_name}: onboard", dotenv_bytes_case(_raw))


def symlinked_dotenv_case(relative: bool) -> Callable[[Box], None]:
    def check(box: Box) -> None:
        box.state.mkdir()
        target = box.elsewhere / "real.env"
        target.write_bytes(b"SOME_SERVICE=abc\n")
        box.dotenv.symlink_to(os.path.relpath(target, box.state) if relative else target)
        done = box.run("onboard", "--aisa-api-key", KEY, "--non-interactive", "--no-plugin", "--skip-validation")
        expect(done.code == 0, f"onboarding failed: {done.brief()}")
        expect(box.dotenv.is_symlink(), "the .env link was replaced by a file")
        expect(KEY.encode() in target.read_bytes(), "the link's target did not get the key")

    return check


add("bytes", ".env a symlink (absolute) to a file elsewhere: onboard", symlinked_dotenv_case(False))
add("bytes", ".env a symlink (relative) to a file elsewhere: onboard", symlinked_dotenv_case(True))


def json5_case(command: str, comment: str) -> Callable[[Box], None]:
    """A hand-edited config with a comment: a command that rewrites it says the comment goes."""

    def check(box: Box) -> None:
        fake = box.fake()  # the model list `models add` needs
        box.onboard("--base-url", fake.base_url)
        data = box.read_config()
        if command == "doctor --fix --offline":  # something doctor --fix changes: env.AISA_API_KEY moves to env.vars
            data.setdefault("env", {})["AISA_API_KEY"] = KEY
        box.config.write_text(f"{comment}\n{json.dumps(data, indent=2)}\n")
        argv = {
            "models set": ("models", "set", "aisa/kimi-k2.5"),
            "models add": ("models", "add", "qwen-flash"),
            "doctor --fix --offline": ("doctor", "--fix", "--offline"),
            "onboard --primary": ("onboard", "--non-interactive", "--no-plugin", "--skip-validation", "--primary", "aisa/kimi-k2.5"),
            "remove": ("remove", "--no-plugin", "--non-interactive"),
        }[command]
        done = box.run(*argv)
        expect(done.code in (0, 1), f"{command} failed: {done.brief()}")
        expect(comment not in box.config.read_text(), f"the config was not rewritten: {done.brief()}")
        expect("comment" in done.err.lower(), "nothing on stderr says the comment is dropped")

    return check


for _command in ("models set", "models add", "doctor --fix --offline", "onboard --primary", "remove"):
    add("bytes", f"JSON5 config with a // comment: {_command}", json5_case(_command, "// my notes: keep qwen for the bots"))
add("bytes", "JSON5 config with a /* */ comment: models set", json5_case("models set", "/* my notes: keep qwen for the bots */"))


# 4. delete --------------------------------------------------------------------------------------------


def users_plugin_dir(path: Path) -> None:
    (path / ".git").mkdir(parents=True)
    (path / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (path / "package.json").write_text(json.dumps({"name": "aisa", "description": "my fork"}, indent=2) + "\n")
    (path / "index.js").write_text("module.exports = { id: 'aisa' };\n")
    (path / "NOTES.md").write_text("my own plugin; do not delete\n")


def extensions_case(version: str, linked: bool) -> Callable[[Box], None]:
    """The user's own extensions/aisa (a directory, or a link to one), an openclaw whose uninstall fails:
    onboard, then remove; nothing of it may go."""

    def check(box: Box) -> None:
        box.fake_openclaw(f"OpenClaw {version}", uninstall_exit=1)
        place = box.state / "extensions" / "aisa"
        if linked:
            target = box.elsewhere / "aisa-dev"
            users_plugin_dir(target)
            place.parent.mkdir(parents=True)
            place.symlink_to(target)
            before = (tree(place), tree(target))
        else:
            users_plugin_dir(place)
            before = (tree(place), {})
        box.ok("onboard", "--aisa-api-key", KEY, "--non-interactive", "--skip-validation")
        done = box.run("remove", "--non-interactive")
        after = (tree(place), tree(box.elsewhere / "aisa-dev") if linked else {})
        expect(after == before, f"{'the link or its target' if linked else 'the directory'} changed: {done.brief()}")

    return check


add("delete", "user's own extensions/aisa, OpenClaw 2026.9.6 whose uninstall fails", extensions_case("2026.9.6", False))
add("delete", "user's own extensions/aisa, OpenClaw 2026.3.31 whose uninstall fails", extensions_case("2026.3.31", False))
add("delete", "extensions/aisa a symlink to a dir elsewhere, OpenClaw 2026.9.6", extensions_case("2026.9.6", True))
add("delete", "extensions/aisa a symlink to a dir elsewhere, OpenClaw 2026.3.31", extensions_case("2026.3.31", True))

AISA_BLOCK = {
    "baseUrl": "https://api.aisa.one/v1",
    "api": "openai-completions",
    "apiKey": {"source": "env", "provider": "default", "id": "AISA_API_KEY"},
    "models": [{"id": "kimi-k2.5", "name": "Kimi K2.5"}, {"id": "qwen3-max", "name": "Qwen3 Max"}],
}


def allowlist_case(onboarded: bool, allow: dict, survives: Callable[[Any], bool], what: str) -> Callable[[Box], None]:
    def check(box: Box) -> None:
        if onboarded:
            box.onboard()
            data = box.read_config()
        else:
            data = {"models": {"mode": "merge", "providers": {"aisa": AISA_BLOCK}}}
        agents = data.setdefault("agents", {}).setdefault("defaults", {})
        agents["model"] = {"primary": "openai/gpt-5"}
        agents["models"] = allow
        box.write_config(data)
        done = box.run("remove", "--no-plugin", "--non-interactive")
        expect(done.code == 0, f"remove failed: {done.brief()}")
        now = box.read_config().get("agents", {}).get("defaults", {}).get("models")
        expect(survives(now), f"{what}; agents.defaults.models is now {json.dumps(now)}")

    return check


ONLY_AISA = {"aisa/kimi-k2.5": {}, "aisa/qwen3-max": {}}
WITH_ALIAS = {"aisa/kimi-k2.5": {"alias": "k"}, "openai/gpt-5": {}}
for _onboarded in (False, True):
    _how = "onboarded" if _onboarded else "hand-written"
    add(
        "delete",
        f"allowlist of aisa refs only, primary openai/gpt-5 ({_how}): remove",
        allowlist_case(_onboarded, ONLY_AISA, lambda m: isinstance(m, dict) and len(m) > 0, "the allowlist was emptied"),
    )
    add(
        "delete",
        f"alias on an aisa ref next to openai's ({_how}): remove",
        allowlist_case(
            _onboarded,
            WITH_ALIAS,
            lambda m: isinstance(m, dict) and any(isinstance(v, dict) and v.get("alias") == "k" for v in m.values()),
            "the alias entry is gone",
        ),
    )


@case("delete", "env.AISA_API_KEY and env.vars.AISA_API_KEY differ: doctor --fix --offline")
def _two_keys(box: Box) -> None:
    box.onboard()
    data = box.read_config()
    data["env"] = {"AISA_API_KEY": OTHER_KEY, "vars": {"AISA_API_KEY": KEY}}
    box.write_config(data)
    done = box.run("doctor", "--fix", "--offline")
    text = box.config.read_text()
    expect(KEY in text and OTHER_KEY in text, f"a key was dropped from the config: {done.brief()}")


# 5. failed-write --------------------------------------------------------------------------------------


def snapshot(box: Box) -> tuple[list[str], dict[str, bytes]]:
    names = sorted(os.listdir(box.state))
    kept = {n: (box.state / n).read_bytes() for n in names if n.startswith(HOLDERS) and (box.state / n).is_file()}
    return names, kept


def refused_rename_case(errno_name: str, command: str) -> Callable[[Box], None]:
    """A rename onto the config is refused (a bind-mounted file, an immutable flag): five tries change
    nothing (config, backups, .env, the directory listing) and the message says what to look at."""
    says = {"EBUSY": r"busy|mount", "EPERM": r"immutable|chattr|permission"}[errno_name]

    def check(box: Box) -> None:
        box.write_config({"gateway": {"mode": "local"}})
        box.dotenv.write_bytes(b"OTHER=1\n")
        box.onboard()
        box.ok("models", "set", "aisa/qwen3-max")
        box.onboard("--primary", "aisa/deepseek-v3.1")
        before = snapshot(box)
        if command == "models set":
            argv: tuple[str, ...] = ("models", "set", "aisa/kimi-k2.5")
        else:
            argv = (
                "onboard",
                "--aisa-api-key",
                OTHER_KEY,
                "--non-interactive",
                "--no-plugin",
                "--skip-validation",
                "--primary",
                "aisa/kimi-k2.5",
            )
        for attempt in range(5):
            done = box.run(*argv, patch=patch_rename(errno_name))
            expect(done.code not in (0, None), f"try {attempt + 1} reported success: {done.brief()}")
            expect(re.search(says, done.err, re.I), f"the message is not specific: {done.brief()}")
            now = snapshot(box)
            if now != before:
                extra = sorted(set(now[0]) - set(before[0]))
                changed = sorted(n for n in before[1] if now[1].get(n) != before[1][n])
                raise Fail(f"after try {attempt + 1}: new files {extra}, changed {changed}")

    return check


for _errno in ("EBUSY", "EPERM"):
    for _command in ("models set", "onboard with a new key"):
        add("failed-write", f"os.replace onto the config raises {_errno}, x5: {_command}", refused_rename_case(_errno, _command))


def interrupted_case(dotenv: bytes | None, config: bool) -> Callable[[Box], None]:
    """Ctrl-C while the config is written, during an onboarding with a new key: the .env is as it was."""

    def check(box: Box) -> None:
        if config:
            box.write_config({"gateway": {"mode": "local"}})
        if dotenv is not None:
            box.state.mkdir(exist_ok=True)
            box.dotenv.write_bytes(dotenv)
        done = box.run("onboard", "--aisa-api-key", KEY, "--non-interactive", "--no-plugin", "--skip-validation", patch=CTRL_C)
        expect(done.code != 0, f"onboarding reported success: {done.brief()}")
        now = box.dotenv.read_bytes() if box.dotenv.exists() else None
        expect(now == dotenv, "the .env changed: " + ("the new key is in it" if now and KEY.encode() in now else "it differs"))

    return check


add("failed-write", "Ctrl-C in write_config, onboard with a new key (.env with other vars)", interrupted_case(b"OTHER=1\n", True))
add(
    "failed-write",
    "Ctrl-C in write_config, onboard with a new key (.env with an older key)",
    interrupted_case(f"OTHER=1\nAISA_API_KEY={OTHER_KEY}\n".encode(), True),
)
add("failed-write", "Ctrl-C in write_config, first onboard (no .env, no config)", interrupted_case(None, False))


def killed_case(dotenv: bytes | None) -> Callable[[Box], None]:
    """Killed while the config is written, during an onboarding with a new key; `remove` afterwards
    takes the key out of the .env (or the .env is as it was)."""

    def check(box: Box) -> None:
        box.write_config({"gateway": {"mode": "local"}})
        if dotenv is not None:
            box.dotenv.write_bytes(dotenv)
        killed = box.run("onboard", "--aisa-api-key", KEY, "--non-interactive", "--no-plugin", "--skip-validation", patch=KILL)
        expect(killed.code == 137, f"the kill did not happen where planned: {killed.brief()}")
        done = box.run("remove", "--no-plugin", "--non-interactive")
        now = box.dotenv.read_bytes() if box.dotenv.exists() else None
        expect(
            now == dotenv or (now is not None and KEY.encode() not in now) or now is None, f"the key is still in the .env: {done.brief()}"
        )

    return check


add("failed-write", "killed in write_config, onboard with a new key, then remove (.env with other vars)", killed_case(b"OTHER=1\n"))
add("failed-write", "killed in write_config, onboard with a new key, then remove (no .env before)", killed_case(None))


# 6. bounded -------------------------------------------------------------------------------------------

# name -> (argv for a base URL, budget in seconds, whether the command reads a stream)
BOUNDED: dict[str, tuple[Callable[[str], list[str]], float, bool]] = {
    "onboard": (lambda url: ["onboard", "--aisa-api-key", KEY, "--base-url", url, "--no-plugin", "--non-interactive"], 5, False),
    "doctor": (lambda url: ["doctor"], 10, False),
    "models list --live": (lambda url: ["models", "list", "--live", "--base-url", url], 40, False),
    "chat --timeout 5": (lambda url: ["chat", "-m", "qwen3-max", "--base-url", url, "--timeout", "5", "hi"], 50, True),
    "bench --timeout 5 --runs 2": (
        lambda url: ["bench", "--models", "qwen3-max", "--runs", "2", "--base-url", url, "--timeout", "5"],
        70,
        True,
    ),
}


def fault(name: str, stream: bool) -> Callable:
    if name == "drip-headers":
        return drip(b"HTTP/1.1 200 OK\r\nX-Slow: ", gap=2.0)
    if name == "drip-body":
        return drip(sse_head(), b"\n", gap=2.0) if stream else drip(json_head(), b" ", gap=2.0)
    if name == "stall":
        return stall
    if name == "429 Retry-After: 60":
        return answer("429 Too Many Requests", b'{"error":{"message":"slow down"}}', extra="Retry-After: 60\r\n")
    if stream:
        return gzip_bomb(b"", b'data: {"choices":[]}\n\n', content_type="text/event-stream")
    return gzip_bomb(b'{"data":[', b"{},")


def limit(budget: float) -> float:
    return 1.5 * budget + 3


def bounded_case(command: str, fault_name: str) -> Callable[[Box], None]:
    """The command ends within 1.5 x its stated budget + 3 s with a peak RSS under 200 MB."""
    argv, budget, stream = BOUNDED[command]

    def check(box: Box) -> None:
        server = box.hostile(fault(fault_name, stream))
        if command == "doctor":
            box.onboard("--base-url", server.base_url)
        done = box.run(*argv(server.base_url), env={"AISA_API_KEY": KEY}, timeout=limit(budget) + 2)
        took = f"{done.seconds:.1f} s" if not done.hung else f"still running at {done.seconds:.0f} s (cut)"
        box.note = f"{done.seconds:.1f} s, {done.peak_mb or 0:.0f} MB, exit {done.code}"
        expect(not done.hung and done.seconds <= limit(budget), f"{took}, over {limit(budget):g} s (budget {budget:g} s)")
        expect(done.peak_mb is not None and done.peak_mb < PEAK_MB, f"peak RSS {done.peak_mb} MB ({done.brief()})")

    return check


for _fault in ("drip-headers", "drip-body", "stall", "429 Retry-After: 60"):
    for _command in BOUNDED:
        add("bounded", f"{_command} / {_fault}", bounded_case(_command, _fault), waits=limit(BOUNDED[_command][1]))


def lock_case(kind: str) -> Callable[[Box], None]:
    """openclaw.json.lock is something no writer left: the command ends within 40 s and names it."""

    def check(box: Box) -> None:
        box.onboard()
        lock = box.state / "openclaw.json.lock"
        if kind == "a dangling symlink":
            lock.symlink_to(box.elsewhere / "nowhere")
        elif kind == "a FIFO":
            os.mkfifo(lock)
        else:
            lock.mkdir()
        done = box.run("models", "set", "aisa/kimi-k2.5", timeout=45)
        box.note = f"{done.seconds:.1f} s"
        expect(not done.hung and done.seconds <= 40, f"{done.seconds:.0f} s" + (" (cut)" if done.hung else ""))
        expect(done.code in (1, 2), f"expected exit 1 or 2: {done.brief()}")
        expect("openclaw.json.lock" in done.err, f"the message does not name the lock: {done.brief()}")

    return check


for _kind in ("a dangling symlink", "a FIFO", "a directory"):
    add("bounded", f"openclaw.json.lock is {_kind}: models set", lock_case(_kind), waits=45)


@case("bounded", "openclaw --version hangs: onboard (plugin on, no --openclaw-version)", waits=35)
def _hung_openclaw(box: Box) -> None:
    box.fake_openclaw(version_sleep=120)
    done = box.run("onboard", "--non-interactive", "--aisa-api-key", KEY, "--skip-validation", timeout=35)
    box.note = f"{done.seconds:.1f} s"
    expect(not done.hung and done.seconds <= 30, f"{done.seconds:.0f} s" + (" (cut)" if done.hung else ""))
    expect("no openclaw command found" not in done.text, "it says no openclaw command was found; there is one, and it hangs")


for _command in BOUNDED:  # a gzip bomb costs CPU to decode: these run one at a time
    add("bounded", f"{_command} / gzip bomb", bounded_case(_command, "gzip bomb"))


# 7. malformed -----------------------------------------------------------------------------------------


def one_line_error(done: Done, codes: Sequence[int] = (1,)) -> None:
    expect(done.code in codes, f"expected exit {' or '.join(map(str, codes))}: {done.brief()}")
    expect(len(done.err_lines) == 1, f"{len(done.err_lines)} lines on stderr, not one: {done.brief()}")


def model_list_case(body: bytes) -> Callable[[Box], None]:
    def check(box: Box) -> None:
        server = box.hostile(answer("200 OK", body))
        one_line_error(box.run("models", "list", "--live", "--base-url", server.base_url, env={"AISA_API_KEY": KEY}))

    return check


for _body in (b'{"data": 5}', b'{"data": [5]}', b"[]", b'"x"', b"not json"):
    add("malformed", f"GET /models answers {_body.decode()}: models list --live", model_list_case(_body))


def chunk_case(chunk: Any) -> Callable[[Box], None]:
    def check(box: Box) -> None:
        fake = box.fake()
        fake.fail_next("raw_stream", chat_only=True, pieces=[f"data: {json.dumps(chunk)}\n\n".encode(), b"data: [DONE]\n\n"])
        one_line_error(box.run("chat", "-m", "qwen3-max", "--base-url", fake.base_url, "hi", env={"AISA_API_KEY": KEY}))

    return check


for _chunk in ({"choices": 5}, {"choices": [5]}, {"choices": [{"delta": 5}]}):
    add("malformed", f"chat stream chunk {json.dumps(_chunk)}: chat", chunk_case(_chunk))


@case("malformed", "a key with a non-UTF-8 byte in argv: onboard")
def _bad_byte_key(box: Box) -> None:
    box.state.mkdir()
    box.dotenv.write_bytes(b"OTHER=1\n")
    done = box.run("onboard", "--aisa-api-key", b"sk-aisa-0123456789abcdef\xff", "--non-interactive", "--no-plugin", "--skip-validation")
    one_line_error(done, (2,))
    expect(box.dotenv.read_bytes() == b"OTHER=1\n", "the .env changed")


def bad_stdin_case(env: Mapping[str, str | None], command: str) -> Callable[[Box], None]:
    def check(box: Box) -> None:
        fake = box.fake()
        if command == "chat":
            box.onboard("--base-url", fake.base_url)
            done = box.run("chat", "-m", "kimi-k2.5", "-", stdin=b"caf\xe9 \xff\xfe what?\n", env=env)
        else:
            box.state.mkdir()
            box.dotenv.write_bytes(b"OTHER=1\n")
            done = box.run(
                "onboard",
                "--aisa-api-key",
                "-",
                "--non-interactive",
                "--no-plugin",
                "--skip-validation",
                stdin=b"sk-aisa-0123\xff\n",
                env=env,
            )
            expect(box.dotenv.read_bytes() == b"OTHER=1\n", "the .env changed")
        expect(done.code in (1, 2), f"expected exit 1 or 2: {done.brief()}")

    return check


UTF8_LOCALE: dict[str, str | None] = {"LC_ALL": "C.UTF-8", "PYTHONIOENCODING": None}
C_LOCALE: dict[str, str | None] = {"LC_ALL": "C", "PYTHONUTF8": "0"}
add("malformed", "non-UTF-8 stdin, LC_ALL=C.UTF-8: chat -m kimi-k2.5 -", bad_stdin_case(UTF8_LOCALE, "chat"))
add("malformed", "non-UTF-8 stdin, PYTHONUTF8=0 LC_ALL=C: chat -m kimi-k2.5 -", bad_stdin_case(C_LOCALE, "chat"))
add("malformed", "non-UTF-8 stdin, LC_ALL=C.UTF-8: onboard --aisa-api-key -", bad_stdin_case(UTF8_LOCALE, "onboard"))
add("malformed", "non-UTF-8 stdin, PYTHONUTF8=0 LC_ALL=C: onboard --aisa-api-key -", bad_stdin_case(C_LOCALE, "onboard"))


def timeout_value_case(command: str, value: str) -> Callable[[Box], None]:
    def check(box: Box) -> None:
        fake = box.fake()
        env = {"AISA_API_KEY": KEY}
        if command == "chat":
            done = box.run("chat", "-m", "qwen3-max", "--base-url", fake.base_url, "--timeout", value, "hi", env=env)
        elif command == "bench":
            done = box.run("bench", "--models", "qwen3-max", "--runs", "1", "--base-url", fake.base_url, "--timeout", value, env=env)
        elif command == "models list --live":
            done = box.run("models", "list", "--live", "--base-url", fake.base_url, "--timeout", value, env=env)
        else:
            box.onboard("--base-url", fake.base_url)
            done = box.run("doctor", "--timeout", value, env=env)
        expect(done.code == 2, f"--timeout {value} was not refused as a usage error: {done.brief()}")

    return check


for _value in ("nan", "inf", "-1"):
    add("malformed", f"chat --timeout {_value}", timeout_value_case("chat", _value))
add("malformed", "bench --timeout nan", timeout_value_case("bench", "nan"))
add("malformed", "models list --live --timeout -1", timeout_value_case("models list --live", "-1"))
add("malformed", "doctor --timeout inf", timeout_value_case("doctor", "inf"))


@case("malformed", "bench --csv /dev/full")
def _csv_full(box: Box) -> None:
    fake = box.fake()
    done = box.run(
        "bench", "--models", "qwen3-max", "--runs", "1", "--base-url", fake.base_url, "--csv", "/dev/full", env={"AISA_API_KEY": KEY}
    )
    one_line_error(done, (1, 2))


def bad_gateway_case(require: bool) -> Callable[[Box], None]:
    def check(box: Box) -> None:
        server = box.hostile(answer("502 Bad Gateway", b'{"error":"provider request failed"}'))
        extra = ("--require-valid-key",) if require else ()
        done = box.run("onboard", "--aisa-api-key", KEY, "--base-url", server.base_url, "--no-plugin", "--non-interactive", *extra)
        if require:
            expect(done.code == 1, f"expected exit 1: {done.brief()}")
        else:
            expect(done.code == 0, f"expected exit 0: {done.brief()}")
            expect("not verified" in done.text, "no `not verified` warning")
            expect("Key verified" not in done.out, "says `Key verified`")

    return check


add("malformed", "502 on GET /models during onboarding's key check", bad_gateway_case(False))
add("malformed", "502 on GET /models during onboarding's key check, --require-valid-key", bad_gateway_case(True))


# 8. modes and hints -----------------------------------------------------------------------------------


def state_mode_case(mode: int) -> Callable[[Box], None]:
    def check(box: Box) -> None:
        box.state.mkdir()
        box.state.chmod(mode)
        box.onboard()
        now = stat.S_IMODE(box.state.stat().st_mode)
        expect(now == mode, f"the state dir's mode went from {mode:04o} to {now:04o}")

    return check


add("modes", "state dir mode 1777: onboard", state_mode_case(0o1777))
add("modes", "state dir mode 2775: onboard", state_mode_case(0o2775))

HINT_COMMANDS: dict[str, tuple[str, ...]] = {
    "onboard": ("onboard", "--aisa-api-key", KEY, "--non-interactive", "--no-plugin", "--skip-validation"),
    "models set": ("models", "set", "aisa/kimi-k2.5"),
    "doctor --offline": ("doctor", "--offline"),
    "remove": ("remove", "--no-plugin", "--non-interactive"),
}


def hint_case(config: bytes, command: str, included: bytes | None = None) -> Callable[[Box], None]:
    """A config we cannot use, and no backup of it: the error names no backup to restore."""

    def check(box: Box) -> None:
        box.state.mkdir()
        box.config.write_bytes(config)
        if included is not None:
            (box.state / "models.json5").write_bytes(included)
        done = box.run(*HINT_COMMANDS[command])
        expect(done.code in (1, 2), f"expected exit 1 or 2: {done.brief()}")
        missing = missing_backups(done, box.state)
        expect(not missing, f"tells to restore {', '.join(missing)}, which does not exist")

    return check


INCLUDE = b'{ "$include": "models.json5", "gateway": { "mode": "local" } }\n'
add("modes", "root $include of a file holding models: onboard", hint_case(INCLUDE, "onboard", b'{ models: { mode: "merge" } }\n'))
add("modes", "root $include of a file holding models: models set", hint_case(INCLUDE, "models set", b'{ models: { mode: "merge" } }\n'))
add("modes", "root $include of a file that is not JSON5: onboard", hint_case(INCLUDE, "onboard", b"{ models: { mode: \n"))
for _command in HINT_COMMANDS:
    add("modes", f"config not valid JSON5, no .bak: {_command}", hint_case(b'{ "gateway": { "mode": "local", }\n', _command))
add("modes", "config not UTF-8, no .bak: onboard", hint_case(b'{ "gateway": { "mode": "l\xe9cal" } }\n', "onboard"))


# --- running -------------------------------------------------------------------------------------------


@dataclass
class Verdict:
    ok: bool
    reason: str = ""
    seconds: float = 0.0
    note: str = ""


def judge(case: Case, src: Path) -> Verdict:
    box = Box(src)
    started = time.monotonic()
    try:
        reason = ""
        try:
            case.fn(box)
        except Fail as e:
            reason = str(e)
        except Exception as e:  # the harness's own trouble: a failure too, said as such
            reason = f"harness error: {type(e).__name__}: {e} ({traceback.format_exc().splitlines()[-3].strip()})"
        broken = hung = ""
        for done in box.runs:
            what = " ".join(done.argv[:3])
            if not broken and "Traceback" in done.err and done.err_lines[-1].startswith("MemoryError"):
                broken = f"`{what}` ran out of the {ADDRESS_SPACE >> 30} GB address space the harness allows (MemoryError), far over {PEAK_MB} MB"
            elif not broken and "Traceback" in done.err:
                broken = f"traceback from `{what}`: {done.err_lines[-1][:150]}"
            elif not broken and "internal error" in done.err:
                broken = f"internal error from `{what}`: {next(x for x in done.err_lines if 'internal error' in x)[:150]}"
            elif not hung and done.hung:
                hung = f"hung: `{what}` cut after {done.seconds:.0f} s"
        # what the case saw first, unless a traceback says more (a leak says most); a cut run last
        if broken and not reason.startswith("leaked"):
            reason = broken
        reason = reason or hung
        for secret in (*SECRETS, KEY, OTHER_KEY):
            reason = reason.replace(secret, secret[:8] + "…")
        return Verdict(not reason, reason, time.monotonic() - started, box.note)
    finally:
        box.close()


def check_src(src: Path) -> str | None:
    """None when `import openclaw_aisa` with `src` first on PYTHONPATH resolves into `src`, else why not."""
    env = base_env()
    env["PYTHONPATH"] = str(src)
    with tempfile.TemporaryDirectory() as cwd:
        done = subprocess.run(
            [PYTHON, "-c", "import openclaw_aisa; print(openclaw_aisa.__file__)"],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    if done.returncode != 0:
        return f"cannot import openclaw_aisa from {src}: {done.stderr.strip().splitlines()[-1:]}"
    found = Path(done.stdout.strip()).resolve()
    if not found.is_relative_to(src.resolve()):
        return f"openclaw_aisa from PYTHONPATH={src} resolves to {found}, not into {src}"
    return None


def labels(srcs: Sequence[Path]) -> list[str]:
    if len(srcs) == 2:
        return ["before", "after"]
    return [src.name or str(src) for src in srcs]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--src", action="append", type=Path, metavar="DIR", help="a checkout to attack (repeat; default /tmp/before and this one)"
    )
    parser.add_argument("--only", metavar="CLASS", help=f"comma-separated classes: {', '.join(CLASSES)}")
    parser.add_argument("--match", metavar="TEXT", help="only the cases whose id contains TEXT")
    parser.add_argument("--json", metavar="FILE", help="write every row as JSON")
    parser.add_argument(
        "--jobs",
        type=int,
        default=6,
        metavar="N",
        help="cases that only wait on sockets (most of `bounded`) run up to N at a time (default 6; 1: strictly one case at a time)",
    )
    parser.add_argument("--serial", action="store_true", help="run the checkouts of a case one after the other, not side by side")
    parser.add_argument("-v", "--verbose", action="store_true", help="one line per case")
    args = parser.parse_args(argv)
    srcs = [s.resolve() for s in (args.src or DEFAULT_SRCS)]
    for src in srcs:
        if problem := check_src(src):
            print(f"attack: {problem}", file=sys.stderr)
            return 2
    wanted = set(args.only.split(",")) if args.only else set(CLASSES)
    if unknown := wanted - set(CLASSES):
        parser.error(f"unknown class(es) {', '.join(sorted(unknown))}; choose from {', '.join(CLASSES)}")
    cases = [c for c in CASES if c.cls in wanted and (not args.match or args.match in c.id)]
    names = labels(srcs)
    print(f"{len(cases)} cases against {', '.join(f'{n} = {s}' for n, s in zip(names, srcs))}", flush=True)
    rows: list[dict[str, Any]] = []
    started = time.monotonic()

    def report(c: Case, verdicts: Sequence[Verdict]) -> None:
        rows.append(
            {
                "class": c.cls,
                "case": c.id,
                "results": {
                    n: {"src": str(s), "pass": v.ok, "reason": v.reason, "note": v.note, "seconds": round(v.seconds, 1)}
                    for n, s, v in zip(names, srcs, verdicts)
                },
            }
        )
        if args.verbose:
            sides = "  |  ".join(
                f"{n} {'PASS' if v.ok else 'FAIL'}" + (f" ({v.reason or v.note})" if v.reason or v.note else "")
                for n, v in zip(names, verdicts)
            )
            print(f"[{c.cls}] {c.id}: {sides}", flush=True)
        else:
            print("." if verdicts[-1].ok else "F", end="", flush=True, file=sys.stderr)

    per_case = 1 if args.serial else len(srcs)
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        i = 0
        while i < len(cases):
            batch = [cases[i]]
            while cases[i].waits and i + len(batch) < len(cases) and cases[i + len(batch)].waits and args.jobs > 1:
                batch.append(cases[i + len(batch)])
            i += len(batch)
            if len(batch) == 1:  # one case: its checkouts side by side (or one after the other)
                c = batch[0]
                with ThreadPoolExecutor(max_workers=per_case) as sides:
                    report(c, list(sides.map(lambda src, c=c: judge(c, src), srcs)))
                continue

            # cases that wait: up to --jobs of them at once, the longest first, reported in order
            def one(c: Case) -> list[Verdict]:
                with ThreadPoolExecutor(max_workers=per_case) as sides:
                    return list(sides.map(lambda src: judge(c, src), srcs))

            futures = {c.id: pool.submit(one, c) for c in sorted(batch, key=lambda c: -c.waits)}
            for c in batch:
                report(c, futures[c.id].result())
    if not args.verbose:
        print(file=sys.stderr)
    took = time.monotonic() - started
    table = summarize(rows, names)
    print()
    print(f"{'class':14}{'cases':>6}" + "".join(f"{'failures ' + n:>{max(16, len(n) + 11)}}" for n in names))
    for line in table:
        print(f"{line['class']:14}{line['cases']:>6}" + "".join(f"{line['failures'][n]:>{max(16, len(n) + 11)}}" for n in names))
    print("race: not run here; the reliability test with the real OpenClaw covers two writers at once")
    still = [r for r in rows if not r["results"][names[-1]]["pass"]]
    if still:
        print(f"\nstill failing on the {names[-1]} side:")
        for r in still:
            print(f"  [{r['class']}] {r['case']}: {r['results'][names[-1]]['reason']}")
    print(f"\n{len(cases)} cases in {took / 60:.1f} min")
    if args.json:
        Path(args.json).write_text(
            json.dumps({"srcs": dict(zip(names, map(str, srcs))), "table": table, "cases": rows, "seconds": round(took)}, indent=2) + "\n"
        )
    return 0 if not still else 1


def summarize(rows: list[dict[str, Any]], names: Sequence[str]) -> list[dict[str, Any]]:
    table = []
    for cls in [*CLASSES, "total"]:
        mine = [r for r in rows if cls in ("total", r["class"])]
        if not mine:
            continue
        table.append({"class": cls, "cases": len(mine), "failures": {n: sum(not r["results"][n]["pass"] for r in mine) for n in names}})
    return table


if __name__ == "__main__":
    sys.exit(main())
