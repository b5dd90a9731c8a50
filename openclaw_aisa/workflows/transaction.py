"""The one config transaction: every command that changes OpenClaw's config goes through it.

Read (refusing a root `$include` that holds what we edit), transform (a pure function of the config
read), show a masked diff for `--dry-run`, else write: the `.env` first when it changes, then the
config under OpenClaw's lock, transforming again on a fresh read when another writer got there first,
the `.env` put back when the config cannot be written, and what onboarding created journalled.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import field
from pathlib import Path
from typing import Any

from .. import keys, merge, schema
from ..adapters import paths, store
from ..errors import AisaError, ConflictError
from ..types import Provider, record

CONFLICT_RETRIES = 3

Transform = Callable[[dict[str, Any]], merge.Merged]


@record
class Dotenv:
    """The state dir's `.env` as read (`raw` None: no file), and the bytes it should hold (`edited`);
    `old` and `new` are their text, for the diff. Secret: none of it is shown."""

    path: Path
    raw: bytes | None = field(repr=False)
    edited: bytes = field(repr=False)
    backup: bool = True  # False for a purge: its .env.bak would hold exactly the key it takes out

    @property
    def old(self) -> str:
        return (self.raw or b"").decode("utf-8", "replace")

    @property
    def new(self) -> str:
        return self.edited.decode("utf-8", "replace")

    @property
    def changed(self) -> bool:
        return self.edited != (self.raw or b"")


@record
class Planned:
    """The config as read and as the transform would leave it."""

    snapshot: store.Snapshot
    merged: merge.Merged

    @property
    def changes(self) -> bool:
        return self.merged.config != self.snapshot.data


@record
class Committed:
    """What a commit wrote: the config (as finally merged), whether each file changed, a journal failure."""

    snapshot: store.Snapshot
    merged: merge.Merged
    written: bool
    dotenv_written: bool = False
    journal_error: str | None = None


def plan(loc: paths.Location, transform: Transform) -> Planned:
    snapshot = store.read_checked(loc.config)
    return Planned(snapshot, transform(snapshot.data))


def preview(loc: paths.Location, planned: Planned, dotenv: Dotenv | None = None, secrets: Iterable[str] = ()) -> str:
    """The unified diff of the config and the .env that a write would make, every secret masked."""
    old = (planned.snapshot.raw or b"").decode("utf-8", "replace")
    new = store.render(planned.merged.config).decode() if planned.changes else old
    text = _diff(old, new, str(loc.config))
    if dotenv is not None:
        text += _diff(dotenv.old, dotenv.new, str(dotenv.path))
    for secret in sorted((s for s in secrets if len(s) >= 8), key=len, reverse=True):
        text = text.replace(secret, keys.mask(secret))
    return text


def commit(
    loc: paths.Location,
    env: Mapping[str, str],
    transform: Transform,
    planned: Planned,
    *,
    dotenv: Dotenv | None = None,
    journal: str | None = None,
    forget: bool = False,
) -> Committed:
    """Write what `planned` holds; on a conflict, re-read and transform again (the transform is pure).

    `journal` names the provider whose onboarding this records for `remove`: what the write created,
    or with `forget`, that the record goes."""
    if planned.changes:
        store.check_writable(planned.snapshot.path, env)  # before the .env, so a refusal leaves both files alone
    dotenv_written = None
    if dotenv is not None and dotenv.changed:  # through a symlink, as the config; backed up as the config
        target = store.write_target(dotenv.path)
        store.secure_dir(loc.state_dir)
        dotenv_written = store.replace_file(target, dotenv.edited, expect=dotenv.raw, backup=dotenv.backup)
    try:
        snapshot, merged, written = _write_with_retry(loc, transform, env, planned)
    except AisaError:
        if dotenv_written is not None:  # the key goes with the config that references it, or not at all
            store.put_back(dotenv_written)
        raise
    failed = None
    if journal is not None and (written or forget):
        from ..adapters import journal as record  # only onboarding and remove keep one

        try:
            record.update(loc.config, journal, () if forget else merged.created, forget=forget)
        except AisaError as e:
            failed = f"its record of what onboarding added was not saved ({e})"
    return Committed(snapshot, merged, written, dotenv_written is not None, failed)


def secrets_in_play(
    provider: Provider, env: Mapping[str, str], dotenv: Mapping[str, str], config: dict[str, Any], *extra: str
) -> list[str]:
    """Every key value that could show up in a diff: given now, in the environment, the .env, or inline."""
    found = [*extra]
    for var in provider.env_vars:
        found += [env.get(var, "").strip(), dotenv.get(var, "").strip()]
    inline = schema.dig(config, "models", "providers", provider.id, "apiKey")
    if isinstance(inline, str) and not inline.startswith("${"):
        found.append(inline)
    return [s for s in found if len(s) >= 8]


def _write_with_retry(
    loc: paths.Location, transform: Transform, env: Mapping[str, str], planned: Planned
) -> tuple[store.Snapshot, merge.Merged, bool]:
    """Write; when another writer got there first, re-read and merge again.

    The first try holds the lock only for the write; a retry holds it from the read on, so writers
    that honour the lock (ours, OpenClaw 5.28+) cannot get in between again."""
    snapshot, merged = planned.snapshot, planned.merged

    def write() -> tuple[store.Snapshot, merge.Merged, bool]:
        if merged.config != snapshot.data and snapshot.target.parent == loc.state_dir.resolve():
            store.secure_dir(loc.state_dir)
        return snapshot, merged, store.write_config(snapshot, merged.config, env)

    for attempt in range(CONFLICT_RETRIES + 1):
        try:
            if attempt == 0:
                return write()
            with store.locked(snapshot.target):
                snapshot = store.read_checked(loc.config)
                merged = transform(snapshot.data)
                return write()
        except ConflictError:
            if attempt == CONFLICT_RETRIES:
                raise
    raise AssertionError("unreachable")


def _diff(old: str, new: str, name: str) -> str:
    import difflib

    return "".join(difflib.unified_diff(old.splitlines(True), new.splitlines(True), f"{name} (now)", f"{name} (after)"))
