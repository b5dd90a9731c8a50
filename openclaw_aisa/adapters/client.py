"""The AIsa HTTP client: the only module that talks to the network (and the only one importing httpx).

What answers mean and when to retry is decided in gateway.py; this module sends, waits, and maps
httpx's exceptions to our own, whose messages never carry the key or a request's headers.

Whatever a server does, a call ends within its budget, holds little memory, and sends the key nowhere else:
- every connect, read and write of its sockets waits at most what is left of the call's budget
  (`Timeouts.budget`), which covers connecting, the answer, its body, and the retries with their waits;
- bodies are decoded here, 64 KB at a time, and capped (`MODELS_CAP`, `ERROR_CAP`, `STREAM_CAP`, and
  `sse.MAX_EVENT` for one event);
- requests go to the base URL's origin only (a redirect elsewhere is an error), and through a proxy
  only over https, where the proxy relays a TLS tunnel it cannot read.
"""

from __future__ import annotations

import errno
import json
import math
import os
import re
import time
import zlib
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import field
from typing import TYPE_CHECKING, Any, NamedTuple

import httpcore  # httpx's own transport layer: its network backend is where the budget is enforced
import httpx

from .. import gateway, sse
from ..catalog import load_catalog
from ..errors import UsageError
from ..gateway import BadKey, GatewayError, GatewayTimeout, GatewayUnreachable, PaymentRequired, StreamBroken
from ..keys import mask
from ..types import record
from ..urls import check_base_url, masked, proxy_for

if TYPE_CHECKING:
    import ssl

MAX_REDIRECTS = 3
MODELS_CAP = 2 << 20  # GET /models, decoded: AIsa's ~170 models take ~40 KB, and JSON objects grow ~20x in memory
ERROR_CAP = 64 << 10  # an error body: its message is at the start, the rest is not read
STREAM_CAP = 64 << 20  # a whole streamed answer, decoded: ~250,000 chunks
REQUEST_READS, STREAM_READS = 2, 10  # a call's budget in read timeouts, unless Timeouts.total is set
_STEP = 64 << 10  # bytes inflated at a time
_DEFAULT_PORTS = {"http": 80, "https": 443}


@record
class Timeouts:
    """Seconds per phase, all finite, so no call can hang; and `total` for a whole call, so that no
    server can drip one out byte by byte either. Without `total`, a request with its retries gets 2
    read timeouts, a streamed answer 10 (a chat answer may rightly take minutes), a key check 1."""

    connect: float = 5.0
    read: float = 60.0
    write: float = 10.0
    pool: float = 5.0
    total: float | None = None

    def httpx(self) -> httpx.Timeout:
        return httpx.Timeout(connect=self.connect, read=self.read, write=self.write, pool=self.pool)

    def budget(self, reads: float) -> float:
        """Seconds for a whole call: `total`, else `reads` read timeouts."""
        return self.total or self.read * reads


@record
class KeyCheck:
    """What `check_key` learnt. `valid`: True when AIsa knows the key (even with no balance left),
    False when it rejected it, None when it could not tell (unreachable, timeout, a gateway error)."""

    valid: bool | None
    model_count: int = 0
    error: GatewayError | None = None
    models: tuple[dict, ...] = field(default=(), compare=False)  # GET /models' entries, for the live cache
    corrected: str | None = None  # the base URL that answered, when the one given had a wrong path (see session.check_key)

    @property
    def reachable(self) -> bool:
        return not isinstance(self.error, (GatewayUnreachable, GatewayTimeout))


class BadEnvironment(UsageError):
    """An environment variable (a proxy, a CA bundle) that no request can work with: one line, exit 2."""


class _Deadline(NamedTuple):
    ends: float  # time.monotonic()
    seconds: float  # the budget that ends there, for messages


class _Budget:
    """The deadline of the call in progress, which every socket operation of the client obeys."""

    SLACK = 0.05  # a timeout this close to the deadline was the deadline's

    def __init__(self) -> None:
        self.deadline = _Deadline(math.inf, math.inf)

    def start(self, seconds: float, since: float | None = None) -> _Deadline:
        self.deadline = _Deadline((time.monotonic() if since is None else since) + seconds, seconds)
        return self.deadline

    def left(self) -> float:
        return self.deadline.ends - time.monotonic()

    def spent(self) -> bool:
        return self.left() <= self.SLACK

    def cut(self, timeout: float | None, expired: type[Exception]) -> float:
        """`timeout`, shortened to what is left; when nothing is, `expired` (httpcore's timeout kind)."""
        left = self.left()
        if left <= 0:
            raise expired(f"the {self.deadline.seconds:g} s budget is spent")
        return left if timeout is None else min(timeout, left)


class _BudgetBackend(httpcore.NetworkBackend):
    """httpcore's sockets, each connect, read and write cut to the budget left: per-operation timeouts
    alone let a server that sends a byte a second hold a call for ever."""

    def __init__(self, inner: httpcore.NetworkBackend, budget: _Budget):
        self._inner, self._budget = inner, budget

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self._inner.connect_tcp(host, port, self._budget.cut(timeout, httpcore.ConnectTimeout), local_address, socket_options)
        return _BudgetStream(stream, self._budget)

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class _BudgetStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream, budget: _Budget):
        self._inner, self._budget = inner, budget

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._budget.cut(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._budget.cut(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        # An SSL socket's timeout bounds the whole handshake, not each of its reads.
        stream = self._inner.start_tls(ssl_context, server_hostname, self._budget.cut(timeout, httpcore.ConnectTimeout))
        return _BudgetStream(stream, self._budget)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _OriginAuth(httpx.Auth):
    """Bearer key on requests to the base URL's origin only, whatever redirects or absolute URLs ask."""

    def __init__(self, key: str, origin: tuple[str, str, int]):
        self._key, self._origin = key, origin

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if _origin(request.url) == self._origin:
            request.headers["Authorization"] = f"Bearer {self._key}"
        yield request

    def __repr__(self) -> str:
        return f"<key for {self._origin[0]}://{self._origin[1]}:{self._origin[2]}>"


class AisaClient:
    """AIsa at one base URL with one key, one call at a time (a call arms the budget its sockets obey)."""

    def __init__(
        self,
        base_url: str,
        key: str,
        *,
        timeouts: Timeouts = Timeouts(),
        max_retries: int = 2,
        max_retry_wait: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.base_url = check_base_url(base_url)
        if not key or re.search(r"[\s\x00-\x1f\x7f]", key):
            raise UsageError("the API key is empty or contains a space or control character; paste it exactly as issued")
        self.timeouts, self.max_retries, self.max_retry_wait, self.sleep = timeouts, max_retries, max_retry_wait, sleep
        self.last_sent: float | None = None  # perf_counter when the latest attempt went out: bench times from it
        self._masked = mask(key)
        url = httpx.URL(self.base_url)
        self.host = url.netloc.decode("ascii")
        self._origin = _origin(url)
        self._budget = _Budget()
        self._http = httpx.Client(
            base_url=self.base_url + "/",
            auth=_OriginAuth(key, self._origin),
            timeout=timeouts.httpx(),
            headers={"User-Agent": f"openclaw-aisa/{load_catalog().plugin.version}", "Accept-Encoding": "gzip"},
            follow_redirects=False,
            transport=_transport(url, self._budget),
            trust_env=False,  # the proxy and CA bundle of the environment are read by _transport
        )

    def __repr__(self) -> str:
        return f"AisaClient({self.base_url!r}, key={self._masked!r})"

    def __enter__(self) -> AisaClient:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def list_models(self, *, timeout: float | None = None, retries: int | None = None) -> list[dict]:
        """The model entries of GET /models (objects with an id); `timeout` bounds each phase and the
        whole call, which otherwise gets the request budget."""
        return self._models(timeout or self.timeouts.budget(REQUEST_READS), timeout, retries)

    def check_key(self, timeout: float | None = 5.0, retries: int | None = 0) -> KeyCheck:
        """Ask AIsa about the key, by default once, quickly, without retries (onboarding, before anything
        is saved). The check is over within `timeout`, else one read timeout, whatever AIsa does."""
        try:
            models = self._models(timeout or self.timeouts.budget(1), timeout, retries)
            return KeyCheck(True, len(models), models=tuple(models))
        except BadKey as e:
            return KeyCheck(False, error=e)
        except PaymentRequired as e:
            return KeyCheck(e.key_recognised, error=e)
        except GatewayError as e:
            return KeyCheck(None, error=e)

    def balance(self, *, timeout: float | None = None, retries: int | None = None) -> gateway.Balance:
        """AIsa's credit for this key: GET /credits/balance, within `timeout` (else the request budget)."""
        self._budget.start(timeout or self.timeouts.budget(REQUEST_READS))
        response = self._send("GET", "credits/balance", timeout=timeout, retries=retries)
        try:
            body = self._read(response, ERROR_CAP, "balance")
        finally:
            response.close()
        request_id = response.headers.get("x-request-id") or response.headers.get("x-oneapi-request-id")
        return gateway.balance_from(body, self.host, request_id)

    def _models(self, budget: float, timeout: float | None, retries: int | None) -> list[dict]:
        self._budget.start(budget)
        response = self._send("GET", "models", timeout=timeout, retries=retries)
        try:
            body = self._read(response, MODELS_CAP, "model list")
        finally:
            response.close()
        return gateway.model_list(body, self.host)

    def chat_stream(self, model: str, messages: list[dict], **params: Any) -> Iterator[dict]:
        """Chunks of a streamed chat completion, the usage chunk last. The request is sent on the
        first `next()`; retries happen only until the answer starts, never in the middle of it. The
        answer must start within the request budget and end within the stream budget."""
        options = {**(params.pop("stream_options", None) or {}), "include_usage": True}
        body = {**params, "model": model, "messages": messages, "stream": True, "stream_options": options}
        sent = time.monotonic()
        self._budget.start(self.timeouts.budget(REQUEST_READS))
        try:
            response = self._send("POST", "chat/completions", body=body, model=model)
        except gateway.UnknownModel as e:
            raise e.with_live_ids(self._live_ids()) from None
        try:
            if response.headers.get("content-type", "").startswith("application/json"):
                raise self._not_a_stream(response, model)
            answer = self._budget.start(self.timeouts.budget(STREAM_READS), since=sent)
            events = self._events(response)
            for chunk in sse.chunks(events, model):
                yield chunk
                self._budget.deadline = answer  # resumed: a call made in between armed its own budget
            # After [DONE] only the body's end is left; reading it, as openai-python does, returns the
            # connection to the pool, so the next request skips the handshakes. A server may linger a second.
            self._budget.start(min(1.0, self._budget.left()))
            try:
                for _ in events:
                    pass
            except GatewayError:
                pass  # the answer is whole; the connection is simply not reused
        finally:
            response.close()

    def _not_a_stream(self, response: httpx.Response, model: str) -> GatewayError:
        """A 200 JSON answer to a streaming request: an error in disguise, or a gateway that ignores `stream`."""
        try:
            data = json.loads(self._read(response, ERROR_CAP))
        except (ValueError, RecursionError):
            data = None
        if isinstance(data, dict) and data.get("error"):
            return gateway.from_body(None, data, response.headers, model)
        return gateway.UpstreamError(f"AIsa at {self.host} answered a streaming request with a plain JSON body; check --base-url")

    def _events(self, response: httpx.Response) -> Iterator[sse.Event]:
        decoder, size = sse.Decoder(), 0
        for data in self._body(response):
            size += len(data)
            if size > STREAM_CAP:
                raise gateway.TooLarge("streamed answer", STREAM_CAP, self.host)
            yield from decoder.feed(data)
        yield from decoder.close()

    def _read(self, response: httpx.Response, cap: int, what: str | None = None) -> bytes:
        """The body; past `cap` bytes TooLarge (naming `what`), or for an error body (no `what`) its first `cap` bytes."""
        body = bytearray()
        for data in self._body(response):
            body += data
            if len(body) > cap:
                if what:
                    raise gateway.TooLarge(what, cap, self.host)
                break
        return bytes(body[:cap])

    def _body(self, response: httpx.Response) -> Iterator[bytes]:
        """The body decoded here, at most 64 KB at a time: httpx inflates each network read whole, and
        64 KB of gzip can become 64 MB."""
        encoding = response.headers.get("content-encoding", "").strip().lower()
        if encoding not in ("", "identity", "gzip", "x-gzip"):
            said = gateway.short(encoding, 40)
            raise gateway.UpstreamError(f"AIsa at {self.host} answered in the {said!r} encoding, which was not asked for; check --base-url")
        inflate = zlib.decompressobj(zlib.MAX_WBITS | 16) if encoding.endswith("gzip") else None
        try:
            for raw in response.iter_raw():
                yield from _inflated(inflate, raw) if inflate else (raw,)
        except httpx.HTTPError as e:
            raise self._transport_error(e, response.request, started=True) from None
        except zlib.error:
            raise gateway.UpstreamError(f"AIsa's answer at {self.host} is not valid gzip; check --base-url") from None

    def _live_ids(self) -> list[str]:
        """Chat model ids from GET /models for suggestions; best effort, so any failure means none."""
        try:
            models = self.list_models(timeout=self.timeouts.connect, retries=0)
        except GatewayError:
            return []
        return [m["id"] for m in models if "openai" in (m.get("supported_endpoint_types") or ["openai"])]

    def _send(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        model: str | None = None,
        timeout: float | None = None,
        retries: int | None = None,
    ) -> httpx.Response:
        """A response with a success status and its body unread, after retries within the call's
        budget; else the typed error. A wait that would outlast the budget is not waited."""
        retries = self.max_retries if retries is None else retries
        request = self._http.build_request(method, path, json=body, timeout=httpx.Timeout(timeout) if timeout else httpx.USE_CLIENT_DEFAULT)
        for attempt in range(retries + 1):
            headers: httpx.Headers | dict = {}
            self.last_sent = time.perf_counter()
            try:
                response = self._follow(request)
                if response.is_success:
                    return response
                headers = response.headers
                try:
                    error = gateway.parse_error(response.status_code, self._read(response, ERROR_CAP), headers, model)
                finally:
                    response.close()
                status: int | None = response.status_code
            except httpx.HTTPError as e:
                error, status = self._transport_error(e, request, started=False), None
                if isinstance(error, GatewayTimeout) and error.phase in ("read", "total"):
                    raise error from None
            if attempt == retries or not gateway.should_retry(status, headers, error):
                raise error
            wait, left = gateway.retry_delay(attempt, headers, cap=self.max_retry_wait), self._budget.left()
            if wait >= left:
                raise gateway.no_time_to_wait(error, wait, left, headers)
            self.sleep(wait)
        raise AssertionError("unreachable")

    def _follow(self, request: httpx.Request) -> httpx.Response:
        """Send, following a few redirects within the origin by hand, so that each hop carries the key;
        a redirect to another origin ends the call, since its answer could not tell us about the key."""
        for _ in range(MAX_REDIRECTS + 1):
            response = self._http.send(request, stream=True)
            if response.next_request is None:
                return response
            response.close()
            request = response.next_request
            if _origin(request.url) != self._origin:
                elsewhere = masked(f"{request.url.scheme}://{request.url.netloc.decode('ascii', 'replace')}")
                raise gateway.UpstreamError(
                    f"AIsa at {self.host} redirected to {elsewhere}; the key is not sent to another host; check --base-url"
                )
            request.headers.pop("Authorization", None)
        raise gateway.UpstreamError(f"AIsa at {self.host} redirected more than {MAX_REDIRECTS} times; check --base-url")

    def _transport_error(self, e: httpx.HTTPError, request: httpx.Request, *, started: bool) -> GatewayError:
        """Our own message for httpx's exception, whose text may hold URLs: never passed through."""
        if isinstance(e, httpx.TimeoutException):
            if self._budget.spent():
                return GatewayTimeout(self.host, "total", self._budget.deadline.seconds)
            phase = {httpx.ConnectTimeout: "connect", httpx.WriteTimeout: "write", httpx.PoolTimeout: "pool"}.get(type(e), "read")
            return GatewayTimeout(self.host, phase, request.extensions.get("timeout", {}).get(phase))
        if started:
            return StreamBroken(f"the connection to AIsa at {self.host} broke off in the middle of the answer ({_reason(e)}); try again")
        return GatewayUnreachable(self.host, _reason(e))


def _transport(url: httpx.URL, budget: _Budget) -> httpx.HTTPTransport:
    """httpx's transport for our one origin, its sockets on the budget, with the proxy and CA bundle
    of the environment read here, so that a variable httpx cannot use is one clear error."""
    verify: ssl.SSLContext | bool = _ssl_context() if url.scheme == "https" else True
    transport = httpx.HTTPTransport(verify=verify, proxy=_proxy(str(url)), trust_env=False)
    pool = transport._pool  # httpx has no parameter for httpcore's network backend
    pool._network_backend = _BudgetBackend(pool._network_backend, budget)
    return transport


def _proxy(url: str) -> httpx.Proxy | None:
    """The environment's proxy for `url` (see urls.proxy_for), checked here: httpx meets a scheme it
    does not know, or SOCKS without socksio installed, with a traceback."""
    import urllib.request

    found = proxy_for(url, urllib.request.getproxies())
    if found is None:
        return None
    kind, value = found
    var = next((v for v in (f"{kind}_proxy", f"{kind.upper()}_PROXY") if os.environ.get(v)), f"{kind.upper()}_PROXY")
    said, scheme = f"{var}={masked(value)}", value.partition("://")[0].lower()
    if scheme not in ("http", "https", "socks5", "socks5h"):
        raise BadEnvironment(f"{said} is not an http://, https:// or socks5:// proxy; unset {var} for this command, or set one that is")
    if scheme.startswith("socks"):
        import importlib.util

        if importlib.util.find_spec("socksio") is None:
            raise BadEnvironment(
                f"{said} is a SOCKS proxy, and SOCKS support is not installed; unset {var} for this command, or `pip install 'httpx[socks]'`"
            )
    try:
        return httpx.Proxy(value)
    except (ValueError, httpx.InvalidURL):
        raise BadEnvironment(f"{said} is not a proxy URL; unset {var} for this command, or correct it") from None


def _ssl_context() -> ssl.SSLContext:
    """The CA certificates httpx would trust: SSL_CERT_FILE, else SSL_CERT_DIR, else certifi's bundle;
    a variable naming something missing or not PEM is one clear error, not a traceback."""
    import ssl

    var = next((v for v in ("SSL_CERT_FILE", "SSL_CERT_DIR") if os.environ.get(v)), None)
    try:
        if var == "SSL_CERT_DIR" and not os.path.isdir(os.environ[var]):
            raise NotADirectoryError(errno.ENOTDIR, "not a directory")
        return httpx.create_ssl_context(trust_env=True)
    except OSError as e:  # ssl.SSLError is one too
        if var is None:
            raise
        why = "no PEM certificate could be read from it" if isinstance(e, ssl.SSLError) else (e.strerror or type(e).__name__).lower()
        raise BadEnvironment(
            f"{var}={os.environ[var]}: {why}; unset {var} for this command, or point it at a PEM bundle of CA certificates"
        ) from None


def _inflated(inflate: Any, data: bytes) -> Iterator[bytes]:
    """What `data` inflates to, 64 KB at a time."""
    while True:
        out = inflate.decompress(data, _STEP)
        data = inflate.unconsumed_tail
        if out:
            yield out
        if not data and len(out) < _STEP:
            return


def _origin(url: httpx.URL) -> tuple[str, str, int]:
    return url.scheme, url.host, url.port or _DEFAULT_PORTS.get(url.scheme, 0)


def _reason(e: BaseException) -> str:
    """A short cause: the OS error's own words if there is one, else the kind of failure."""
    cause: BaseException | None = e
    while cause is not None:
        if isinstance(cause, OSError) and cause.strerror:
            return cause.strerror.lower()
        cause = cause.__cause__ or cause.__context__
    kinds = {
        httpx.ConnectError: "connection failed",
        httpx.RemoteProtocolError: "the connection closed without a proper answer",
        httpx.ProxyError: "the proxy failed",
        httpx.UnsupportedProtocol: "unsupported URL scheme",
    }
    return next((text for kind, text in kinds.items() if isinstance(e, kind)), type(e).__name__)
