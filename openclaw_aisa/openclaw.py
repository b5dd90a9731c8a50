"""What OpenClaw's config accepts: catalogue entries rendered as `models.providers.<id>` JSON.

An unknown key anywhere makes OpenClaw refuse the whole file, so a key that only newer versions
accept (a model's `compat_since`) is written only for a known target version that accepts it;
without one, only what every supported OpenClaw (2026.3.31, 5.28, 9.6) accepts.
"""

from __future__ import annotations

import re
from typing import Any

from .types import Model, Provider


def env_ref(var: str) -> dict[str, str]:
    """The SecretRef form: valid on every version, never resolved on write, no doctor warning."""
    return {"source": "env", "provider": "default", "id": var}


SUPPORTED = ("2026.3.31", "2026.5.28", "2026.9.6")


def parse_version(text: str) -> tuple[int, ...] | None:
    """`2026.9.6` from `OpenClaw 2026.9.6 (eb377ac)` or `2026.9.6-beta.1`, as (2026, 9, 6)."""
    m = re.search(r"(\d{4})\.(\d{1,2})\.(\d{1,2})", text)
    return tuple(int(g) for g in m.groups()) if m else None


def model_entry(provider: Provider, model: Model, version: str | None = None) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": model.id,
        "name": model.name,
        "reasoning": model.reasoning,
        "input": list(model.input),
    }
    price = model.price(provider.id)
    if price is not None:
        # No published cache discount means cached input is billed as input: count it so.
        entry["cost"] = {
            "input": price.input,
            "output": price.output,
            "cacheRead": price.input if price.cache_read is None else price.cache_read,
            "cacheWrite": price.cache_write or 0,
        }
    entry["contextWindow"] = model.context_window.value
    entry["maxTokens"] = model.max_tokens.value
    compat = {**provider.model_compat, **model.compat}
    target = parse_version(version) if version else None
    for extra in model.compat_since:
        if target and target >= parse_version(extra.since):
            compat.update(extra.compat)
    if compat:
        entry["compat"] = compat
    return entry


def provider_block(provider: Provider, *, api_key: Any, base_url: str | None = None, version: str | None = None) -> dict[str, Any]:
    return {
        "baseUrl": base_url or provider.base_url,
        "api": provider.api,
        "apiKey": api_key,
        "models": [model_entry(provider, m, version) for m in provider.models],
    }


def split_ref(ref: str) -> tuple[str, str]:
    """`aisa/qwen3-max` -> (`aisa`, `qwen3-max`): OpenClaw splits a ref at its first slash."""
    provider, _, model = ref.partition("/")
    return provider, model
