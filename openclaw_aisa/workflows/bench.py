"""`bench`: how fast each model answers through the gateway. Time to first token, total time and
output tokens per second, over a few streamed requests with one fixed prompt.

Requests go one at a time: sent together they would queue behind each other and the figures would
measure the queue. The figures are summarised by benchstats.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from .. import benchstats
from ..adapters import outputs
from ..benchstats import Sample
from ..errors import UsageError
from ..host import Host
from ..types import Provider, record
from . import session


@record
class Request:
    """What to measure: which models, how many runs, the prompt and budget, and the files to write."""

    target: session.Target
    models: tuple[str, ...] = ()
    runs: int = 5
    prompt: str | None = None
    max_tokens: int = 256
    csv: str | None = None
    chart: str | None = None


@record
class Benched:
    """`bench --json`; exit 1 when no request succeeded."""

    provider: Provider
    report: dict[str, Any]
    samples: tuple[Sample, ...]

    @property
    def exit_code(self) -> int:
        return 0 if any(x.ok for x in self.samples) else 1

    def document(self) -> dict[str, Any]:
        return self.report


def bench(host: Host, env: Mapping[str, str], request: Request, progress: Callable[[str], None] = lambda text: None) -> Benched:
    from ..gateway import BadKey, GatewayError, GatewayTimeout, PaymentRequired, UnknownModel

    if request.runs < 1 or request.max_tokens < 1:
        raise UsageError("--runs and --max-tokens must be at least 1")
    prompt = benchstats.DEFAULT_PROMPT if request.prompt is None else request.prompt
    if not prompt.strip():
        raise UsageError("--prompt is empty")
    s = session.open_session(host, env, request.target)
    with outputs.later(request.chart, "--chart") as chart:
        ids = (
            benchstats.chosen_models(s.provider, request.models)
            if request.models
            else benchstats.default_models(s.provider, s.snapshot.data)
        )
        messages = [{"role": "user", "content": prompt}]
        samples: list[Sample] = []
        started_at = dt.datetime.now(dt.UTC)
        with s.client() as client, outputs.csv_rows(request.csv, benchstats.CSV_FIELDS) as write:
            try:
                _warm_up(client)
                for model_id in ids:
                    ref = s.provider.ref(model_id)
                    for run in range(1, request.runs + 1):
                        progress(f"{ref} {run}/{request.runs} ...")
                        stop = False
                        try:
                            stream = client.chat_stream(model_id, messages, max_tokens=request.max_tokens)
                            sample = benchstats.time_stream(ref, run, stream, sent_at=lambda: client.last_sent)
                        except (BadKey, PaymentRequired):
                            raise  # every later request would fail the same way
                        except GatewayError as e:
                            # an unknown model will not start working within a bench, and one that used up a
                            # whole budget would use up the next: bench's time stays one budget per model
                            sample, stop = Sample(ref, run, error=" ".join(str(e).split())), isinstance(e, (UnknownModel, GatewayTimeout))
                        samples.append(sample)
                        write(benchstats.csv_row(sample))
                        if stop:
                            break
            finally:
                progress("")
        report = benchstats.report(s.base_url, prompt, request.runs, request.max_tokens, started_at, samples)
        if request.chart:
            chart(benchstats.render_chart(report))
    return Benched(s.provider, report, tuple(samples))


def _warm_up(client: Any) -> None:
    """Open the connection with an unmeasured GET /models (no tokens spent), so the first measured
    request does not pay the TCP and TLS handshakes that every later one skips: that one slow run
    would be the p90 of a 5-run bench. A refused key or an empty balance stops the bench here."""
    from ..gateway import BadKey, GatewayError, PaymentRequired

    try:
        client.list_models(retries=0)
    except (BadKey, PaymentRequired):
        raise
    except GatewayError:
        pass  # the measured requests will say what is wrong, per model
