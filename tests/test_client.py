"""The AIsa client against the fake gateway: what is sent, what is retried, what a user is told."""

from __future__ import annotations

import socket
import time
import tomllib
from pathlib import Path

import pytest

from openclaw_aisa.adapters.client import AisaClient, KeyCheck, Timeouts
from openclaw_aisa.errors import UsageError
from openclaw_aisa.gateway import (
    BadKey,
    GatewayTimeout,
    GatewayUnreachable,
    PaymentRequired,
    RateLimited,
    StreamBroken,
    Unavailable,
    UnknownModel,
    UpstreamError,
)

from .conftest import KEY
from .fake_aisa import FakeAisa

PLUGIN_TOML = Path(__file__).resolve().parents[1] / "plugin.toml"

HI = [{"role": "user", "content": "hi"}]
CHAT = "/v1/chat/completions"


@pytest.fixture
def waits() -> list[float]:
    return []


@pytest.fixture
def aisa(fake_aisa, waits):
    """A client of the fake gateway that records retry waits instead of sleeping."""
    with AisaClient(fake_aisa.base_url, KEY, sleep=waits.append, timeouts=Timeouts(read=5)) as c:
        yield c


def paths(fake: FakeAisa) -> list[tuple[str, str]]:
    return [(r.method, r.path) for r in fake.requests]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_timeouts_are_all_explicit():
    assert Timeouts() == Timeouts(connect=5, read=60, write=10, pool=5)
    assert None not in Timeouts().httpx().as_dict().values()


def test_list_models_sends_the_key_and_our_user_agent(fake_aisa, aisa):
    ids = [m["id"] for m in aisa.list_models()]
    assert ids == fake_aisa.models
    sent = fake_aisa.requests[0]
    assert (sent.method, sent.path) == ("GET", "/v1/models")
    assert sent.headers["authorization"] == f"Bearer {KEY}"
    assert sent.headers["user-agent"] == f"openclaw-aisa/{tomllib.loads(PLUGIN_TOML.read_text())['plugin']['version']}"


def test_list_models_skips_entries_without_an_id(fake_aisa, aisa):
    fake_aisa.fail_next("respond", status=200, body={"data": [{"id": "a"}, {"object": "model"}, "junk", {"id": 3}, {"id": "b"}]})
    assert [m["id"] for m in aisa.list_models()] == ["a", "b"]


def test_a_model_list_that_is_not_json_says_to_check_the_base_url(fake_aisa, aisa):
    fake_aisa.fail_next("respond", status=200, body=b"<html>hello</html>", headers={"Content-Type": "text/html"})
    with pytest.raises(UpstreamError, match="--base-url"):
        aisa.list_models()


def test_check_key_tells_a_good_key_with_its_model_count(fake_aisa, aisa):
    assert aisa.check_key() == KeyCheck(True, len(fake_aisa.models))


@pytest.mark.parametrize(
    ("fault", "options", "valid", "kind"),
    [
        ("invalid_api_key", {}, False, BadKey),
        ("insufficient_balance", {}, True, PaymentRequired),
        ("respond", {"status": 402, "headers": {"WWW-Authenticate": "Payment"}}, False, PaymentRequired),
        ("bad_gateway", {}, None, Unavailable),
    ],
)
def test_check_key_tells_apart_rejected_unpaid_and_unknown_without_retrying(fake_aisa, aisa, fault, options, valid, kind):
    fake_aisa.fail_next(fault, **options)
    check = aisa.check_key()
    assert check.valid is valid and type(check.error) is kind and check.reachable
    assert len(fake_aisa.requests) == 1


def test_check_key_with_a_wrong_key_is_rejected(fake_aisa):
    with AisaClient(fake_aisa.base_url, "sk-aisa-wrong-key-0000000000") as c:
        check = c.check_key()
    assert check.valid is False and isinstance(check.error, BadKey) and "console.aisa.one" in str(check.error)


def test_check_key_on_an_unreachable_gateway_returns_quickly(waits):
    with AisaClient(f"http://127.0.0.1:{free_port()}/v1", KEY, sleep=waits.append) as c:
        check = c.check_key(timeout=1)
    assert check.valid is None and not check.reachable and isinstance(check.error, GatewayUnreachable) and waits == []


def test_check_key_on_a_stalled_gateway_times_out_at_its_short_timeout(fake_aisa, aisa):
    fake_aisa.fail_next("stall", seconds=10)
    started = time.monotonic()
    check = aisa.check_key(timeout=0.3)
    assert isinstance(check.error, GatewayTimeout) and not check.reachable and time.monotonic() - started < 2
    assert "within 0.3 s" in str(check.error)


def test_chat_stream_yields_reasoning_content_then_usage(waits):
    with FakeAisa(key=KEY, reasoning="Think first.", reply="Hello there") as fake, AisaClient(fake.base_url, KEY) as c:
        got = list(c.chat_stream("kimi-k2.5", HI, max_tokens=32768, stream_options={"include_usage": False}))
        sent = fake.chat_requests()[0].json
    deltas = [ch["choices"][0]["delta"] for ch in got if ch["choices"]]
    assert "".join(d.get("reasoning_content", "") for d in deltas) == "Think first."
    assert "".join(d.get("content", "") for d in deltas) == "Hello there"
    assert got[-1]["choices"] == [] and got[-1]["usage"]["total_tokens"] == 20
    assert sent == {"max_tokens": 32768, "model": "kimi-k2.5", "messages": HI, "stream": True, "stream_options": {"include_usage": True}}


def test_consecutive_streams_share_one_connection(fake_aisa, aisa):
    """Reading the body's end after [DONE] keeps the connection: no handshake per request."""
    for _ in range(3):
        assert list(aisa.chat_stream("qwen3-max", [{"role": "user", "content": "hi"}]))[-1]["usage"]
    assert len(fake_aisa.chat_requests()) == 3
    assert len({r.client_port for r in fake_aisa.chat_requests()}) == 1


def test_chat_stream_reads_comments_multi_line_data_and_crlf(fake_aisa, aisa):
    pieces = [
        b": keep-alive\r\n\r\n",
        b'data: {"choices":[{"index":0,"delta":{"content":"a"},\n',
        b'data: "finish_reason":null}]}\r\n\r\ndata: {"choices":[{"index":0,"delta":{"content":"\xc3',
        b'\xa9"},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n',
    ]
    fake_aisa.fail_next("raw_stream", pieces=pieces)
    assert [ch["choices"][0]["delta"]["content"] for ch in aisa.chat_stream("qwen3-max", HI)] == ["a", "é"]


def test_rate_limit_waits_the_retry_after_then_succeeds(fake_aisa):
    fake_aisa.fail_next("rate_limited", retry_after=1)
    with AisaClient(fake_aisa.base_url, KEY) as c:
        started = time.monotonic()
        models = c.list_models()
        waited = time.monotonic() - started
    assert models and 0.9 <= waited < 3 and len(fake_aisa.requests) == 2


def test_rate_limit_honours_retry_after_ms(fake_aisa, aisa, waits):
    fake_aisa.fail_next("respond", status=429, body={"error": {"message": "slow down"}}, headers={"retry-after-ms": "250"})
    assert list(aisa.chat_stream("qwen3-max", HI))
    assert waits == [0.25] and len(fake_aisa.chat_requests()) == 2


def test_rate_limit_that_persists_is_a_rate_limited_error(fake_aisa, aisa, waits):
    fake_aisa.fail_next("rate_limited", count=3, retry_after=2)
    with pytest.raises(RateLimited) as raised:
        aisa.list_models()
    assert waits == [2.0, 2.0] and raised.value.retry_after == 2 and len(fake_aisa.requests) == 3


def test_unknown_model_sends_one_chat_request_and_suggests_close_live_ids(waits):
    models = ["qwen3-max", "kimi-k2.5", "kimi-k2.6", "kimi-k3", "text-embedding-v4"]
    with FakeAisa(key=KEY, models=models) as fake, AisaClient(fake.base_url, KEY, sleep=waits.append) as c:
        with pytest.raises(UnknownModel) as raised:
            list(c.chat_stream("kimi-k2.6x", HI))
        assert paths(fake) == [("POST", CHAT), ("GET", "/v1/models")]
    error = raised.value
    assert error.model == "kimi-k2.6x" and error.suggestions == ("kimi-k2.6", "kimi-k2.5", "kimi-k3") and waits == []
    assert str(error).startswith(
        "AIsa does not serve model 'kimi-k2.6x'; did you mean: kimi-k2.6, kimi-k2.5, kimi-k3? (see `openclaw-aisa models list --live`)"
    )


def test_unknown_model_in_chinese_is_not_retried_either(fake_aisa, aisa, waits):
    body = {"error": {"message": "当前分组 default 下对于模型 qwen3-maxx 无可用渠道", "type": "new_api_error"}}
    fake_aisa.fail_next("respond", status=503, body=body)
    with pytest.raises(UnknownModel) as raised:
        list(aisa.chat_stream("qwen3-maxx", HI))
    assert raised.value.suggestions[0] == "qwen3-max" and waits == [] and len(fake_aisa.chat_requests()) == 1


def test_unknown_model_without_a_model_list_still_fails_at_once(fake_aisa, aisa, waits):
    fake_aisa.fail_next("no_channel")
    fake_aisa.fail_next("bad_gateway")
    with pytest.raises(UnknownModel) as raised:
        list(aisa.chat_stream("qwen3-max", HI))
    assert raised.value.suggestions == () and paths(fake_aisa) == [("POST", CHAT), ("GET", "/v1/models")] and waits == []


def test_bad_gateway_is_retried_max_retries_times_then_reported(fake_aisa, aisa, waits):
    fake_aisa.fail_next("bad_gateway", count=3)
    with pytest.raises(UpstreamError, match="AIsa answered 502: provider request failed"):
        list(aisa.chat_stream("qwen3-max", HI))
    assert len(fake_aisa.chat_requests()) == 3
    assert 0.375 <= waits[0] <= 0.5 and 0.75 <= waits[1] <= 1.0 and len(waits) == 2


def test_bad_gateway_then_success_streams_normally(fake_aisa, aisa, waits):
    fake_aisa.fail_next("bad_gateway", count=2)
    assert list(aisa.chat_stream("qwen3-max", HI))[-1]["usage"]
    assert len(fake_aisa.chat_requests()) == 3 and len(waits) == 2


@pytest.mark.parametrize("status", [408, 409, 500, 503, 504])
def test_retryable_statuses_are_retried(fake_aisa, aisa, status):
    fake_aisa.fail_next("respond", status=status, body=b"<html><title>busy</title></html>", headers={"Content-Type": "text/html"})
    assert aisa.list_models() and len(fake_aisa.requests) == 2


def test_x_should_retry_false_is_honoured(fake_aisa, aisa, waits):
    fake_aisa.fail_next("respond", status=503, body={"error": "maintenance"}, headers={"x-should-retry": "false"})
    with pytest.raises(UpstreamError, match="maintenance"):
        aisa.list_models()
    assert len(fake_aisa.requests) == 1 and waits == []


def test_a_vendor_error_is_not_retried_and_carries_its_hint(fake_aisa, aisa, waits):
    fake_aisa.fail_next("upstream_temperature")
    with pytest.raises(UpstreamError) as raised:
        list(aisa.chat_stream("kimi-k2.5", HI, temperature=0.3))
    assert "remove params.temperature for aisa/kimi-k2.5" in str(raised.value) and waits == []


def test_a_cut_stream_is_stream_broken_and_not_retried(fake_aisa, aisa, waits):
    fake_aisa.fail_next("cut_stream")
    got = []
    with pytest.raises(StreamBroken, match="broke off"):
        for chunk in aisa.chat_stream("qwen3-max", HI):
            got.append(chunk)
    assert len(got) == 2 and len(fake_aisa.chat_requests()) == 1 and waits == []


def test_a_stalled_stream_times_out_within_about_the_read_timeout(fake_aisa, waits):
    fake_aisa.fail_next("stall", seconds=10)
    with AisaClient(fake_aisa.base_url, KEY, timeouts=Timeouts(read=0.5), sleep=waits.append) as c:
        started = time.monotonic()
        with pytest.raises(GatewayTimeout) as raised:
            list(c.chat_stream("qwen3-max", HI))
        elapsed = time.monotonic() - started
    assert 0.4 <= elapsed < 1.5 and raised.value.phase == "read" and "0.5 s" in str(raised.value)
    assert len(fake_aisa.chat_requests()) == 1 and waits == []


def test_an_error_inside_the_stream_is_an_upstream_error(fake_aisa, aisa):
    fake_aisa.fail_next("stream_error")
    with pytest.raises(UpstreamError, match="upstream error") as raised:
        list(aisa.chat_stream("qwen3-max", HI))
    assert raised.value.code == "bad_response"


def test_an_error_sent_as_json_to_a_streaming_request_is_reported(fake_aisa, aisa):
    fake_aisa.fail_next("respond", status=200, body={"error": {"message": "quota", "code": "insufficient_wallet_balance"}})
    with pytest.raises(PaymentRequired, match="wallet"):
        list(aisa.chat_stream("qwen3-max", HI))


def test_an_unreachable_gateway_is_retried_then_named(waits):
    port = free_port()
    with AisaClient(f"http://127.0.0.1:{port}/v1", KEY, sleep=waits.append) as c:
        with pytest.raises(GatewayUnreachable) as raised:
            c.list_models()
    message = str(raised.value)
    assert f"127.0.0.1:{port}" in message and "--base-url" in message and "refused" in message
    assert len(waits) == 2


def test_a_redirect_to_another_origin_ends_the_request_and_verifies_nothing(fake_aisa, aisa):
    with FakeAisa() as elsewhere:
        fake_aisa.fail_next("respond", status=307, headers={"Location": f"{elsewhere.base_url}/models"})
        check = aisa.check_key()
        other = elsewhere.base_url.removesuffix("/v1")
        assert elsewhere.requests == []
    assert check.valid is None and isinstance(check.error, UpstreamError)
    assert str(check.error) == f"AIsa at {aisa.host} redirected to {other}; the key is not sent to another host; check --base-url"


def test_a_redirect_within_the_origin_keeps_the_key(fake_aisa, aisa):
    fake_aisa.fail_next("respond", status=308, headers={"Location": "/v1/models?again=1"})
    assert aisa.list_models()
    assert [r.headers.get("authorization") for r in fake_aisa.requests] == [f"Bearer {KEY}"] * 2


def test_redirects_are_bounded(fake_aisa, aisa):
    fake_aisa.fail_next("respond", count=10, status=302, headers={"Location": "/v1/models"})
    with pytest.raises(UpstreamError, match="redirected more than 3 times"):
        aisa.list_models()
    assert len(fake_aisa.requests) == 4


@pytest.mark.parametrize("url", ["http://api.aisa.one/v1", "https://u:p@api.aisa.one/v1", "ftp://x/v1"])
def test_an_unsafe_base_url_is_refused_before_any_request(url):
    with pytest.raises(UsageError):
        AisaClient(url, KEY)


@pytest.mark.parametrize("key", ["", f"{KEY}\n", f"Bearer {KEY}"])
def test_a_malformed_key_is_refused_without_echoing_it(key):
    with pytest.raises(UsageError) as raised:
        AisaClient("https://api.aisa.one/v1", key)
    assert KEY not in str(raised.value)


def test_the_key_appears_in_no_error_message_or_repr(fake_aisa, aisa):
    seen = [repr(aisa), str(aisa)]
    faults = [
        ("invalid_api_key", {}),
        ("insufficient_balance", {}),
        ("respond", {"status": 401, "body": {"error": {"message": f"Incorrect API key provided: {KEY}"}}}),
        ("respond", {"status": 500, "body": f"key {KEY} refused".encode(), "headers": {"x-should-retry": "false"}}),
        ("route_not_supported", {}),
        ("upstream_temperature", {}),
        ("cut_stream", {}),
        ("stream_error", {}),
    ]
    for fault, options in faults:
        fake_aisa.fail_next(fault, **options)
        with pytest.raises(Exception) as raised:
            list(aisa.chat_stream("qwen3-max", HI))
        seen += [str(raised.value), repr(raised.value), repr(vars(raised.value))]
    with AisaClient(f"http://127.0.0.1:{free_port()}/v1", KEY, max_retries=0) as gone:
        with pytest.raises(GatewayUnreachable) as raised:
            gone.list_models()
        seen += [str(raised.value), repr(raised.value), repr(gone)]
    assert all(KEY not in text for text in seen)
