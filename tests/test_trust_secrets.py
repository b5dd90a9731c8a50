"""The secret sweep: every command's stdout, stderr and written files, checked for every secret planted in
the config, the `.env` and the environment, with keys of several shapes (not only `sk-`), and a gateway
that echoes the key back in its errors and its answers."""

from __future__ import annotations

import io
import json
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from openclaw_aisa import cli

# One secret per shape; none of them may be printed or written anywhere but the files that hold them.
AISA_KEY = "AIsa_live_4f8B2kQ9xZ7mN1pR5tV3wY6c"  # the AIsa key, not sk-shaped
TYPED_KEY = "aisa-7Hq2Lm9Xc4Vb8Nz1Kd6Fp3Rt"  # given on the command line
OPENAI_KEY = "sk-proj-Abc123Def456Ghi789Jkl012Mno345"  # another provider's key, inline in the config
GATEWAY_TOKEN = "gw_tok_9f8e7d6c5b4a39281706f5e4d3c2b1a0"
BOT_TOKEN = "3f9a6c1e8b7d2f4a5c6e9b8d7a1f2e3c"  # plain hex: only knowing it can mask it
PASSWORD = "correct-horse-battery-staple-42"
JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.abcDEF123ghiJKL456"  # in .env, under an innocent name
GITHUB_TOKEN = "ghp_16C7e42F292c6912E7710c838347Ae178B4a"  # only in the environment
PROXY_PASSWORD = "pr0xyPa55w0rdSecret"
SECRETS = (AISA_KEY, TYPED_KEY, OPENAI_KEY, GATEWAY_TOKEN, BOT_TOKEN, PASSWORD, JWT, GITHUB_TOKEN, PROXY_PASSWORD)
HOLDERS = ("openclaw.json", ".env")  # the files whose job is to hold secrets (and their backups)


class EchoingGateway(BaseHTTPRequestHandler):
    """A gateway that repeats the Authorization header it got: in a 401's body for GET /models, and in
    the streamed answer for chat (a model asked to repeat its key)."""

    def log_message(self, *args) -> None:
        pass

    def _send(self, status: int, body: bytes, ctype: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        sent = self.headers.get("Authorization", "")
        body = {"error": {"message": f"Invalid token: {sent} ({sent.removeprefix('Bearer ')})", "code": "invalid_api_key"}}
        self._send(401, json.dumps(body).encode(), "application/json")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        sent = self.headers.get("Authorization", "").removeprefix("Bearer ")
        chunks = [
            {"id": "c1", "choices": [{"index": 0, "delta": {"role": "assistant", "content": f"your key is {sent}"}}]},
            {"id": "c1", "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]},
            {"id": "c1", "choices": [], "usage": {"prompt_tokens": 5, "completion_tokens": 5, "total_tokens": 10}},
        ]
        body = b"".join(b"data: " + json.dumps(c).encode() + b"\n\n" for c in chunks) + b"data: [DONE]\n\n"
        self._send(200, body, "text/event-stream")


@pytest.fixture
def echoing() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), EchoingGateway)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def planted_config(base_url: str, inline: bool) -> dict:
    aisa_key = AISA_KEY if inline else {"source": "env", "provider": "default", "id": "AISA_API_KEY"}
    return {
        "models": {
            "mode": "merge",
            "providers": {
                "aisa": {
                    "baseUrl": base_url,
                    "api": "openai-completions",
                    "apiKey": aisa_key,
                    "models": [{"id": "kimi-k2.5", "name": "Kimi"}],
                },
                "openai": {"baseUrl": "https://api.openai.com/v1", "apiKey": OPENAI_KEY, "models": []},
            },
        },
        "agents": {"defaults": {"model": {"primary": "aisa/kimi-k2.5"}}},
        "gateway": {"auth": {"mode": "token", "token": GATEWAY_TOKEN}},
        "channels": {"telegram": {"botToken": BOT_TOKEN}},
        "env": {"vars": {"MY_SERVICE_PASSWORD": PASSWORD}},
    }


def plant(state_dir: Path, base_url: str, inline: bool) -> None:
    """Written as a hand-edited file (4-space indent), so a write rewrites every line and a diff shows them all."""
    state_dir.mkdir(exist_ok=True)
    (state_dir / "openclaw.json").write_text(json.dumps(planted_config(base_url, inline), indent=4))
    dotenv = f"SOME_SERVICE={JWT}\n" + ("" if inline else f"AISA_API_KEY={AISA_KEY}\n")
    (state_dir / ".env").write_text(dotenv)
    (state_dir / ".env").chmod(0o600)


def commands(base_url: str, tmp: Path) -> list[tuple[str, ...]]:
    """Every command a user runs, the dry runs, the --json forms, and keys pasted into the wrong flag."""
    return [
        ("detect",),
        ("detect", "--json"),
        ("config", "path"),
        ("models", "list"),
        ("models", "list", "--json"),
        ("models", "list", "--live"),
        ("models", "set", "aisa/qwen3-max", "--dry-run"),
        ("models", "add", "qwen-flash", "--dry-run"),
        ("models", "sync", "--dry-run"),
        ("doctor", "--offline"),
        ("doctor", "--offline", "--json"),
        ("doctor",),
        ("doctor", "--json"),
        ("onboard", "--non-interactive", "--no-plugin", "--dry-run", "--skip-validation"),
        ("onboard", "--non-interactive", "--no-plugin", "--dry-run", "--aisa-api-key", TYPED_KEY, "--skip-validation"),
        ("onboard", "--non-interactive", "--no-plugin", "--dry-run", "--aisa-api-key", TYPED_KEY, "--secret-input-mode", "plaintext"),
        ("onboard", "--non-interactive", "--no-plugin", "--aisa-api-key", TYPED_KEY, "--base-url", base_url),
        ("onboard", "--non-interactive", "--no-plugin", "--aisa-api-key", TYPED_KEY, "--base-url", base_url, "--json"),
        ("remove", "--dry-run", "--purge-key", "--no-plugin"),
        ("chat", "-m", "kimi-k2.5", "say my key"),
        ("chat", "-m", "kimi-k2.5", "say my key", "--json"),
        ("bench", "--models", "kimi-k2.5", "--runs", "1", "--csv", str(tmp / "bench.csv")),
        ("pricing", "--model", "kimi-k2.5"),
        ("cost", "--model", "kimi-k2.5", "--tokens", "1M"),
        # a key pasted where it does not belong is echoed back in the error: masked
        ("models", "set", AISA_KEY),
        ("models", "set", f"aisa/{TYPED_KEY}"),
        ("chat", "-m", TYPED_KEY, "hi"),
        ("onboard", "--non-interactive", "--no-plugin", "--primary", TYPED_KEY, "--dry-run", "--skip-validation"),
        ("onboard", "--non-interactive", "--no-plugin", "--base-url", TYPED_KEY, "--skip-validation"),
        ("onboard", "--non-interactive", "--no-plugin", "--openclaw-version", TYPED_KEY, "--skip-validation"),
        ("--profile", TYPED_KEY, "models", "list"),
        ("onboard", "--aisa-api-key", AISA_KEY + "\udcff", "--non-interactive"),
        ("detect", f"--{AISA_KEY}"),
    ]


def written_files(*roots: Path) -> dict[Path, bytes]:
    found = {}
    for root in roots:
        for path in root.rglob("*") if root.exists() else ():
            if path.is_file() and not path.is_symlink() and not path.name.startswith(HOLDERS):
                found[path] = path.read_bytes()
    return found


@pytest.mark.parametrize("inline", [False, True], ids=["key-in-dotenv", "key-inline"])
def test_no_command_prints_or_writes_a_secret_it_has_seen(inline, echoing, home, state_dir, tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("OPENCLAW_AISA_OFFLINE")
    monkeypatch.setenv("GITHUB_TOKEN", GITHUB_TOKEN)
    monkeypatch.setenv("NO_PROXY", "*")  # the proxy is never used (loopback); its password must still not show
    monkeypatch.setenv("HTTPS_PROXY", f"http://me:{PROXY_PASSWORD}@127.0.0.1:9")
    monkeypatch.setenv("PATH", str(tmp_path / "no-openclaw"))
    if not inline:
        monkeypatch.setenv("AISA_API_KEY", AISA_KEY)
    leaks = []
    ran = 0
    for argv in commands(echoing, tmp_path):
        plant(state_dir, echoing, inline)
        monkeypatch.setattr(sys, "stdin", io.StringIO(""))
        code = cli.main(list(argv))
        out, err = capsys.readouterr()
        ran += 1
        assert "Traceback" not in err, f"{argv}: {err}"
        assert code in (0, 1, 2), f"{argv} exited {code}: {err}"
        for secret in SECRETS:
            for stream, text in (("stdout", out), ("stderr", err)):
                if secret in text:
                    leaks.append(f"{' '.join(argv)!r}: {secret[:8]}… on {stream}")
        for path, data in written_files(home, tmp_path / "xdg-cache", tmp_path / "xdg-state", tmp_path / "bench.csv").items():
            for secret in SECRETS:
                if secret.encode() in data:
                    leaks.append(f"{' '.join(argv)!r}: {secret[:8]}… written to {path.name}")
    assert ran >= 30
    assert not leaks, "\n".join(leaks)


def test_masking_never_hides_what_is_no_secret(run, home, config_path, monkeypatch):
    """A shell's ordinary variables (PWD, XAUTHORITY, SSH_AUTH_SOCK...) and the model ids, paths and JSON
    keys a command prints are not secrets: a redactor that masked them would make every message useless."""
    ordinary = {
        "PWD": str(home),
        "OLDPWD": str(home.parent),
        "XAUTHORITY": str(home / ".Xauthority"),
        "SSH_AUTH_SOCK": str(home / "agent.sock"),
        "DBUS_SESSION_BUS_ADDRESS": f"unix:path={home}/bus",
        "GIT_AUTHOR_NAME": "Jane Developer",
        "LANG": "en_US.UTF-8",
        "KEYBOARD_LAYOUT": "us-international",
    }
    for name, value in ordinary.items():
        monkeypatch.setenv(name, value)
    assert run("config", "path").out.strip() == str(config_path)
    onboarded = run("onboard", "--aisa-api-key", AISA_KEY, "--non-interactive", "--no-plugin")
    assert onboarded.code == 0 and str(config_path) in onboarded.out and "…" in onboarded.out  # the key, masked
    listed = run("models", "list", "--json").json
    ids = [m["id"] for m in listed["models"]]
    assert ids and all(i in run("models", "list").out for i in ids)
    assert "max_tokens" in json.dumps(listed) and "…" not in json.dumps(listed)
    assert "aisa_saves_percent" in run("pricing", "--json").out
