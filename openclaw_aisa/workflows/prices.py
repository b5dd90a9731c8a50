"""`pricing` and `cost`: the catalogue's dated prices shaped into reports (the arithmetic is pricing.py's)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from .. import pricing, refs
from ..errors import UsageError
from ..host import Host
from ..schema import split_ref
from ..types import Model, Provider
from . import session
from .session import PROG


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


@dataclass(frozen=True)
class Prices:
    """`pricing --json`."""

    provider: Provider
    as_of: dt.date | None
    report: dict[str, Any]
    exit_code: int = 0

    def document(self) -> dict[str, Any]:
        return self.report


def prices(host: Host, provider_id: str | None, models: tuple[str, ...], as_of_text: str | None) -> Prices:
    provider = session.pick_provider(host, provider_id)
    as_of, today = parse_date(as_of_text), dt.date.today()
    chosen = [catalogue_model(provider, m) for m in models] if models else [m for m in provider.models if m.prices]
    report: dict[str, Any] = {
        "as_of": as_of_text,
        "today": today.isoformat(),
        "stale_after_days": pricing.STALE_AFTER_DAYS,
        "check": [u for u in (provider.models_url, provider.console_url) if u],
        "models": [],
    }
    for model in chosen:
        quotes = pricing.quotes(provider, model, as_of, today)
        ours = next((q for q in quotes if q.seller == provider.id), None)
        rows = []
        for q in quotes:
            save = None
            if ours and q is not ours:
                save = {"input": pricing.saving(ours.base.input, q.base.input), "output": pricing.saving(ours.base.output, q.base.output)}
            rows.append(
                {
                    "seller": q.seller,
                    "name": q.name,
                    "as_of": q.base.as_of.isoformat(),
                    "source": q.base.source,
                    "stale": q.stale,
                    "tiers": [
                        {
                            "max_input_tokens": t.max_input_tokens,
                            "input": t.input,
                            "output": t.output,
                            "cache_read": t.cache_read,
                            "input_high": t.input_high,
                            "output_high": t.output_high,
                        }
                        for t in q.tiers
                    ],
                    f"{provider.id}_saves_percent": save,
                }
            )
        report["models"].append({"ref": provider.ref(model.id), "name": model.name, "quotes": rows})
    return Prices(provider, as_of, report)


@dataclass(frozen=True)
class Cost:
    """`cost --json`."""

    provider: Provider
    as_of: dt.date | None
    report: dict[str, Any]
    exit_code: int = 0

    def document(self) -> dict[str, Any]:
        return self.report


def cost(host: Host, provider_id: str | None, model_ref: str, tokens_text: str, input_share: float, as_of_text: str | None) -> Cost:
    provider = session.pick_provider(host, provider_id)
    model = catalogue_model(provider, model_ref)
    tokens = pricing.parse_tokens(tokens_text)
    as_of, today = parse_date(as_of_text), dt.date.today()
    quotes = pricing.quotes(provider, model, as_of, today)
    if not quotes:
        raise UsageError(f"no price for {model.id} in force on {as_of}; `{PROG} pricing --model {model.id}` shows the dates known")
    projections = [(q, pricing.project(q, tokens, input_share)) for q in quotes]
    ours = next((p for q, p in projections if q.seller == provider.id), None)
    rows = []
    for q, p in projections:
        row: dict[str, Any] = {
            "seller": p.seller,
            "name": p.name,
            "monthly": round(p.monthly, 2),
            "monthly_high": None if p.monthly_high is None else round(p.monthly_high, 2),
            "yearly": round(p.yearly, 2),
            "yearly_high": None if p.yearly_high is None else round(p.yearly_high, 2),
            "price": {
                "input": p.price.input,
                "output": p.price.output,
                "input_high": p.price.input_high,
                "output_high": p.price.output_high,
            },
            "as_of": p.price.as_of.isoformat(),
            "source": p.price.source,
            "stale": q.stale,
            "yearly_saving": None,
        }
        if ours is not None and p is not ours:
            row["yearly_saving"] = round(p.yearly - ours.yearly, 2)
            row["yearly_saving_high"] = None if p.yearly_high is None else round(p.yearly_high - ours.yearly, 2)
        rows.append(row)
    tiered = any(len(q.tiers) > 1 for q in quotes)
    report = {
        "model": provider.ref(model.id),
        "tokens_per_month": tokens,
        "input_share": input_share,
        "as_of": as_of_text,
        "tiered_note": "tiered prices: the first tier (requests under its input limit) is used" if tiered else None,
        "sellers": rows,
    }
    return Cost(provider, as_of, report)
