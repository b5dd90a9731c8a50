"""What OpenClaw's config accepts: catalogue entries rendered as `models.providers.<id>` JSON.

An unknown key anywhere makes OpenClaw refuse the whole file, so a key that only newer versions
accept (a model's `compat_since`) is written only for a known target version that accepts it;
without one, only what every supported OpenClaw (2026.3.31, 5.28, 9.6) accepts. Also where things
are in a config (`dig`, `configured_ids`, `current_primary`), for commands that only read it.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from .types import Model, Provider


def template_var(value: str) -> str | None:
    """`AISA_API_KEY` from the string form `${AISA_API_KEY}` (OpenClaw's env substitution), else None."""
    m = re.match(r"^\$\{([A-Z_][A-Z0-9_]*)\}$", value)
    return m.group(1) if m else None


def env_ref(var: str) -> dict[str, str]:
    """The SecretRef form: valid on every version, never resolved on write, no doctor warning."""
    return {"source": "env", "provider": "default", "id": var}


SECRETREF_UNTIL = "2026.5.28"  # the last version seen to keep a SecretRef apiKey working everywhere


def key_ref(var: str, version: str | None) -> str | dict[str, str]:
    """How the config names the key kept in `var` (the environment or the .env), for a target version.

    The SecretRef up to 5.28, and when the version is unknown (a missing variable then fails only this
    provider, not the whole config). Later, `"${VAR}"`: 9.6's embedded TUI (`openclaw tui --local`)
    resolves a SecretRef into its runtime config at the first turn, and every later `/model` then
    fails ("prepared model catalog owner config was replaced during the read"); the template form is
    substituted the same way on every read, so switching works, and every version accepts it."""
    if version is not None and since(version) > since(SECRETREF_UNTIL):
        return "${" + var + "}"
    return env_ref(var)


def key_form_reason(form: str | dict[str, str]) -> str:
    """Why `key_ref` chose this form, for the line that says it changed."""
    if isinstance(form, str):
        return "after 2026.5.28, /model in `openclaw tui --local` fails with an env reference"
    return "valid on every OpenClaw version, no doctor warning"


def key_var(api_key: object) -> str | None:
    """The variable an apiKey refers to, in either form (`${VAR}` or an env SecretRef), else None."""
    if isinstance(api_key, str):
        return template_var(api_key.strip())
    if isinstance(api_key, dict) and api_key.get("source") == "env" and isinstance(api_key.get("id"), str):
        return api_key["id"]
    return None


SUPPORTED = ("2026.3.31", "2026.5.28", "2026.9.6")


def parse_version(text: str) -> tuple[int, ...] | None:
    """`2026.9.6` from `OpenClaw 2026.9.6 (eb377ac)` or `2026.9.6-beta.1`, as (2026, 9, 6)."""
    m = re.search(r"(\d{4})\.(\d{1,2})\.(\d{1,2})", text)
    return tuple(int(g) for g in m.groups()) if m else None


def since(version: str) -> tuple[int, ...]:
    """A `since` version to compare with: one that does not parse (plugin.toml refuses it, a plugin built
    in Python might not) comes after every real version, so what it gates is never written."""
    return parse_version(version) or (10**9,)


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
        if target and target >= since(extra.since):
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


# The keys each supported OpenClaw accepts in `models.providers.<id>` (provider), in each model entry
# (model) and in a model's `compat`, read from its config schema (dist/zod-schema.core-*) and checked
# with `openclaw config validate`. Any other key makes that version refuse the whole file.
_PROVIDER_3_31 = frozenset({"baseUrl", "api", "apiKey", "auth", "authHeader", "headers", "injectNumCtxForOpenAICompat", "models"})
_PROVIDER_5_28 = _PROVIDER_3_31 | {
    "agentRuntime",
    "contextTokens",
    "contextWindow",
    "localService",
    "maxTokens",
    "params",
    "region",
    "request",
    "timeoutSeconds",
}
_MODEL_3_31 = frozenset({"id", "name", "api", "reasoning", "input", "cost", "contextWindow", "maxTokens", "headers", "compat"})
_MODEL_5_28 = _MODEL_3_31 | {"agentRuntime", "baseUrl", "contextTokens", "mediaInput", "metadataSource", "params"}
_COMPAT_3_31 = frozenset(
    {
        "supportsStore",
        "supportsDeveloperRole",
        "supportsReasoningEffort",
        "supportsUsageInStreaming",
        "supportsTools",
        "supportsStrictMode",
        "maxTokensField",
        "thinkingFormat",
        "requiresToolResultName",
        "requiresAssistantAfterToolResult",
        "requiresThinkingAsText",
        "toolSchemaProfile",
        "unsupportedToolSchemaKeywords",
        "nativeWebSearchTool",
        "toolCallArgumentsEncoding",
        "requiresMistralToolIds",
        "requiresOpenAiAnthropicToolPayload",
    }
)
_COMPAT_5_28 = _COMPAT_3_31 | {
    "supportsPromptCacheKey",
    "requiresStringContent",
    "strictMessageKeys",
    "visibleReasoningDetailTypes",
    "supportedReasoningEfforts",
    "reasoningEffortMap",
}
_COMPAT_9_6 = (_COMPAT_5_28 - {"nativeWebSearchTool", "requiresMistralToolIds"}) | {
    "supportsTemperature",
    "requiresReasoningContentOnAssistantMessages",
    "supportsResponsesContinuation",
    "supportsInstructions",
    "codeMode",
    "supportsJsonSchemaResponseFormat",
    "openRouterRouting",
    "vercelGatewayRouting",
    "zaiToolStream",
    "cacheControlFormat",
    "sendSessionAffinityHeaders",
    "sendSessionIdHeader",
    "supportsEagerToolInputStreaming",
    "supportsLongCacheRetention",
}
KeyLevel = Literal["provider", "model", "compat"]
ACCEPTED_KEYS: dict[str, dict[KeyLevel, frozenset[str]]] = {
    "2026.3.31": {"provider": _PROVIDER_3_31, "model": _MODEL_3_31, "compat": _COMPAT_3_31},
    "2026.5.28": {"provider": _PROVIDER_5_28, "model": _MODEL_5_28, "compat": _COMPAT_5_28},
    # 9.6's schema dropped a provider-level contextWindow/contextTokens, but it moves them into the
    # model entries on load (a warning, not an error), so they still count as accepted.
    "2026.9.6": {"provider": _PROVIDER_5_28, "model": _MODEL_5_28 | {"thinkingLevelMap"}, "compat": _COMPAT_9_6},
}


def schema_version(version: str | None) -> str | None:
    """The supported version whose schema judges `version`: the newest at or below it (the oldest for older ones)."""
    target = parse_version(version) if version else None
    if target is None:
        return None
    below = [v for v in SUPPORTED if (supported := parse_version(v)) is not None and supported <= target]
    return below[-1] if below else SUPPORTED[0]


def accepted_keys(level: KeyLevel, version: str | None) -> frozenset[str]:
    """What `version` accepts at `level`; for an unknown version, what every supported one accepts."""
    judge = schema_version(version)
    if judge:
        return ACCEPTED_KEYS[judge][level]
    return frozenset.intersection(*(keys[level] for keys in ACCEPTED_KEYS.values()))


def versions_accepting(level: KeyLevel, key: str) -> tuple[str, ...]:
    """The supported versions that accept `key` at `level` (empty: none does)."""
    return tuple(v for v in SUPPORTED if key in ACCEPTED_KEYS[v][level])


# --- reading a config: where things are ------------------------------------------------------


def dig(config: Any, *keys: str) -> Any:
    """The value under `keys`, or None where any step is missing or not an object (for reading only)."""
    for key in keys:
        if not isinstance(config, dict):
            return None
        config = config.get(key)
    return config


def configured_ids(config: dict[str, Any], provider_id: str) -> list[str]:
    """The model ids in `models.providers.<id>.models`, ignoring malformed entries."""
    models = dig(config, "models", "providers", provider_id, "models")
    return [m["id"] for m in models if isinstance(m, dict) and isinstance(m.get("id"), str)] if isinstance(models, list) else []


def current_primary(config: dict[str, Any]) -> str | None:
    model = dig(config, "agents", "defaults", "model")
    if isinstance(model, str):
        return model or None
    if isinstance(model, dict) and isinstance(model.get("primary"), str):
        return model["primary"] or None
    return None
