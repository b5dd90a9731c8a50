"""The fake AIsa gateway behaves like AIsa on the wire, so tests built on it test our clients, not the fake."""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
from contextlib import closing
from urllib.parse import urlsplit

import pytest

from .fake_aisa import FakeAisa

KEY = "sk-aisa-fake-0123456789"
CHAT = "/v1/chat/completions"


@pytest.fixture
def aisa():
    with FakeAisa() as fake:
        yield fake


def connect(fake: FakeAisa, timeout: float = 5) -> closing[http.client.HTTPConnection]:
    url = urlsplit(fake.base_url)
    return closing(http.client.HTTPConnection(url.hostname, url.port, timeout=timeout))


def call(fake: FakeAisa, method: str, path: str, body: dict | None = None, key: str = KEY):
    """One request on a fresh connection: (status, headers, raw body)."""
    with connect(fake) as conn:
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
        conn.request(method, path, body=data, headers=headers)
        resp = conn.getresponse()
        return resp.status, resp.headers, resp.read()


def chat(model: str = "qwen3-max", **extra) -> dict:
    return {"model": model, "messages": [{"role": "user", "content": "hi"}], **extra}


def sse_events(raw: bytes) -> list:
    """The `data:` payloads of an SSE body, JSON-decoded except the `[DONE]` sentinel."""
    events = []
    for block in raw.decode().split("\n\n"):
        if block.startswith("data: "):
            data = block[len("data: ") :]
            events.append(data if data == "[DONE]" else json.loads(data))
    return events


def raw_http_chunks(fake: FakeAisa, body: dict) -> list[bytes]:
    """POST over a bare socket and return the chunked-encoding frames, which http.client would hide."""
    url = urlsplit(fake.base_url)
    data = json.dumps(body).encode()
    head = f"POST {CHAT} HTTP/1.1\r\nHost: {url.netloc}\r\nContent-Type: application/json\r\nContent-Length: {len(data)}\r\nConnection: close\r\n\r\n"
    with socket.create_connection((url.hostname, url.port), timeout=5) as sock:
        sock.sendall(head.encode() + data)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    headers, _, rest = received.partition(b"\r\n\r\n")
    assert b"transfer-encoding: chunked" in headers.lower()
    frames = []
    while True:
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line, 16)
        if size == 0:
            return frames
        frames.append(rest[:size])
        rest = rest[size + 2 :]


def test_models_list_tells_chat_models_from_other_kinds(aisa):
    status, headers, raw = call(aisa, "GET", "/v1/models")
    body = json.loads(raw)
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    assert body["object"] == "list" and body["success"] is True
    kinds = {m["id"]: m["supported_endpoint_types"] for m in body["data"]}
    assert {"qwen3-max", "qwen-plus-2025-12-01", "qwen-mt-flash", "deepseek-v3.1", "kimi-k2.5", "qwen-flash"} <= set(kinds)
    assert kinds["qwen3-max"] == ["openai"]
    assert kinds["text-embedding-v4"] == ["embeddings"]
    assert kinds["qwen-image"] == ["image-generation"]
    assert kinds["wan2.2-t2v-plus"] == ["video"]
    assert kinds["gte-rerank-v2"] == ["rerank"]
    for model in body["data"]:
        assert model["object"] == "model" and isinstance(model["created"], int) and model["owned_by"]


def test_models_can_be_chosen():
    with FakeAisa(models=["only-this"]) as fake:
        body = json.loads(call(fake, "GET", "/v1/models")[2])
    assert [m["id"] for m in body["data"]] == ["only-this"]


def test_non_streaming_reply_echoes_the_model_and_reports_usage():
    usage = {"prompt_tokens": 3, "completion_tokens": 4, "total_tokens": 7}
    with FakeAisa(reply="Bonjour", usage=usage) as fake:
        status, _, raw = call(fake, "POST", CHAT, chat("kimi-k2.5"))
    body = json.loads(raw)
    assert status == 200
    assert body["object"] == "chat.completion" and body["id"].startswith("chatcmpl-") and body["model"] == "kimi-k2.5"
    assert body["choices"][0]["message"] == {"role": "assistant", "content": "Bonjour"}
    assert body["choices"][0]["finish_reason"] == "stop"
    assert body["usage"] == usage


def test_non_streaming_reply_carries_reasoning_when_set():
    with FakeAisa(reasoning="Let me think.") as fake:
        body = json.loads(call(fake, "POST", CHAT, chat())[2])
    assert body["choices"][0]["message"]["reasoning_content"] == "Let me think."


def test_unknown_model_gets_new_api_no_channel_503(aisa):
    status, _, raw = call(aisa, "POST", CHAT, chat("gpt-nope"))
    error = json.loads(raw)["error"]
    assert status == 503
    assert error["type"] == "new_api_error" and error["code"] == "model_not_found"
    assert error["message"].startswith("No available channel for model gpt-nope under group default (distributor) (request id: ")


def test_stream_sends_role_content_stop_then_done(aisa):
    status, headers, raw = call(aisa, "POST", CHAT, chat(stream=True))
    events = sse_events(raw)
    assert status == 200
    assert headers["Content-Type"] == "text/event-stream" and headers["Transfer-Encoding"] == "chunked"
    assert raw.endswith(b"data: [DONE]\n\n") and events[-1] == "[DONE]"
    chunks = events[:-1]
    assert all(c["object"] == "chat.completion.chunk" and c["model"] == "qwen3-max" for c in chunks)
    assert len({c["id"] for c in chunks}) == 1
    assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    content = [c["choices"][0]["delta"]["content"] for c in chunks[1:-1]]
    assert len(content) > 1 and "".join(content) == "Hello from fake AIsa"
    assert chunks[-1]["choices"][0] == {"index": 0, "delta": {}, "finish_reason": "stop"}
    assert not any("usage" in c for c in chunks)


def test_stream_usage_chunk_only_with_include_usage(aisa):
    events = sse_events(call(aisa, "POST", CHAT, chat(stream=True, stream_options={"include_usage": True}))[2])
    assert events[-1] == "[DONE]"
    assert events[-2]["choices"] == [] and events[-2]["usage"] == {"prompt_tokens": 12, "completion_tokens": 8, "total_tokens": 20}
    assert events[-3]["choices"][0]["finish_reason"] == "stop"
    without = sse_events(call(aisa, "POST", CHAT, chat(stream=True, stream_options={"include_usage": False}))[2])
    assert len(without) == len(events) - 1


def test_stream_reasoning_deltas_come_before_content():
    with FakeAisa(reasoning="First, greet.") as fake:
        events = sse_events(call(fake, "POST", CHAT, chat(stream=True))[2])
    deltas = [e["choices"][0]["delta"] for e in events[1:-2]]
    kinds = ["reasoning" if "reasoning_content" in d else "content" for d in deltas]
    assert kinds == sorted(kinds, key=lambda k: k == "content") and "reasoning" in kinds
    assert "".join(d.get("reasoning_content", "") for d in deltas) == "First, greet."


def test_each_stream_event_is_its_own_http_chunk(aisa):
    frames = raw_http_chunks(aisa, chat(stream=True))
    assert all(f.startswith(b"data: ") and f.endswith(b"\n\n") and f.count(b"data: ") == 1 for f in frames)
    assert sum(b'"content":"' in f and b'"content":""' not in f for f in frames) >= 3


def test_wrong_or_missing_key_gets_aisa_401_and_right_key_passes():
    with FakeAisa(key=KEY) as fake:
        status, _, raw = call(fake, "POST", CHAT, chat(), key="sk-wrong")
        assert status == 401
        body = json.loads(raw)
        assert body["code"] == "invalid_api_key" and body["error"] == "Invalid API key" and body["request_id"]
        assert call(fake, "GET", "/v1/models", key="")[0] == 401
        assert call(fake, "POST", CHAT, chat())[0] == 200


@pytest.mark.parametrize(
    ("fault", "status", "expected"),
    [
        (
            "insufficient_balance",
            402,
            {"error": {"code": "insufficient_wallet_balance", "message": "Insufficient wallet balance", "type": "aisa_error"}},
        ),
        ("rate_limited", 429, {"error": {"message": "Rate limit exceeded", "type": "rate_limit_error", "code": "rate_limited"}}),
        ("bad_gateway", 502, {"error": "provider request failed"}),
        (
            "upstream_temperature",
            400,
            {"error": {"message": "invalid temperature: only 1 is allowed for this model", "type": "invalid_request_error"}},
        ),
    ],
)
def test_fault_with_fixed_body(aisa, fault, status, expected):
    aisa.fail_next(fault)
    got_status, headers, raw = call(aisa, "POST", CHAT, chat())
    assert (got_status, json.loads(raw)) == (status, expected)
    assert headers["Content-Type"].startswith("application/json")


def test_invalid_api_key_fault_even_with_no_key_configured(aisa):
    aisa.fail_next("invalid_api_key")
    status, _, raw = call(aisa, "GET", "/v1/models")
    assert status == 401 and json.loads(raw)["code"] == "invalid_api_key"


def test_rate_limited_sends_retry_after(aisa):
    aisa.fail_next("rate_limited")
    aisa.fail_next("rate_limited", retry_after=7)
    assert call(aisa, "POST", CHAT, chat())[1]["Retry-After"] == "1"
    assert call(aisa, "POST", CHAT, chat())[1]["Retry-After"] == "7"


def test_no_channel_fault_hits_a_known_model(aisa):
    aisa.fail_next("no_channel")
    status, _, raw = call(aisa, "POST", CHAT, chat("qwen3-max"))
    assert status == 503 and json.loads(raw)["error"]["code"] == "model_not_found"
    assert "model qwen3-max under group default" in json.loads(raw)["error"]["message"]


def test_route_not_supported_fault(aisa):
    aisa.fail_next("route_not_supported")
    status, _, raw = call(aisa, "POST", CHAT, chat())
    error = json.loads(raw)["error"]
    assert status == 400 and error["code"] == "model_route_not_supported" and error["type"] == "aisa_error" and error["message"]


def test_fail_next_counts_requests_on_any_path_then_recovers(aisa):
    aisa.fail_next("bad_gateway", count=2)
    assert call(aisa, "GET", "/v1/models")[0] == 502
    assert call(aisa, "POST", CHAT, chat())[0] == 502
    assert call(aisa, "POST", CHAT, chat())[0] == 200


def test_unknown_fault_is_refused(aisa):
    with pytest.raises(ValueError):
        aisa.fail_next("teapot")


def test_cut_stream_ends_without_terminating_chunk_or_done(aisa):
    aisa.fail_next("cut_stream")
    with connect(aisa) as conn:
        conn.request("POST", CHAT, body=json.dumps(chat(stream=True)), headers={"Content-Type": "application/json"})
        resp = conn.getresponse()
        assert resp.status == 200
        with pytest.raises(http.client.IncompleteRead) as cut:
            resp.read()
    events = sse_events(cut.value.partial)
    assert len(events) == 2 and events[0]["choices"][0]["delta"]["role"] == "assistant"
    assert events[1]["choices"][0]["delta"]["content"]
    assert b"[DONE]" not in cut.value.partial


def test_cut_stream_truncates_a_non_streaming_body_too(aisa):
    aisa.fail_next("cut_stream")
    with connect(aisa) as conn:
        conn.request("POST", CHAT, body=json.dumps(chat()))
        with pytest.raises(http.client.IncompleteRead):
            conn.getresponse().read()


def test_stream_error_event_replaces_the_end_of_the_stream(aisa):
    aisa.fail_next("stream_error")
    status, headers, raw = call(aisa, "POST", CHAT, chat(stream=True))
    events = sse_events(raw)
    assert status == 200 and headers["Connection"] == "close"
    assert events[0]["choices"][0]["delta"]["content"]
    assert events[-1] == {"error": {"message": "upstream error", "type": "upstream_error", "code": "bad_response"}}
    assert "[DONE]" not in events


def test_stall_times_out_a_client_and_stop_ends_it_promptly():
    fake = FakeAisa().start()
    fake.fail_next("stall", count=2)
    with connect(fake, timeout=0.5) as stream, connect(fake, timeout=0.5) as plain:
        stream.request("POST", CHAT, body=json.dumps(chat(stream=True)))
        resp = stream.getresponse()
        assert resp.status == 200 and resp.readline().startswith(b"data: ")
        with pytest.raises(TimeoutError):
            while True:
                resp.readline()
        plain.request("POST", CHAT, body=json.dumps(chat()))
        with pytest.raises(TimeoutError):
            plain.getresponse().read()
        started = time.monotonic()
        fake.stop()
        assert time.monotonic() - started < 2


def test_a_stalled_request_does_not_block_others(aisa):
    aisa.fail_next("stall", seconds=10)
    with connect(aisa) as stalled:
        stalled.request("POST", CHAT, body=json.dumps(chat(stream=True)))
        assert stalled.getresponse().status == 200
        started = time.monotonic()
        assert call(aisa, "GET", "/v1/models")[0] == 200
        assert time.monotonic() - started < 1


def test_keep_alive_serves_several_requests_on_one_connection(aisa):
    with connect(aisa) as conn:
        conn.request("POST", CHAT, body=json.dumps(chat(stream=True)))
        assert sse_events(conn.getresponse().read())[-1] == "[DONE]"
        first_socket = conn.sock
        conn.request("GET", "/v1/models")
        assert conn.getresponse().status == 200
        assert conn.sock is first_socket


def test_concurrent_clients_are_all_answered(aisa):
    results: list[int] = []
    threads = [threading.Thread(target=lambda: results.append(call(aisa, "POST", CHAT, chat(stream=True))[0])) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(5)
    assert results == [200] * 8


def test_requests_are_recorded_with_headers_and_json_even_when_faulted(aisa):
    aisa.fail_next("insufficient_balance")
    call(aisa, "POST", CHAT, chat(temperature=0.3))
    call(aisa, "GET", "/v1/models")
    call(aisa, "POST", CHAT, chat(stream=True))
    assert [(r.method, r.path) for r in aisa.requests] == [("POST", CHAT), ("GET", "/v1/models"), ("POST", CHAT)]
    first = aisa.requests[0]
    assert first.headers["authorization"] == f"Bearer {KEY}" and first.headers["content-type"] == "application/json"
    assert all(name == name.lower() for name in first.headers)
    assert first.json == chat(temperature=0.3) and json.loads(first.body) == first.json
    assert aisa.requests[1].body == b"" and aisa.requests[1].json is None
    assert [r.json.get("stream") for r in aisa.chat_requests()] == [None, True]


def test_stop_is_idempotent_and_frees_the_port():
    fake = FakeAisa().start()
    port = urlsplit(fake.base_url).port
    fake.stop()
    fake.stop()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=1)
