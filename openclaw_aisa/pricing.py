"""Prices compared and costs projected, from plugin.toml's dated and sourced figures. Pure.

Prices keep their history: each seller's price in force on a date is its latest entry on or before
that date, so `cost --as-of 2026-02-01` reproduces a table from February 2026 and the default is today's.
"""

from __future__ import annotations

import datetime as dt
import re

from .errors import UsageError
from .types import Model, Price, Provider, record

STALE_AFTER_DAYS = 90
_AMOUNT = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*([kmbt]?)\s*$", re.I)
_SCALE = {"": 1, "k": 10**3, "m": 10**6, "b": 10**9, "t": 10**12}


def parse_tokens(text: str) -> int:
    """`500M`, `1.5B`, `20k` or `1000000`: a token count."""
    m = _AMOUNT.match(text)
    if not m or float(m.group(1)) <= 0:
        raise UsageError(f"--tokens {text!r} is not a token count; write e.g. 500M, 1.5B or 20000")
    return round(float(m.group(1)) * _SCALE[m.group(2).lower()])


@record
class Quote:
    """One seller's price for a model, as in force on the date asked about."""

    seller: str
    name: str
    tiers: tuple[Price, ...]
    stale: bool

    @property
    def base(self) -> Price:
        return self.tiers[0]


def quotes(provider: Provider, model: Model, as_of: dt.date | None, today: dt.date) -> list[Quote]:
    """Every seller's price, the provider's own first."""
    sellers = sorted(model.sellers(), key=lambda s: (s != provider.id, s))
    out = []
    for seller in sellers:
        tiers = model.tiers(seller, as_of)
        if tiers:
            old = (today - tiers[0].as_of).days > STALE_AFTER_DAYS
            out.append(Quote(seller, provider.sellers.get(seller, seller), tuple(tiers), old))
    return out


def saving(ours: float, theirs: float) -> float | None:
    """How much less ours costs, in percent of theirs (negative: ours costs more)."""
    return None if theirs <= 0 else round(100 * (1 - ours / theirs), 1)


@record
class Projection:
    """A seller's monthly cost for a token volume, at the first tier of its quote."""

    seller: str
    name: str
    monthly: float
    monthly_high: float | None  # the top of a quoted price range
    price: Price

    @property
    def yearly(self) -> float:
        return 12 * self.monthly

    @property
    def yearly_high(self) -> float | None:
        return None if self.monthly_high is None else 12 * self.monthly_high


def project(quote: Quote, tokens: int, input_share: float) -> Projection:
    """Monthly cost of `tokens` at the quote's first tier (requests under its input limit)."""
    if not 0 <= input_share <= 1:
        raise UsageError(f"--input-share {input_share} must be between 0 and 1 (0.8: 80 % of the tokens are input)")
    p = quote.base
    millions_in, millions_out = tokens * input_share / 1e6, tokens * (1 - input_share) / 1e6
    low = millions_in * p.input + millions_out * p.output
    high = None
    if p.input_high is not None or p.output_high is not None:
        high = millions_in * (p.input_high or p.input) + millions_out * (p.output_high or p.output)
    return Projection(quote.seller, quote.name, low, high, p)
