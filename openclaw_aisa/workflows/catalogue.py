"""`models list` and `models set`: the catalogue against the config, offline."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import schema
from ..adapters import paths, store
from ..errors import UsageError
from ..host import Host
from ..schema import split_ref
from ..types import Model, Provider, record


@record
class Row:
    """One model of `models list`: a catalogue model (`model` set) or one only the config has."""

    provider: Provider
    id: str
    model: Model | None
    configured: bool
    primary: bool

    @property
    def ref(self) -> str:
        return self.provider.ref(self.id)

    def document(self) -> dict[str, Any]:
        head = {"ref": self.ref, "provider": self.provider.id, "id": self.id}
        m = self.model
        if m is None:
            return {**head, "curated": False, "configured": True, "primary": self.primary}
        price = m.price(self.provider.id)
        return {
            **head,
            "name": m.name,
            "context_window": m.context_window.value,
            "max_tokens": m.max_tokens.value,
            "input": list(m.input),
            "reasoning": m.reasoning,
            "tags": list(m.tags),
            "price": None
            if price is None
            else {"input": price.input, "output": price.output, "as_of": price.as_of.isoformat(), "source": price.source},
            "curated": True,
            "configured": self.configured,
            "primary": self.primary,
        }


@record
class Listed:
    """`models list --json`: the catalogue, what is configured, the primary."""

    config: str
    primary: str | None
    models: tuple[Row, ...]
    providers: tuple[Provider, ...]
    exit_code: int = 0

    def document(self) -> dict[str, Any]:
        return {"config": self.config, "primary": self.primary, "models": [r.document() for r in self.models]}


def list_catalogue(host: Host, env: Mapping[str, str], profile: str | None, provider_id: str | None) -> Listed:
    loc = paths.locate(env, profile)
    config = store.read_checked(loc.config).data
    primary = schema.current_primary(config)
    providers = [host.provider(provider_id)] if provider_id else list(host.providers.values())
    rows: list[Row] = []
    for provider in providers:
        configured = schema.configured_ids(config, provider.id)
        rows += [Row(provider, m.id, m, m.id in configured, provider.ref(m.id) == primary) for m in provider.models]
        rows += [Row(provider, i, None, True, provider.ref(i) == primary) for i in configured if provider.model(i) is None]
    return Listed(str(loc.config), primary, tuple(rows), tuple(providers))


@record
class PrimarySet:
    """`models set`: the new primary, and whether the config changed."""

    ref: str
    changes: tuple[str, ...]
    written: bool
    exit_code: int = 0


def set_primary(host: Host, env: Mapping[str, str], profile: str | None, ref: str) -> PrimarySet:
    pid, _ = split_ref(ref)
    if pid not in host.providers:
        raise UsageError(
            f"{ref!r} is not a ref of a registered provider ({', '.join(host.providers)}); write it as PROVIDER/MODEL, e.g. aisa/kimi-k2.5"
        )
    from .. import merge  # the writer's modules load only for `models set`, not for `models list`
    from . import transaction

    provider = host.providers[pid]
    loc = paths.locate(env, profile)

    def transform(config: dict[str, Any]) -> merge.Merged:
        return merge.set_primary(config, provider, ref)

    committed = transaction.commit(loc, env, transform, transaction.plan(loc, transform))
    return PrimarySet(ref, tuple(c.summary for c in committed.merged.changes if c.summary), committed.written)
