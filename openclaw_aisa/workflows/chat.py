"""`chat`: one streamed turn. The stream is handed out piece by piece (the CLI shows it as it comes);
the figures (usage, cost, timings) are a frozen result at the end."""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from typing import Any

from .. import refs
from ..errors import UsageError
from ..host import Host
from ..types import Provider, record
from . import session


@record
class Request:
    """One turn: the model, the prompt and an optional system message and output budget."""

    target: session.Target
    model: str
    prompt: str
    system: str | None = None
    max_tokens: int | None = None


@record
class Piece:
    """A part of the answer as it streams: `reasoning` (thinking) or `content` (the answer)."""

    kind: str
    text: str


@record
class Answer:
    """`chat --json`: the whole answer, usage, cost and timings."""

    provider: Provider
    model_id: str
    base_url: str
    content: str
    reasoning: str | None
    finish_reason: str | None
    usage: dict[str, Any] | None
    cost_usd: float | None
    first_token: float | None
    total: float
    max_tokens: int | None
    exit_code: int = 0

    def document(self) -> dict[str, Any]:
        return {
            "model": self.provider.ref(self.model_id),
            "base_url": self.base_url,
            "content": self.content,
            "reasoning": self.reasoning,
            "finish_reason": self.finish_reason,
            "usage": self.usage,
            "cost_usd": self.cost_usd,
            "seconds": {"first_token": self.first_token, "total": self.total},
        }

    def summary(self) -> str:
        provider, usage, parts = self.provider, self.usage, [self.provider.ref(self.model_id)]
        if usage:
            parts.append(f"{usage.get('prompt_tokens', '?')} in + {usage.get('completion_tokens', '?')} out tokens")
        else:
            parts.append("no usage reported")
        model = provider.model(self.model_id)
        if self.cost_usd is not None and model is not None:
            price = model.price(provider.id, int((usage or {}).get("prompt_tokens") or 0))
            parts.append(f"${self.cost_usd:.6f} at {provider.label}'s price of {price.as_of if price else '?'}")
        elif usage:
            parts.append("cost unknown (not in the catalogue)")
        if self.first_token is not None:
            parts.append(f"first token {self.first_token:.2f} s")
        parts.append(f"{self.total:.2f} s in all")
        return "-- " + ", ".join(parts)


def chat(host: Host, env: Mapping[str, str], request: Request) -> Iterator[Piece | Answer]:
    """Pieces of the answer as they arrive, then the Answer. Checks happen before the request is sent."""
    s = session.open_session(host, env, request.target)
    model_id = s.provider.bare_id(request.model)
    if model_id is None:
        raise UsageError(f"-m {request.model!r}: give a {s.provider.label} model id, e.g. kimi-k2.5")
    refs.refuse_alias(s.provider, model_id, use="-m ")
    if not request.prompt.strip():
        raise UsageError("the prompt is empty; pass it as an argument, or '-' to read it from stdin")
    model = s.provider.model(model_id)
    messages = ([{"role": "system", "content": request.system}] if request.system else []) + [{"role": "user", "content": request.prompt}]
    params: dict[str, Any] = {}
    if request.max_tokens or model:
        params["max_tokens"] = request.max_tokens or (model.max_tokens.value if model else None)
    content: list[str] = []
    reasoning: list[str] = []
    usage, finish, first = None, None, None
    started = time.monotonic()
    with s.client() as c:
        for chunk in c.chat_stream(model_id, messages, **params):
            if isinstance(chunk.get("usage"), dict):
                usage = chunk["usage"]
            for choice in chunk.get("choices") or []:
                delta = choice.get("delta") or {}
                finish = choice.get("finish_reason") or finish
                for kind, parts in (("reasoning", reasoning), ("content", content)):
                    text = delta.get("reasoning_content" if kind == "reasoning" else "content")
                    if text:
                        first = first or time.monotonic()
                        parts.append(text)
                        yield Piece(kind, text)
    total = time.monotonic() - started
    yield Answer(
        s.provider,
        model_id,
        s.base_url,
        "".join(content),
        "".join(reasoning) or None,
        finish,
        usage,
        _cost(s.provider, model_id, usage),
        None if first is None else round(first - started, 3),
        round(total, 3),
        params.get("max_tokens"),
    )


def _cost(provider: Provider, model_id: str, usage: dict | None) -> float | None:
    model = provider.model(model_id)
    if not usage or model is None:
        return None
    prompt, completion = int(usage.get("prompt_tokens") or 0), int(usage.get("completion_tokens") or 0)
    details = usage.get("prompt_tokens_details")
    cached = int(details.get("cached_tokens") or 0) if isinstance(details, dict) else 0
    price = model.price(provider.id, prompt)
    return None if price is None else round(price.cost(prompt, completion, cached), 10)
