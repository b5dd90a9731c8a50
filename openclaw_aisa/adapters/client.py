"""The AIsa HTTP client: the only module that talks to the network (and the only one importing httpx).

What answers mean and when to retry is decided in gateway.py; this module sends, waits, and maps
httpx's exceptions to our own, whose messages never carry the key or a request's headers.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Generator, Iterator
from dataclasses import field
from typing import Any

import httpx

from .. import gateway, sse
from ..catalog import load_catalog
from ..errors import UsageError
from ..gateway import BadKey, GatewayError, GatewayTimeout, GatewayUnreachable, PaymentRequired, StreamBroken
from ..keys import mask
from ..types import record
from ..urls import check_base_url

MAX_REDIRECTS = 3
_DEFAULT_PORTS = {"http": 80, "https": 443}


@record
class Timeouts:
    """Seconds per phase; all finite, so no call can hang."""

    connect: float = 5.0
    read: float = 60.0
    write: float = 10.0
    pool: float = 5.0

    def httpx(self) -> httpx.Timeout:
        return httpx.Timeout(connect=self.connect, read=self.read, write=self.write, pool=self.pool)


@record
class KeyCheck:
    """What `check_key` learnt. `valid`: True when AIsa knows the key (even with no balance left),
    False when it rejected it, None when it could not tell (unreachable, timeout, a gateway error)."""

    valid: bool | None
    model_count: int = 0
    error: GatewayError | None = None
    models: tuple[dict, ...] = field(default=(), compare=False)  # GET /models' entries, for the live cache

    @property
    def reachable(self) -> bool:
        return not isinstance(self.error, (GatewayUnreachable, GatewayTimeout))


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
    def __init__(
        self,
        base_url: str,
        key: str,
        *,
        timeouts: Timeouts = Timeouts(),
        max_retries: int = 2,
        max_retry_wait: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
        transport: httpx.BaseTransport | None = None,
    ):
        self.base_url = check_base_url(base_url)
        if not key or re.search(r"[\s\x00-\x1f\x7f]", key):
            raise UsageError("the API key is empty or contains a space or control character; paste it exactly as issued")
        self.timeouts, self.max_retries, self.max_retry_wait, self.sleep = timeouts, max_retries, max_retry_wait, sleep
        self.last_sent: float | None = None  # perf_counter when the latest attempt went out: bench times from it
        self._masked = mask(key)
        url = httpx.URL(self.base_url)
        self.host = url.netloc.decode("ascii")
        self._http = httpx.Client(
            base_url=self.base_url + "/",
            auth=_OriginAuth(key, _origin(url)),
            timeout=timeouts.httpx(),
            headers={"User-Agent": f"openclaw-aisa/{load_catalog().plugin.version}"},
            follow_redirects=False,
            transport=transport,
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
        """The `data` entries of GET /models that have an id."""
        response = self._send("GET", "models", timeout=timeout, retries=retries)
        try:
            response.read()
        except httpx.HTTPError as e:
            raise self._transport_error(e, response.request, started=True) from None
        finally:
            response.close()
        try:
            data = response.json().get("data")
        except (ValueError, AttributeError):
            raise gateway.UpstreamError(f"AIsa's model list at {self.host} is not the JSON expected; check --base-url") from None
        return [m for m in data or () if isinstance(m, dict) and isinstance(m.get("id"), str)]

    def check_key(self, timeout: float | None = 5.0, retries: int | None = 0) -> KeyCheck:
        """Ask AIsa about the key, by default once, quickly, without retries (onboarding, before anything is saved)."""
        try:
            models = self.list_models(timeout=timeout, retries=retries)
            return KeyCheck(True, len(models), models=tuple(models))
        except BadKey as e:
            return KeyCheck(False, error=e)
        except PaymentRequired as e:
            return KeyCheck(e.key_recognised, error=e)
        except GatewayError as e:
            return KeyCheck(None, error=e)

    def chat_stream(self, model: str, messages: list[dict], **params: Any) -> Iterator[dict]:
        """Chunks of a streamed chat completion, the usage chunk last. The request is sent on the
        first `next()`; retries happen only until the answer starts, never in the middle of it."""
        options = {**(params.pop("stream_options", None) or {}), "include_usage": True}
        body = {**params, "model": model, "messages": messages, "stream": True, "stream_options": options}
        try:
            response = self._send("POST", "chat/completions", body=body, model=model)
        except gateway.UnknownModel as e:
            raise e.with_live_ids(self._live_ids()) from None
        try:
            if response.headers.get("content-type", "").startswith("application/json"):
                raise self._not_a_stream(response, model)
            events = self._events(response)
            yield from sse.chunks(events, model)
            for _ in events:  # after [DONE] only the body's end is left; reading it, as openai-python
                pass  # does, returns the connection to the pool, so the next request skips the handshakes
        finally:
            response.close()

    def _not_a_stream(self, response: httpx.Response, model: str) -> GatewayError:
        """A 200 JSON answer to a streaming request: an error in disguise, or a gateway that ignores `stream`."""
        try:
            data = json.loads(response.read())
        except (httpx.HTTPError, ValueError):
            data = None
        if isinstance(data, dict) and data.get("error"):
            return gateway.from_body(None, data, response.headers, model)
        return gateway.UpstreamError(f"AIsa at {self.host} answered a streaming request with a plain JSON body; check --base-url")

    def _events(self, response: httpx.Response) -> Iterator[sse.Event]:
        decoder = sse.Decoder()
        try:
            for data in response.iter_bytes():
                yield from decoder.feed(data)
        except httpx.HTTPError as e:
            raise self._transport_error(e, response.request, started=True) from None
        yield from decoder.close()

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
        """A response with a success status and its body unread, after retries; else the typed error."""
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
                    error = gateway.parse_error(response.status_code, response.read(), headers, model)
                finally:
                    response.close()
                status: int | None = response.status_code
            except httpx.HTTPError as e:
                error, status = self._transport_error(e, request, started=False), None
                if isinstance(error, GatewayTimeout) and error.phase == "read":
                    raise error from None
            if attempt == retries or not gateway.should_retry(status, headers, error):
                raise error
            self.sleep(gateway.retry_delay(attempt, headers, cap=self.max_retry_wait))
        raise AssertionError("unreachable")

    def _follow(self, request: httpx.Request) -> httpx.Response:
        """Send, following a few redirects by hand so each hop gets the key only if it is our origin."""
        for _ in range(MAX_REDIRECTS + 1):
            response = self._http.send(request, stream=True)
            if response.next_request is None:
                return response
            response.close()
            request = response.next_request
            request.headers.pop("Authorization", None)
        raise gateway.UpstreamError(f"AIsa at {self.host} redirected more than {MAX_REDIRECTS} times; check --base-url")

    def _transport_error(self, e: httpx.HTTPError, request: httpx.Request, *, started: bool) -> GatewayError:
        """Our own message for httpx's exception, whose text may hold URLs: never passed through."""
        if isinstance(e, httpx.TimeoutException):
            phase = {httpx.ConnectTimeout: "connect", httpx.WriteTimeout: "write", httpx.PoolTimeout: "pool"}.get(type(e), "read")
            return GatewayTimeout(self.host, phase, request.extensions.get("timeout", {}).get(phase))
        if started:
            return StreamBroken(f"the connection to AIsa at {self.host} broke off in the middle of the answer ({_reason(e)}); try again")
        return GatewayUnreachable(self.host, _reason(e))


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
