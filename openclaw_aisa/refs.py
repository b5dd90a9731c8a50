"""Model refs and ids as users type them: the bare id, ids that are aliases of a served one, and
the close ids to suggest when one is not known."""

from __future__ import annotations

import re
from collections.abc import Iterable

from .errors import UsageError
from .types import Provider


def bare_id(provider: Provider, raw: str, what: str) -> str:
    """`kimi-k2.5` from `kimi-k2.5` or `aisa/kimi-k2.5`; `what` starts the error for anything else."""
    model_id = provider.bare_id(raw)
    if model_id is None:
        raise UsageError(f"{what}: give {provider.label} model ids, e.g. kimi-k2.5 or {provider.ref('kimi-k2.5')}")
    return model_id


def refuse_alias(provider: Provider, model_id: str, *, served: Iterable[str] = (), use: str = "", shown: str | None = None) -> None:
    """An id that the catalogue knows as an alias of a served one (and that is not served itself) is refused,
    naming the id to use instead (`use` goes before it, e.g. `-m `)."""
    alias = provider.alias_for(model_id)
    if alias and model_id not in set(served):
        raise UsageError(f"{shown or model_id} is not served by {provider.label} ({alias.reason}); use {use}{alias.target}")


def close_matches(word: str, possibilities: Iterable[str], n: int = 3, cutoff: float = 0.6) -> list[str]:
    """difflib's, loaded only when a near miss is looked for (about 1 ms of every start otherwise)."""
    from difflib import get_close_matches

    return get_close_matches(word, list(possibilities), n=n, cutoff=cutoff)


def suggest(model: str, ids: Iterable[str], n: int = 3) -> tuple[str, ...]:
    """Ids close to `model`, those sharing the longest prefix (the same family and version) first."""
    want = model.lower()
    family = m.group(0) if (m := re.match(r"[a-z]+", want)) else ""

    def prefix(other: str) -> int:
        return next((i for i, (a, b) in enumerate(zip(want, other)) if a != b), min(len(want), len(other)))

    from difflib import SequenceMatcher

    scored = []
    for candidate in dict.fromkeys(ids):
        other = candidate.lower()
        if candidate == model:
            continue
        ratio = SequenceMatcher(None, want, other).ratio()
        common = prefix(other)
        if ratio >= 0.6 or (family and common >= len(family) and ratio >= 0.4):
            scored.append((-common, -ratio, candidate))
    return tuple(c for *_, c in sorted(scored)[:n])
