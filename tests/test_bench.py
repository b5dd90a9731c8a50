"""`bench`: per-model latency figures, checked against a fake gateway with known delays."""

from __future__ import annotations

import csv
import io
import re
import sys
import time
from xml.etree import ElementTree

import pytest

from openclaw_aisa import benchstats as bench
from openclaw_aisa import cli
from openclaw_aisa.benchstats import Sample, percentile, summarise

from .conftest import KEY, OTHER_KEY

REPLY = " ".join(f"w{i}" for i in range(30))  # the fake streams one piece per word: 30 pieces
MODEL_KEYS = {"model", "ok", "errors", "error_messages", "ttft_s", "total_s", "tokens_per_s", "output_tokens"}
STATS_KEYS = {"median", "p90", "min", "max"}


@pytest.fixture
def paced(onboarded, fake_aisa):
    """The fake answers with a 0.15 s wait for the first token, then 100 tokens/s, 30 tokens in all."""
    fake_aisa.reply, fake_aisa.usage = REPLY, {"prompt_tokens": 20, "completion_tokens": 30, "total_tokens": 50}
    fake_aisa.first_token_delay, fake_aisa.tokens_per_second = 0.15, 100
    return fake_aisa


def close_to(measured: float, expected: float, slack: float = 0.5) -> bool:
    """An injected delay is a floor: a loaded machine (CI runs on one) only adds to it."""
    return 0.9 * expected <= measured <= expected + slack


# --- against the fake --------------------------------------------------------------------------


def test_figures_match_the_injected_first_token_delay_and_token_rate(run, paced):
    done = run("bench", "--models", "kimi-k2.5", "--runs", "3", "--json")
    assert done.code == 0, done.err
    [m] = done.json["models"]
    assert (m["model"], m["ok"], m["errors"]) == ("aisa/kimi-k2.5", 3, 0)
    # 29 gaps of 1/100 s between the 30 pieces, then the stop, usage and [DONE] events 5 ms apart
    assert close_to(m["ttft_s"]["median"], 0.15)
    assert close_to(m["total_s"]["median"], 0.15 + 0.29 + 0.015)
    assert 50 <= m["tokens_per_s"]["median"] <= 110  # the injected 100/s, never faster, slower only under load
    assert m["output_tokens"] == {"median": 30, "from_chunks": 0}


def test_a_rate_limit_wait_is_not_counted_in_the_figures(run, paced):
    """The 429 and its 1 s Retry-After happen before the attempt that answers: timed from that one."""
    paced.fail_next("rate_limited", chat_only=True)
    started = time.monotonic()
    done = run("bench", "--models", "kimi-k2.5", "--runs", "1", "--json")
    wall = time.monotonic() - started
    assert done.code == 0, done.err
    [m] = done.json["models"]
    assert len(paced.chat_requests()) == 2 and m["ok"] == 1
    assert close_to(m["ttft_s"]["median"], 0.15) and close_to(m["total_s"]["median"], 0.15 + 0.29 + 0.015)
    assert wall - m["total_s"]["median"] >= 0.95  # the 1 s wait happened, and is not in the figure


def test_each_request_is_one_streamed_user_message_with_max_tokens_and_no_temperature(run, onboarded, fake_aisa):
    assert run("bench", "--models", "qwen3-max", "--runs", "2", "--prompt", "Say hi", "--max-tokens", "64").code == 0
    sent = [r.json for r in fake_aisa.chat_requests()]
    assert len(sent) == 2
    assert all(b["messages"] == [{"role": "user", "content": "Say hi"}] and b["max_tokens"] == 64 and b["stream"] is True for b in sent)
    assert not any("temperature" in b for b in sent)


def test_by_default_it_measures_the_configured_chat_models_but_not_translation_ones(run, onboarded, fake_aisa):
    done = run("bench", "--runs", "1", "--json")
    assert done.code == 0, done.err
    measured = {m["model"] for m in done.json["models"]}
    assert measured == {
        m["ref"] for m in run("models", "list", "--json").json["models"] if m["configured"] and "translation" not in m["tags"]
    }
    assert "aisa/qwen-mt-flash" not in measured and "aisa/kimi-k2.5" in measured


def test_an_unknown_model_is_reported_as_an_error_and_the_others_still_run(run, onboarded, fake_aisa):
    done = run("bench", "--models", "no-such-model", "kimi-k2.5", "--runs", "3", "--json")
    assert done.code == 0, done.err
    good, bad = done.json["models"]
    assert (good["model"], good["ok"], good["errors"]) == ("aisa/kimi-k2.5", 3, 0)
    assert (bad["model"], bad["ok"], bad["errors"]) == ("aisa/no-such-model", 0, 1)  # not retried run after run
    assert ["does not serve" in message for message in bad["error_messages"]] == [True]
    assert bad["ttft_s"] is bad["total_s"] is bad["tokens_per_s"] is bad["output_tokens"] is None


def test_exit_code_is_1_when_no_request_succeeded(run, onboarded, fake_aisa):
    done = run("bench", "--models", "no-such-model", "--runs", "2")
    assert done.code == 1
    assert "aisa/no-such-model" in done.out and "does not serve" in done.out
    assert "no request succeeded" in done.err


def test_a_cut_stream_is_one_error_and_the_next_run_goes_on(run, onboarded, fake_aisa):
    fake_aisa.fail_next("cut_stream", chat_only=True)
    done = run("bench", "--models", "qwen3-max", "--runs", "3", "--json")
    [m] = done.json["models"]
    assert done.code == 0 and (m["ok"], m["errors"]) == (2, 1)
    assert "broke off in the middle of the answer" in m["error_messages"][0]


def test_a_refused_key_stops_the_bench_before_any_chat_request(run, onboarded, fake_aisa, monkeypatch):
    monkeypatch.setenv("AISA_API_KEY", OTHER_KEY)
    done = run("bench", "--models", "qwen3-max", "kimi-k2.5", "--runs", "3")
    assert done.code == 1 and "rejected the API key" in done.err and done.err.count("\n") == 1
    assert fake_aisa.chat_requests() == [] and [r.path for r in fake_aisa.requests] == ["/v1/models"]


def test_the_first_measured_request_reuses_the_warm_up_connection(run, onboarded, fake_aisa):
    """One unmeasured GET /models opens the connection, so no measured run pays the handshakes."""
    done = run("bench", "--models", "qwen3-max", "kimi-k2.5", "--runs", "2")
    assert done.code == 0, done.err
    warm_up, *chats = fake_aisa.requests
    assert (warm_up.method, warm_up.path) == ("GET", "/v1/models") and len(chats) == 4
    assert {r.client_port for r in chats} == {warm_up.client_port}


def test_a_failing_warm_up_does_not_stop_the_bench(run, onboarded, fake_aisa):
    fake_aisa.fail_next("bad_gateway")
    done = run("bench", "--models", "qwen3-max", "--runs", "2", "--json")
    assert done.code == 0 and done.json["models"][0]["ok"] == 2


def test_the_table_has_one_row_per_model_with_runs_and_errors(run, onboarded, fake_aisa):
    done = run("bench", "--models", "kimi-k2.5", "nope-1", "--runs", "2")
    assert done.code == 0, done.err
    header, first, second, *notes = done.out.splitlines()[1:]
    assert header.split() == ["MODEL", "RUNS", "TTFT", "p90", "TOTAL", "p90", "TOK/S", "ERRORS"]
    assert first.split()[:2] == ["aisa/kimi-k2.5", "2/2"] and first.split()[-1] == "0"
    assert second.split()[:3] == ["aisa/nope-1", "0/1", "-"] and second.split()[-1] == "1"
    assert notes and notes[0].startswith("  aisa/nope-1: ")


def test_csv_has_a_header_and_one_row_per_request(run, onboarded, fake_aisa, tmp_path):
    path = tmp_path / "bench.csv"
    assert run("bench", "--models", "kimi-k2.5", "nope-1", "--runs", "2", "--csv", str(path)).code == 0
    rows = list(csv.DictReader(path.open(newline="")))
    assert list(rows[0]) == list(bench.CSV_FIELDS)
    assert [(r["model"], r["run"], r["ok"]) for r in rows] == [
        ("aisa/kimi-k2.5", "1", "true"),
        ("aisa/kimi-k2.5", "2", "true"),
        ("aisa/nope-1", "1", "false"),
    ]
    assert rows[0]["tokens_from"] == "usage" and float(rows[0]["total_s"]) > 0 and rows[0]["error"] == ""
    assert "does not serve" in rows[2]["error"] and rows[2]["ttft_s"] == ""


def test_an_unwritable_csv_path_fails_before_any_request(run, onboarded, fake_aisa, tmp_path):
    done = run("bench", "--models", "kimi-k2.5", "--csv", str(tmp_path / "missing" / "x.csv"))
    assert done.code == 2 and "--csv" in done.err
    assert fake_aisa.chat_requests() == []


def test_the_chart_draws_each_models_medians_from_the_same_figures_as_the_json(run, paced, tmp_path):
    path = tmp_path / "bench.html"
    done = run("bench", "--models", "kimi-k2.5", "qwen3-max", "nope-1", "--runs", "2", "--json", "--chart", str(path))
    assert done.code == 0, done.err
    page = path.read_text(encoding="utf-8")
    assert (
        page.startswith("<!doctype html>")
        and "<script" not in page
        and "http" not in page.replace(paced.base_url, "").replace("http://www.w3.org/2000/svg", "")
    )
    bars = {}
    for svg in re.findall(r"<svg.*?</svg>", page, re.S):
        for rect in ElementTree.fromstring(svg).iter("{http://www.w3.org/2000/svg}rect"):
            bars[rect.get("data-model"), rect.get("data-what")] = (float(rect.get("data-median")), float(rect.get("width")))
    for m in done.json["models"][:2]:
        assert bars[m["model"], "ttft"][0] == m["ttft_s"]["median"]
        assert bars[m["model"], "total"][0] == m["total_s"]["median"]
        assert bars[m["model"], "tokens_per_s"][0] == m["tokens_per_s"]["median"]
    total, ttft = bars["aisa/kimi-k2.5", "total"], bars["aisa/kimi-k2.5", "ttft"]
    assert ttft[1] / total[1] == pytest.approx(ttft[0] / total[0], rel=0.01)  # bar lengths are to scale
    assert "No successful run: aisa/nope-1" in page


def test_a_chart_path_that_cannot_be_written_fails_before_any_request(run, onboarded, fake_aisa, tmp_path):
    done = run("bench", "--models", "kimi-k2.5", "--chart", str(tmp_path / "missing" / "x.html"))
    assert done.code == 2 and done.err.count("\n") == 1 and "--chart" in done.err
    assert fake_aisa.chat_requests() == []


def test_a_bench_stopped_by_a_refused_key_leaves_no_chart_and_keeps_an_old_one(run, onboarded, fake_aisa, monkeypatch, tmp_path):
    monkeypatch.setenv("AISA_API_KEY", OTHER_KEY)
    new, old = tmp_path / "new.html", tmp_path / "old.html"
    old.write_text("last week's chart")
    assert run("bench", "--models", "kimi-k2.5", "--chart", str(new)).code == 1
    assert not new.exists()
    assert run("bench", "--models", "kimi-k2.5", "--chart", str(old)).code == 1
    assert old.read_text() == "last week's chart"


def test_the_json_schema_is_stable(run, onboarded, fake_aisa):
    done = run("bench", "--models", "kimi-k2.5", "nope-1", "--runs", "1", "--json")
    assert set(done.json) == {"base_url", "prompt", "runs", "max_tokens", "started_at", "models"}
    assert (done.json["runs"], done.json["max_tokens"], done.json["prompt"]) == (1, 256, bench.DEFAULT_PROMPT)
    assert done.json["base_url"] == fake_aisa.base_url and done.json["started_at"].endswith("+00:00")
    good, bad = done.json["models"]
    assert set(good) == set(bad) == MODEL_KEYS
    assert set(good["ttft_s"]) == set(good["total_s"]) == set(good["tokens_per_s"]) == STATS_KEYS
    assert set(good["output_tokens"]) == {"median", "from_chunks"}


def test_no_progress_line_when_stderr_is_not_a_terminal(run, onboarded, fake_aisa):
    done = run("bench", "--models", "kimi-k2.5", "--runs", "2", "--json")
    assert done.err == "" and KEY not in done.out


def test_a_progress_line_is_rewritten_in_place_on_a_terminal(onboarded, fake_aisa, monkeypatch, capsys):
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    err = Terminal()
    monkeypatch.setattr(sys, "stderr", err)
    monkeypatch.setattr(sys, "stdin", io.StringIO())
    assert cli.main(["bench", "--models", "kimi-k2.5", "--runs", "2", "--json"]) == 0
    shown = err.getvalue()
    assert "\raisa/kimi-k2.5 1/2" in shown.replace("\x1b[K", "") and "2/2" in shown
    assert shown.endswith("\r\x1b[K") and KEY not in shown + capsys.readouterr().out


# --- pure parts ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "values, p, expected",
    [
        (list(range(1, 11)), 50, 5.5),
        (list(range(1, 11)), 90, 9.1),
        ([7.0], 50, 7.0),
        ([7.0], 90, 7.0),
        ([3, 1, 2], 50, 2),
        ([1, 2, 3, 4], 50, 2.5),
        ([1, 2, 3, 4], 90, 3.7),
    ],
)
def test_percentiles_interpolate_linearly_like_numpy(values, p, expected):
    assert percentile(values, p) == pytest.approx(expected)


def test_no_values_have_no_percentile_and_no_stats():
    assert percentile([], 50) is None and bench.stats([]) is None


def test_without_usage_the_tokens_are_counted_chunks_and_said_to_be():
    ticks = iter([0.0, 0.5, 2.5])
    chunks = [
        {"choices": [{"delta": {"role": "assistant", "content": ""}}]},
        {"choices": [{"delta": {"reasoning_content": "hmm"}}]},
        *({"choices": [{"delta": {"content": "x"}}]} for _ in range(4)),
        {"choices": [{"delta": {}, "finish_reason": "stop"}]},
    ]
    sample = bench.time_stream("aisa/m", 1, chunks, clock=lambda: next(ticks))
    assert (sample.ttft_s, sample.total_s, sample.output_tokens, sample.tokens_from) == (0.5, 2.5, 5, "chunks")
    assert sample.tokens_per_s == 2.5
    [entry] = summarise([sample])
    assert entry["output_tokens"] == {"median": 5, "from_chunks": 1}
    assert bench.render_table([entry])[1].split()[-2] == "2.5*" and bench.render_table([entry])[-1].startswith("* no usage")


def test_models_are_sorted_by_median_total_and_those_that_never_answered_come_last():
    samples = [
        Sample("aisa/down", 1, error="AIsa answered 502: x (request id 1)"),
        Sample("aisa/down", 2, error="AIsa answered 502: x (request id 2)"),
        Sample("aisa/slow", 1, 1.0, 4.0, 30, "usage"),
        Sample("aisa/fast", 1, 0.2, 1.0, 30, "usage"),
        Sample("aisa/fast", 2, 0.4, 3.0, 30, "usage", error=None),
    ]
    entries = summarise(samples)
    assert [e["model"] for e in entries] == ["aisa/fast", "aisa/slow", "aisa/down"]
    assert entries[0]["total_s"] == {"median": 2.0, "p90": 2.8, "min": 1.0, "max": 3.0}
    assert entries[2]["error_messages"] == ["AIsa answered 502: x"]  # the same failure, listed once


def test_default_models_fall_back_to_the_catalogue_without_translation_models():
    from openclaw_aisa.host import load_host

    provider = load_host(env={}).providers["aisa"]
    chosen = bench.default_models(provider, {})
    assert chosen == [m.id for m in provider.models if not m.is_translation] and "qwen-mt-flash" not in chosen
    config = {"models": {"providers": {"aisa": {"models": [{"id": "qwen-mt-flash"}, {"id": "kimi-k2.5"}]}}}}
    assert bench.default_models(provider, config) == ["kimi-k2.5"]
