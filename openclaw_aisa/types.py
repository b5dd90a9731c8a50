"""What provider plugins register and exchange with the host, as frozen dataclasses (`record`).

plugin.toml is validated against these classes with pydantic (see catalog.py), which checks types,
required fields and unknown keys; catalog.py checks bounds and cross-references. Plugins written in
Python build them directly. They import nothing heavy, so commands that only read the catalogue
stay fast.
"""

from __future__ import annotations

import datetime as dt
import reprlib
from dataclasses import dataclass, field, fields
from typing import Any, Literal, TypeVar, dataclass_transform

T = TypeVar("T")


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def record(cls: type[T]) -> type[T]:
    """`@dataclass(frozen=True)` whose `__eq__`, `__hash__` and `__repr__` are the shared functions
    below rather than code generated for each class: Python 3.11 compiles every generated method at
    import (about 1.5M instructions a class), and start-up is most of what an offline command costs.
    They behave as the generated ones do (tests/test_catalog.py compares them)."""
    made = dataclass(frozen=True, eq=False, repr=False)(cls)
    made.__eq__ = _eq  # type: ignore[method-assign]
    made.__hash__ = _hash  # type: ignore[method-assign]
    made.__repr__ = _repr  # type: ignore[method-assign]
    return made


def _compared(self: Any) -> tuple[Any, ...]:
    return tuple(getattr(self, f.name) for f in fields(self) if f.compare)


def _eq(self: Any, other: Any) -> Any:
    return _compared(self) == _compared(other) if other.__class__ is self.__class__ else NotImplemented


def _hash(self: Any) -> int:
    return hash(tuple(getattr(self, f.name) for f in fields(self) if (f.compare if f.hash is None else f.hash)))


@reprlib.recursive_repr()
def _repr(self: Any) -> str:
    shown = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in fields(self) if f.repr)
    return f"{self.__class__.__qualname__}({shown})"


Modality = Literal["text", "image", "video", "audio"]

_STRICT = {"extra": "forbid"}  # read by pydantic: an unknown key in plugin.toml is an error


@record
class Figure:
    """A number that changes over time, with the date it was true and where it comes from."""

    __pydantic_config__ = _STRICT
    value: int
    as_of: dt.date
    source: str


@record
class Price:
    """One seller's price in USD per 1M tokens, as of a date.

    `max_input_tokens` marks a tier of a tiered price (by the request's input length); `input_high`
    and `output_high` the top of a quoted range ("$2.20-2.50"). Older entries stay as history.
    """

    __pydantic_config__ = _STRICT
    seller: str
    input: float
    output: float
    as_of: dt.date
    source: str
    cache_read: float | None = None
    cache_write: float | None = None
    max_input_tokens: int | None = None
    input_high: float | None = None
    output_high: float | None = None

    def cost(self, input_tokens: int, output_tokens: int, cached_tokens: int = 0) -> float:
        """USD for one request; cached input at the cache price, else at the input price (as billed)."""
        cache = self.input if self.cache_read is None else self.cache_read
        fresh = max(0, input_tokens - cached_tokens)
        return (fresh * self.input + cached_tokens * cache + output_tokens * self.output) / 1_000_000


@record
class VersionedCompat:
    """`compat` keys that only newer OpenClaw versions accept: written when writing for `since` or later."""

    __pydantic_config__ = _STRICT
    since: str
    compat: dict[str, Any]
    reason: str


@record
class Successor:
    """A model still served but superseded: `doctor --fix` moves primary, fallbacks and allowlists to `id`."""

    __pydantic_config__ = _STRICT
    id: str
    as_of: dt.date
    source: str
    reason: str = ""


@record
class Model:
    """A model as the provider serves it: `id` is the bare upstream id sent on the wire."""

    __pydantic_config__ = _STRICT
    id: str
    name: str
    context_window: Figure
    max_tokens: Figure
    input: tuple[Modality, ...] = ("text",)
    reasoning: bool = False
    tags: tuple[str, ...] = ()
    prices: tuple[Price, ...] = ()
    compat: dict[str, Any] = field(default_factory=dict)
    compat_since: tuple[VersionedCompat, ...] = ()
    notes: str = ""
    deprecated: Successor | None = None
    shorthand: str | None = None  # `/model kimi`: the alias onboarding writes where it restricts nothing

    @property
    def is_translation(self) -> bool:
        """Translation models take one turn, no system prompt, no tools: never an agent's model."""
        return "translation" in self.tags

    def tiers(self, seller: str, as_of: dt.date | None = None) -> list[Price]:
        """The seller's price in force on `as_of` (default: its latest), tiers by input length."""
        known = [p for p in self.prices if p.seller == seller and (as_of is None or p.as_of <= as_of)]
        if not known:
            return []
        latest = max(p.as_of for p in known)
        return sorted((p for p in known if p.as_of == latest), key=lambda p: p.max_input_tokens or float("inf"))

    def price(self, seller: str, input_tokens: int = 0, as_of: dt.date | None = None) -> Price | None:
        """The seller's price for a request of `input_tokens` (the first tier by default)."""
        tiers = self.tiers(seller, as_of)
        return next((p for p in tiers if p.max_input_tokens is None or input_tokens <= p.max_input_tokens), tiers[-1] if tiers else None)

    def sellers(self) -> list[str]:
        return list(dict.fromkeys(p.seller for p in self.prices))


@record
class Alias:
    """Ids users write that the provider does not serve, and the id that replaces them: another name of
    the same model, or (`retired` set) a model the provider stopped serving and its successor."""

    __pydantic_config__ = _STRICT
    ids: tuple[str, ...]
    target: str
    reason: str
    retired: dt.date | None = None  # when it was found gone
    source: str | None = None  # where that is seen (required with `retired`)


@record
class Family:
    """What a served id that no catalogue row describes is given, by its prefix: figures every model of
    the family can take. One family without prefixes takes every other id (conservative figures)."""

    __pydantic_config__ = _STRICT
    name: str
    prefixes: tuple[str, ...]  # matched case-insensitively at the start of the id; () = any other id
    context_window: Figure
    max_tokens: Figure
    input: tuple[Modality, ...] = ("text",)
    reasoning: bool = False
    fixed_sampling: bool = False  # the vendor fixes temperature and top_p server-side: send none (Kimi)
    tags: tuple[str, ...] = ("chat",)  # "translation": never an agent's model
    compat: dict[str, Any] = field(default_factory=dict)
    compat_since: tuple[VersionedCompat, ...] = ()
    notes: str = ""

    def matches(self, model_id: str) -> bool:
        lowered = model_id.lower()
        return any(lowered.startswith(prefix.lower()) for prefix in self.prefixes)

    def model(self, model_id: str) -> Model:
        """A served id of this family, as a catalogue row without a price."""
        tags = (*self.tags, "thinking") if self.reasoning and "thinking" not in self.tags else self.tags
        return Model(
            model_id,
            model_id,
            self.context_window,
            self.max_tokens,
            self.input,
            self.reasoning,
            tags,
            (),
            dict(self.compat),
            self.compat_since,
        )


@record
class Provider:
    """A model provider as it appears in OpenClaw's `models.providers.<id>`."""

    __pydantic_config__ = _STRICT
    id: str
    label: str
    base_url: str
    env_vars: tuple[str, ...]
    models: tuple[Model, ...]
    default_model: str
    api: Literal["openai-completions"] = "openai-completions"
    model_compat: dict[str, Any] = field(default_factory=dict)
    aliases: tuple[Alias, ...] = ()
    docs_url: str = ""
    models_url: str = ""
    console_url: str = ""
    sellers: dict[str, str] = field(default_factory=dict)  # price sellers' ids -> names shown
    families: tuple[Family, ...] = ()
    base_url_env: str = ""  # a variable that overrides base_url where the config has none (AISA_BASE_URL)

    def ref(self, model_id: str) -> str:
        return f"{self.id}/{model_id}"

    def bare_id(self, ref_or_id: str) -> str | None:
        """`kimi-k2.5` from `kimi-k2.5` or `aisa/kimi-k2.5`; None for another provider's ref or no id."""
        pid, _, model_id = ref_or_id.partition("/") if "/" in ref_or_id else (self.id, "", ref_or_id)
        return model_id if pid == self.id and model_id else None

    def model(self, model_id: str) -> Model | None:
        return next((m for m in self.models if m.id == model_id), None)

    def family(self, model_id: str) -> Family | None:
        """The family rule for an id: the first whose prefix matches, else the one without prefixes."""
        return next((f for f in self.families if f.matches(model_id)), None) or next((f for f in self.families if not f.prefixes), None)

    def describe(self, model_id: str) -> Model:
        """The catalogue's row for a curated id; for any other served id, its family's figures (no price:
        OpenClaw then shows no cost rather than a wrong one)."""
        curated = self.model(model_id)
        if curated is not None:
            return curated
        return (self.family(model_id) or UNLISTED).model(model_id)

    def fixed_sampling(self, model_id: str) -> bool:
        """The vendor fixes temperature for this id (curated or not): a configured one is answered 400."""
        family = self.family(model_id)
        return family is not None and family.fixed_sampling and bool(family.prefixes)

    def alias_for(self, model_id: str) -> Alias | None:
        return next((a for a in self.aliases if model_id in a.ids), None)


# For a provider whose catalogue declares no families (a plugin written in Python): small enough that
# no request is refused for asking too much.
UNLISTED = Family(
    "any other model",
    (),
    Figure(32768, dt.date(2026, 4, 1), "openclaw-aisa's conservative default for a model it knows nothing about"),
    Figure(8192, dt.date(2026, 4, 1), "openclaw-aisa's conservative default for a model it knows nothing about"),
)


@record
class AuthChoice:
    """An onboarding choice, like an entry of OpenClaw's `providerAuthChoices`."""

    __pydantic_config__ = _STRICT
    id: str
    provider: str
    label: str
    cli_flag: str
    env_var: str
    method: Literal["api-key"] = "api-key"
    hint: str = ""
    prompt: str = ""
    key_url: str = ""


@record
class PluginInfo:
    """The package's own manifest data: its name and version (plugin.toml's [plugin])."""

    __pydantic_config__ = _STRICT
    id: str
    name: str
    version: str
    description: str


@record
class Catalog:
    """Everything one plugin.toml declares: the manifest and its model catalogue."""

    __pydantic_config__ = _STRICT
    plugin: PluginInfo
    providers: tuple[Provider, ...]
    auth_choices: tuple[AuthChoice, ...] = ()


@record
class StoredProfile:
    """A credential OpenClaw's own onboarding stored (an auth profile): a key (`value`, secret, never
    printed), or a reference to an environment variable (`var`)."""

    id: str
    provider: str
    kind: str  # "api_key", "token", ...
    value: str | None = field(default=None, repr=False)
    var: str | None = None
    where: str = ""


CredentialSource = Literal["environment", "cwd .env", ".env", "config dir .env", "gateway.env", "config env", "service"]


@record
class Credential:
    """A key found for a provider; `value` is secret and is never printed (see keys.mask)."""

    provider: str
    env_var: str
    source: CredentialSource  # see places.py for who reads each
    value: str = field(repr=False)


@record
class AuthRequest:
    """What the host hands an auth choice: the key is resolved already, the config is not touched."""

    key: str = field(repr=False)
    key_source: str
    base_url: str | None = None
    secret_mode: Literal["ref", "plaintext"] = "ref"
    openclaw_version: str | None = None  # the OpenClaw the config is written for; None: every supported one


@record
class AuthResult:
    """An auth choice's outcome, shaped like OpenClaw's ProviderAuthResult.

    `config_patch` is a partial OpenClaw config (`{"models": {"providers": {id: block}}}`) that the
    merge applies without clobbering the user's values; `default_model` is a ref such as `aisa/qwen3-max`.
    """

    config_patch: dict[str, Any]
    default_model: str
    notes: tuple[str, ...] = ()
