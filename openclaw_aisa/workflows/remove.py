"""`remove`: take out what onboarding added (its journal says what that was), and the native plugin."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import merge, schema
from ..adapters import journal, openclaw_exe, paths, store
from ..dotenv import unset_var
from ..errors import PROG
from ..host import Host
from ..types import Provider, record
from . import plugin, transaction


@record
class Request:
    """What `remove` should take out, and whether only to show it."""

    provider: str | None = None
    profile: str | None = None
    primary: str | None = None
    purge_key: bool = False
    dry_run: bool = False
    uninstall_plugin: bool = True
    openclaw: str | None = None


@record
class Prepared:
    """What `remove` knows before it asks the user anything: what onboarding created, and the primary at stake."""

    provider: Provider
    loc: paths.Location
    created: frozenset[str]
    primary_needed: str | None  # an onboarding-era primary of this provider that nothing replaces yet


def prepare(host: Host, env: Mapping[str, str], request: Request) -> Prepared:
    provider = host.provider(request.provider)
    loc = paths.locate(env, request.profile)
    created = frozenset(journal.created(loc.config, provider.id))
    current = schema.current_primary(store.read_checked(loc.config).data)
    needs = current and current.startswith(f"{provider.id}/") and not request.primary and "agents.defaults.model.primary" not in created
    return Prepared(provider, loc, created, current if needs else None)


@record
class Removed:
    """What `remove` did, or with `diff` what it would do."""

    provider: Provider
    loc: paths.Location
    diff: str | None  # --dry-run: what a write would change
    written: bool = False
    dotenv_removed: tuple[str, ...] = ()
    changes: tuple[str, ...] = ()
    plugin_done: tuple[str, ...] = ()
    journal_error: str | None = None
    notes: tuple[str, ...] = ()  # what was deliberately left in place, and why
    exit_code: int = 0


def remove(env: Mapping[str, str], prepared: Prepared, request: Request, primary: str | None) -> Removed:
    provider, loc = prepared.provider, prepared.loc

    def transform(config: dict[str, Any]) -> merge.Merged:
        return merge.remove_provider(config, provider, primary=primary, created=prepared.created)

    planned = transaction.plan(loc, transform)
    dotenv_raw, _, dotenv_values = store.read_dotenv(loc.dotenv)
    new_dotenv, notes = dotenv_raw or b"", list(planned.merged.notes)
    purged = list(provider.env_vars) if request.purge_key else []
    if interrupted := journal.pending(loc.config, provider.id):  # an onboarding killed between the .env and the config
        var, had = interrupted
        if not had:
            purged.append(var)
            notes.append(f"{var} goes from {loc.dotenv} too: an onboarding that was stopped before it wrote the config had saved it")
        elif var not in purged:
            notes.append(
                f"{var} in {loc.dotenv} was replaced by an onboarding that was stopped before it wrote the config; "
                f"the value before it is in {loc.dotenv.name}.bak"
            )
    purged = list(dict.fromkeys(purged))  # a variable named twice (purged, and left by a stopped onboarding) goes once
    kept = [var for var in provider.env_vars if var not in purged and var in dotenv_values]
    if kept:  # the key outlives the config on purpose (other tools may read it): say so, and how to delete it
        notes.append(f"{', '.join(kept)} stays in {loc.dotenv}; `{PROG} remove --purge-key` deletes it too")
    for var in purged:
        new_dotenv = unset_var(new_dotenv, var, str(loc.dotenv))
    edit = transaction.Dotenv(loc.dotenv, dotenv_raw, new_dotenv, backup=False)
    if request.dry_run:
        return Removed(provider, loc, transaction.preview(loc, planned, edit), notes=tuple(notes))
    committed = transaction.commit(loc, env, transform, planned, dotenv=edit, journal=provider.id, forget=True)
    command = openclaw_exe.find(env, request.openclaw) if request.uninstall_plugin else None
    done = tuple(plugin.uninstall_native(provider, command, loc, env)) if command is not None else ()
    return Removed(
        provider,
        loc,
        None,
        committed.written,
        tuple(purged) if committed.dotenv_written else (),
        tuple(c.summary for c in committed.merged.changes if c.summary),
        done,
        committed.journal_error,
        tuple(notes),
    )
