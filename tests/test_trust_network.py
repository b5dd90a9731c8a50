"""What a hostile or broken network cannot do to us: hold a call past its budget, fill the memory,
lead the key to another host or through a proxy in clear, or turn a bad answer or a bad environment
into a traceback. Each hostile server here is a real socket on 127.0.0.1, stopped and joined after
its test; waits are long on the server's side (two minutes) and bounds generous on ours."""

from __future__ import annotations

import gzip
import json
import os
import socket
import subprocess
import sys
import textwrap
import threading
import time
import zlib
from collections.abc import Callable, Iterator

import pytest

from openclaw_aisa import gateway, sse, urls
from openclaw_aisa.adapters import live, openclaw_exe
from openclaw_aisa.adapters.client import MODELS_CAP, AisaClient, BadEnvironment, Timeouts
from openclaw_aisa.errors import AisaError, UsageError
from openclaw_aisa.gateway import GatewayTimeout, GatewayUnreachable, RateLimited, TooLarge, UpstreamError

from .conftest import KEY

HI = [{"role": "user", "content": "hi"}]
DRIP_FOR = 120.0  # seconds a hostile server keeps going: far past any budget below
RETURNED_WITHIN = 30.0  # generous: a loaded CI machine is slow, but two minutes would show
PROXY_VARS = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "all_proxy", "no_proxy")
SSL_VARS = ("SSL_CERT_FILE", "SSL_CERT_DIR")


# --- hostile servers -----------------------------------------------------------------------------

Script = Callable[["Hostile", socket.socket], None]


class Hostile:
    """A TCP server on 127.0.0.1 that plays `script` on each connection it accepts. Scripts wait with
    `pause()`, which `stop()` cuts short; `stop()` also hangs up every connection and joins every thread."""

    def __init__(self, script: Script):
        self.script = script
        self.heads: list[bytes] = []  # what each client sent before the script answered
        self.connections = 0
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._threads: list[threading.Thread] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.05)
        self.port = self._listener.getsockname()[1]
        self._acceptor = threading.Thread(target=self._accept, name="hostile-accept")
        self._acceptor.start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def pause(self, seconds: float) -> bool:
        """Wait `seconds`; False (at once) when the server is stopping."""
        return not self._stopping.wait(seconds)

    def read_head(self, conn: socket.socket) -> bytes:
        """The request up to its blank line (and the little that follows in the same reads)."""
        conn.settimeout(10)
        head = b""
        while b"\r\n\r\n" not in head and len(head) < 65536:
            data = conn.recv(4096)
            if not data:
                break
            head += data
        with self._lock:
            self.heads.append(head)
        return head

    def stop(self) -> None:
        self._stopping.set()
        self._acceptor.join()
        self._listener.close()
        with self._lock:
            sockets, threads = list(self._sockets), list(self._threads)
        for conn in sockets:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        for worker in threads:
            worker.join(timeout=10)
        assert not any(worker.is_alive() for worker in threads), "a hostile server thread did not stop"

    def _accept(self) -> None:
        while not self._stopping.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            worker = threading.Thread(target=self._play, args=(conn,), name="hostile-conn")
            with self._lock:
                self.connections += 1
                self._sockets.append(conn)
                self._threads.append(worker)
            worker.start()

    def _play(self, conn: socket.socket) -> None:
        try:
            self.script(self, conn)
        except OSError:
            pass  # the client hung up: what a bounded client does
        finally:
            conn.close()


@pytest.fixture
def hostile() -> Iterator[Callable[[Script], Hostile]]:
    servers: list[Hostile] = []

    def start(script: Script) -> Hostile:
        servers.append(Hostile(script))
        return servers[-1]

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(autouse=True)
def no_proxies_or_cert_files(monkeypatch):
    """Start from an environment without proxies or CA-bundle overrides, whatever the runner has."""
    for var in PROXY_VARS + SSL_VARS:
        monkeypatch.delenv(var, raising=False)


def drip(head: bytes, byte: bytes = b"x", gap: float = 0.2) -> Script:
    """Read the request, send `head`, then one `byte` every `gap` seconds for two minutes."""

    def script(server: Hostile, conn: socket.socket) -> None:
        server.read_head(conn)
        conn.sendall(head)
        ends = time.monotonic() + DRIP_FOR
        while time.monotonic() < ends and server.pause(gap):
            conn.sendall(byte)

    return script


def stall(server: Hostile, conn: socket.socket) -> None:
    """Read the request and answer nothing for two minutes."""
    server.read_head(conn)
    server.pause(DRIP_FOR)


def tls_drip(server: Hostile, conn: socket.socket) -> None:
    """Take the TLS ClientHello, announce a 16 KB handshake record and send it a byte at a time."""
    conn.settimeout(10)
    conn.recv(65536)
    conn.sendall(b"\x16\x03\x03\x40\x00")
    ends = time.monotonic() + DRIP_FOR
    while time.monotonic() < ends and server.pause(0.2):
        conn.sendall(b"\x02")


def answer(status: str, body: bytes, content_type: str = "application/json", extra: str = "") -> Script:
    """Read the request and answer once, then hang up."""

    def script(server: Hostile, conn: socket.socket) -> None:
        server.read_head(conn)
        head = f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n{extra}Connection: close\r\n\r\n"
        conn.sendall(head.encode() + body)

    return script


def gzip_bomb(prefix: bytes, unit: bytes, status: str = "200 OK", content_type: str = "application/json") -> Script:
    """Answer a gzip body of `prefix` and then `unit` over and over up to 2 GB, compressed as it is sent
    (about 2 MB on the wire): a client that decodes it whole needs gigabytes."""

    def script(server: Hostile, conn: socket.socket) -> None:
        server.read_head(conn)
        conn.sendall(f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Encoding: gzip\r\nConnection: close\r\n\r\n".encode())
        deflate = zlib.compressobj(6, zlib.DEFLATED, 31)
        conn.sendall(deflate.compress(prefix))
        block = unit * ((1 << 20) // len(unit))
        for _ in range(2048):
            if not server.pause(0):
                return
            if out := deflate.compress(block):
                conn.sendall(out)
        conn.sendall(deflate.flush())

    return script


def sse_head() -> bytes:
    return b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n"


def json_head(length: int = 1_000_000) -> bytes:
    return f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {length}\r\n\r\n".encode()


# --- 1. every call has a total budget --------------------------------------------------------------


@pytest.mark.parametrize(
    "script",
    [
        pytest.param(drip(b"HTTP/1.1 200 OK\r\nX-Slow: "), id="headers"),
        pytest.param(drip(json_head(), b" "), id="body"),
        pytest.param(stall, id="stall"),
    ],
)
def test_a_server_that_drips_or_stalls_cannot_hold_the_model_list_past_its_budget(hostile, script):
    server = hostile(script)
    with AisaClient(server.base_url, KEY, timeouts=Timeouts(read=10, total=1)) as c:
        started = time.monotonic()
        with pytest.raises(GatewayTimeout) as raised:
            c.list_models()
        took = time.monotonic() - started
    assert took < RETURNED_WITHIN and raised.value.phase == "total"
    assert str(raised.value) == (
        f"AIsa at 127.0.0.1:{server.port} did not answer in full within 1 s, the limit for the whole request; try again, or raise the timeout"
    )


def test_the_key_check_is_over_within_its_five_seconds_whatever_the_server_does(hostile):
    server = hostile(drip(json_head(), b" "))
    with AisaClient(server.base_url, KEY) as c:
        started = time.monotonic()
        check = c.check_key()
        took = time.monotonic() - started
    assert took < RETURNED_WITHIN and check.valid is None and not check.reachable and "within 5 s" in str(check.error)


def test_onboarding_against_a_dripping_server_gives_up_after_five_seconds_and_says_so(hostile, run, online):
    server = hostile(drip(b"HTTP/1.1 200 OK\r\nX-Slow: "))
    started = time.monotonic()
    done = run("onboard", "--aisa-api-key", KEY, "--base-url", server.base_url, "--no-plugin", "--non-interactive")
    assert time.monotonic() - started < RETURNED_WITHIN
    assert "did not answer in full within 5 s" in done.out + done.err and "Key verified" not in done.out


@pytest.mark.parametrize(
    "script",
    [
        pytest.param(drip(b"HTTP/1.1 200 OK\r\nX-Slow: "), id="headers"),
        pytest.param(drip(sse_head(), b"\n"), id="empty-lines"),
        pytest.param(drip(sse_head() + b"data: {", b"x"), id="one-endless-event"),
    ],
)
def test_a_streamed_answer_that_drips_ends_within_the_stream_budget(hostile, script):
    server = hostile(script)
    with AisaClient(server.base_url, KEY, timeouts=Timeouts(read=10, total=1)) as c:
        started = time.monotonic()
        with pytest.raises(GatewayTimeout) as raised:
            list(c.chat_stream("qwen3-max", HI))
        took = time.monotonic() - started
    assert took < RETURNED_WITHIN and raised.value.phase == "total"


def test_a_json_answer_to_a_stream_is_read_within_the_request_budget_not_the_stream_one(hostile):
    server = hostile(drip(json_head(), b" "))
    with AisaClient(server.base_url, KEY, timeouts=Timeouts(read=1)) as c:  # 2 s to answer, 10 s to stream
        with pytest.raises(GatewayTimeout, match="within 2 s, the limit for the whole request"):
            list(c.chat_stream("qwen3-max", HI))


def test_a_tls_handshake_that_drips_ends_within_the_budget(hostile):
    server = hostile(tls_drip)
    with AisaClient(f"https://127.0.0.1:{server.port}/v1", KEY, timeouts=Timeouts(connect=60, read=60, total=1)) as c:
        started = time.monotonic()
        check = c.check_key(timeout=None)
        took = time.monotonic() - started
    assert took < RETURNED_WITHIN and isinstance(check.error, GatewayTimeout) and check.error.phase == "total"


def test_the_default_budgets_are_stated_in_read_timeouts():
    assert Timeouts(read=20).budget(2) == 40 and Timeouts(read=60).budget(10) == 600
    assert Timeouts(read=60, total=7).budget(10) == 7


# --- 2. a wait for a retry counts against the budget ---------------------------------------------


def test_a_retry_after_longer_than_the_budget_left_is_not_waited_for(fake_aisa):
    waits: list[float] = []
    fake_aisa.fail_next("respond", status=429, body={"error": {"message": "slow down"}}, headers={"Retry-After": "60"})
    with AisaClient(fake_aisa.base_url, KEY, timeouts=Timeouts(5, 5, 5, 5), max_retries=1, sleep=waits.append) as c:
        check = c.check_key(timeout=None, retries=None)  # as onboarding asks
    assert waits == [] and len(fake_aisa.requests) == 1 and check.valid is None
    assert isinstance(check.error, RateLimited) and check.error.status == 429
    assert str(check.error).startswith("AIsa asked to wait 60 s (rate limited), more than the ")
    assert " s left for this request; try again in a minute (request id " in str(check.error)


def test_onboarding_told_to_wait_a_minute_does_not_wait_and_says_why(fake_aisa, run, online):
    fake_aisa.fail_next("respond", status=429, body={"error": {"message": "slow down"}}, headers={"Retry-After": "60"})
    started = time.monotonic()
    done = run("onboard", "--aisa-api-key", KEY, "--base-url", fake_aisa.base_url, "--no-plugin", "--non-interactive")
    assert time.monotonic() - started < RETURNED_WITHIN and len(fake_aisa.requests) == 1
    assert "AIsa asked to wait 60 s (rate limited)" in done.out + done.err and "Key verified" not in done.out


def test_a_server_error_with_a_long_retry_after_says_so_too(fake_aisa):
    fake_aisa.fail_next("respond", status=503, body={"error": "maintenance"}, headers={"Retry-After": "600"})
    with AisaClient(fake_aisa.base_url, KEY, timeouts=Timeouts(read=5, total=5), max_retry_wait=900, sleep=pytest.fail) as c:
        with pytest.raises(UpstreamError, match=r"AIsa asked to wait 600 s \(after answering 503\).*try again in 10 minutes"):
            c.list_models()


def test_a_backoff_that_outlasts_the_budget_reports_the_error_itself(fake_aisa, monkeypatch):
    monkeypatch.setattr(gateway, "retry_delay", lambda *args, **kwargs: 30.0)
    fake_aisa.fail_next("bad_gateway", count=3)
    with AisaClient(fake_aisa.base_url, KEY, timeouts=Timeouts(read=5, total=5), sleep=pytest.fail) as c:
        with pytest.raises(UpstreamError) as raised:
            c.list_models()
    assert str(raised.value).startswith("AIsa answered 502: provider request failed") and len(fake_aisa.requests) == 1


# --- 3. decoded sizes are capped -------------------------------------------------------------------

PROBE = textwrap.dedent(
    """
    import resource, sys
    from openclaw_aisa.adapters.client import AisaClient
    from openclaw_aisa.gateway import GatewayError

    url, key, what = sys.argv[1:4]
    with AisaClient(url, key, max_retries=1, sleep=lambda s: None) as c:
        try:
            if what == "models":
                c.list_models()
            else:
                for _ in c.chat_stream("qwen3-max", [{"role": "user", "content": "hi"}]):
                    pass
            print("no error")
        except GatewayError as e:
            print(type(e).__name__ + ": " + str(e))
    try:  # VmHWM: the peak since exec; ru_maxrss would start at the size of the pytest process that forked us
        with open("/proc/self/status") as f:
            peak = next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // (1024 if sys.platform == "darwin" else 1)
    print(peak // 1024)
    """
)
PEAK_MB = 200


def probe(url: str, what: str) -> tuple[str, int]:
    """The error line and the peak memory (MB) of a fresh process that makes one call."""
    done = subprocess.run([sys.executable, "-c", PROBE, url, KEY, what], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    said, peak = done.stdout.strip().splitlines()
    return said, int(peak)


@pytest.mark.parametrize(
    ("what", "prefix", "unit", "status", "content_type", "says"),
    [
        pytest.param("models", b'{"data":[', b"{},", "200 OK", "application/json", "TooLarge: AIsa's model list at", id="model-list"),
        pytest.param(
            "models", b"", b"<p>busy</p>", "500 Internal Server Error", "text/html", "UpstreamError: AIsa answered 500", id="error-body"
        ),
        pytest.param(
            "chat", b"data: {", b"x", "200 OK", "text/event-stream", "TooLarge: AIsa's stream event is larger than 1 MB", id="one-event"
        ),
        pytest.param(
            "chat",
            b"",
            b'data: {"choices":[{"index":0,"delta":{"content":"' + b"x" * 4000 + b'"}}]}\n\n',
            "200 OK",
            "text/event-stream",
            "TooLarge: AIsa's streamed answer at",
            id="many-events",
        ),
    ],
)
def test_a_gzip_bomb_is_stopped_at_its_cap_with_little_memory(hostile, what, prefix, unit, status, content_type, says):
    server = hostile(gzip_bomb(prefix, unit, status, content_type))
    said, peak = probe(server.base_url, what)
    assert said.startswith(says)
    assert peak < PEAK_MB, f"peak memory {peak} MB"


def test_a_model_list_just_under_its_cap_of_empty_objects_is_refused_with_little_memory(hostile):
    body = b'{"data":[' + b"{}," * ((MODELS_CAP - 20) // 3) + b"{}]}"
    server = hostile(answer("200 OK", gzip.compress(body, 6), extra="Content-Encoding: gzip\r\n"))
    said, peak = probe(server.base_url, "models")
    assert said == f"NotAnApi: AIsa's model list at 127.0.0.1:{server.port} is not the JSON expected; check --base-url"
    assert peak < PEAK_MB, f"peak memory {peak} MB"


def test_an_encoding_that_was_not_asked_for_is_refused(hostile):
    server = hostile(answer("200 OK", b"\x00" * 20, extra="Content-Encoding: br\r\n"))
    with (
        AisaClient(server.base_url, KEY) as c,
        pytest.raises(UpstreamError, match="answered in the 'br' encoding, which was not asked for"),
    ):
        c.list_models()


def test_a_body_that_is_not_gzip_as_announced_is_refused(hostile):
    server = hostile(answer("200 OK", b"not gzip at all", extra="Content-Encoding: gzip\r\n"))
    with AisaClient(server.base_url, KEY) as c, pytest.raises(UpstreamError, match="is not valid gzip"):
        c.list_models()


def test_a_gzip_model_list_of_normal_size_is_read(hostile):
    body = json.dumps({"data": [{"id": f"model-{i}"} for i in range(200)]}).encode()
    server = hostile(answer("200 OK", gzip.compress(body), extra="Content-Encoding: gzip\r\n"))
    with AisaClient(server.base_url, KEY) as c:
        assert len(c.list_models()) == 200
    assert b"accept-encoding: gzip\r\n" in server.heads[0].lower()


def test_one_sse_event_is_capped_however_it_is_fed():
    decoder = sse.Decoder(limit=100)
    assert decoder.feed(b"data: " + b"x" * 50 + b"\n\n")[0].data == "x" * 50
    with pytest.raises(TooLarge, match="stream event is larger than"):
        for _ in range(20):
            decoder.feed(b"data: " + b"y" * 20 + b"\n")  # many data lines of one event
    with pytest.raises(TooLarge):
        sse.Decoder(limit=100).feed(b": a comment that never ends" * 10)


# --- 4. the key goes only where the user sent it -----------------------------------------------------


def recording_proxy(server: Hostile, conn: socket.socket) -> None:
    """A proxy that reads what it is sent and claims success: the key would be 'verified'."""
    head = server.read_head(conn)
    if head.startswith(b"CONNECT"):
        conn.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
        return
    body = json.dumps({"data": [{"id": "from-the-proxy"}]}).encode()
    conn.sendall(json_head(len(body)) + body)


def set_proxies(monkeypatch, url: str, *names: str) -> None:
    for name in names or ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.setenv(name, url)


def test_a_loopback_base_url_never_goes_through_a_proxy(hostile, fake_aisa, monkeypatch):
    proxy = hostile(recording_proxy)
    set_proxies(monkeypatch, f"http://127.0.0.1:{proxy.port}")
    with AisaClient(fake_aisa.base_url, KEY) as c:
        check = c.check_key()
    assert check.valid is True and check.model_count == len(fake_aisa.models)
    assert proxy.connections == 0 and fake_aisa.requests[0].headers["authorization"] == f"Bearer {KEY}"


def test_https_goes_through_the_proxy_only_as_a_tunnel_it_cannot_read(hostile, monkeypatch):
    proxy = hostile(recording_proxy)
    set_proxies(monkeypatch, f"http://127.0.0.1:{proxy.port}", "HTTPS_PROXY")
    with AisaClient("https://api.aisa.example/v1", KEY, timeouts=Timeouts(read=5, total=5)) as c:
        check = c.check_key()
    assert check.valid is None and isinstance(check.error, GatewayUnreachable)
    assert proxy.heads[0].startswith(b"CONNECT api.aisa.example:443 ")
    assert KEY.encode() not in b"".join(proxy.heads) and b"authorization" not in b"".join(proxy.heads).lower()


def test_no_proxy_sends_a_host_around_the_proxy(hostile, monkeypatch):
    proxy = hostile(recording_proxy)
    set_proxies(monkeypatch, f"http://127.0.0.1:{proxy.port}", "HTTPS_PROXY")
    monkeypatch.setenv("NO_PROXY", "example.org, 192.0.2.1")
    with AisaClient("https://192.0.2.1/v1", KEY, timeouts=Timeouts(connect=1, read=1, total=1)) as c:
        check = c.check_key()
    assert check.valid is None and not check.reachable and proxy.connections == 0


@pytest.mark.parametrize(
    ("url", "proxies", "expected"),
    [
        ("http://127.0.0.1:8080/v1", {"http": "http://p:3128", "all": "http://p:3128"}, None),
        ("https://localhost/v1", {"https": "http://p:3128"}, None),
        ("https://[::1]:8443/v1", {"https": "http://p:3128"}, None),
        ("https://api.aisa.one/v1", {"http": "http://p:3128"}, None),
        ("https://api.aisa.one/v1", {"https": "p:3128"}, ("https", "http://p:3128")),
        ("https://api.aisa.one/v1", {"https": "http://a:1", "all": "socks5://b:2"}, ("https", "http://a:1")),
        ("https://api.aisa.one/v1", {"all": "socks5://b:2"}, ("all", "socks5://b:2")),
        ("https://api.aisa.one/v1", {"all": "socks5://b:2", "no": "aisa.one"}, None),
        ("https://api.aisa.one/v1", {"all": "socks5://b:2", "no": ".aisa.one"}, None),
        ("https://aisa.one/v1", {"all": "socks5://b:2", "no": ".aisa.one"}, ("all", "socks5://b:2")),
        ("https://api.aisa.one/v1", {"all": "socks5://b:2", "no": "isa.one"}, ("all", "socks5://b:2")),
        ("https://api.aisa.one/v1", {"all": "socks5://b:2", "no": "api.aisa.one:8443"}, ("all", "socks5://b:2")),
        ("https://api.aisa.one/v1", {"all": "socks5://b:2", "no": "https://api.aisa.one"}, None),
        ("https://api.aisa.one/v1", {"all": "socks5://b:2", "no": "http://api.aisa.one"}, ("all", "socks5://b:2")),
        ("https://api.aisa.one/v1", {"all": "socks5://b:2", "no": "*"}, None),
    ],
)
def test_which_proxy_a_request_takes(url, proxies, expected):
    assert urls.proxy_for(url, proxies) == expected


def test_a_socks_proxy_without_socks_support_is_one_line_naming_the_variable(monkeypatch):
    if __import__("importlib.util").util.find_spec("socksio") is not None:
        pytest.skip("socksio is installed: SOCKS proxies work")
    set_proxies(monkeypatch, "socks5://me:s3cret@127.0.0.1:1080", "ALL_PROXY")
    with pytest.raises(BadEnvironment) as raised:
        AisaClient("https://api.aisa.one/v1", KEY)
    assert str(raised.value) == (
        "ALL_PROXY=socks5://***@127.0.0.1:1080 is a SOCKS proxy, and SOCKS support is not installed; "
        "unset ALL_PROXY for this command, or `pip install 'httpx[socks]'`"
    )
    assert raised.value.exit_code == 2 and isinstance(raised.value, UsageError)
    with AisaClient("http://127.0.0.1:9/v1", KEY):  # nothing to proxy on this machine: the variable does not matter
        pass


def test_a_broken_proxy_variable_stops_a_command_with_one_line_and_exit_2(run, online, monkeypatch):
    monkeypatch.setenv("AISA_API_KEY", KEY)
    set_proxies(monkeypatch, "ftp://me:s3cret@proxy.example:21", "https_proxy")
    done = run("models", "list", "--live", "--base-url", "https://api.aisa.one/v1")
    assert done.code == 2 and done.out == ""
    assert done.err == (
        "openclaw-aisa: error: https_proxy=ftp://***@proxy.example:21 is not an http://, https:// or socks5:// proxy; "
        "unset https_proxy for this command, or set one that is\n"
    )


@pytest.mark.parametrize(
    ("var", "make", "says"),
    [
        ("SSL_CERT_FILE", lambda tmp: tmp / "missing.pem", "no such file or directory"),
        (
            "SSL_CERT_FILE",
            lambda tmp: (tmp / "notes.txt", (tmp / "notes.txt").write_text("not a certificate"))[0],
            "no PEM certificate could be read from it",
        ),
        ("SSL_CERT_DIR", lambda tmp: tmp / "no-such-dir", "not a directory"),
    ],
)
def test_a_bad_ca_bundle_variable_is_one_line_naming_it(tmp_path, monkeypatch, var, make, says):
    path = make(tmp_path)
    monkeypatch.setenv(var, str(path))
    with pytest.raises(BadEnvironment) as raised:
        AisaClient("https://api.aisa.one/v1", KEY)
    assert str(raised.value) == f"{var}={path}: {says}; unset {var} for this command, or point it at a PEM bundle of CA certificates"
    with AisaClient("http://127.0.0.1:9/v1", KEY):  # plain http to this machine needs no certificate
        pass


def test_a_proxy_password_never_shows():
    assert urls.masked("http://user:p@ss@proxy:3128/x") == "http://***@proxy:3128/x"
    assert urls.masked("socks5h://127.0.0.1:1080") == "socks5h://127.0.0.1:1080"


# --- 6. malformed answers are typed errors -----------------------------------------------------------


@pytest.mark.parametrize(
    "body", [b'{"data": 5}', b'{"data": [5]}', b'{"data": ["x", null]}', b"[]", b'"x"', b"{}", b"not json", b"[" * 100_000]
)
def test_a_model_list_of_another_shape_is_an_upstream_error(hostile, body):
    server = hostile(answer("200 OK", body))
    with AisaClient(server.base_url, KEY) as c:
        check = c.check_key()
    assert check.valid is None and isinstance(check.error, UpstreamError)
    assert str(check.error) == f"AIsa's model list at 127.0.0.1:{server.port} is not the JSON expected; check --base-url"


def test_model_entries_keep_printable_ids_only():
    entries = [{"id": "ok"}, {"id": "bad\x1b[31m"}, {"id": ""}, {"id": "x" * 201}, {"id": 3}, "junk", {"id": "also ok"}]
    assert [e["id"] for e in gateway.model_entries(entries)] == ["ok", "also ok"]


@pytest.mark.parametrize(
    "chunk",
    [
        5,
        [],
        {"choices": 5},
        {"choices": [5]},
        {"choices": [{"delta": 5}]},
        {"choices": [{"delta": {"content": 5}}]},
        {"choices": [{"delta": {"reasoning_content": ["a"]}}]},
        {"choices": [{"delta": {}, "finish_reason": 1}]},
        {"usage": "x"},
        {"usage": {"prompt_tokens": "12"}},
        {"usage": {"prompt_tokens_details": 5}},
        {"usage": {"completion_tokens_details": {"reasoning_tokens": 1.5}}},
    ],
)
def test_a_stream_chunk_of_another_shape_is_an_upstream_error(fake_aisa, chunk):
    pieces = [f"data: {json.dumps(chunk)}\n\n".encode(), b"data: [DONE]\n\n"]
    fake_aisa.fail_next("raw_stream", pieces=pieces)
    with AisaClient(fake_aisa.base_url, KEY) as c, pytest.raises(UpstreamError) as raised:
        list(c.chat_stream("qwen3-max", HI))
    message = str(raised.value)
    assert message.startswith("AIsa sent a stream chunk that is not an OpenAI chat chunk (") and "\n" not in message


def test_harmless_chunk_shapes_pass():
    fine = [
        {"choices": None, "usage": None},
        {"choices": [{"delta": None, "finish_reason": None}]},
        {"choices": [{"index": 0, "delta": {"content": None, "tool_calls": [{"index": 0}]}}]},
        {"choices": [], "usage": {"prompt_tokens": 1, "completion_tokens": 2, "prompt_tokens_details": None, "cost": 0.01}},
        {"id": "x", "choices": [{"delta": {"content": "a"}, "finish_reason": "stop"}]},
    ]
    assert all(sse.malformed(chunk) is None for chunk in fine)


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"not json",
        b"[]",
        b'"x"',
        b"[" * 100_000,
        b'{"base_url": "URL", "fetched_at": "soon", "data": []}',
        b'{"base_url": "URL", "fetched_at": 1e999, "data": []}',
        b'{"base_url": "URL", "fetched_at": 1, "data": 5}',
        b'{"base_url": "URL", "fetched_at": 1, "data": "abc"}',
        b'{"base_url": "URL", "fetched_at": [1], "data": []}',
        b'{"base_url": "URL"}',
    ],
)
def test_a_damaged_live_cache_is_ignored(content):
    url = "https://api.aisa.one/v1"
    path = live.cache_path(url)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.replace(b"URL", url.encode()))
    assert live.read_cache(url) is None


def test_a_cached_list_dated_in_the_future_is_not_fresh():
    from openclaw_aisa.host import load_host

    url, provider = "https://api.aisa.one/v1", load_host().provider("aisa")
    live.write_cache(url, [{"id": "qwen3-max"}], time.time() + 10**9)
    listing = live.load(provider, url, lambda: [{"id": "kimi-k2.5"}])
    assert listing.source == "live" and listing.ids == ["kimi-k2.5"]


# --- 7. a hung `openclaw --version` -------------------------------------------------------------------


def test_a_hung_openclaw_version_is_asked_once_and_named(tmp_path, monkeypatch):
    command = tmp_path / "bin" / "openclaw"
    command.parent.mkdir()
    command.write_text("#!/bin/sh\nexec sleep 120\n")
    command.chmod(0o755)
    monkeypatch.setattr(openclaw_exe, "VERSION_TIMEOUT", 1.0)
    started = time.monotonic()
    with pytest.raises(AisaError) as raised:
        openclaw_exe.version(command, os.environ)
    assert time.monotonic() - started < RETURNED_WITHIN
    assert str(raised.value) == f"`{command} --version` did not answer in 1 s; run it yourself to see why (OpenClaw needs Node 24)"
    assert "not found" not in str(raised.value)


def test_a_hung_openclaw_stops_onboarding_before_anything_is_written(tmp_path, monkeypatch, run, config_path):
    command = tmp_path / "bin" / "openclaw"
    command.parent.mkdir()
    command.write_text("#!/bin/sh\nexec sleep 120\n")
    command.chmod(0o755)
    monkeypatch.setattr(openclaw_exe, "VERSION_TIMEOUT", 1.0)
    done = run("onboard", "--aisa-api-key", KEY, "--openclaw", str(command), "--non-interactive")
    assert done.code == 1 and "did not answer in 1 s" in done.err and not config_path.exists()


# --- 8. no message carries the key -------------------------------------------------------------------


def test_no_message_of_these_faults_carries_the_key(hostile, fake_aisa, monkeypatch):
    seen = []
    for script in (
        drip(json_head(), b" "),
        answer("200 OK", b'{"data": 5}'),
        answer("307 Temporary Redirect", b"", extra="Location: http://127.0.0.2:9/v1/models\r\n"),
    ):
        server = hostile(script)
        with AisaClient(server.base_url, KEY, timeouts=Timeouts(read=5, total=1)) as c:
            error = c.check_key(timeout=None).error
        seen += [str(error), repr(error), repr(vars(error))]
    fake_aisa.fail_next("respond", status=429, body={"error": f"too fast for {KEY}"}, headers={"Retry-After": "60"})
    with AisaClient(fake_aisa.base_url, KEY, max_retries=1, sleep=pytest.fail, timeouts=Timeouts(read=5, total=5)) as c:
        error = c.check_key(timeout=None, retries=None).error
    seen += [str(error), repr(error), repr(vars(error))]
    monkeypatch.setenv("HTTPS_PROXY", f"ftp://{KEY}@proxy.example")
    with pytest.raises(BadEnvironment) as raised:
        AisaClient("https://api.aisa.one/v1", KEY)
    seen.append(str(raised.value))
    assert all(KEY not in text for text in seen)
