"""What AIsa's answers mean: typed errors and the retry policy. Pure: no network.

AIsa runs new-api with its own layer on top, and passes vendors' error bodies through, so an error
body can take many shapes (see `parse_error`). Every error here is one line that says what is wrong
and how to fix it, and never holds an API key: anything that looks like one is masked.
"""

from __future__ import annotations

import json
import math
import re
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar, NamedTuple, TypedDict

from .errors import EX_TEMPFAIL, AisaError
from .redact import redact
from .refs import suggest
from .types import record

CONSOLE = "https://console.aisa.one"
MODELS_HINT = "see `openclaw-aisa models list --live`"
BAD_KEY_CODES = frozenset({"invalid_api_key", "missing_api_key", "api_key_disabled", "expired_api_key"})
PAYMENT_CODES = {
    "insufficient_api_key_balance": f"the AIsa key has used up its spending limit; raise it or top up at {CONSOLE}",
    "insufficient_wallet_balance": f"the AIsa wallet balance is too low; top up at {CONSOLE}",
    "estimated_price_exceeds_max_price": f"the request's estimated price exceeds the key's max price; lower max_tokens or raise the limit at {CONSOLE}",
}
HINTS = (
    (re.compile(r"invalid temperature|only 1 is allowed", re.I), "remove params.temperature for aisa/{model} (Kimi fixes its temperature)"),
    (
        re.compile(r"reasoning_content.{0,20}missing", re.I),
        "send each assistant turn's reasoning_content back on tool-call turns (DeepSeek/Kimi thinking mode), or turn thinking off for aisa/{model}",
    ),
    (re.compile(r"max_completion_tokens", re.I), "use max_tokens instead of max_completion_tokens for aisa/{model}"),
    (
        re.compile(r"\bdeveloper\b.{0,40}(role|not supported)|role.{0,40}\bdeveloper\b", re.I),
        "send the system prompt with role 'system', not 'developer', to aisa/{model}",
    ),
)
_NO_CHANNEL = re.compile(r"no available channel for model\s+(\S+)|模型\s*(\S+?)\s*无可用渠道|无可用渠道", re.I)
_REQUEST_ID = re.compile(r"\(request id: ([^)\s]+)\)")
_HTML_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.I | re.S)
_TAG = re.compile(r"<[^>]+>")
_MODEL_ID = re.compile(r"[^\x00-\x1f\x7f-\x9f]{1,200}")
RETRY_STATUSES = frozenset({408, 409, 429})
INITIAL_DELAY, MAX_DELAY = 0.5, 8.0


class GatewayError(AisaError):
    """AIsa, or the way to it, failed; the fields keep what AIsa said for logs and support."""

    retried: ClassVar[bool | None] = None
    """Whether sending again can change the answer: never (False), yes (True), or as the status says (None)."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        request_id: str | None = None,
        vendor_message: str | None = None,
        retryable: bool | None = None,
    ):
        super().__init__(redact(message) + (f" (request id {request_id})" if request_id else ""))
        self.status, self.code, self.request_id, self.retryable = status, code, request_id, retryable
        self.vendor_message = redact(vendor_message) if vendor_message else None

    def fields(self) -> _Fields:
        """What AIsa said, for an error that replaces this one."""
        return {
            "status": self.status,
            "code": self.code,
            "request_id": self.request_id,
            "vendor_message": self.vendor_message,
            "retryable": self.retryable,
        }


class _Fields(TypedDict):
    """GatewayError's keyword fields, as `from_body` passes them on to every error it builds."""

    status: int | None
    code: str | None
    request_id: str | None
    vendor_message: str | None
    retryable: bool | None  # AIsa's own word on a retry (`"retryable"` in the body), if it gave one


class BadKey(GatewayError):
    """401/403: AIsa does not accept the key."""

    retried = False


class PaymentRequired(GatewayError):
    """402: a known key without the balance, or (no code, a Payment challenge) a key AIsa did not recognise."""

    retried = False

    @property
    def key_recognised(self) -> bool:
        return self.code in PAYMENT_CODES


class UnknownModel(GatewayError):
    """new-api answers 503 "no available channel" for a model id it does not serve: not worth a retry."""

    retried = False

    def __init__(self, model: str | None, suggestions: Iterable[str] = (), *, listed: bool = False, **fields: Any):
        self.model, self.suggestions, self.listed = model, tuple(suggestions), listed
        name = f"model {model!r}" if model else "that model"
        if listed:
            message = f"AIsa lists {name} but has no channel serving it right now; try again later or pick another model"
        elif self.suggestions:
            message = f"AIsa does not serve {name}; did you mean: {', '.join(self.suggestions)}? ({MODELS_HINT})"
        else:
            message = f"AIsa does not serve {name} ({MODELS_HINT})"
        super().__init__(message, **fields)

    def with_live_ids(self, ids: Iterable[str]) -> UnknownModel:
        """The same error, its suggestions taken from the live model list."""
        ids = list(ids)
        listed = self.model is not None and self.model in ids
        return UnknownModel(self.model, () if listed else suggest(self.model or "", ids), listed=listed, **self.fields())


class RouteNotSupported(GatewayError):
    """400 model_route_not_supported: the model exists but not on this endpoint."""

    retried = False


class RateLimited(GatewayError):
    """429: too many requests for now. Retried (after Retry-After, when AIsa sends one); then exit 75."""

    retried, exit_code = True, EX_TEMPFAIL

    def __init__(self, message: str, *, retry_after: float | None = None, **fields: Any):
        super().__init__(message, **fields)
        self.retry_after = retry_after


class QuotaExceeded(GatewayError):
    """429 quota_exceeded: the key's quota is spent, which no wait of seconds renews: not retried."""

    retried = False


class UpstreamError(GatewayError):
    """Any other error, often the model vendor's own, kept as said, with a hint where one is known."""

    def __init__(self, message: str, *, hint: str | None = None, **fields: Any):
        super().__init__(f"{message}; {hint}" if hint else message, **fields)
        self.hint = hint


class Unavailable(UpstreamError):
    """AIsa, a service it depends on, or the vendor behind it failed for a moment (503s, the 502): retried; then exit 75."""

    retried, exit_code = True, EX_TEMPFAIL


class InProgress(GatewayError):
    """409 request_in_progress: AIsa is still on an identical request; retried after the wait, then exit 75."""

    retried, exit_code = True, EX_TEMPFAIL


class Conflict(GatewayError):
    """409 request_already_completed / idempotency_conflict: sending the same request again cannot change the answer."""

    retried = False


class NotAnApi(UpstreamError):
    """A 200 that is no model list (a web page, other JSON): a base URL that misses the API's path."""


def wrong_path(error: GatewayError | None) -> bool:
    """Whether an answer says the base URL's path is wrong (404/405, or a page instead of the API):
    the one case where the same key at a corrected path is worth a try."""
    return isinstance(error, NotAnApi) or (isinstance(error, UpstreamError) and error.status in (404, 405))


class GatewayUnreachable(GatewayError):
    def __init__(self, host: str, reason: str):
        super().__init__(f"cannot reach AIsa at {host} ({reason}); check the network, a proxy, or --base-url")
        self.host = host


class GatewayTimeout(GatewayError):
    """A phase that outlasted its timeout, or (phase "total") a whole request that outlasted its budget."""

    def __init__(self, host: str, phase: str, seconds: float | None):
        if phase == "total":
            message = f"AIsa at {host} did not answer in full within {seconds or 0:g} s, the limit for the whole request; try again, or raise the timeout"
        else:
            what = {
                "connect": "connecting",
                "read": "waiting for data",
                "write": "sending the request",
                "pool": "waiting for a free connection",
            }.get(phase, phase)
            after = f" after {seconds:g} s" if seconds else ""
            message = f"AIsa at {host} timed out {what}{after}; try again, or raise the {phase} timeout"
        super().__init__(message)
        self.host, self.phase, self.seconds = host, phase, seconds


class StreamBroken(GatewayError):
    """The stream stopped before its end; not retried, since part of the answer was already delivered."""


class TooLarge(UpstreamError):
    """An answer far bigger than any real one (a wrong base URL, or a hostile server): not read further."""

    def __init__(self, what: str, limit: int, host: str | None = None):
        at = f" at {host}" if host else ""
        super().__init__(f"AIsa's {what}{at} is larger than {size(limit)}; check --base-url")
        self.limit = limit


class Known(NamedTuple):
    """What one of AIsa's documented error codes means: its error class (which says whether it is
    retried, and the exit code), and what happened and what to do."""

    kind: type[GatewayError]
    text: str


_TRANSIENT = "a temporary failure on AIsa's side: try again in a minute"
_NOT_RETRIED = "sending it again cannot change that, so it is not retried"
# AIsa's errors page (AIsa-team/docs api-reference/errors.mdx) and rate-limits page, 2026; the 502's
# only mark is its text. The page names the billing dependency codes with and without their prefix.
KNOWN: dict[str, Known] = {
    "authentication_unavailable": Known(Unavailable, f"AIsa's key-checking service is down (the key may well be fine), {_TRANSIENT}"),
    "metered_v2_billing_config_invalid": Known(
        Unavailable,
        "AIsa's billing configuration is broken, a fault on AIsa's side: try again later, and tell developer@aisa.one if it lasts",
    ),
    "dependency_timeout": Known(Unavailable, f"a service AIsa depends on timed out, {_TRANSIENT}"),
    "metered_v2_billing_dependency_timeout": Known(Unavailable, f"AIsa's billing service timed out, {_TRANSIENT}"),
    "dependency_unavailable": Known(Unavailable, f"a service AIsa depends on is down, {_TRANSIENT}"),
    "metered_v2_billing_dependency_unavailable": Known(Unavailable, f"AIsa's billing service is down, {_TRANSIENT}"),
    "provider request failed": Known(
        Unavailable, f"the model vendor behind AIsa failed, a temporary failure: try again, or pick another model ({MODELS_HINT})"
    ),
    "request_in_progress": Known(InProgress, "AIsa is still working on an identical request: try again in a moment"),
    "request_already_completed": Known(
        Conflict, f"AIsa has already completed an identical request; {_NOT_RETRIED}: look for that request's result, or send a changed one"
    ),
    "idempotency_conflict": Known(
        Conflict,
        f"AIsa holds another request under the same idempotency key; {_NOT_RETRIED}: check that request before sending a changed one",
    ),
    "rate_limit_exceeded": Known(RateLimited, f"the key is over its plan's rate limit: slow down, or raise the plan's limits at {CONSOLE}"),
    "upstream_rate_limit": Known(RateLimited, "the model vendor behind AIsa is rate limiting: try again shortly, or pick another model"),
    "quota_exceeded": Known(
        QuotaExceeded,
        f"the key's quota is spent, which no retry renews, so it is not retried: wait for the quota to reset, or raise it at {CONSOLE}",
    ),
}


def size(n: int) -> str:
    return f"{n / 2**20:g} MB" if n >= 2**20 else f"{n / 2**10:g} KB"


def model_list(body: bytes, host: str) -> list[dict]:
    """The model entries of a GET /models answer (`{"data": [...]}`). Other JSON, or a list of which
    no entry is a model, is what a base URL that is not an OpenAI-compatible API answers."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        data = None
    entries = data.get("data") if isinstance(data, dict) else None
    models = model_entries(entries) if isinstance(entries, list) else []
    if not isinstance(entries, list) or (entries and not models):
        raise NotAnApi(f"AIsa's model list at {host} is not the JSON expected; check --base-url")
    return models


def model_entries(entries: Iterable[Any]) -> list[dict]:
    """The entries that are objects with a plausible id: a printable string that a config can hold."""
    return [e for e in entries if isinstance(e, dict) and isinstance(i := e.get("id"), str) and _MODEL_ID.fullmatch(i)]


def parse_error(status: int, body: bytes, headers: Mapping[str, str], model: str | None = None) -> GatewayError:
    """The typed error for an HTTP error answer, whatever shape its body has."""
    data: Any = None
    if body.strip():
        try:
            data = json.loads(body)
        except (ValueError, RecursionError):
            data = None
    message = _text(body) if data is None else None
    return from_body(status, data, headers, model, message)


def from_body(
    status: int | None, data: Any, headers: Mapping[str, str] = {}, model: str | None = None, message: str | None = None
) -> GatewayError:
    """The typed error for a decoded error body (also the `{"error": ...}` event inside a stream)."""
    h = {k.lower(): v for k, v in headers.items()}
    code, vendor, request_id, retryable = _fields(data)
    vendor = vendor or message
    from_text = m.group(1) if vendor and (m := _REQUEST_ID.search(vendor)) else None
    request_id = request_id or from_text or h.get("x-request-id") or h.get("x-oneapi-request-id")
    fields: _Fields = {"status": status, "code": code, "request_id": request_id, "vendor_message": vendor, "retryable": retryable}
    said = f"AIsa answered {status}" if status else "AIsa reported an error"
    words = _REQUEST_ID.sub("", vendor).strip() if vendor else ""
    detail = f"{said}: {short(words)}" if words else said
    channel = _NO_CHANNEL.search(vendor or "")

    if code in BAD_KEY_CODES or status in (401, 403):
        why = f"{code or status}: {short(vendor, 80)}" if vendor else f"{code or status}"
        return BadKey(f"AIsa rejected the API key ({why}); check it, or get one at {CONSOLE}", **fields)
    if code in PAYMENT_CODES:
        return PaymentRequired(PAYMENT_CODES[code], **fields)
    if status == 402:
        if h.get("www-authenticate", "").lower().startswith("payment"):
            return PaymentRequired(f"AIsa did not recognise the API key and asked for payment (402); check the key at {CONSOLE}", **fields)
        return PaymentRequired(f"{detail}; check the balance at {CONSOLE}", **fields)
    if code == "model_not_found" or channel:
        named = channel and (channel.group(1) or channel.group(2))
        return UnknownModel(model or (named.rstrip(".,") if named else None), **fields)
    if code == "model_route_not_supported":
        return RouteNotSupported(f"{detail}; aisa/{model or 'this model'} is not served on this endpoint ({MODELS_HINT})", **fields)
    wait = retry_after(h)
    then = f"; AIsa asks to wait {wait:g} s" if wait is not None else ""
    if key := next((k for k in (code, words.lower()) if k in KNOWN), None):
        known = KNOWN[key]
        message = f"{said}: {key}{then}; {known.text}"
        if issubclass(known.kind, RateLimited):
            return known.kind(message, retry_after=wait, **fields)
        return known.kind(message, **fields)
    if status == 429:
        return RateLimited(f"{detail}{then}; slow down, or raise the plan's limits at {CONSOLE}", retry_after=wait, **fields)
    hint = next((text.format(model=model or "<model>") for pattern, text in HINTS if vendor and pattern.search(vendor)), None)
    return UpstreamError(detail, hint=hint, **fields)


def _fields(data: Any) -> tuple[str | None, str | None, str | None, bool | None]:
    """(code, message, request id, retryable) from `{"error": str|{...}, "code", "message"|"msg", ...}`
    and kin: AIsa puts `code`, `request_id` and `retryable` at the top or inside `error`."""
    if not isinstance(data, dict):
        return None, (short(str(data)) if data not in (None, "") else None), None, None
    error = data.get("error")
    inner = error if isinstance(error, dict) else {}
    code = next((str(c) for c in (inner.get("code"), data.get("code")) if c not in (None, "", 0)), None)
    candidates = (
        error if isinstance(error, str) else None,
        inner.get("message"),
        inner.get("msg"),
        data.get("message"),
        data.get("msg"),
        data.get("detail"),
        data.get("error_description"),
    )
    message = next((str(m) for m in candidates if m not in (None, "")), None)
    request_id = next((str(r) for r in (data.get("request_id"), inner.get("request_id")) if r), None)
    retryable = next((r for r in (inner.get("retryable"), data.get("retryable")) if isinstance(r, bool)), None)
    return code, message, request_id, retryable


def _text(body: bytes) -> str | None:
    """A non-JSON body in one short line: an HTML page's title, else its first line of text."""
    if m := _HTML_TITLE.search(body):
        text = m.group(1).decode("utf-8", "replace")
    else:
        lines = (_TAG.sub(" ", line).strip() for line in body.decode("utf-8", "replace").splitlines())
        text = next((line for line in lines if line), "")
    return short(" ".join(text.split())) or None


def short(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def should_retry(status: int | None, headers: Mapping[str, str] = {}, error: GatewayError | None = None) -> bool:
    """openai-python's rule (408, 409, 429, 5xx, no answer at all; `x-should-retry` wins), but never
    an answer that cannot change on a retry (an unknown model, a bad key, no balance, a spent quota,
    a completed request) nor one AIsa calls `"retryable": false`; and always one it calls retryable,
    or whose code says "try again" (the error's class), unless `x-should-retry` says no."""
    if error is not None and (error.retried is False or error.retryable is False):
        return False
    flag = next((v.strip().lower() for k, v in headers.items() if k.lower() == "x-should-retry"), None)
    if flag in ("true", "false"):
        return flag == "true"
    if error is not None and (error.retried or error.retryable):
        return True
    return status is None or status in RETRY_STATUSES or status >= 500


def no_time_to_wait(error: GatewayError, wait: float, left: float, headers: Mapping[str, str]) -> GatewayError:
    """The error to raise when the wait before a retry is longer than the time left for the call: the
    same `error`, unless AIsa itself asked for that wait (Retry-After), which the user is then told."""
    if retry_after(headers) is None:
        return error
    why = "rate limited" if isinstance(error, RateLimited) else f"after answering {error.status}" if error.status else "after an error"
    later = f"in {wait:.0f} s" if wait < 60 else "in a minute" if wait < 120 else f"in {wait / 60:.0f} minutes"
    message = f"AIsa asked to wait {wait:g} s ({why}), more than the {max(left, 0):.0f} s left for this request; try again {later}"
    if isinstance(error, RateLimited):
        return RateLimited(message, retry_after=wait, **error.fields())
    return (type(error) if error.retried else UpstreamError)(message, **error.fields())  # a "try again later" keeps its exit 75


def retry_after(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """Seconds the server asks to wait: `retry-after-ms`, else `Retry-After` in seconds or as a date."""
    h = {k.lower(): v.strip() for k, v in headers.items()}
    try:
        return float(h["retry-after-ms"]) / 1000
    except (KeyError, ValueError):
        pass
    value = h.get("retry-after")
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    import email.utils  # with socket and datetime: ~3 ms that offline commands need not pay

    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return when.timestamp() - (time.time() if now is None else now)


def retry_delay(
    attempt: int, headers: Mapping[str, str] = {}, *, cap: float = 60.0, rng: Callable[[], float] | None = None, now: float | None = None
) -> float:
    """Seconds before retry number `attempt` (0-based): the server's wish if it is sane (0 < wait <=
    cap), else openai-python's backoff, 0.5 s doubling up to 8 s, minus up to 25 % jitter."""
    wanted = retry_after(headers, now)
    if wanted is not None and 0 < wanted <= cap:
        return wanted
    if rng is None:
        import random

        rng = random.random
    return min(INITIAL_DELAY * 2.0**attempt, MAX_DELAY) * (1 - 0.25 * rng())


MICROS = 1_000_000


@record
class Balance:
    """AIsa's credit (`GET /v1/credits/balance`): the account's wallet, and the key's own spending limit.

    Amounts are in `currency` units (AIsa answers in micro-dollars); None where the answer had no figure."""

    currency: str
    account: float | None
    available: float | None
    key_unlimited: bool
    key_remaining: float | None
    key_used: float | None
    as_of: str | None
    request_id: str | None = None

    @property
    def spent(self) -> str | None:
        """What stops requests: "wallet" (nothing available), "key" (the key's limit reached), or None."""
        if self.available is not None and self.available <= 0:
            return "wallet"
        if not self.key_unlimited and self.key_remaining is not None and self.key_remaining <= 0:
            return "key"
        return None

    @property
    def usable(self) -> float | None:
        """What this key can still spend: the wallet's available balance, capped by the key's own limit."""
        figures = [f for f in (self.available, None if self.key_unlimited else self.key_remaining) if f is not None]
        return min(figures) if figures else None

    def document(self) -> dict[str, Any]:
        return {
            "currency": self.currency,
            "account_balance": self.account,
            "available_balance": self.available,
            "api_key": {"unlimited": self.key_unlimited, "remaining": self.key_remaining, "used": self.key_used},
            "usable": self.usable,
            "spent": self.spent,
            "as_of": self.as_of,
            "request_id": self.request_id,
        }

    def explain_payment(self) -> str:
        """Why AIsa answers 402, from the balance: the wallet, or the key's own limit."""
        if self.spent == "wallet":
            return f"the AIsa wallet is empty ({money(self.available, self.currency)} available); top up at {CONSOLE}"
        if self.spent == "key":
            used = f" after {money(self.key_used, self.currency)}" if self.key_used is not None else ""
            return f"this key has reached its own spending limit{used} (the wallet still has {money(self.available, self.currency)}); raise the key's limit at {CONSOLE}"
        return f"the balance looks sufficient ({money(self.usable, self.currency)} usable): the request's estimated price may exceed the key's max price; lower max_tokens"


def money(amount: float | None, currency: str = "USD") -> str:
    if amount is None:
        return "unknown"
    return f"${amount:,.2f}" if currency.upper() == "USD" else f"{amount:,.2f} {currency}"


def balance_from(body: bytes, host: str, request_id: str | None = None) -> Balance:
    """The balance in a `GET /credits/balance` answer; anything else is an answer from something that is not AIsa."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        data = None
    if not isinstance(data, dict) or not any(k in data for k in ("available_balance_micros_usd", "account_balance_micros_usd", "api_key")):
        raise UpstreamError(f"the balance answer at {host} is not AIsa's; check --base-url")
    raw_key = data.get("api_key")
    key: Mapping[str, Any] = raw_key if isinstance(raw_key, dict) else {}

    def amount(obj: Mapping[str, Any], name: str) -> float | None:
        value = obj.get(name)
        return value / MICROS if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) else None

    currency = data.get("currency")
    as_of = data.get("as_of")
    return Balance(
        currency if isinstance(currency, str) and re.fullmatch(r"[A-Za-z]{3}", currency) else "USD",
        amount(data, "account_balance_micros_usd"),
        amount(data, "available_balance_micros_usd"),
        key.get("unlimited") is True,
        amount(key, "remaining_micros_usd"),
        amount(key, "used_micros_usd"),
        short(as_of, 40) if isinstance(as_of, str) else None,
        request_id or (str(data["request_id"]) if data.get("request_id") else None),
    )
