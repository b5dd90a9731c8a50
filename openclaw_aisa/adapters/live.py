"""AIsa's live catalogue: the ids `GET /v1/models` answers, cached for a while, sorted by what they do.

AIsa's list drifts monthly and carries ids only (no context size, no price); plugin.toml adds the
metadata of the models it curates. The list is cached in the user cache for `TTL_SECONDS`; when AIsa
cannot be reached, a stale list is better than none, and is reported as stale.
"""

from __future__ import annotations

import json
import math
import re
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from ..native import LIST_TTL_SECONDS
from ..types import Provider, record

TTL_SECONDS = LIST_TTL_SECONDS  # the native plugin keeps its list as long
KINDS = ("chat", "image", "video", "audio", "embedding", "rerank", "other")

# new-api's `supported_endpoint_types`, mapped to what a model does.
_ENDPOINT_KINDS = {
    "openai": "chat",
    "anthropic": "chat",
    "gemini": "chat",
    "openai-response": "chat",
    "openai-responses": "chat",
    "image-generation": "image",
    "image": "image",
    "embeddings": "embedding",
    "embedding": "embedding",
    "jina-rerank": "rerank",
    "rerank": "rerank",
    "video": "video",
    "openai-video": "video",
    "audio": "audio",
    "speech": "audio",
    "transcription": "audio",
}
# When an entry carries no endpoint types, its id is the only hint.
_ID_KINDS = (
    (re.compile(r"embed"), "embedding"),
    (re.compile(r"rerank"), "rerank"),
    (re.compile(r"t2v|i2v|video|veo|sora|kling"), "video"),
    (re.compile(r"image|t2i|wanx|dall-e|flux|seedream"), "image"),
    (re.compile(r"tts|asr|whisper|audio|speech"), "audio"),
)


@record
class LiveModel:
    """A model AIsa serves, with what it does (chat, image, ...) and whether plugin.toml describes it."""

    id: str
    kind: str
    owned_by: str
    curated: bool  # plugin.toml describes it (context, output, prices)


@record
class Listing:
    """The live list as one command sees it: where it came from (live, cache, stale cache) and when."""

    models: tuple[LiveModel, ...]
    fetched_at: float
    source: str  # "live", "cache" or "stale cache"
    warning: str = ""

    @property
    def ids(self) -> list[str]:
        return [m.id for m in self.models]

    @property
    def chat_ids(self) -> list[str]:
        return [m.id for m in self.models if m.kind == "chat"]

    def get(self, model_id: str) -> LiveModel | None:
        return next((m for m in self.models if m.id == model_id), None)


def kind_of(entry: Mapping[str, Any]) -> str:
    """Chat, image, video, audio, embedding, rerank or other, from the endpoint types (else the id)."""
    types = entry.get("supported_endpoint_types")
    kinds = [_ENDPOINT_KINDS.get(str(t).lower(), "other") for t in types] if isinstance(types, list) else []
    if "chat" in kinds:
        return "chat"
    if kinds:
        return next((k for k in kinds if k != "other"), "other")
    name = str(entry.get("id", "")).lower()
    return next((kind for pattern, kind in _ID_KINDS if pattern.search(name)), "chat")


def listing(entries: Iterable[Mapping[str, Any]], provider: Provider, fetched_at: float, source: str, warning: str = "") -> Listing:
    models = {}
    for e in entries:
        if isinstance(e, Mapping) and isinstance(e.get("id"), str) and e["id"]:
            models[e["id"]] = LiveModel(e["id"], kind_of(e), str(e.get("owned_by") or ""), provider.model(e["id"]) is not None)
    ordered = sorted(models.values(), key=lambda m: (KINDS.index(m.kind), m.id))
    return Listing(tuple(ordered), fetched_at, source, warning)


def cache_path(base_url: str) -> Path:
    """One cache file per endpoint; never keyed by, nor holding, the key."""
    from ..cache import cache_dir, checksum

    return cache_dir() / f"live-models-{checksum(base_url.encode())}.json"


def read_cache(base_url: str) -> tuple[float, list[dict]] | None:
    """The cached list and when it was fetched; None for a missing or damaged file, which is only refetched."""
    from ..gateway import model_entries

    try:
        data = json.loads(cache_path(base_url).read_bytes())
        if data["base_url"] != base_url:  # the file name is a checksum: make sure it is this endpoint's
            return None
        fetched_at, entries = float(data["fetched_at"]), data["data"]
        if not math.isfinite(fetched_at) or not isinstance(entries, list):
            return None
        return fetched_at, model_entries(entries)
    except (OSError, ValueError, KeyError, TypeError, RecursionError):
        return None


def write_cache(base_url: str, entries: list[dict], fetched_at: float) -> None:
    from .. import cache

    cache.write(cache_path(base_url), json.dumps({"base_url": base_url, "fetched_at": fetched_at, "data": entries}).encode())


def load(
    provider: Provider,
    base_url: str,
    fetch: Callable[[], list[dict]] | None,
    *,
    refresh: bool = False,
    now: float | None = None,
    ttl: float = TTL_SECONDS,
) -> Listing:
    """The list from a fresh cache, else from `fetch` (cached), else a stale cache with a warning.

    `fetch` is None when offline. Errors other than an unreachable AIsa (a refused key) propagate:
    a stale list must not hide that the key stopped working.
    """
    from ..gateway import GatewayTimeout, GatewayUnreachable

    now = time.time() if now is None else now
    cached = read_cache(base_url)
    if cached and not refresh and 0 <= now - cached[0] < ttl:  # a list from the future is not fresh
        return listing(cached[1], provider, cached[0], "cache")
    if fetch is None:
        if cached:
            return listing(cached[1], provider, cached[0], "stale cache", f"offline: AIsa's list from {age(now - cached[0])} ago")
        raise _no_list(provider, "offline (OPENCLAW_AISA_OFFLINE is set)")
    try:
        entries = fetch()
    except (GatewayUnreachable, GatewayTimeout) as e:
        if cached:
            return listing(cached[1], provider, cached[0], "stale cache", f"{e}; showing AIsa's list from {age(now - cached[0])} ago")
        raise _no_list(provider, str(e)) from None
    write_cache(base_url, entries, now)
    return listing(entries, provider, now, "live")


def _no_list(provider: Provider, why: str) -> Exception:
    from ..errors import AisaError

    where = provider.models_url or provider.base_url
    return AisaError(f"cannot get {provider.label}'s model list ({why}) and none is cached; try again online, or see {where}")


def age(seconds: float) -> str:
    seconds = max(0, int(seconds))
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds // size} {unit}"
    return f"{seconds} s"
