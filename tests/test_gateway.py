"""What AIsa's answers mean: every error shape it is known to send maps to one typed, one-line error."""

from __future__ import annotations

import json
import random
import re

import pytest

from openclaw_aisa import gateway
from openclaw_aisa.errors import AisaError, UsageError
from openclaw_aisa.gateway import (
    BadKey,
    GatewayError,
    PaymentRequired,
    RateLimited,
    RouteNotSupported,
    UnknownModel,
    UpstreamError,
    parse_error,
    retry_delay,
    should_retry,
)
from openclaw_aisa.refs import suggest
from openclaw_aisa.urls import check_base_url

from .conftest import KEY

RID = "20260901120000abcdef0123456789"
NO_CHANNEL = f"No available channel for model kimi-k2.6x under group default (distributor) (request id: {RID})"
LIVE = ["qwen3-max", "qwen-flash", "deepseek-v3.1", "deepseek-r1", "kimi-k2.5", "kimi-k2.6", "kimi-k3", "qwen-image"]


def body(data) -> bytes:
    return data if isinstance(data, bytes) else json.dumps(data, ensure_ascii=False).encode()


# (status, body, headers, type, code, words the one-line message must contain)
SHAPES = [
    (
        401,
        {"code": "invalid_api_key", "error": "Invalid API key", "request_id": RID},
        {},
        BadKey,
        "invalid_api_key",
        ["console.aisa.one", RID],
    ),
    (401, {"code": "missing_api_key", "error": "Missing API key"}, {}, BadKey, "missing_api_key", ["console.aisa.one"]),
    (401, {"error": {"code": "api_key_disabled", "message": "key disabled"}}, {}, BadKey, "api_key_disabled", ["api_key_disabled"]),
    (403, {"code": "expired_api_key", "error": {"message": "expired"}}, {}, BadKey, "expired_api_key", ["expired_api_key"]),
    (403, {"error": {"message": "forbidden", "type": "new_api_error"}}, {}, BadKey, None, ["403", "forbidden"]),
    (
        402,
        {"error": {"code": "insufficient_api_key_balance", "message": "x"}},
        {},
        PaymentRequired,
        "insufficient_api_key_balance",
        ["spending limit", "console.aisa.one"],
    ),
    (
        402,
        {"error": {"code": "insufficient_wallet_balance", "message": "x"}},
        {},
        PaymentRequired,
        "insufficient_wallet_balance",
        ["wallet", "top up"],
    ),
    (
        402,
        {"code": "estimated_price_exceeds_max_price", "error": "too dear"},
        {},
        PaymentRequired,
        "estimated_price_exceeds_max_price",
        ["max_tokens"],
    ),
    (402, b"", {"WWW-Authenticate": 'Payment realm="aisa"'}, PaymentRequired, None, ["did not recognise the API key", "console.aisa.one"]),
    (402, {"error": "payment required"}, {}, PaymentRequired, None, ["payment required", "balance"]),
    (
        503,
        {"error": {"message": NO_CHANNEL, "type": "new_api_error", "code": "model_not_found"}},
        {},
        UnknownModel,
        "model_not_found",
        ["'kimi-k2.6x'", RID],
    ),
    (
        503,
        {"error": {"message": "当前分组 default 下对于模型 kimi-k2.6x 无可用渠道", "type": "new_api_error"}},
        {},
        UnknownModel,
        None,
        ["'kimi-k2.6x'"],
    ),
    (503, {"error": {"message": NO_CHANNEL, "type": "new_api_error"}}, {}, UnknownModel, None, ["'kimi-k2.6x'"]),
    (
        404,
        {"error": {"message": "The model `kimi-k2.6x` does not exist", "code": "model_not_found"}},
        {},
        UnknownModel,
        "model_not_found",
        ["models list --live"],
    ),
    (
        400,
        {"error": {"code": "model_route_not_supported", "message": "model x does not support the route /v1/responses"}},
        {},
        RouteNotSupported,
        "model_route_not_supported",
        ["/v1/responses", "not served"],
    ),
    (
        429,
        {"error": {"message": "Rate limit exceeded", "code": "rate_limited"}},
        {"Retry-After": "7"},
        RateLimited,
        "rate_limited",
        ["Rate limit exceeded", "7 s"],
    ),
    (502, {"error": "provider request failed"}, {}, gateway.Unavailable, None, ["502", "provider request failed", "vendor behind AIsa"]),
    (
        400,
        {"error": {"message": "invalid temperature: only 1 is allowed for this model", "type": "invalid_request_error"}},
        {},
        UpstreamError,
        None,
        ["only 1 is allowed", "remove params.temperature for aisa/kimi-k2.6x"],
    ),
    (
        400,
        {"error": {"message": "Error from provider: reasoning_content is missing in assistant tool call message"}},
        {},
        UpstreamError,
        None,
        ["reasoning_content back"],
    ),
    (500, {"success": False, "message": "内部错误"}, {}, UpstreamError, None, ["500", "内部错误"]),
    (500, {"error": {"msg": "boom", "code": 500}}, {}, UpstreamError, "500", ["boom"]),
    (
        502,
        b"<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr>nginx</body></html>",
        {},
        UpstreamError,
        None,
        ["AIsa answered 502: 502 Bad Gateway"],
    ),
    (504, b"upstream request timeout\nmore lines", {}, UpstreamError, None, ["upstream request timeout"]),
    (500, b"", {}, UpstreamError, None, ["AIsa answered 500"]),
    (500, b"[]", {}, UpstreamError, None, ["AIsa answered 500"]),
]


@pytest.mark.parametrize(("status", "data", "headers", "kind", "code", "words"), SHAPES)
def test_every_known_error_shape_becomes_its_typed_one_line_error(status, data, headers, kind, code, words):
    error = parse_error(status, body(data), headers, model="kimi-k2.6x")
    assert type(error) is kind and isinstance(error, AisaError)
    assert error.exit_code == (75 if kind in (RateLimited, gateway.Unavailable) else 1)  # 75: AIsa says try again later
    assert (error.status, error.code) == (status, code)
    message = str(error)
    assert "\n" not in message and len(message) < 400
    for word in words:
        assert word in message


def test_request_id_comes_from_the_body_the_message_or_the_header():
    assert parse_error(401, body({"code": "invalid_api_key", "error": "x", "request_id": "A1"}), {}).request_id == "A1"
    assert parse_error(503, body({"error": {"message": NO_CHANNEL}}), {}).request_id == RID
    assert parse_error(502, body({"error": "provider request failed"}), {"X-Oneapi-Request-Id": "H1"}).request_id == "H1"
    assert parse_error(502, b"", {}).request_id is None


def test_vendor_message_is_kept_verbatim():
    error = parse_error(400, body({"error": {"message": "invalid temperature: only 1 is allowed for this model"}}), {}, model="kimi-k2.5")
    assert error.vendor_message == "invalid temperature: only 1 is allowed for this model"
    assert error.hint == "remove params.temperature for aisa/kimi-k2.5 (Kimi fixes its temperature)"


def test_unknown_model_names_the_model_from_the_message_when_the_caller_did_not():
    error = parse_error(503, body({"error": {"message": NO_CHANNEL, "code": "model_not_found"}}), {})
    assert isinstance(error, UnknownModel) and error.model == "kimi-k2.6x" and error.suggestions == ()


def test_unknown_model_with_live_ids_suggests_the_close_ones():
    error = parse_error(503, body({"error": {"message": NO_CHANNEL, "code": "model_not_found"}}), {}, model="kimi-k2.6x").with_live_ids(
        LIVE
    )
    assert error.suggestions[:2] == ("kimi-k2.6", "kimi-k2.5")
    assert str(error).startswith("AIsa does not serve model 'kimi-k2.6x'; did you mean: kimi-k2.6, kimi-k2.5")
    assert "(see `openclaw-aisa models list --live`)" in str(error)
    assert (error.status, error.code, error.request_id) == (503, "model_not_found", RID)


def test_a_listed_model_without_a_channel_is_reported_as_temporarily_unserved():
    error = UnknownModel("kimi-k2.5", status=503).with_live_ids(LIVE)
    assert error.listed and error.suggestions == () and "no channel serving it right now" in str(error)


def test_a_key_in_a_vendor_message_is_masked():
    error = parse_error(401, body({"error": {"message": f"Incorrect API key provided: {KEY}"}}), {})
    assert KEY not in str(error) and KEY not in repr(error) and KEY not in (error.vendor_message or "")
    assert "…TEST" in error.vendor_message


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        ("kimi-k2", ("kimi-k2.5", "kimi-k2.6", "kimi-k3")),
        ("deepseek-v3.2", ("deepseek-v3.1", "deepseek-r1")),
        ("qwen3-maxx", ("qwen3-max",)),
        ("Qwen3-Max", ("qwen3-max",)),
        ("gpt-5", ()),
    ],
)
def test_suggestions_prefer_the_same_family_and_version(model, expected):
    assert suggest(model, LIVE)[: len(expected)] == expected
    if not expected:
        assert suggest(model, LIVE) == ()


def test_suggestions_are_at_most_n_and_never_the_id_itself():
    assert len(suggest("kimi", LIVE, n=2)) == 2
    assert "qwen3-max" not in suggest("qwen3-max", LIVE)


@pytest.mark.parametrize(
    ("status", "headers", "retry"),
    [
        (408, {}, True),
        (409, {}, True),
        (429, {}, True),
        (500, {}, True),
        (502, {}, True),
        (503, {}, True),
        (None, {}, True),
        (400, {}, False),
        (401, {}, False),
        (404, {}, False),
        (400, {"x-should-retry": "true"}, True),
        (503, {"X-Should-Retry": "false"}, False),
    ],
)
def test_retry_follows_openai_python_and_x_should_retry(status, headers, retry):
    assert should_retry(status, headers) is retry


@pytest.mark.parametrize(
    "error",
    [
        parse_error(503, body({"error": {"message": NO_CHANNEL, "code": "model_not_found"}}), {}),
        parse_error(503, body({"error": {"message": "当前分组 default 下对于模型 x 无可用渠道"}}), {}),
        parse_error(402, body({"error": {"code": "insufficient_wallet_balance"}}), {}),
        parse_error(401, body({"code": "invalid_api_key", "error": "x"}), {}),
    ],
)
def test_answers_a_retry_cannot_change_are_not_retried_even_when_the_status_says_so(error):
    assert should_retry(error.status, {"x-should-retry": "true"}, error) is False


def test_a_plain_503_is_retried_but_an_unknown_model_503_is_not():
    plain = parse_error(503, body({"error": {"message": "service busy"}}), {})
    assert should_retry(503, {}, plain) and not should_retry(503, {}, parse_error(503, body({"error": {"message": NO_CHANNEL}}), {}))


NOW = 1_800_000_000.0  # five seconds before Fri, 15 Jan 2027 08:00:05 GMT


@pytest.mark.parametrize(
    ("headers", "delay"),
    [
        ({"retry-after-ms": "1500"}, 1.5),
        ({"Retry-After": "3"}, 3.0),
        ({"Retry-After": "0.25"}, 0.25),
        ({"retry-after-ms": "200", "Retry-After": "9"}, 0.2),
        ({"Retry-After": "Fri, 15 Jan 2027 08:00:05 GMT"}, 5.0),
    ],
)
def test_retry_waits_what_the_server_asks_when_sane(headers, delay):
    assert retry_delay(0, headers, cap=60, rng=lambda: 0.0, now=NOW) == pytest.approx(delay)


@pytest.mark.parametrize(
    "headers", [{}, {"Retry-After": "0"}, {"Retry-After": "-4"}, {"Retry-After": "600"}, {"Retry-After": "soon"}, {"retry-after-ms": "x"}]
)
def test_retry_backs_off_exponentially_when_the_server_gives_no_sane_wait(headers):
    assert [retry_delay(n, headers, cap=60, rng=lambda: 0.0) for n in range(6)] == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]


def test_backoff_jitter_takes_off_at_most_a_quarter():
    rng = random.Random(7).random
    delays = [retry_delay(2, {}, rng=rng) for _ in range(200)]
    assert all(1.5 <= d <= 2.0 for d in delays) and max(delays) - min(delays) > 0.3
    assert retry_delay(0, {}, rng=lambda: 1.0) == 0.375


def test_retry_after_above_the_cap_is_ignored():
    assert retry_delay(0, {"Retry-After": "30"}, cap=10, rng=lambda: 0.0) == 0.5


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://api.aisa.one/v1/", "https://api.aisa.one/v1"),
        ("  https://api.aisa.one/v1  ", "https://api.aisa.one/v1"),
        ("http://localhost:8080/v1", "http://localhost:8080/v1"),
        ("http://127.0.0.2:9/v1", "http://127.0.0.2:9/v1"),
        ("http://[::1]:9/v1", "http://[::1]:9/v1"),
    ],
)
def test_base_url_https_or_loopback_http(url, expected):
    assert check_base_url(url) == expected


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("http://api.aisa.one/v1", "plain http to a remote host"),
        ("ftp://api.aisa.one/v1", "not an http(s) URL"),
        ("api.aisa.one/v1", "not an http(s) URL"),
        ("https://user:pw@api.aisa.one/v1", "must not carry credentials"),
        (f"https://{KEY}@api.aisa.one/v1", "must not carry credentials"),
    ],
)
def test_base_url_refused_with_one_line_usage_error(url, words):
    with pytest.raises(UsageError, match=re.escape(words)) as refused:
        check_base_url(url)
    assert "\n" not in str(refused.value) and KEY not in str(refused.value)


def test_gateway_errors_are_aisa_errors_with_exit_code_1():
    for kind in (
        GatewayError,
        BadKey,
        PaymentRequired,
        UnknownModel,
        RouteNotSupported,
        UpstreamError,
        gateway.GatewayUnreachable,
        gateway.GatewayTimeout,
        gateway.StreamBroken,
    ):
        assert issubclass(kind, AisaError) and kind.exit_code == 1
    for kind in (RateLimited, gateway.Unavailable, gateway.InProgress):  # AIsa says try again later: EX_TEMPFAIL
        assert issubclass(kind, AisaError) and kind.exit_code == 75


def test_gateway_and_sse_do_not_import_httpx():
    import subprocess
    import sys

    probe = "import sys, openclaw_aisa.gateway, openclaw_aisa.sse; print('httpx' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.strip() == "False"
