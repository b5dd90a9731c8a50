"""pricing and cost: the catalogue's dated, sourced prices as comparisons and projections."""

from __future__ import annotations

import datetime as dt

import pytest

from openclaw_aisa import pricing
from openclaw_aisa.catalog import load_catalog
from openclaw_aisa.errors import UsageError

from .conftest import KEY, read_json

PROVIDER = load_catalog().providers[0]


def test_every_price_carries_a_date_a_source_and_a_known_seller():
    for model in PROVIDER.models:
        assert model.prices or "No AIsa price found" in model.notes, model.id
        for price in model.prices:
            assert isinstance(price.as_of, dt.date) and price.as_of <= dt.date.today()
            assert len(price.source) > 10 and price.seller in PROVIDER.sellers


def test_the_seeds_500m_tokens_a_month_on_qwen_max_is_reproduced_from_its_february_prices(run):
    """The seed: OpenRouter about $4,000-4,250, Bailian about $3,400, AIsa about $2,040 a month, saving $16,320-26,520 a year.

    Its figures work out at 20 % input tokens (one input token for four output tokens).
    """
    done = run("cost", "--model", "qwen3-max", "--tokens", "500M", "--input-share", "0.2", "--as-of", "2026-02-28", "--json")
    assert done.code == 0, done.err
    sellers = {s["seller"]: s for s in done.json["sellers"]}
    assert set(sellers) == {"aisa", "alibaba-bailian", "openrouter"}
    assert sellers["aisa"]["monthly"] == pytest.approx(2040)
    assert sellers["alibaba-bailian"]["monthly"] == pytest.approx(3400)
    assert 3800 <= sellers["openrouter"]["monthly"] <= 4000 and sellers["openrouter"]["monthly_high"] == pytest.approx(4250)
    assert sellers["alibaba-bailian"]["yearly_saving"] == pytest.approx(16320)
    assert sellers["openrouter"]["yearly_saving_high"] == pytest.approx(26520)
    assert all(s["as_of"] == "2026-02-01" and "February 2026" in s["source"] for s in sellers.values())


def test_cost_prints_todays_figures_by_default(run):
    done = run("cost", "--model", "aisa/qwen3-max", "--tokens", "500M", "--json")
    aisa = next(s for s in done.json["sellers"] if s["seller"] == "aisa")
    current = PROVIDER.model("qwen3-max").price("aisa")
    assert aisa["as_of"] == current.as_of.isoformat()
    assert aisa["monthly"] == pytest.approx(250 * current.input + 250 * current.output)
    assert done.json["tiered_note"]
    text = run("cost", "--model", "qwen3-max", "--tokens", "1.5B").out
    assert "1,500,000,000 tokens a month" in text and "AIsa" in text


def test_pricing_shows_each_seller_dated_sourced_with_the_saving_and_tiers_as_tiers(run):
    done = run("pricing", "--model", "qwen3-max", "--json")
    [model] = done.json["models"]
    quotes = {q["seller"]: q for q in model["quotes"]}
    assert list(quotes)[0] == "aisa"
    assert all(q["as_of"] and q["source"] for q in quotes.values())
    intl = quotes["alibaba-intl"]
    assert [t["max_input_tokens"] for t in intl["tiers"]] == [32768, 131072, 258048]
    assert intl["aisa_saves_percent"] == {"input": 40.0, "output": 40.0}
    assert quotes["openrouter"]["tiers"][0]["input_high"] == 2.5
    text = run("pricing", "--model", "qwen3-max").out
    assert "input <= 128K" in text and "2.20-2.50" in text


def test_figures_older_than_the_set_age_are_flagged_with_where_to_check(run):
    done = run("pricing", "--json")
    today = dt.date.fromisoformat(done.json["today"])
    for model in done.json["models"]:
        for q in model["quotes"]:
            assert q["stale"] == ((today - dt.date.fromisoformat(q["as_of"])).days > pricing.STALE_AFTER_DAYS)
    text = run("pricing").out
    if any(q["stale"] for m in done.json["models"] for q in m["quotes"]):
        assert "https://aisa.one/models" in text and "https://console.aisa.one" in text


def test_pricing_json_schema_is_stable(run):
    done = run("pricing", "--model", "kimi-k2.5", "--json")
    assert set(done.json) == {"as_of", "today", "stale_after_days", "check", "models"}
    quote = done.json["models"][0]["quotes"][0]
    assert set(quote) == {"seller", "name", "as_of", "source", "stale", "tiers", "aisa_saves_percent"}
    assert set(quote["tiers"][0]) == {"max_input_tokens", "input", "output", "cache_read", "input_high", "output_high"}
    cost = run("cost", "--model", "kimi-k2.5", "--tokens", "1M", "--json").json
    assert set(cost) == {"model", "tokens_per_month", "input_share", "as_of", "tiered_note", "sellers"}


@pytest.mark.parametrize(
    "argv, words",
    [
        (("cost", "--model", "qwen3-max", "--tokens", "lots"), "not a token count"),
        (("cost", "--model", "qwen3-max", "--tokens", "1M", "--input-share", "1.5"), "between 0 and 1"),
        (("cost", "--model", "qwen-max", "--tokens", "1M"), "did you mean"),
        (("cost", "--model", "qwen3-max", "--tokens", "1M", "--as-of", "2025-01-01"), "no price"),
        (("pricing", "--as-of", "February"), "not a date"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(run, argv, words):
    done = run(*argv)
    assert done.code == 2 and words in done.err and len(done.err.strip().splitlines()) == 1


@pytest.mark.parametrize("text, tokens", [("500M", 500_000_000), ("1.5B", 1_500_000_000), ("20k", 20_000), ("1000", 1000)])
def test_token_counts_take_suffixes(text, tokens):
    assert pricing.parse_tokens(text) == tokens


def test_parse_tokens_refuses_nonsense():
    with pytest.raises(UsageError):
        pricing.parse_tokens("0")


def test_the_cost_written_into_openclaw_json_is_the_current_aisa_price(run, config_path):
    """OpenClaw reports each turn's cost from these fields: they must be today's price, not a February one."""
    assert run("onboard", "--aisa-api-key", KEY, "--non-interactive", "--no-plugin").code == 0
    for entry in read_json(config_path)["models"]["providers"]["aisa"]["models"]:
        price = PROVIDER.model(entry["id"]).price("aisa")
        if price is None:  # no AIsa price known: no cost rather than a wrong one
            assert "cost" not in entry
            continue
        assert price.as_of == max(p.as_of for p in PROVIDER.model(entry["id"]).prices if p.seller == "aisa")
        assert entry["cost"]["input"] == price.input and entry["cost"]["output"] == price.output
