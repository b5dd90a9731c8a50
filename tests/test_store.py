"""Finding and writing the user's config the way OpenClaw does, without ever losing their data."""

from __future__ import annotations

import json
import os

import pytest

from openclaw_aisa.adapters import paths, store
from openclaw_aisa.errors import ConfigError, ConflictError

from .conftest import mode, read_json, write_json


def test_default_location_is_dot_openclaw_in_home(home):
    loc = paths.locate({"HOME": str(home)})
    assert loc.config == home / ".openclaw" / "openclaw.json"
    assert loc.dotenv == home / ".openclaw" / ".env"


def test_config_path_variable_wins_and_state_dir_still_holds_dotenv(home, tmp_path):
    env = {"HOME": str(home), "OPENCLAW_CONFIG_PATH": str(tmp_path / "elsewhere.json"), "OPENCLAW_STATE_DIR": str(tmp_path / "state")}
    loc = paths.locate(env)
    assert loc.config == tmp_path / "elsewhere.json"
    assert loc.dotenv == tmp_path / "state" / ".env"


def test_state_dir_variable_moves_the_config(home, tmp_path):
    loc = paths.locate({"HOME": str(home), "OPENCLAW_STATE_DIR": str(tmp_path / "s")})
    assert loc.config == tmp_path / "s" / "openclaw.json"


def test_openclaw_home_replaces_the_home_directory(home, tmp_path):
    loc = paths.locate({"HOME": str(home), "OPENCLAW_HOME": str(tmp_path / "oh")})
    assert loc.config == tmp_path / "oh" / ".openclaw" / "openclaw.json"


def test_tilde_in_variables_means_the_home_directory(home):
    loc = paths.locate({"HOME": str(home), "OPENCLAW_STATE_DIR": "~/custom"})
    assert loc.state_dir == home / "custom"


def test_profile_flag_uses_its_own_state_dir_and_the_variable_alone_does_nothing(home, tmp_path):
    """As OpenClaw 2026.3.31, 5.28 and 9.6 do: only `--profile NAME` moves the state dir."""
    assert paths.locate({"HOME": str(home)}, profile="work").config == home / ".openclaw-work" / "openclaw.json"
    assert paths.locate({"HOME": str(home)}, profile="default").config == home / ".openclaw" / "openclaw.json"
    assert paths.locate({"HOME": str(home), "OPENCLAW_PROFILE": "work"}).config == home / ".openclaw" / "openclaw.json"
    explicit = {"HOME": str(home), "OPENCLAW_STATE_DIR": str(tmp_path / "s")}
    assert paths.locate(explicit, profile="work").config == tmp_path / "s" / "openclaw.json"


def test_a_clawdbot_json_in_the_state_dir_is_used_when_there_is_no_openclaw_json(home, tmp_path):
    write_json(tmp_path / "s" / "clawdbot.json", {})
    assert paths.locate({"HOME": str(home), "OPENCLAW_STATE_DIR": str(tmp_path / "s")}).config == tmp_path / "s" / "clawdbot.json"


def test_an_empty_dot_openclaw_still_finds_the_legacy_file(home):
    (home / ".openclaw").mkdir()
    write_json(home / ".clawdbot" / "clawdbot.json", {})
    assert paths.locate({"HOME": str(home)}).config == home / ".clawdbot" / "clawdbot.json"


def test_legacy_clawdbot_is_used_only_when_dot_openclaw_is_missing(home):
    write_json(home / ".clawdbot" / "clawdbot.json", {})
    legacy = paths.locate({"HOME": str(home)})
    assert legacy.config == home / ".clawdbot" / "clawdbot.json" and legacy.legacy
    write_json(home / ".openclaw" / "openclaw.json", {})
    assert paths.locate({"HOME": str(home)}).config == home / ".openclaw" / "openclaw.json"


def test_json5_with_comments_and_trailing_commas_is_read(tmp_path):
    path = tmp_path / "openclaw.json"
    path.write_text('// my config\n{\n  models: { mode: "merge", },\n  "agents": {defaults: {model: "a/b"}}, /* end */\n}\n')
    snap = store.read_config(path)
    assert snap.data == {"models": {"mode": "merge"}, "agents": {"defaults": {"model": "a/b"}}}
    assert snap.json5


def test_broken_json5_is_one_clear_error(tmp_path):
    path = tmp_path / "openclaw.json"
    path.write_text('{"models": {')
    with pytest.raises(ConfigError, match="is not valid JSON5"):
        store.read_config(path)


def test_a_directory_where_the_config_should_be_is_refused(tmp_path):
    (tmp_path / "openclaw.json").mkdir()
    with pytest.raises(ConfigError, match="is a directory"):
        store.read_config(tmp_path / "openclaw.json")


def test_a_top_level_array_is_refused(tmp_path):
    (tmp_path / "openclaw.json").write_text("[]")
    with pytest.raises(ConfigError, match="must hold a JSON object"):
        store.read_config(tmp_path / "openclaw.json")


def test_write_is_two_space_json_with_newline_0600_and_keeps_a_0600_backup(tmp_path):
    path = write_json(tmp_path / "openclaw.json", {"a": 1})
    original = path.read_bytes()
    snap = store.read_config(path)
    assert store.write_config(snap, {"a": 1, "b": "é"}, {})
    assert path.read_text() == '{\n  "a": 1,\n  "b": "é"\n}\n'
    assert mode(path) == 0o600
    backup = tmp_path / "openclaw.json.bak"
    assert backup.read_bytes() == original and mode(backup) == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_backups_rotate_like_openclaws(tmp_path):
    path = write_json(tmp_path / "openclaw.json", {"n": 0})
    for n in range(1, 8):
        store.write_config(store.read_config(path), {"n": n}, {})
    assert read_json(path) == {"n": 7}
    assert read_json(tmp_path / "openclaw.json.bak") == {"n": 6}
    assert [read_json(tmp_path / f"openclaw.json.bak.{i}")["n"] for i in range(1, 5)] == [5, 4, 3, 2]
    assert not (tmp_path / "openclaw.json.bak.5").exists()


def test_nothing_is_written_when_nothing_changes(tmp_path):
    path = tmp_path / "openclaw.json"
    path.write_text('{"a": 1}')  # not OpenClaw's formatting: a rewrite would show
    before = os.stat(path).st_mtime_ns
    assert not store.write_config(store.read_config(path), {"a": 1}, {})
    assert path.read_text() == '{"a": 1}' and os.stat(path).st_mtime_ns == before
    assert not (tmp_path / "openclaw.json.bak").exists()


def test_a_symlinked_config_keeps_its_link_and_its_target_is_replaced(tmp_path):
    target = write_json(tmp_path / "dotfiles" / "openclaw.json", {"a": 1})
    link = tmp_path / "state" / "openclaw.json"
    link.parent.mkdir()
    link.symlink_to(target)
    store.write_config(store.read_config(link), {"a": 2}, {})
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert read_json(target) == {"a": 2}


def test_readonly_variable_refuses_every_write(tmp_path):
    path = write_json(tmp_path / "openclaw.json", {"a": 1})
    before = path.read_bytes()
    with pytest.raises(ConfigError, match="OPENCLAW_CONFIG_READONLY"):
        store.write_config(store.read_config(path), {"a": 2}, {"OPENCLAW_CONFIG_READONLY": "1"})
    assert path.read_bytes() == before


def test_a_change_between_read_and_write_aborts_and_keeps_the_other_writers_content(tmp_path):
    path = write_json(tmp_path / "openclaw.json", {"a": 1})
    snap = store.read_config(path)
    write_json(path, {"a": 1, "someone": "else"})
    theirs = path.read_bytes()
    with pytest.raises(ConflictError, match="changed while openclaw-aisa was working"):
        store.write_config(snap, {"a": 2}, {})
    assert path.read_bytes() == theirs
    assert not (tmp_path / "openclaw.json.bak").exists()


def test_a_file_created_by_someone_else_after_we_found_none_aborts(tmp_path):
    path = tmp_path / "openclaw.json"
    snap = store.read_config(path)
    write_json(path, {"theirs": True})
    with pytest.raises(ConflictError):
        store.write_config(snap, {"ours": True}, {})
    assert read_json(path) == {"theirs": True}


def test_secure_dir_creates_a_missing_dir_and_its_parents_0700_whatever_the_umask(tmp_path):
    fresh = tmp_path / "a" / "b" / "state"
    old = os.umask(0)
    try:
        store.secure_dir(fresh)
    finally:
        os.umask(old)
    assert [mode(d) for d in (tmp_path / "a", tmp_path / "a" / "b", fresh)] == [0o700] * 3


@pytest.mark.parametrize("bits", [0o1777, 0o2775, 0o755, 0o500], ids=oct)
def test_an_existing_state_dir_keeps_the_mode_its_owner_gave_it(tmp_path, bits):
    """Only what we create is ours to set; doctor reports a loose state dir (and --fix tightens it on request)."""
    shared = tmp_path / "state"
    shared.mkdir()
    os.chmod(shared, bits)
    store.secure_dir(shared)
    assert os.stat(shared).st_mode & 0o7777 == bits


def test_render_matches_openclaws_formatting():
    assert store.render({"x": [1, {"y": None}]}) == json.dumps({"x": [1, {"y": None}]}, indent=2).encode() + b"\n"


@pytest.mark.parametrize(
    "value, text",
    [
        (1e-07, b"1e-07"),
        (1e16, b"1e+16"),
        (float("nan"), b"NaN"),
        (float("-inf"), b"-Infinity"),
        (2**70, b"1180591620717411303424"),
        (-0.0, b"-0.0"),
        ("\u00e9\u2028\x7f", '"\u00e9\u2028\x7f"'.encode()),
    ],
)
def test_values_a_fast_encoder_would_change_are_written_as_json_writes_them(value, text, monkeypatch):
    """render uses orjson only where its output is json's: no NaN turned into null, no 1e-7 for 1e-07."""
    monkeypatch.setattr(store, "ORJSON_FROM", 0)  # the fast path, whatever the size
    assert store.render({"v": [value]}) == b'{\n  "v": [\n    ' + text + b"\n  ]\n}\n"


def test_writes_hold_openclaws_lock_file_and_leave_none_behind(tmp_path, monkeypatch):
    path = write_json(tmp_path / "openclaw.json", {"a": 1})
    seen = {}
    real = store._stage

    def spy(target, data, sync=True):
        lock = tmp_path / "openclaw.json.lock"
        if sync and target == path:
            seen.update(json.loads(lock.read_text()))
        return real(target, data, sync)

    monkeypatch.setattr(store, "_stage", spy)
    store.write_config(store.read_config(path), {"a": 2}, {})
    assert seen["pid"] == os.getpid() and seen["createdAt"].endswith("Z")
    assert not (tmp_path / "openclaw.json.lock").exists()


def test_a_lock_held_by_a_live_openclaw_is_waited_for_then_reported(tmp_path, monkeypatch):
    import subprocess

    path = write_json(tmp_path / "openclaw.json", {"a": 1})
    holder = subprocess.Popen(["sleep", "30"])
    try:
        (tmp_path / "openclaw.json.lock").write_text(json.dumps({"pid": holder.pid, "createdAt": "2026-11-24T00:00:00.000Z"}))
        monkeypatch.setattr(store, "LOCK_WAIT_SECONDS", 0.3)
        with pytest.raises(ConflictError, match=f"being written by another program \\(pid {holder.pid}"):
            store.write_config(store.read_config(path), {"a": 2}, {})
        assert read_json(path) == {"a": 1}
    finally:
        holder.kill()


def test_a_stale_lock_from_a_dead_process_is_taken_over(tmp_path):
    import subprocess

    path = write_json(tmp_path / "openclaw.json", {"a": 1})
    dead = subprocess.Popen(["true"])
    dead.wait()
    (tmp_path / "openclaw.json.lock").write_text(json.dumps({"pid": dead.pid, "createdAt": "2026-11-24T00:00:00.000Z"}))
    store.write_config(store.read_config(path), {"a": 2}, {})
    assert read_json(path) == {"a": 2}
    assert not (tmp_path / "openclaw.json.lock").exists()


def test_the_next_write_removes_temp_files_a_killed_writer_left_and_nothing_else(tmp_path):
    import subprocess
    import time

    path = write_json(tmp_path / "openclaw.json", {"a": 1})
    dead = subprocess.Popen(["true"])
    dead.wait()
    hour_ago = time.time() - 3600
    names = {
        f".openclaw.json.{dead.pid}.abcd1234.tmp": False,  # ours, its writer is gone
        ".openclaw.json.old12345.tmp": False,  # an earlier version's, an hour old
        ".openclaw.json.bak.old12345.tmp": False,  # an earlier version's backup temp, an hour old
        f".openclaw.json.{os.getpid()}.live1234.tmp": True,  # a live writer's (waiting for the lock)
        ".openclaw.json.new12345.tmp": True,  # an earlier version's, just written: maybe still in use
        "openclaw.json.123.tmp": True,  # not our naming (OpenClaw's own, say): not ours to touch
        ".env.zzzz1234.tmp": True,  # another file's
    }
    for name in names:
        (tmp_path / name).write_text("partial")
    for name in (".openclaw.json.old12345.tmp", ".openclaw.json.bak.old12345.tmp"):
        os.utime(tmp_path / name, (hour_ago, hour_ago))
    store.write_config(store.read_config(path), {"a": 2}, {})
    assert {n: (tmp_path / n).exists() for n in names} == names
    assert read_json(path) == {"a": 2}


def test_a_lock_is_created_whole_so_no_reader_ever_sees_it_empty(tmp_path, monkeypatch):
    path = write_json(tmp_path / "openclaw.json", {"a": 1})
    seen = []
    real = os.link

    def spy(src, dst, *args, **kwargs):
        seen.append(json.loads(open(src).read()))  # what the lock holds the moment it exists
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "link", spy)
    store.write_config(store.read_config(path), {"a": 2}, {})
    assert [set(s) for s in seen] == [{"pid", "createdAt"}] and seen[0]["pid"] == os.getpid()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith((".tmp", ".lock"))] == []


def test_without_hard_links_the_lock_is_created_exclusively_as_before(tmp_path, monkeypatch):
    import errno

    def no_links(*args, **kwargs):
        raise OSError(errno.EPERM, "Operation not permitted")

    path = write_json(tmp_path / "openclaw.json", {"a": 1})
    monkeypatch.setattr(os, "link", no_links)
    store.write_config(store.read_config(path), {"a": 2}, {})
    assert read_json(path) == {"a": 2}
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith((".tmp", ".lock"))] == []


@pytest.mark.parametrize("payload", [{"pid": "live"}, {}], ids=["live-pid", "no-pid"])
def test_a_lock_older_than_thirty_seconds_is_taken_over_whoever_holds_it(tmp_path, payload):
    import time

    path = write_json(tmp_path / "openclaw.json", {"a": 1})
    lock = tmp_path / "openclaw.json.lock"
    lock.write_text(json.dumps({**payload, "pid": os.getpid()}) if payload else "")
    old = time.time() - store.LOCK_STALE_SECONDS - 5
    os.utime(lock, (old, old))
    started = time.monotonic()
    store.write_config(store.read_config(path), {"a": 2}, {})
    assert time.monotonic() - started < 1 and read_json(path) == {"a": 2} and not lock.exists()


def test_a_fresh_lock_without_a_pid_is_waited_for_and_named_plainly(tmp_path, monkeypatch):
    path = write_json(tmp_path / "openclaw.json", {"a": 1})
    (tmp_path / "openclaw.json.lock").write_text("")
    monkeypatch.setattr(store, "LOCK_WAIT_SECONDS", 0.2)
    with pytest.raises(ConflictError, match="a lock without a pid"):
        store.write_config(store.read_config(path), {"a": 2}, {})
    assert read_json(path) == {"a": 1}


def test_a_stale_lock_that_another_writer_replaced_meanwhile_is_left_to_it(tmp_path):
    lock = tmp_path / "openclaw.json.lock"
    lock.write_text('{"pid": 1}')
    judged = lock.stat()
    lock.unlink()
    lock.write_text(json.dumps({"pid": os.getpid(), "createdAt": "now"}))  # the other writer's, just taken
    store._unlink_if_unchanged(lock, judged)
    assert lock.exists()
    store._unlink_if_unchanged(lock, lock.stat())
    assert not lock.exists()


@pytest.mark.parametrize("failing_call", [1, 2], ids=["new-content", "backup"])
def test_a_full_disk_leaves_the_file_its_backups_and_no_temp_file(tmp_path, monkeypatch, failing_call):
    import errno

    state = tmp_path / "state"
    path = write_json(state / "openclaw.json", {"a": 1})
    (state / "openclaw.json.bak").write_text('{"a": 0}\n')
    before = {p.name: p.read_bytes() for p in state.iterdir()}
    calls, real = [], os.fsync

    def fsync(fd):
        calls.append(fd)
        if len(calls) == failing_call:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    with pytest.raises(ConfigError, match="No space left on device; free some disk space.*nothing was changed") as refused:
        store.write_config(store.read_config(path), {"a": 2}, {})
    assert "\n" not in str(refused.value)
    assert {p.name: p.read_bytes() for p in state.iterdir()} == before


def test_a_lone_surrogate_is_written_escaped_as_openclaw_writes_it(tmp_path):
    path = tmp_path / "openclaw.json"
    path.write_text('{"name": "\\ud800 and \\u00e9"}')
    snap = store.read_config(path)
    store.write_config(snap, {**snap.data, "b": 1}, {})
    assert path.read_text() == '{\n  "name": "\\ud800 and é",\n  "b": 1\n}\n'
    assert store.read_config(path).data["name"] == "\ud800 and é"


def test_a_broken_json5_file_is_reported_without_echoing_its_content(tmp_path):
    from .conftest import KEY

    path = tmp_path / "openclaw.json"
    path.write_text(f'{{models: {{providers: {{aisa: {{apiKey: "{KEY}"}}}}}}, oops')
    with pytest.raises(ConfigError, match="is not valid JSON5") as refused:
        store.read_config(path)
    assert KEY not in str(refused.value) and "\n" not in str(refused.value)


def test_a_config_nested_deeper_than_any_openclaw_config_is_refused(tmp_path):
    path = tmp_path / "openclaw.json"
    path.write_text('{"gateway": ' + '{"a": ' * 500 + "1" + "}" * 500 + "}")
    with pytest.raises(ConfigError, match="nests more than 64 levels"):
        store.read_config(path)


def test_a_file_far_larger_than_a_config_is_refused_without_reading_it(tmp_path):
    path = tmp_path / "openclaw.json"
    with open(path, "wb") as f:
        f.truncate(store.MAX_BYTES + 1)  # sparse: no disk used
    with pytest.raises(ConfigError, match="far more than OpenClaw's files hold"):
        store.read_config(path)
