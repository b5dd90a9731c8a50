"""What OpenClaw's config accepts: catalogue entries rendered as `models.providers.<id>` JSON.

Only keys that every supported OpenClaw (2026.3.31, 5.28, 9.6) accepts are written; an unknown key
anywhere makes OpenClaw refuse the whole file.
"""

from __future__ import annotations

from typing import Any

from .types import Model, Provider


def env_ref(var: str) -> dict[str, str]:
    """The SecretRef form: valid on every version, never resolved on write, no doctor warning."""
    return {"source": "env", "provider": "default", "id": var}


def model_entry(provider: Provider, model: Model) -> dict[str, Any]:
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
    if compat:
        entry["compat"] = compat
    return entry


def provider_block(provider: Provider, *, api_key: Any, base_url: str | None = None) -> dict[str, Any]:
    return {
        "baseUrl": base_url or provider.base_url,
        "api": provider.api,
        "apiKey": api_key,
        "models": [model_entry(provider, m) for m in provider.models],
    }


def split_ref(ref: str) -> tuple[str, str]:
    """`aisa/qwen3-max` -> (`aisa`, `qwen3-max`): OpenClaw splits a ref at its first slash."""
    provider, _, model = ref.partition("/")
    return provider, model
