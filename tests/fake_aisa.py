"""A fake AIsa gateway (https://api.aisa.one/v1) for tests: OpenAI-compatible, standard library only.

It answers the way AIsa (a new-api deployment) does, including its error bodies, so that both the real
OpenClaw CLI (Node fetch reading SSE) and our own HTTP client can be pointed at it with `base_url`.
"""

from __future__ import annotations

import json
import re
import secrets
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

DEFAULT_MODELS = [
    "qwen3-max",
    "qwen-plus-2025-12-01",
    "qwen-mt-flash",
    "qwen-flash",
    "deepseek-v3.1",
    "deepseek-r1",
    "kimi-k2.5",
    # AIsa's autumn-2026 recommended models (curated), and served ids no catalogue row describes
    "qwen3.7-max",
    "deepseek-v4-flash",
    "glm-5",
    "MiniMax-M3",
    "gpt-5.4-mini",
    "claude-opus-4-8",
    "gemini-3.5-flash",
    "kimi-k2.6",
    "grok-4.5",
    "gpt-5.5",
    "wan2.2-t2v-plus",
    "text-embedding-v4",
    "qwen-image",
    "gte-rerank-v2",
]
DEFAULT_USAGE = {"prompt_tokens": 12, "completion_tokens": 8, "total_tokens": 20}
FAULTS = (
    "invalid_api_key",
    "insufficient_balance",
    "rate_limited",
    "no_channel",
    "bad_gateway",
    "route_not_supported",
    "upstream_temperature",
    "cut_stream",
    "stall",
    "stream_error",
    "respond",
    "raw_stream",
    "aisa_error",
)
CREATED = 1_735_689_600
# GET /v1/credits/balance, shaped as AIsa's own CLI reads it (AIsa-team/cli src/types.ts, 2026-08).
DEFAULT_BALANCE = {
    "currency": "USD",
    "account_balance_micros_usd": 12_340_000,
    "available_balance_micros_usd": 12_000_000,
    "api_key": {"unlimited": False, "remaining_micros_usd": 4_500_000, "used_micros_usd": 500_000},
    "as_of": "2026-12-01T00:00:00Z",
}
CHUNK_PAUSE = 0.005
"""Seconds between content chunks, so a streaming client really receives them in separate reads."""


def endpoint_types(model_id: str) -> list[str]:
    """AIsa's `supported_endpoint_types`, guessed from the id: what lets a client keep only chat models."""
    name = model_id.lower()
    if "embedding" in name:
        return ["embeddings"]
    if "rerank" in name:
        return ["rerank"]
    if re.search(r"t2v|i2v|video", name):
        return ["video"]
    if re.search(r"image|t2i|wanx", name):
        return ["image-generation"]
    return ["openai"]


def owner(model_id: str) -> str:
    for prefix, name in (("deepseek", "deepseek"), ("kimi", "moonshot"), ("moonshot", "moonshot"), ("glm", "zhipu")):
        if model_id.startswith(prefix):
            return name
    return "alibaba"


def request_id() -> str:
    """new-api's request ids: a timestamp followed by random characters."""
    return time.strftime("%Y%m%d%H%M%S") + secrets.token_hex(8)


def invalid_key_body() -> dict:
    return {"code": "invalid_api_key", "error": "Invalid API key", "request_id": request_id()}


def no_channel_body(model: str) -> dict:
    return {
        "error": {
            "message": f"No available channel for model {model} under group default (distributor) (request id: {request_id()})",
            "type": "new_api_error",
            "code": "model_not_found",
        }
    }


@dataclass
class Recorded:
    """One request as the gateway received it, so tests can assert on what a client really sent."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    json: Any | None
    client_port: int | None = None  # which connection it came on


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 128
    fake: FakeAisa

    def handle_error(self, request, client_address) -> None:
        """Clients that hang up (timeouts, cut streams) are expected here, not worth a traceback."""


class _Hangup(Exception):
    """The fake was stopped while a response was being held back."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.fake._track(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        except OSError:
            pass
        self.server.fake._untrack(self.connection)

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_PUT(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            parts = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(parts)
                parts.append(self.rfile.read(size))
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _serve(self) -> None:
        fake = self.server.fake
        body = self._read_body()
        try:
            parsed = json.loads(body) if body else None
        except ValueError:
            parsed = None
        record = Recorded(self.command, self.path, _lower_case(self.headers), body, parsed, self.client_address[1])
        fake._record(record)
        self.payload = parsed if isinstance(parsed, dict) else {}
        self.model = str(self.payload.get("model", ""))
        self.streaming = self.payload.get("stream") is True
        self.completion_id = "chatcmpl-" + secrets.token_hex(12)
        try:
            fault = fake._take_fault(record)
            if fault:
                self._fault(*fault)
            elif fake.key is not None and record.headers.get("authorization", "") != f"Bearer {fake.key}":
                self._json(401, invalid_key_body())
            else:
                self._route(parsed)
        except (_Hangup, OSError):
            self.close_connection = True

    def _route(self, parsed: Any) -> None:
        fake = self.server.fake
        path = self.path.split("?", 1)[0].rstrip("/")
        if not path.startswith("/v1/"):  # new-api serves its web console outside /v1: a page, not the API
            self._respond(
                200,
                b"<!doctype html><html><head><title>AIsa</title></head><body><div id=root></div></body></html>",
                {"Content-Type": "text/html"},
            )
        elif self.command == "GET" and path == "/v1/models":
            self._json(200, fake._models_body())
        elif self.command == "GET" and path == "/v1/credits/balance":
            self._json(200, fake.balance, {"X-Request-ID": request_id()})
        elif _is_chat(self.command, self.path) and path == "/v1/chat/completions":
            if not isinstance(parsed, dict):
                self._json(400, {"error": {"message": "invalid JSON body", "type": "invalid_request_error", "code": "bad_request_body"}})
            elif self.model not in fake.models:
                self._json(503, no_channel_body(self.model))
            elif self.streaming:
                self._stream(self._reply_events())
            else:
                self._json(200, self._completion())
        else:
            message = f"Invalid URL ({self.command} {self.path})"
            self._json(404, {"error": {"message": message, "type": "invalid_request_error", "code": ""}})

    def _fault(self, fault: str, options: dict) -> None:
        if fault == "invalid_api_key":
            self._json(401, invalid_key_body())
        elif fault == "insufficient_balance":
            code = options.get("code", "insufficient_wallet_balance")
            self._json(402, {"error": {"code": code, "message": code.replace("_", " ").capitalize(), "type": "aisa_error"}})
        elif fault == "rate_limited":
            body = {"error": {"message": "Rate limit exceeded", "type": "rate_limit_error", "code": "rate_limited"}}
            self._json(429, body, {"Retry-After": str(options.get("retry_after", 1))})
        elif fault == "no_channel":
            self._json(503, no_channel_body(self.model))
        elif fault == "bad_gateway":
            self._json(502, {"error": "provider request failed"})
        elif fault == "route_not_supported":
            message = f"model {self.model} does not support the route {self.path.split('?', 1)[0]}"
            self._json(400, {"error": {"code": "model_route_not_supported", "message": message, "type": "aisa_error"}})
        elif fault == "upstream_temperature":
            self._json(
                400, {"error": {"message": "invalid temperature: only 1 is allowed for this model", "type": "invalid_request_error"}}
            )
        elif fault == "cut_stream":
            self._cut()
        elif fault == "stall":
            self._stall(float(options.get("seconds", 30)))
        elif fault == "respond":
            self._respond(int(options.get("status", 500)), options.get("body", b""), dict(options.get("headers", {})))
        elif fault == "raw_stream":
            self._raw_stream(list(options["pieces"]))
        elif fault == "aisa_error":
            self._aisa_error(**{"request_id": request_id(), **options})
        elif fault == "stream_error":
            error = {"error": {"message": "upstream error", "type": "upstream_error", "code": "bad_response"}}
            self.close_connection = True
            self._stream([self._chunk({"content": _pieces(self.server.fake.reply)[0]}), error])

    def _respond(self, status: int, body: Any, headers: dict[str, str]) -> None:
        """Any answer at all: a status, a body (bytes, text, or JSON-encoded otherwise) and headers."""
        data = body if isinstance(body, bytes) else body.encode() if isinstance(body, str) else _encode(body)
        content_type = headers.pop(
            "Content-Type", "application/json; charset=utf-8" if not isinstance(body, (bytes, str)) else "text/plain"
        )
        self._start(status, content_type, {"Content-Length": str(len(data)), **headers})
        self.wfile.write(data)

    def _aisa_error(
        self,
        status: int = 503,
        code: str | None = "dependency_timeout",
        retryable: bool | None = None,
        request_id: str = "",
        body_request_id: bool = True,
        header_request_id: bool = False,
        retry_after: float | str | None = None,
        flat: bool = False,
        message: str | None = None,
    ) -> None:
        """An error of AIsa's own layer, shaped as its errors page shows (AIsa-team/docs
        api-reference/errors.mdx): `{"error": {"code", "message", "type", "retryable", "request_id"}}`;
        `flat` puts them at the top with `error` a string (the 401 layout); no `code` is the 502's
        `{"error": "provider request failed"}`. The request id goes in the body and/or `X-Request-ID`."""
        text = message or (code.replace("_", " ").capitalize() if code else "provider request failed")
        body: dict[str, Any] = {"error": text}
        where = body
        if code and not flat:
            where = body["error"] = {"code": code, "message": text, "type": "aisa_error"}
        elif code:
            body["code"] = code
        if retryable is not None:
            where["retryable"] = retryable
        if body_request_id:
            where["request_id"] = request_id
        headers = {"X-Request-ID": request_id} if header_request_id else {}
        if retry_after is not None:
            headers["Retry-After"] = str(retry_after)
        self._json(status, body, headers)

    def _raw_stream(self, pieces: list[bytes]) -> None:
        """A 200 event stream of exactly these bytes, one HTTP chunk (one socket write) per piece."""
        self._start(200, "text/event-stream", {"Transfer-Encoding": "chunked", "Cache-Control": "no-cache"})
        for index, piece in enumerate(p for p in pieces if p):
            if index > 0:
                self._pause(CHUNK_PAUSE)
            self._write_chunk(piece)
        self._write_chunk(b"")

    def _cut(self) -> None:
        """Break off mid-response, the way a dropped upstream looks to the client."""
        self.close_connection = True
        if not self.streaming:
            data = _encode(self._completion())
            self._start(200, "application/json; charset=utf-8", {"Content-Length": str(len(data))})
            self.wfile.write(data[: len(data) // 2])
            return
        self._start(200, "text/event-stream", {"Transfer-Encoding": "chunked", "Cache-Control": "no-cache"})
        self._write_chunk(_event(self._chunk({"role": "assistant", "content": ""})))
        self._write_chunk(_event(self._chunk({"content": _pieces(self.server.fake.reply)[0]})))

    def _stall(self, seconds: float) -> None:
        """Send the headers (and first event), then go quiet: for client timeouts; stop() cuts it short."""
        fake = self.server.fake
        if not self.streaming:
            data = _encode(self._completion() if _is_chat(self.command, self.path) else fake._models_body())
            self._start(200, "application/json; charset=utf-8", {"Content-Length": str(len(data))})
            self._pause(seconds)
            self.wfile.write(data)
            return
        events = self._reply_events()
        self._start(200, "text/event-stream", {"Transfer-Encoding": "chunked", "Cache-Control": "no-cache"})
        self._write_chunk(_event(events[0]))
        self._pause(seconds)
        for event in events[1:]:
            self._write_chunk(_event(event))
        self._write_chunk(b"")

    def _pause(self, seconds: float) -> None:
        if self.server.fake._stopping.wait(seconds):
            raise _Hangup

    def _completion(self) -> dict:
        fake = self.server.fake
        message: dict[str, Any] = {"role": "assistant", "content": fake.reply}
        if fake.reasoning is not None:
            message["reasoning_content"] = fake.reasoning
        return {
            "id": self.completion_id,
            "object": "chat.completion",
            "created": int(time.time()),
            "model": self.model,
            "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
            "usage": dict(fake.usage),
        }

    def _chunk(self, delta: dict, finish_reason: str | None = None) -> dict:
        return {
            "id": self.completion_id,
            "object": "chat.completion.chunk",
            "created": int(time.time()),
            "model": self.model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}],
        }

    def _reply_events(self) -> list:
        fake = self.server.fake
        events: list = [self._chunk({"role": "assistant", "content": ""})]
        if fake.reasoning is not None:
            events += [self._chunk({"reasoning_content": piece}) for piece in _pieces(fake.reasoning)]
        events += [self._chunk({"content": piece}) for piece in _pieces(fake.reply)]
        events.append(self._chunk({}, "stop"))
        options = self.payload.get("stream_options")
        if isinstance(options, dict) and options.get("include_usage") is True:
            usage_chunk = self._chunk({})
            usage_chunk["choices"] = []
            usage_chunk["usage"] = dict(fake.usage)
            events.append(usage_chunk)
        events.append("[DONE]")
        return events

    def _stream(self, events: list) -> None:
        """One HTTP chunk, one socket write, per SSE event; the chunked body is always properly ended."""
        self._start(200, "text/event-stream", {"Transfer-Encoding": "chunked", "Cache-Control": "no-cache"})
        for gap, event in zip(self._gaps(events), events):
            if gap:
                self._pause(gap)
            self._write_chunk(_event(event))
        self._write_chunk(b"")

    def _gaps(self, events: list) -> list[float]:
        """Seconds before each event: CHUNK_PAUSE, except that the first piece of text (content or
        reasoning) waits `first_token_delay` and later pieces 1/`tokens_per_second`, when those are set."""
        fake = self.server.fake
        gaps, seen = [], False
        for index, event in enumerate(events):
            choices = event.get("choices") if isinstance(event, dict) else None
            delta = (choices[0].get("delta") or {}) if choices else {}
            text = bool(delta.get("content") or delta.get("reasoning_content"))
            gap = 0.0 if index == 0 else CHUNK_PAUSE
            if text and not seen and fake.first_token_delay:
                gap = fake.first_token_delay
            elif text and seen and fake.tokens_per_second:
                gap = 1 / fake.tokens_per_second
            seen = seen or text
            gaps.append(gap)
        return gaps

    def _start(self, status: int, content_type: str, headers: dict[str, str]) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("X-Oneapi-Request-Id", request_id())
        for name, value in headers.items():
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()

    def _write_chunk(self, data: bytes) -> None:
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))

    def _json(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        data = _encode(body)
        self._start(status, "application/json; charset=utf-8", {"Content-Length": str(len(data)), **(headers or {})})
        self.wfile.write(data)


def _is_chat(method: str, path: str) -> bool:
    return method == "POST" and path.split("?", 1)[0].rstrip("/").endswith("/chat/completions")


def _lower_case(headers) -> dict[str, str]:
    """Header names in lower case; repeated headers joined with ", " as HTTP allows."""
    merged: dict[str, str] = {}
    for name, value in headers.items():
        key = name.lower()
        merged[key] = f"{merged[key]}, {value}" if key in merged else value
    return merged


def _encode(body: Any) -> bytes:
    return json.dumps(body, ensure_ascii=False).encode()


def _event(event: Any) -> bytes:
    data = event if isinstance(event, str) else json.dumps(event, ensure_ascii=False, separators=(",", ":"))
    return f"data: {data}\n\n".encode()


def _pieces(text: str) -> list[str]:
    """Split a reply into several deltas (words, or halves of a single word) so clients must reassemble it."""
    words = re.findall(r"\s*\S+\s*", text) or [text]
    if len(words) == 1 and len(text) > 1:
        return [text[: len(text) // 2], text[len(text) // 2 :]]
    return words


class FakeAisa:
    """A fake AIsa gateway on 127.0.0.1, on a free port, served from a background thread."""

    def __init__(
        self,
        models: list[str] | None = None,
        reply: str = "Hello from fake AIsa",
        reasoning: str | None = None,
        usage: dict | None = None,
        key: str | None = None,
        first_token_delay: float = 0.0,
        tokens_per_second: float | None = None,
    ):
        """`first_token_delay` and `tokens_per_second` pace streamed answers (each piece of `reply` is
        one token for this purpose), so a benchmark can be checked against known figures."""
        self.models = list(DEFAULT_MODELS if models is None else models)
        self.reply = reply
        self.reasoning = reasoning
        self.usage = dict(DEFAULT_USAGE if usage is None else usage)
        self.key = key
        self.first_token_delay = first_token_delay
        self.tokens_per_second = tokens_per_second
        self.balance = dict(DEFAULT_BALANCE)
        self.requests: list[Recorded] = []
        self._lock = threading.Lock()
        self._faults: deque[tuple[str, dict]] = deque()
        self._connections: dict[socket.socket, threading.Thread] = {}
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("FakeAisa is not started")
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> FakeAisa:
        if self._server is not None:
            return self
        self._stopping.clear()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.fake = self
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, name="fake-aisa", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop accepting, wake any stall, hang up every open connection and join the server thread."""
        server, thread = self._server, self._thread
        if server is None:
            return
        with self._lock:
            self._stopping.set()
            connections = dict(self._connections)
        deadline = time.monotonic() + 2
        server.shutdown()
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        server.server_close()
        for worker in [thread, *connections.values()]:
            if worker is not None and worker is not threading.current_thread():
                worker.join(timeout=max(0.0, deadline - time.monotonic()))
        self._server = self._thread = None

    def __enter__(self) -> FakeAisa:
        return self.start()

    def __exit__(self, *exc_info: Any) -> None:
        self.stop()

    def fail_next(self, fault: str, count: int = 1, *, chat_only: bool = False, **options: Any) -> None:
        """Queue a fault for the next `count` requests, whatever their path (only chat requests with
        `chat_only`: a GET /models on the way, such as bench's warm-up, passes untouched)."""
        if fault not in FAULTS:
            raise ValueError(f"unknown fault {fault!r}; expected one of {', '.join(FAULTS)}")
        with self._lock:
            self._faults.extend((fault, {**options, "chat_only": chat_only}) for _ in range(count))

    def chat_requests(self) -> list[Recorded]:
        with self._lock:
            return [r for r in self.requests if _is_chat(r.method, r.path)]

    def _models_body(self) -> dict:
        data = [
            {"id": m, "object": "model", "created": CREATED, "owned_by": owner(m), "supported_endpoint_types": endpoint_types(m)}
            for m in self.models
        ]
        return {"object": "list", "data": data, "success": True}

    def _record(self, record: Recorded) -> None:
        with self._lock:
            self.requests.append(record)

    def _take_fault(self, record: Recorded) -> tuple[str, dict] | None:
        with self._lock:
            if not self._faults or (self._faults[0][1]["chat_only"] and not _is_chat(record.method, record.path)):
                return None
            fault, options = self._faults.popleft()
            return fault, {k: v for k, v in options.items() if k != "chat_only"}

    def _track(self, connection: socket.socket) -> None:
        """Register a connection, or refuse it outright if stop() has already begun."""
        with self._lock:
            if not self._stopping.is_set():
                self._connections[connection] = threading.current_thread()
                return
        try:
            connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _untrack(self, connection: socket.socket) -> None:
        with self._lock:
            self._connections.pop(connection, None)
