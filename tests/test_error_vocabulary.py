"""AIsa's documented errors (its errors and rate-limits pages): each one line with AIsa's request id,
retried only when a retry can change the answer, and exit 75 (try again later) or 1 (fix something)."""

from __future__ import annotations

import json

import pytest

from openclaw_aisa import gateway
from openclaw_aisa.errors import EX_TEMPFAIL
from openclaw_aisa.gateway import Conflict, InProgress, QuotaExceeded, RateLimited, Unavailable, parse_error, should_retry

from .conftest import KEY, OTHER_KEY

CHAT_TRIES = 3  # AisaClient's max_retries=2, which `chat` keeps
BALANCE_TRIES = 2  # `balance` asks for one retry
RID = "req_abc123"

# (status, code (None: the 502's bare text), "retryable" in the body, class, retried, exit code, words of the line)
VOCABULARY = [
    (503, "authentication_unavailable", None, Unavailable, True, EX_TEMPFAIL, "key-checking service is down"),
    (503, "metered_v2_billing_config_invalid", True, Unavailable, True, EX_TEMPFAIL, "developer@aisa.one"),
    (503, "dependency_timeout", True, Unavailable, True, EX_TEMPFAIL, "timed out"),
    (503, "dependency_unavailable", True, Unavailable, True, EX_TEMPFAIL, "depends on is down"),
    (503, "metered_v2_billing_dependency_timeout", True, Unavailable, True, EX_TEMPFAIL, "billing service timed out"),
    (503, "metered_v2_billing_dependency_unavailable", True, Unavailable, True, EX_TEMPFAIL, "billing service is down"),
    (409, "request_in_progress", None, InProgress, True, EX_TEMPFAIL, "still working on an identical request"),
    (409, "request_already_completed", False, Conflict, False, 1, "not retried"),
    (409, "idempotency_conflict", False, Conflict, False, 1, "not retried"),
    (502, None, None, Unavailable, True, EX_TEMPFAIL, "the model vendor behind AIsa failed"),
    (429, "rate_limit_exceeded", None, RateLimited, True, EX_TEMPFAIL, "slow down"),
    (429, "upstream_rate_limit", None, RateLimited, True, EX_TEMPFAIL, "vendor behind AIsa is rate limiting"),
    (429, "quota_exceeded", None, QuotaExceeded, False, 1, "quota is spent"),
]
IDS = [code or "provider request failed" for _, code, *_ in VOCABULARY]


@pytest.fixture(autouse=True)
def waits(monkeypatch) -> list[float]:
    """The wait the client chose before each retry, recorded; the retry itself goes at once."""
    chosen: list[float] = []
    real = gateway.retry_delay

    def record(*args, **kwargs) -> float:
        chosen.append(real(*args, **kwargs))
        return 0.0

    monkeypatch.setattr(gateway, "retry_delay", record)
    return chosen


def one_line(err: str) -> str:
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert KEY not in err and OTHER_KEY not in err
    return err


# --- what a user sees: the real commands against the fake AIsa ---------------------------------------------


@pytest.mark.parametrize("where", ["header", "body"])
@pytest.mark.parametrize(("status", "code", "retryable", "kind", "retried", "exit_code", "words"), VOCABULARY, ids=IDS)
def test_chat_reports_each_aisa_error_in_one_line_with_its_request_id(
    run, onboarded, fake_aisa, waits, where, status, code, retryable, kind, retried, exit_code, words
):
    fake_aisa.fail_next(
        "aisa_error",
        count=CHAT_TRIES,
        status=status,
        code=code,
        retryable=retryable,
        request_id=RID,
        header_request_id=where == "header",
        body_request_id=where == "body",
    )
    done = run("chat", "-m", "kimi-k2.5", "hi")
    line = one_line(done.err)
    assert done.code == exit_code and done.out == ""
    assert line.startswith("openclaw-aisa: error: AIsa answered ") and f"(request id {RID})" in line and words in line
    assert len(fake_aisa.chat_requests()) == len(fake_aisa.requests) == (CHAT_TRIES if retried else 1)
    assert len(waits) == (CHAT_TRIES - 1 if retried else 0)


@pytest.mark.parametrize(("status", "code", "retryable", "kind", "retried", "exit_code", "words"), VOCABULARY, ids=IDS)
def test_balance_a_get_follows_the_same_rules(run, onboarded, fake_aisa, status, code, retryable, kind, retried, exit_code, words):
    fake_aisa.fail_next(
        "aisa_error", count=BALANCE_TRIES, status=status, code=code, retryable=retryable, request_id=RID, header_request_id=True
    )
    done = run("balance")
    line = one_line(done.err)
    assert done.code == exit_code and f"(request id {RID})" in line and words in line
    assert [r.path for r in fake_aisa.requests] == ["/v1/credits/balance"] * (BALANCE_TRIES if retried else 1)


def test_a_retried_429_waits_what_retry_after_asks(run, onboarded, fake_aisa, waits):
    fake_aisa.fail_next("aisa_error", count=CHAT_TRIES, status=429, code="rate_limit_exceeded", retry_after=7, header_request_id=True)
    done = run("chat", "-m", "kimi-k2.5", "hi")
    assert done.code == EX_TEMPFAIL and waits == [7.0, 7.0] and "AIsa asks to wait 7 s" in one_line(done.err)


def test_without_retry_after_a_retried_error_backs_off(run, onboarded, fake_aisa, waits):
    """AIsa's rate-limit headers are not guaranteed: then openai-python's backoff, 0.5 s doubling, less jitter."""
    fake_aisa.fail_next("aisa_error", count=CHAT_TRIES, status=429, code="upstream_rate_limit")
    assert run("chat", "-m", "kimi-k2.5", "hi").code == EX_TEMPFAIL
    assert 0.375 <= waits[0] <= 0.5 and 0.75 <= waits[1] <= 1.0


def test_a_transient_error_that_passes_is_no_error_at_all(run, onboarded, fake_aisa):
    fake_aisa.fail_next("aisa_error", status=503, code="authentication_unavailable")
    fake_aisa.fail_next("aisa_error", status=409, code="request_in_progress")
    done = run("chat", "-m", "kimi-k2.5", "hi")
    assert done.code == 0 and done.out.strip() == fake_aisa.reply and len(fake_aisa.chat_requests()) == 3


def test_retryable_false_is_never_retried_whatever_the_status(run, onboarded, fake_aisa):
    fake_aisa.fail_next("aisa_error", count=CHAT_TRIES, status=503, code="some_new_code", retryable=False)
    done = run("chat", "-m", "kimi-k2.5", "hi")
    assert done.code == 1 and len(fake_aisa.chat_requests()) == 1 and "AIsa answered 503: Some new code" in one_line(done.err)


# --- the pure mapping: every body shape, every code ------------------------------------------------------


def body(data) -> bytes:
    return json.dumps(data).encode()


@pytest.mark.parametrize(("status", "code", "retryable", "kind", "retried", "exit_code", "words"), VOCABULARY, ids=IDS)
def test_each_code_maps_to_its_class_retry_and_exit_code(status, code, retryable, kind, retried, exit_code, words):
    data: dict = {"error": {"code": code, "message": "x", "retryable": retryable}} if code else {"error": "provider request failed"}
    error = parse_error(status, body(data), {})
    assert type(error) is kind and error.exit_code == exit_code and error.code == code
    assert should_retry(status, {}, error) is retried
    assert should_retry(status, {"x-should-retry": "false"}, error) is False
    assert str(error).startswith(f"AIsa answered {status}: {code or 'provider request failed'}") and words in str(error)
    assert "\n" not in str(error) and len(str(error)) < 300


@pytest.mark.parametrize(
    ("data", "headers"),
    [
        ({"error": {"code": "dependency_timeout", "message": "x", "request_id": RID, "retryable": True}}, {}),  # AIsa's page
        ({"code": "dependency_timeout", "error": "x", "request_id": RID, "retryable": True}, {}),  # the 401 layout
        ({"code": "dependency_timeout", "error": {"message": "x", "request_id": RID}, "retryable": True}, {}),
        ({"error": {"code": "dependency_timeout", "retryable": True}}, {"X-Request-ID": RID, "X-Oneapi-Request-Id": "new-api-id"}),
        ({"error": {"code": "dependency_timeout", "request_id": RID}}, {"X-Request-ID": "header-id"}),  # the body's wins
    ],
)
def test_code_request_id_and_retryable_are_read_wherever_aisa_puts_them(data, headers):
    error = parse_error(503, body(data), headers)
    assert type(error) is Unavailable and error.code == "dependency_timeout" and error.request_id == RID
    assert str(error).endswith(f"(request id {RID})") and should_retry(503, {}, error)


def test_x_request_id_is_kept_for_any_error():
    error = parse_error(500, body({"error": {"message": "boom"}}), {"x-request-id": "abc"})
    assert error.request_id == "abc" and str(error).endswith("(request id abc)")


def test_retryable_in_the_body_decides_for_an_unknown_code():
    assert not should_retry(503, {}, e := parse_error(503, body({"error": {"code": "new", "retryable": False}}), {}))
    assert e.exit_code == 1
    assert should_retry(400, {}, parse_error(400, body({"error": {"code": "new", "retryable": True}}), {}))
    assert not should_retry(400, {"x-should-retry": "false"}, parse_error(400, body({"code": "new", "retryable": True}), {}))


def test_retryable_true_cannot_make_a_spent_quota_or_a_completed_request_retried():
    for status, code in ((429, "quota_exceeded"), (409, "request_already_completed"), (409, "idempotency_conflict")):
        error = parse_error(status, body({"error": {"code": code, "retryable": True}}), {"x-should-retry": "true"})
        assert not should_retry(status, {"x-should-retry": "true"}, error)


def test_a_code_in_a_stream_error_event_means_the_same():
    error = gateway.from_body(None, {"error": {"code": "upstream_rate_limit", "message": "x", "request_id": RID}})
    assert type(error) is RateLimited and error.exit_code == EX_TEMPFAIL
    assert str(error).startswith("AIsa reported an error: upstream_rate_limit; ") and str(error).endswith(f"(request id {RID})")


def test_a_wait_longer_than_the_budget_keeps_the_try_again_later_exit_code():
    headers = {"Retry-After": "600"}
    error = parse_error(503, body({"error": {"code": "authentication_unavailable"}}), headers)
    late = gateway.no_time_to_wait(error, 600, 10, headers)
    assert type(late) is Unavailable and late.exit_code == EX_TEMPFAIL and "AIsa asked to wait 600 s" in str(late)
