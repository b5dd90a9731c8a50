"""The files we share with OpenClaw and the user, trusted with care: `.env` edited as bytes (only our own
line changes), kept with a backup, through a symlink; a failed write leaves every file, backup and temp
name as it was; a writer that takes no lock is noticed up to the rename; a lock that is not a lock file
is one clear error at once; a directory we did not create keeps its mode; hints name only files that exist.
"""

from __future__ import annotations

import base64
import errno
import json
import os
import re
import signal
import stat
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from openclaw_aisa import dotenv
from openclaw_aisa.adapters import store
from openclaw_aisa.errors import ConfigError, ConflictError

from .conftest import KEY, OTHER_KEY, mode, read_json, write_json
from .test_hostile import full_disk_for_the_config_only

VAR = "AISA_API_KEY"
ONBOARD = ("onboard", "--aisa-api-key", KEY, "--non-interactive", "--no-plugin")
PURGE = ("remove", "--purge-key", "--primary", "openai/gpt-5", "--non-interactive", "--no-plugin")
BOM, LS, NBSP = b"\xef\xbb\xbf", "\u2028".encode(), "\u00a0".encode()
EXAMPLES = settings(max_examples=300, deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow])


def listing(directory: Path) -> dict[str, bytes | str]:
    """Every name in `directory` with its bytes (or what it is, when not a regular file): the whole picture."""
    seen: dict[str, bytes | str] = {}
    for p in sorted(directory.iterdir()):
        st_ = os.lstat(p)
        seen[p.name] = p.read_bytes() if stat.S_ISREG(st_.st_mode) else f"type {stat.S_IFMT(st_.st_mode):o}"
    return seen


@contextmanager
def within(seconds: float):
    """Fail instead of hanging: a blocking open of a pipe is what is being ruled out."""

    def expired(signum, frame):
        raise TimeoutError(f"still blocked after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# --- .env as bytes: named cases of what other programs leave there -------------------------------------

OTHERS = {
    "latin-1": b"NAME=caf\xe9\nPATHS=/opt/\xff\xfe\n",
    "crlf": b"A=1\r\nB=two words\r\n",
    "bom": BOM + b"A=1\n",
    "bom-only": BOM,
    "form-feed-and-u2028": b'A=x\x0cy\nB="p' + LS + b'q"\nC=r' + NBSP + b"s\n",
    "export-prefixes": b"export A=1\n  export   B='two'\n",
    "comments": b"# mine\nA=1 # trailing\n\n#AISA_API_KEY=commented-out\n",
    "no-trailing-newline": b"A=1\nB=2",
    "no-trailing-newline-crlf": b"A=1\r\nB=2",
    "multi-line-double-quoted": b'CERT="-----BEGIN-----\nAISA_API_KEY=not-ours\n-----END-----"\nZ=1\n',
    "multi-line-single-quoted-crlf": b"S='a\r\nAISA_API_KEY=inside\r\nb'\r\n",
    "multi-line-backtick-at-end": b"T=`x\nAISA_API_KEY=inside`",
    "unclosed-quote": b'U="open\nV=1\n',
    "colon-at-the-end": b"FOO:",
    "empty": b"",
}


@pytest.mark.parametrize("raw", OTHERS.values(), ids=OTHERS.keys())
def test_setting_our_key_adds_only_our_line_and_removing_it_gives_back_every_byte(raw):
    before = dotenv.parse(raw)
    assert VAR not in before
    edited = dotenv.set_var(raw, VAR, KEY)
    assert dotenv.parse(edited) == {**before, VAR: KEY}
    assert dotenv.set_var(edited, VAR, KEY) == edited
    assert dotenv.unset_var(edited, VAR) == raw
    first_end = re.search(rb"\r\n|\r|\n", raw)
    line, eol = f"{VAR}={KEY}".encode(), first_end.group() if first_end else b"\n"
    start = len(BOM) if raw.startswith(BOM) else 0
    assert edited in (raw + line + eol, raw + eol + line, raw[:start] + line + eol + raw[start:])


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"A=1\r\n", f"A=1\r\n{VAR}={KEY}\r\n"),
        (b"A=1\r\nB=2", f"A=1\r\nB=2\r\n{VAR}={KEY}"),
        (BOM + b"A=1\n", f"\ufeffA=1\n{VAR}={KEY}\n"),
        (BOM, f"\ufeff{VAR}={KEY}\n"),
        (b"", f"{VAR}={KEY}\n"),
        (b"FOO:", f"{VAR}={KEY}\nFOO:"),  # at the end FOO would take our line as its value
    ],
    ids=["crlf", "crlf-no-last-newline", "bom", "bom-only", "empty", "colon-at-the-end"],
)
def test_our_line_follows_the_files_own_line_ends_and_goes_where_it_reads_back(raw, expected):
    assert dotenv.set_var(raw, VAR, KEY) == expected.encode()


def test_an_existing_assignment_is_changed_in_place_keeping_its_export_and_comment():
    raw = b"A=1\r\nexport  AISA_API_KEY = 'sk-old' # from the dashboard\r\nB=2\r\n"
    edited = dotenv.set_var(raw, VAR, KEY)
    assert edited == f"A=1\r\nexport  {VAR}={KEY} # from the dashboard\r\nB=2\r\n".encode()
    assert dotenv.unset_var(edited, VAR) == b"A=1\r\nB=2\r\n"


def test_the_same_key_again_leaves_a_quoted_assignment_as_the_user_wrote_it():
    raw = f'{VAR}="{KEY}"\n'.encode()
    assert dotenv.set_var(raw, VAR, KEY) == raw


def test_only_the_last_assignment_counts_and_a_purge_takes_every_one():
    raw = f"{VAR}=first\nA=1\n{VAR}=second\n".encode()
    assert dotenv.set_var(raw, VAR, KEY) == f"{VAR}=first\nA=1\n{VAR}={KEY}\n".encode()
    assert dotenv.unset_var(raw, VAR) == b"A=1\n"


def test_a_line_inside_another_variables_value_is_not_ours():
    raw = b'CERT="x\nAISA_API_KEY=not-ours\n"\n'
    assert dotenv.parse(raw) == {"CERT": "x\nAISA_API_KEY=not-ours\n"}
    assert dotenv.unset_var(raw, VAR) == raw
    assert dotenv.set_var(raw, VAR, KEY) == raw + f"{VAR}={KEY}\n".encode()


def test_an_edit_that_would_change_how_other_lines_read_is_refused_naming_the_variable_not_its_value():
    raw = f"x\n{VAR}={KEY}\n=y\n".encode()  # without our line, `x` would take `=y` as its value
    with pytest.raises(ConfigError, match=f"cannot take {VAR} out of /s/.env without changing how OpenClaw reads it") as refused:
        dotenv.unset_var(raw, VAR, "/s/.env")
    assert KEY not in str(refused.value)


# --- .env as bytes: properties on random files --------------------------------------------------------

PIECES = [
    b"A", b"B_2", b"c.d-e", VAR.encode(), b"export ", b"=", b":", b" ", b"\t", b"\x0c", b"\x0b", b"\r\n", b"\n", b"\r",
    b"#", b"'", b'"', b"`", b"\\", b"\\n", b"x", b"\xe9", b"\xff", BOM, LS, NBSP, b"\xe2\x82", b"\xc0\x80", b"=v\n",
    f"{VAR}=old\n".encode(),
]  # fmt: skip
scraps = st.lists(st.sampled_from(PIECES) | st.binary(max_size=3), max_size=30).map(b"".join)
names = st.sampled_from(["A", "B_2", "PATH", "export", "c.d"])
values = st.sampled_from(["1", "two words", "caf\xe9", "x\fy", "p\u2028q", "#", ""]) | st.text(max_size=6)
quoted = st.builds(lambda q, v: f"{q}{v}{q}", st.sampled_from("'\"`"), st.sampled_from(["a\nAISA_API_KEY=inner\nb", "a#b", "", "x"]))
lines = st.builds(
    lambda export, name, sep, value, comment: f"{export}{name}{sep}{value}{comment}",
    st.sampled_from(["", "export ", "  "]),
    names,
    st.sampled_from(["=", " = ", ": "]),
    values | quoted,
    st.sampled_from(["", " # note", "#x"]),
) | st.sampled_from(["# comment", "", "   ", "#AISA_API_KEY=commented"])


@st.composite
def files(draw) -> bytes:
    """A .env as a person or a program writes it: lines, one line end style, maybe a BOM, maybe no last newline."""
    eol = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = eol.join(draw(st.lists(lines, max_size=8)))
    text += draw(st.sampled_from([eol, ""]))
    encoding = draw(st.sampled_from(["utf-8", "latin-1"]))
    raw = text.encode(encoding, "replace")
    return (BOM if draw(st.booleans()) else b"") + raw


env_files = files() | scraps


@EXAMPLES
@given(env_files, st.sampled_from([KEY, OTHER_KEY, "k"]))
def test_property_set_then_remove_gives_back_the_original_bytes(raw, value):
    before = dotenv.parse(raw)
    assume(VAR not in before)
    edited = dotenv.set_var(raw, VAR, value)
    assert dotenv.parse(edited) == {**before, VAR: value}
    assert dotenv.unset_var(edited, VAR) == raw


@EXAMPLES
@given(env_files, st.sampled_from([KEY, OTHER_KEY]))
def test_property_setting_twice_is_setting_once_and_every_other_variable_reads_the_same(raw, value):
    edited = dotenv.set_var(raw, VAR, value)
    assert dotenv.set_var(edited, VAR, value) == edited
    assert dotenv.parse(edited) == {**dotenv.parse(raw), VAR: value}


@EXAMPLES
@given(env_files)
def test_property_a_purge_after_a_set_is_the_purge_alone(raw):
    """Our set changes only our assignment: taking it out afterwards leaves what taking it out now leaves."""
    try:
        purged = dotenv.unset_var(raw, VAR)
    except ConfigError:
        assume(False)
    assert VAR not in dotenv.parse(purged)
    assert {k: v for k, v in dotenv.parse(raw).items() if k != VAR} == dotenv.parse(purged)
    assert dotenv.unset_var(dotenv.set_var(raw, VAR, KEY), VAR) == purged


# --- the real dotenv is the judge of the parse ---------------------------------------------------------

ORACLE = """
const dotenv = require(process.argv[2]);
let input = "";
process.stdin.on("data", (c) => (input += c));
process.stdin.on("end", () => {
  const out = JSON.parse(input).map((b) => Object.entries(dotenv.parse(Buffer.from(b, "base64"))));
  process.stdout.write(JSON.stringify(out));
});
"""


@pytest.mark.openclaw
def test_our_parse_is_the_parse_of_the_dotenv_package_each_openclaw_ships(openclaw, tmp_path):
    import random

    rng = random.Random(2026)
    samples = [b"".join(rng.choice(PIECES) for _ in range(rng.randint(0, 30))) for _ in range(3000)]
    samples += [dotenv.set_var(s, VAR, KEY) for s in samples[:500]]
    script = tmp_path / "oracle.js"
    script.write_text(ORACLE)
    package = openclaw.entry.parent.parent / "dotenv"
    done = subprocess.run(
        [str(openclaw.node), str(script), str(package)],
        input=json.dumps([base64.b64encode(s).decode() for s in samples]),
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    theirs = [dict(pairs) for pairs in json.loads(done.stdout)]
    differ = [s for s, t in zip(samples, theirs, strict=True) if dotenv.parse(s) != t]
    assert differ == [], f"{len(differ)} of {len(samples)} differ, e.g. {differ[:3]}"


# --- .env through the commands: backup, symlink, not a file --------------------------------------------

HOSTILE_DOTENV = BOM + b'# written by another tool\r\nNAME=caf\xe9\r\nCERT="a\r\nAISA_API_KEY=not-ours\r\nb"\r\nexport X=1'


def test_onboarding_adds_our_line_keeps_a_0600_backup_and_a_purge_gives_back_the_users_bytes(run, state_dir):
    state_dir.mkdir(mode=0o700)
    dotenv_path = state_dir / ".env"
    dotenv_path.write_bytes(HOSTILE_DOTENV)
    assert run(*ONBOARD).code == 0
    assert dotenv_path.read_bytes() == HOSTILE_DOTENV + f"\r\n{VAR}={KEY}".encode()
    assert (state_dir / ".env.bak").read_bytes() == HOSTILE_DOTENV and mode(state_dir / ".env.bak") == 0o600
    assert run(*PURGE).code == 0
    assert dotenv_path.read_bytes() == HOSTILE_DOTENV
    assert KEY.encode() not in b"".join(p.read_bytes() for p in state_dir.glob(".env*")), "a purge keeps no copy of the key"


def test_a_new_key_keeps_the_old_one_in_the_rotating_backups(run, state_dir):
    assert run(*ONBOARD).code == 0
    assert run("onboard", "--aisa-api-key", OTHER_KEY, "--non-interactive", "--no-plugin").code == 0
    assert (state_dir / ".env").read_text() == f"{VAR}={OTHER_KEY}\n"
    assert (state_dir / ".env.bak").read_text() == f"{VAR}={KEY}\n"


def test_a_symlinked_dotenv_keeps_its_link_and_its_target_is_edited(run, home, state_dir):
    dotfiles = home / "dotfiles"
    dotfiles.mkdir()
    (dotfiles / "openclaw.env").write_bytes(b"A=1\n")
    state_dir.mkdir(mode=0o700)
    (state_dir / ".env").symlink_to(dotfiles / "openclaw.env")
    assert run(*ONBOARD).code == 0
    assert os.readlink(state_dir / ".env") == str(dotfiles / "openclaw.env")
    assert (dotfiles / "openclaw.env").read_bytes() == f"A=1\n{VAR}={KEY}\n".encode()
    assert (dotfiles / "openclaw.env.bak").read_bytes() == b"A=1\n"
    assert not (state_dir / ".env.bak").exists()


def test_a_dangling_dotenv_symlink_is_one_error_and_nothing_is_written(run, home, state_dir, config_path):
    from .test_hostile import files, one_error_line

    write_json(config_path, {"gateway": {"port": 18789}})
    (state_dir / ".env").symlink_to(home / "dotfiles" / "openclaw.env")
    before = files(home)
    result = run(*ONBOARD)
    assert result.code == 2
    assert f"{state_dir / '.env'} is a symlink to {home / 'dotfiles' / 'openclaw.env'}, which does not exist" in one_error_line(result.err)
    assert files(home) == before


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_a_dotenv_that_is_a_pipe_or_a_device_is_refused_without_opening_it(run, home, state_dir, kind):
    from .test_hostile import files, one_error_line

    state_dir.mkdir(mode=0o700)
    if kind == "fifo":
        os.mkfifo(state_dir / ".env")
    else:
        (state_dir / ".env").symlink_to("/dev/zero")
    before = files(home)
    with within(10):
        result = run(*ONBOARD)
    assert result.code == 2
    assert "is not a regular file (a pipe, socket or device); move it away" in one_error_line(result.err)
    assert files(home) == before


def test_read_bytes_refuses_a_pipe_swapped_in_after_the_check_instead_of_blocking(tmp_path, monkeypatch):
    pipe, plain = tmp_path / "openclaw.json", write_json(tmp_path / "plain.json", {})
    os.mkfifo(pipe)
    real = os.stat
    monkeypatch.setattr(os, "stat", lambda p, *a, **k: real(plain) if Path(p) == pipe else real(p, *a, **k))
    with within(5), pytest.raises(ConfigError, match="is not a regular file"):
        store.read_bytes(pipe)


def test_a_failed_config_write_puts_the_dotenv_and_all_its_backups_back_byte_for_byte(run, state_dir, config_path, monkeypatch):
    write_json(config_path, {"gateway": {"port": 18789}})
    (state_dir / ".env").write_bytes(b"OTHER=1\r\n")
    for n, name in enumerate([".env.bak", ".env.bak.1", ".env.bak.2", ".env.bak.3", ".env.bak.4"]):
        (state_dir / name).write_bytes(f"GENERATION={n}\n".encode())
    before = listing(state_dir)
    full_disk_for_the_config_only(monkeypatch)
    result = run(*ONBOARD)
    assert result.code == 2 and "No space left on device" in result.err
    assert listing(state_dir) == before


# --- a refused rename changes nothing ------------------------------------------------------------------


def chain(state: Path) -> Path:
    """A config with a full set of backups, as after five writes."""
    path = write_json(state / "openclaw.json", {"n": 5})
    for i, name in enumerate(["openclaw.json.bak", *(f"openclaw.json.bak.{n}" for n in range(1, 5))]):
        write_json(state / name, {"n": 4 - i})
    return path


def refuse_rename_onto(monkeypatch, target: Path, code: int) -> list[str]:
    """os.replace refuses to put one of our temp files at `target` (as rename(2) onto a bind-mounted or immutable file)."""
    real, tried = os.replace, []

    def replace(src, dst, *args, **kwargs):
        if Path(dst) == target and str(src).endswith(".tmp"):
            tried.append(str(src))
            raise OSError(code, os.strerror(code))
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)
    return tried


@pytest.mark.parametrize(
    ("code", "says"),
    [
        (errno.EBUSY, "is busy or a mount point (a bind-mounted file cannot be replaced by rename); mount the directory that holds it"),
        (errno.EPERM, "`chattr -i` clears it"),
        (errno.EXDEV, "check the file and its directory"),
    ],
    ids=["ebusy", "eperm-immutable", "other"],
)
def test_a_refused_rename_five_times_over_leaves_the_file_every_backup_and_no_temp(tmp_path, monkeypatch, code, says):
    path = chain(tmp_path)
    before = listing(tmp_path)
    tried = refuse_rename_onto(monkeypatch, path, code)
    for n in range(5):
        with pytest.raises(ConfigError) as refused:
            store.write_config(store.read_config(path), {"n": 6, "apiKey": KEY}, {})
        message = str(refused.value)
        assert says in message and message.endswith("(nothing was changed)") and KEY not in message
        assert listing(tmp_path) == before, f"attempt {n + 1}"
    assert len(tried) == 5


def test_a_backup_that_cannot_be_kept_undoes_the_write_too(tmp_path, monkeypatch):
    path = chain(tmp_path)
    before = listing(tmp_path)
    refuse_rename_onto(monkeypatch, tmp_path / "openclaw.json.bak", errno.EPERM)
    with pytest.raises(ConfigError, match=r"cannot keep the backup .*openclaw.json.bak: .*\(nothing was changed\)"):
        store.write_config(store.read_config(path), {"n": 6}, {})
    assert listing(tmp_path) == before


def test_backups_rotate_only_after_the_new_content_is_in_place(tmp_path, monkeypatch):
    path = chain(tmp_path)
    real, order = os.replace, []
    monkeypatch.setattr(os, "replace", lambda src, dst: (order.append(Path(dst).name), real(src, dst))[1])
    store.write_config(store.read_config(path), {"n": 6}, {})
    assert order == ["openclaw.json", *(f"openclaw.json.bak.{n}" for n in (4, 3, 2, 1)), "openclaw.json.bak"]
    assert [read_json(tmp_path / n)["n"] for n in ["openclaw.json", "openclaw.json.bak", "openclaw.json.bak.4"]] == [6, 5, 1]


# --- a writer that takes no lock (OpenClaw 3.31) is noticed up to the rename --------------------------


def test_a_write_by_another_program_after_staging_is_a_conflict_and_nothing_of_ours_stays(tmp_path, monkeypatch):
    path = chain(tmp_path)
    snapshot = store.read_config(path)
    real = store._stage

    def stage_then_they_write(target: Path, data: bytes, sync: bool = True) -> Path:
        staged = real(target, data, sync)
        if sync and target == path:
            write_json(path, {"n": 5, "theirs": True})  # `openclaw config set`, between our fsync and our rename
        return staged

    monkeypatch.setattr(store, "_stage", stage_then_they_write)
    with pytest.raises(ConflictError, match="changed while openclaw-aisa was working"):
        store.write_config(snapshot, {"n": 6}, {})
    assert read_json(path) == {"n": 5, "theirs": True}
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith((".tmp", ".lock"))] == []
    assert read_json(tmp_path / "openclaw.json.bak") == {"n": 4}


def test_onboarding_merges_again_over_a_change_made_between_its_staging_and_its_rename(run, config_path, monkeypatch):
    write_json(config_path, {"gateway": {"port": 1}})
    real, raced = store._stage, []

    def stage_then_they_write(target: Path, data: bytes, sync: bool = True) -> Path:
        staged = real(target, data, sync)
        if sync and target == config_path and not raced:
            raced.append(True)
            write_json(config_path, {"gateway": {"port": 1}, "theirs": True})
        return staged

    monkeypatch.setattr(store, "_stage", stage_then_they_write)
    assert run(*ONBOARD).code == 0
    config = read_json(config_path)
    assert config["theirs"] is True and "aisa" in config["models"]["providers"]


# --- locks that are not lock files ----------------------------------------------------------------------


def make_lock(kind: str, lock: Path) -> None:
    if kind == "dangling-symlink":
        lock.symlink_to(lock.parent / "nowhere")
    elif kind == "symlink-to-a-file":
        (lock.parent / "elsewhere").write_text('{"pid": 1}')
        lock.symlink_to(lock.parent / "elsewhere")
    elif kind == "fifo":
        os.mkfifo(lock)
    else:
        lock.mkdir()


@pytest.mark.parametrize("kind", ["dangling-symlink", "symlink-to-a-file", "fifo", "directory"])
def test_a_lock_that_is_not_a_lock_file_is_one_clear_error_at_once(tmp_path, kind):
    path = write_json(tmp_path / "openclaw.json", {"a": 1})
    lock = tmp_path / "openclaw.json.lock"
    make_lock(kind, lock)
    before = listing(tmp_path)
    started = time.monotonic()
    with within(5), pytest.raises(ConfigError) as refused:
        store.write_config(store.read_config(path), {"a": 2}, {})
    assert time.monotonic() - started < 1
    assert str(refused.value).startswith(f"{lock} is a") and "not a lock file; remove it" in str(refused.value)
    assert listing(tmp_path) == before


def test_a_dangling_lock_symlink_through_the_cli_is_one_line_exit_2(run, home, config_path):
    from .test_hostile import files, one_error_line

    write_json(config_path, {"gateway": {"port": 1}})
    make_lock("dangling-symlink", config_path.with_name("openclaw.json.lock"))
    before = files(home)
    result = run(*ONBOARD)
    assert result.code == 2
    assert "openclaw.json.lock is a symlink, not a lock file; remove it" in one_error_line(result.err)
    assert files(home) == before


# --- directories we did not create, hints that fit -----------------------------------------------------


@pytest.mark.parametrize("bits", [0o1777, 0o2775], ids=oct)
def test_onboarding_into_a_shared_state_dir_leaves_its_mode_alone(run, state_dir, bits):
    state_dir.mkdir()
    os.chmod(state_dir, bits)
    assert run(*ONBOARD).code == 0
    assert os.stat(state_dir).st_mode & 0o7777 == bits
    assert mode(state_dir / ".env") == 0o600 and mode(state_dir / "openclaw.json") == 0o600


def test_onboarding_creates_a_missing_state_dir_0700(run, state_dir):
    assert run(*ONBOARD).code == 0
    assert mode(state_dir) == 0o700


@pytest.mark.parametrize("backup", [True, False], ids=["with-bak", "without-bak"])
@pytest.mark.parametrize(
    ("raw", "says"),
    [(b'{"a": ', "is not valid JSON5"), (b'{"a": "caf\xe9"}', "is not UTF-8 text"), (b'{"a": ' * 70 + b"1" + b"}" * 70, "nests more than")],
    ids=["json5", "utf-8", "deep"],
)
def test_restore_is_suggested_only_when_the_backup_exists(tmp_path, raw, says, backup):
    path = tmp_path / "openclaw.json"
    path.write_bytes(raw)
    if backup:
        write_json(tmp_path / "openclaw.json.bak", {})
    with pytest.raises(ConfigError, match=says) as refused:
        store.read_config(path)
    assert ("restore openclaw.json.bak" in str(refused.value)) == backup
    assert backup or ".bak" not in str(refused.value)


def test_a_broken_include_names_no_backup_that_does_not_exist(tmp_path):
    path = write_json(tmp_path / "openclaw.json", {"$include": "agents.json5"})
    (tmp_path / "agents.json5").write_text("{agents: ")
    with pytest.raises(ConfigError, match="agents.json5 is not valid JSON5") as refused:
        store.read_checked(path)
    assert ".bak" not in str(refused.value) and "restore" not in str(refused.value)


# --- the real OpenClaw reads the key from the .env we edited ------------------------------------------


@pytest.mark.openclaw
def test_openclaw_reads_our_key_from_a_dotenv_full_of_other_programs_bytes(openclaw, our_cli, home, fake_aisa):
    from .test_wire import one_turn

    state = home / ".openclaw"
    state.mkdir(mode=0o700)
    (state / ".env").write_bytes(HOSTILE_DOTENV)
    args = ("onboard", "--non-interactive", "--no-plugin", "--aisa-api-key", KEY, "--base-url", fake_aisa.base_url)
    done = our_cli(*args, "--openclaw-version", openclaw.version)
    assert done.returncode == 0, done.stderr
    assert (state / ".env").read_bytes() == HOSTILE_DOTENV + f"\r\n{VAR}={KEY}".encode()
    one_turn(openclaw, our_cli, home, "qwen3-max")
    assert [r.headers["authorization"] for r in fake_aisa.chat_requests()] == [f"Bearer {KEY}"]
