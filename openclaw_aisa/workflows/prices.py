"""`pricing` and `cost`: the catalogue's dated prices shaped into reports (the arithmetic is pricing.py's)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .. import pricing, refs
from ..errors import PROG, UsageError
from ..host import Host
from ..schema import split_ref
from ..types import Model, Provider, record


def parse_date(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--as-of {text!r} is not a date; write YYYY-MM-DD, e.g. 2026-02-01") from None


def catalogue_model(provider: Provider, wanted: str) -> Model:
    model_id = split_ref(wanted)[1] if wanted.startswith(f"{provider.id}/") else wanted
    model = provider.model(model_id)
    if model is None:
        close = refs.close_matches(model_id, [m.id for m in provider.models], n=3, cutoff=0.4)
        hint = f"did you mean {', '.join(close)}?" if close else f"known: {', '.join(m.id for m in provider.models)}"
        raise UsageError(f"{wanted!r} has no prices in the catalogue; {hint}")
    return model


@record
class Priced:
    """A model's quotes, the provider's own first, with the provider's saving against each other seller."""

    provider: Provider
    model: Model
    quotes: tuple[pricing.Quote, ...]

    def saves(self, quote: pricing.Quote) -> dict[str, float | None] | None:
        ours = next((q for q in self.quotes if q.seller == self.provider.id), None)
        if ours is None or quote is ours:
            return None
        return {"input": pricing.saving(ours.base.input, quote.base.input), "output": pricing.saving(ours.base.output, quote.base.output)}

    def document(self) -> dict[str, Any]:
        return {"ref": self.provider.ref(self.model.id), "name": self.model.name, "quotes": [self._quote(q) for q in self.quotes]}

    def _quote(self, q: pricing.Quote) -> dict[str, Any]:
        tiers = [
            {
                "max_input_tokens": t.max_input_tokens,
                "input": t.input,
                "output": t.output,
                "cache_read": t.cache_read,
                "input_high": t.input_high,
                "output_high": t.output_high,
            }
            for t in q.tiers
        ]
        return {
            "seller": q.seller,
            "name": q.name,
            "as_of": q.base.as_of.isoformat(),
            "source": q.base.source,
            "stale": q.stale,
            "tiers": tiers,
            f"{self.provider.id}_saves_percent": self.saves(q),
        }


@record
class Prices:
    """`pricing --json`."""

    provider: Provider
    as_of_text: str | None
    as_of: dt.date | None
    today: dt.date
    models: tuple[Priced, ...]
    exit_code: int = 0

    def document(self) -> dict[str, Any]:
        p = self.provider
        return {
            "as_of": self.as_of_text,
            "today": self.today.isoformat(),
            "stale_after_days": pricing.STALE_AFTER_DAYS,
            "check": [u for u in (p.models_url, p.console_url) if u],
            "models": [m.document() for m in self.models],
        }


def prices(host: Host, provider_id: str | None, models: tuple[str, ...], as_of_text: str | None) -> Prices:
    provider = host.provider(provider_id)
    as_of, today = parse_date(as_of_text), dt.date.today()
    chosen = [catalogue_model(provider, m) for m in models] if models else [m for m in provider.models if m.prices]
    priced = tuple(Priced(provider, m, tuple(pricing.quotes(provider, m, as_of, today))) for m in chosen)
    return Prices(provider, as_of_text, as_of, today, priced)


@record
class Seller:
    """One seller's projected cost, and how much more it costs a year than the provider (None for the provider)."""

    quote: pricing.Quote
    projection: pricing.Projection
    saving: float | None = None
    saving_high: float | None = None

    def document(self) -> dict[str, Any]:
        p = self.projection

        def cents(x: float | None) -> float | None:
            return None if x is None else round(x, 2)

        doc: dict[str, Any] = {
            "seller": p.seller,
            "name": p.name,
            "monthly": round(p.monthly, 2),
            "monthly_high": cents(p.monthly_high),
            "yearly": round(p.yearly, 2),
            "yearly_high": cents(p.yearly_high),
            "price": {
                "input": p.price.input,
                "output": p.price.output,
                "input_high": p.price.input_high,
                "output_high": p.price.output_high,
            },
            "as_of": p.price.as_of.isoformat(),
            "source": p.price.source,
            "stale": self.quote.stale,
            "yearly_saving": cents(self.saving),
        }
        if self.saving is not None:
            doc["yearly_saving_high"] = cents(self.saving_high)
        return doc


@record
class Cost:
    """`cost --json`."""

    provider: Provider
    model: Model
    tokens: int
    input_share: float
    as_of_text: str | None
    as_of: dt.date | None
    sellers: tuple[Seller, ...]
    tiered: bool
    exit_code: int = 0

    @property
    def tiered_note(self) -> str | None:
        return "tiered prices: the first tier (requests under its input limit) is used" if self.tiered else None

    def document(self) -> dict[str, Any]:
        return {
            "model": self.provider.ref(self.model.id),
            "tokens_per_month": self.tokens,
            "input_share": self.input_share,
            "as_of": self.as_of_text,
            "tiered_note": self.tiered_note,
            "sellers": [s.document() for s in self.sellers],
        }


def cost(host: Host, provider_id: str | None, model_ref: str, tokens_text: str, input_share: float, as_of_text: str | None) -> Cost:
    provider = host.provider(provider_id)
    model = catalogue_model(provider, model_ref)
    tokens = pricing.parse_tokens(tokens_text)
    as_of, today = parse_date(as_of_text), dt.date.today()
    quotes = pricing.quotes(provider, model, as_of, today)
    if not quotes:
        raise UsageError(f"no price for {model.id} in force on {as_of}; `{PROG} pricing --model {model.id}` shows the dates known")
    projections = [(q, pricing.project(q, tokens, input_share)) for q in quotes]
    ours = next((p for q, p in projections if q.seller == provider.id), None)
    sellers = []
    for q, p in projections:
        if ours is None or p is ours:
            sellers.append(Seller(q, p))
        else:
            high = None if p.yearly_high is None else p.yearly_high - ours.yearly
            sellers.append(Seller(q, p, p.yearly - ours.yearly, high))
    return Cost(provider, model, tokens, input_share, as_of_text, as_of, tuple(sellers), any(len(q.tiers) > 1 for q in quotes))
