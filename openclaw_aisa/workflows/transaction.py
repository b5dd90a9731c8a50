"""The one config transaction: every command that changes OpenClaw's config goes through it.

Read (refusing a root `$include` that holds what we edit), transform (a pure function of the config
read), show the diff for `--dry-run` (the redactor masks what it holds), else write: say first when a
commented JSON5 file will lose its comments; journal a `.env` key about to be saved, then the `.env`,
then the config under OpenClaw's lock, transforming again on a fresh read when another writer got
there first; the `.env` (and the journal) put back when the config cannot be written or Ctrl-C comes;
what onboarding created journalled. A kill between the two writes is what the journal is for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import field
from pathlib import Path
from typing import Any

from .. import merge, notices
from ..adapters import paths, store
from ..errors import PROG, AisaError, ConflictError
from ..types import record

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
    var: str | None = None  # the variable onboarding saves (journalled before the write, so a kill shows)

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


def preview(loc: paths.Location, planned: Planned, dotenv: Dotenv | None = None) -> str:
    """The unified diff of the config and the .env that a write would make (printed through the
    redactor, which knows every secret the store read: none shows)."""
    old = (planned.snapshot.raw or b"").decode("utf-8", "replace")
    new = store.render(planned.merged.config).decode() if planned.changes else old
    _before_writing(planned)
    text = _diff(old, new, str(loc.config))
    if dotenv is not None:
        text += _diff(dotenv.old, dotenv.new, str(dotenv.path))
    return text


def _before_writing(planned: Planned) -> None:
    """Comments in a JSON5 config cannot survive a write (OpenClaw's own writes drop them too): say so first."""
    snapshot = planned.snapshot
    if planned.changes and snapshot.json5 and snapshot.raw and store.has_comments(snapshot.raw):
        name = snapshot.path.name
        notices.tell(
            f"{snapshot.path} has comments (JSON5); the file is rewritten as plain JSON, as OpenClaw rewrites it, so they "
            f"will be gone: the file as it is now is kept as {name}.bak. To keep commented settings, move them to a file "
            'the config pulls in with "$include" (neither openclaw-aisa nor OpenClaw rewrites included files)'
        )


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
        _before_writing(planned)
    dotenv_written = begun = failed = None
    try:
        if dotenv is not None and dotenv.changed:  # through a symlink, as the config; backed up as the config
            target = store.write_target(dotenv.path)
            if journal is not None and dotenv.var:
                begun, failed = _begin(loc, journal, dotenv)
            store.secure_dir(loc.state_dir)
            dotenv_written = store.replace_file(target, dotenv.edited, expect=dotenv.raw, backup=dotenv.backup)
        snapshot, merged, written = _write_with_retry(loc, transform, env, planned)
    except BaseException:  # an error, or Ctrl-C: the key goes with the config that references it, or not at all
        for done in (dotenv_written, begun):
            if done is not None:
                store.put_back(done)
        raise
    if journal is not None and (written or forget or begun):
        failed = _journal(loc, journal, () if forget else merged.created, forget=forget) or failed
    return Committed(snapshot, merged, written, dotenv_written is not None, failed)


def _begin(loc: paths.Location, provider_id: str, dotenv: Dotenv) -> tuple[store.Replaced | None, str | None]:
    """Journal the `.env` write before making it: a kill between it and the config write is then
    visible to the next onboarding and to `remove`, instead of a key saved for a config never written."""
    from ..adapters import journal
    from ..dotenv import parse

    assert dotenv.var is not None
    try:
        return journal.begin(loc.config, provider_id, dotenv.var, dotenv.var in parse(dotenv.raw or b"")), None
    except AisaError as e:
        return None, f"its record of what onboarding added was not saved ({e})"


def _journal(loc: paths.Location, provider_id: str | None, created: Iterable[str], forget: bool) -> str | None:
    """Record what the write created (or, with `forget`, that the record goes); a failure is returned, not raised."""
    from ..adapters import journal  # only onboarding and remove keep one

    assert provider_id is not None
    try:
        journal.update(loc.config, provider_id, created, forget=forget)
    except AisaError as e:
        return f"its record of what onboarding added was not saved ({e})"
    return None


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
        written = store.write_config(snapshot, merged.config, env)
        if written:
            _keep_for_openclaw(loc, snapshot.target, merged.config)
        return snapshot, merged, written

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


def _keep_for_openclaw(loc: paths.Location, target: Path, config: dict[str, Any]) -> None:
    """Make the file just written OpenClaw's last known good config: else 9.x, finding it shrunk
    against that record, would put the old file back from the .bak at its next load."""
    from ..adapters import health

    if problem := health.adopt(target, loc.state_dir, config):
        notices.tell(
            f"{target} is written, but OpenClaw's record of its last good config was not updated ({problem}); "
            f"OpenClaw 9.x may put back {target.name}.bak at its next start: run `{PROG} doctor` to check"
        )


def _diff(old: str, new: str, name: str) -> str:
    import difflib

    return "".join(difflib.unified_diff(old.splitlines(True), new.splitlines(True), f"{name} (now)", f"{name} (after)"))
