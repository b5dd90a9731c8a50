"""`bench`'s figures: time one streamed answer, summarise the runs (median and p90), and render
them as a table, a CSV row or an HTML chart. Pure functions; workflows/bench.py does the requests."""

from __future__ import annotations

import datetime as dt
import math
import re
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from . import merge, refs
from .types import Provider, record

DEFAULT_PROMPT = "In about one hundred words, explain why the sky is blue."
CSV_FIELDS = ("model", "run", "ok", "ttft_s", "total_s", "output_tokens", "tokens_per_s", "tokens_from", "error")
_REQUEST_ID = re.compile(r" \(request id [^)]*\)$")


@record
class Sample:
    """One streamed request; seconds are counted from just before it was sent. `ttft_s` is None when
    no text came; `tokens_from` is "usage", or "chunks" when the gateway reported no usage."""

    model: str
    run: int
    ttft_s: float | None = None
    total_s: float | None = None
    output_tokens: int | None = None
    tokens_from: str | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def tokens_per_s(self) -> float | None:
        """Output tokens over the time from the first token to the end: the decoding rate, without the wait."""
        if self.ttft_s is None or self.total_s is None or self.output_tokens is None or self.total_s <= self.ttft_s:
            return None
        return self.output_tokens / (self.total_s - self.ttft_s)


def time_stream(
    model: str,
    run: int,
    chunks: Iterable[Any],
    clock: Callable[[], float] = time.perf_counter,
    sent_at: Callable[[], float | None] = lambda: None,
) -> Sample:
    """Time one streamed answer; `chunks` must send its request on the first `next()`, as chat_stream does.
    The first token is the first delta with content or reasoning_content. `sent_at` (on `clock`'s
    scale) says when the attempt that answered went out: retry waits and refused attempts do not count."""
    started = clock()
    first, usage, pieces = None, None, 0
    for chunk in chunks:
        if not isinstance(chunk, dict):
            continue
        if isinstance(chunk.get("usage"), dict):
            usage = chunk["usage"]
        for choice in chunk.get("choices") or ():
            delta = (choice.get("delta") if isinstance(choice, dict) else None) or {}
            if delta.get("content") or delta.get("reasoning_content"):
                pieces += 1
                first = clock() if first is None else first
    end = clock()
    started = max(started, sent_at() or started)
    reported = (usage or {}).get("completion_tokens")
    if isinstance(reported, int) and not isinstance(reported, bool):
        tokens, source = reported, "usage"
    else:
        tokens, source = pieces, "chunks"
    return Sample(model, run, None if first is None else first - started, end - started, tokens, source)


# --- pure: figures -------------------------------------------------------------------------------


def percentile(values: Sequence[float], p: float) -> float | None:
    """The p-th percentile (0-100), interpolated linearly between the closest ranks: numpy's default
    (Hyndman and Fan's type 7), so the median of [1, 2, 3, 4] is 2.5 and its p90 3.7. None for no values."""
    if not values:
        return None
    xs = sorted(values)
    rank = (len(xs) - 1) * p / 100
    low = math.floor(rank)
    high = min(low + 1, len(xs) - 1)
    return xs[low] + (rank - low) * (xs[high] - xs[low])


def stats(values: Sequence[float], digits: int = 4) -> dict[str, float] | None:
    if not values:
        return None
    median, p90 = percentile(values, 50), percentile(values, 90)
    assert median is not None and p90 is not None  # values is not empty
    figures = {"median": median, "p90": p90, "min": min(values), "max": max(values)}
    return {k: round(v, digits) for k, v in figures.items()}


def general(message: str) -> str:
    """An error message without its request id, so that the same failure is listed once."""
    return _REQUEST_ID.sub("", message)


def summarise(samples: Iterable[Sample]) -> list[dict[str, Any]]:
    """One entry per model in the `--json` shape, the fastest median total first; models with no
    successful run keep their order, last."""
    by_model: dict[str, list[Sample]] = {}
    for sample in samples:
        by_model.setdefault(sample.model, []).append(sample)
    entries = []
    for model, runs in by_model.items():
        ok = [s for s in runs if s.ok]
        tokens = [s.output_tokens for s in ok if s.output_tokens is not None]
        entries.append(
            {
                "model": model,
                "ok": len(ok),
                "errors": len(runs) - len(ok),
                "error_messages": list(dict.fromkeys(general(s.error) for s in runs if s.error)),
                "ttft_s": stats([s.ttft_s for s in ok if s.ttft_s is not None]),
                "total_s": stats([s.total_s for s in ok if s.total_s is not None]),
                "tokens_per_s": stats([s.tokens_per_s for s in ok if s.tokens_per_s is not None], 1),
                "output_tokens": {"median": percentile(tokens, 50), "from_chunks": sum(s.tokens_from == "chunks" for s in ok)}
                if tokens
                else None,
            }
        )
    return sorted(entries, key=lambda e: (e["total_s"] is None, e["total_s"]["median"] if e["total_s"] else 0))


def report(base_url: str, prompt: str, runs: int, max_tokens: int, started_at: dt.datetime, samples: Iterable[Sample]) -> dict[str, Any]:
    """The `--json` object; its keys are documented in the README and pinned by a test."""
    return {
        "base_url": base_url,
        "prompt": prompt,
        "runs": runs,
        "max_tokens": max_tokens,
        "started_at": started_at.isoformat(timespec="seconds"),
        "models": summarise(samples),
    }


# --- pure: rendering -----------------------------------------------------------------------------


def _cell(figures: dict | None, key: str, form: str = ".3f") -> str:
    return "-" if figures is None else format(figures[key], form)


def render_table(entries: Sequence[dict[str, Any]]) -> list[str]:
    """The latency table (seconds; median and p90), then each model's errors and footnotes."""
    width = max([len("MODEL"), *(len(e["model"]) for e in entries)])
    lines = [f"{'MODEL':{width}}  {'RUNS':>5}  {'TTFT':>7}  {'p90':>7}  {'TOTAL':>7}  {'p90':>7}  {'TOK/S':>7}  ERRORS"]
    counted = False
    for e in entries:
        mark = "*" if e["output_tokens"] and e["output_tokens"]["from_chunks"] else ""
        counted = counted or bool(mark)
        runs = f"{e['ok']}/{e['ok'] + e['errors']}"
        lines.append(
            f"{e['model']:{width}}  {runs:>5}  {_cell(e['ttft_s'], 'median'):>7}  {_cell(e['ttft_s'], 'p90'):>7}  "
            f"{_cell(e['total_s'], 'median'):>7}  {_cell(e['total_s'], 'p90'):>7}  "
            f"{_cell(e['tokens_per_s'], 'median', '.1f') + mark:>7}  {e['errors']}"
        )
    for e in entries:
        lines += [f"  {e['model']}: {message}" for message in e["error_messages"]]
    if counted:
        lines.append("* no usage reported for some runs: output tokens counted as streamed chunks, which may differ from tokens")
    return lines


def render_chart(report: dict[str, Any]) -> str:
    """A self-contained HTML page (inline SVG, no script, no download) of `report`: per model, bars
    for the median time to first token and total time with a p90 tick, and the median tokens/s."""
    from html import escape

    models = [e for e in report["models"] if e["total_s"]]
    label_w, bar_w, row_h = 12 + 7 * max([len(e["model"]) for e in models] or [10]), 420, 22
    slowest = max([e["total_s"]["p90"] for e in models] or [1.0]) or 1.0
    fastest = max([e["tokens_per_s"]["median"] for e in models if e["tokens_per_s"]] or [1.0]) or 1.0

    def bar(y: int, figures: dict[str, float], scale: float, colour: str, what: str, unit: str, model: str) -> str:
        width, tick = figures["median"] / scale * bar_w, figures["p90"] / scale * bar_w
        value = f"{figures['median']:.3f} s" if unit == "s" else f"{figures['median']:.1f} tok/s"
        return (
            f'<rect x="{label_w}" y="{y}" width="{width:.1f}" height="8" fill="{colour}" data-model="{escape(model)}" '
            f'data-what="{what}" data-median="{figures["median"]}"><title>{escape(model)} {what} median {value}</title></rect>'
            + (
                f'<line x1="{label_w + tick:.1f}" x2="{label_w + tick:.1f}" y1="{y - 2}" y2="{y + 10}" stroke="#333"/>'
                if unit == "s"
                else ""
            )
            + f'<text x="{label_w + max(width, tick) + 6:.1f}" y="{y + 8}" font-size="10">{value}</text>'
        )

    def panel(title: str, rows: list[str], height: int) -> str:
        return (
            f'<h2>{title}</h2><svg xmlns="http://www.w3.org/2000/svg" width="{label_w + bar_w + 110}" height="{height}" '
            f'font-family="sans-serif">{"".join(rows)}</svg>'
        )

    latency, speed = [], []
    for i, e in enumerate(models):
        y = 10 + i * 2 * row_h
        latency.append(f'<text x="0" y="{y + 14}" font-size="12">{escape(e["model"])}</text>')
        if e["ttft_s"]:
            latency.append(bar(y, e["ttft_s"], slowest, "#7aa6d8", "ttft", "s", e["model"]))
        latency.append(bar(y + 12, e["total_s"], slowest, "#2c5d8f", "total", "s", e["model"]))
        if e["tokens_per_s"]:
            y = 10 + i * row_h
            speed.append(f'<text x="0" y="{y + 8}" font-size="12">{escape(e["model"])}</text>')
            speed.append(bar(y, e["tokens_per_s"], fastest, "#4f9a62", "tokens_per_s", "tok/s", e["model"]))
    failed = [e["model"] for e in report["models"] if not e["total_s"]]
    return (
        '<!doctype html>\n<html><head><meta charset="utf-8"><title>openclaw-aisa bench</title></head>'
        '<body style="font-family: sans-serif">'
        f"<h1>Latency per model</h1><p>{escape(report['base_url'])}, {report['started_at']}: {report['runs']} streamed "
        f"request(s) per model, max_tokens {report['max_tokens']}. Bars are medians; the tick is the p90.</p>"
        + panel("Time to first token (light) and total time (dark), seconds", latency, 10 + len(models) * 2 * row_h)
        + panel("Output tokens per second, median", speed, 10 + len(models) * row_h)
        + (f"<p>No successful run: {escape(', '.join(failed))}</p>" if failed else "")
        + "</body></html>\n"
    )


def csv_row(sample: Sample) -> list[Any]:
    def num(x: float | None, digits: int) -> Any:
        return "" if x is None else round(x, digits)

    return [
        sample.model,
        sample.run,
        "true" if sample.ok else "false",
        num(sample.ttft_s, 4),
        num(sample.total_s, 4),
        "" if sample.output_tokens is None else sample.output_tokens,
        num(sample.tokens_per_s, 2),
        sample.tokens_from or "",
        sample.error or "",
    ]


def default_models(provider: Provider, config: dict[str, Any]) -> list[str]:
    """The configured chat models, else the catalogue's: translation models take another kind of request."""

    def chat(model_id: str) -> bool:
        model = provider.model(model_id)
        return model is None or not model.is_translation

    configured = [i for i in merge.configured_ids(config, provider.id) if chat(i)]
    return configured or [m.id for m in provider.models if not m.is_translation]


def chosen_models(provider: Provider, wanted: Sequence[str]) -> list[str]:
    """Bare ids from `--models` (bare or as refs), each once, in the order given."""
    ids = []
    for raw in wanted:
        model_id = refs.bare_id(provider, raw, f"--models {raw!r}")
        refs.refuse_alias(provider, model_id)
        ids.append(model_id)
    return list(dict.fromkeys(ids))
