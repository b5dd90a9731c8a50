"""`models list --live`, `models add`, `models sync`: the models the provider serves now, into the config."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from .. import merge, refs, schema
from ..adapters import live, openclaw_exe
from ..errors import PROG, AisaError, UsageError
from ..host import Host
from ..types import Provider, record
from . import session, transaction


@record
class LiveRow:
    """One served model against the config: configured, primary."""

    provider: Provider
    model: live.LiveModel
    configured: bool
    primary: bool

    @property
    def family(self) -> str | None:
        """The family rule (plugin.toml) whose figures an uncurated chat model gets in OpenClaw."""
        m = self.model
        family = self.provider.family(m.id) if m.kind == "chat" and not m.curated else None
        return family.name if family else None

    def document(self) -> dict[str, Any]:
        m = self.model
        return {
            "ref": self.provider.ref(m.id),
            "id": m.id,
            "kind": m.kind,
            "owned_by": m.owned_by,
            "curated": m.curated,
            "family": self.family,
            "configured": self.configured,
            "primary": self.primary,
        }


@record
class LiveListed:
    """`models list --live --json`: what the provider serves now."""

    provider: Provider
    base_url: str
    found: live.Listing
    rows: tuple[LiveRow, ...]
    gone: tuple[str, ...]  # configured, not served
    exit_code: int = 0

    @property
    def listed_when(self) -> str:
        found = self.found
        return "just now" if found.source == "live" else f"{live.age(time.time() - found.fetched_at)} ago ({found.source})"

    def document(self) -> dict[str, Any]:
        found = self.found
        return {
            "base_url": self.base_url,
            "source": found.source,
            "fetched_at": found.fetched_at,
            "models": [r.document() for r in self.rows],
        }


def list_live(host: Host, env: Mapping[str, str], target: session.Target, *, refresh: bool = False, kind: str | None = None) -> LiveListed:
    s = session.open_session(host, env, target, need_key=False)
    found = s.listing(refresh=refresh)
    configured = set(schema.configured_ids(s.snapshot.data, s.provider.id))
    primary = schema.current_primary(s.snapshot.data)
    rows = tuple(
        LiveRow(s.provider, m, m.id in configured, s.provider.ref(m.id) == primary) for m in found.models if not kind or m.kind == kind
    )
    return LiveListed(s.provider, s.base_url, found, rows, tuple(sorted(configured - set(found.ids))))


@record
class Drift:
    """What `models sync` finds: configured ids no longer served, and served chat ids not configured."""

    base_url: str
    source: str
    gone: tuple[str, ...]
    new_curated: tuple[str, ...]
    new_other: tuple[str, ...]
    successors: tuple[tuple[str, str], ...] = ()  # (gone id, the served id plugin.toml names for it)


@record
class Edited:
    """`models add --json` and `models sync --json`: what changed (or would: `diff`), and sync's drift."""

    provider: Provider
    config: str
    nothing: str  # what to say when nothing changed
    drift: Drift | None = None  # sync only
    changes: tuple[str, ...] = ()
    applied: bool = False
    diff: str | None = None  # a dry run's diff
    attempted: bool = True  # False: sync without --apply only reports
    warning: str = ""
    exit_code: int = 0

    def document(self) -> dict[str, Any]:
        doc: dict[str, Any] = {}
        if self.drift is not None:
            d = self.drift
            doc = {
                "base_url": d.base_url,
                "source": d.source,
                "gone": list(d.gone),
                "successors": dict(d.successors),
                "new_curated": list(d.new_curated),
                "new_other": list(d.new_other),
                "applied": False,
                "changes": [],
            }
            if not self.attempted:
                return doc
        doc["config"] = self.config
        doc["changes"] = list(self.changes)
        if self.diff is not None:
            doc["diff"] = self.diff
        else:
            doc["applied"] = self.applied
        return doc


@record
class Change:
    """What `models add` / `models sync` should change, and whether only to show it."""

    ids: tuple[str, ...]
    dry_run: bool = False
    openclaw_version: str | None = None
    primary: str | None = None  # sync: the primary to use when the current one is no longer served
    apply: bool = False  # sync: change the config (else only report)


def _checked(provider: Provider, found: live.Listing, ids: tuple[str, ...]) -> list[str]:
    """Bare ids that the provider serves for chat; anything else is one clear error naming close ids."""
    out = []
    for raw in ids:
        model_id = provider.bare_id(raw)
        if model_id is None:
            raise UsageError(f"{raw!r} is not one of {provider.label}'s model ids; write e.g. kimi-k2.5 or {provider.ref('kimi-k2.5')}")
        refs.refuse_alias(provider, model_id, served=found.ids)
        entry = found.get(model_id)
        if entry is None:
            close = refs.suggest(model_id, found.chat_ids)
            hint = f"did you mean {', '.join(close)}?" if close else f"see `{PROG} models list --live`"
            raise UsageError(f"{provider.label} does not serve {model_id!r}; {hint}")
        if entry.kind != "chat":
            raise UsageError(
                f"{model_id} is a{'n' if entry.kind[0] in 'aeiou' else ''} {entry.kind} model; OpenClaw's agents need a chat model (`{PROG} models list --live --kind chat`)"
            )
        out.append(model_id)
    return out


def add(host: Host, env: Mapping[str, str], target: session.Target, change: Change) -> Edited:
    s = session.open_session(host, env, target, need_key=False)
    found = s.listing()
    if found.source == "cache" and any(s.provider.bare_id(i) not in found.ids for i in change.ids):
        found = s.listing(refresh=True)  # the id may be newer than the cache
    ids = _checked(s.provider, found, change.ids)
    version, _ = openclaw_exe.target_version(change.openclaw_version, s.snapshot.data, env, openclaw_exe.find(env, None))

    def transform(config: dict[str, Any]) -> merge.Merged:
        return merge.add_models(config, s.provider, ids, version)

    return _apply(
        s, env, transform, change.dry_run, None, f"already configured: {', '.join(s.provider.ref(i) for i in ids)}", found.warning
    )


def sync(host: Host, env: Mapping[str, str], target: session.Target, change: Change) -> Edited:
    s = session.open_session(host, env, target, need_key=False)
    found = s.listing(refresh=True)
    configured = schema.configured_ids(s.snapshot.data, s.provider.id)
    served = set(found.ids)
    gone = [i for i in configured if i not in served]
    curated_new = [
        m.id
        for m in s.provider.models
        if m.id in served and m.id not in configured and (e := found.get(m.id)) is not None and e.kind == "chat"
    ]
    other_new = [i for i in found.chat_ids if i not in configured and i not in curated_new]
    successors = {i: a.target for i in gone if (a := s.provider.alias_for(i)) and (e := found.get(a.target)) and e.kind == "chat"}
    drift = Drift(s.base_url, found.source, tuple(gone), tuple(curated_new), tuple(other_new), tuple(successors.items()))
    if not change.apply:
        return Edited(s.provider, str(s.loc.config), "", drift, attempted=False, warning=found.warning)
    if found.source != "live":
        raise AisaError(
            f"models sync --apply needs {s.provider.label}'s current list, and it could not be fetched ({found.warning}); nothing was written"
        )
    version, _ = openclaw_exe.target_version(change.openclaw_version, s.snapshot.data, env, openclaw_exe.find(env, None))

    def transform(config: dict[str, Any]) -> merge.Merged:
        moved = merge.move_refs(config, s.provider, successors, version)  # a retired id's refs go to its successor
        removed = merge.remove_models(moved.config, s.provider, gone, primary=change.primary)
        added = merge.add_models(removed.config, s.provider, curated_new, version)
        return merge.Merged(added.config, moved.changes + removed.changes + added.changes, moved.notes + removed.notes + added.notes)

    return _apply(s, env, transform, change.dry_run, drift, "in sync: nothing to change", found.warning)


def _apply(
    s: session.Session,
    env: Mapping[str, str],
    transform: transaction.Transform,
    dry_run: bool,
    drift: Drift | None,
    nothing: str,
    warning: str,
) -> Edited:
    planned = transaction.plan(s.loc, transform)
    base = Edited(s.provider, str(s.loc.config), nothing, drift, warning=warning)
    if dry_run:
        diff = transaction.preview(s.loc, planned)
        return replace(base, changes=_summaries(planned.merged), diff=diff)
    committed = transaction.commit(s.loc, env, transform, planned)
    return replace(base, changes=_summaries(committed.merged), applied=committed.written)


def _summaries(merged: merge.Merged) -> tuple[str, ...]:
    return tuple(c.summary for c in merged.changes if c.summary)
