"""OpenClaw's `.env` as bytes: read the way OpenClaw reads it, and edit only our own assignment.

OpenClaw (2026.3.31, 5.28 and 9.6 alike) decodes the file as UTF-8 and hands it to the `dotenv` npm
package (17.x): one regular expression run over the whole text once CRLF and CR are LF. So a quoted
value ('...', "...", `...`) may span lines, and a line inside it that looks like `KEY=x` is part of that
value; `#` starts a comment outside quotes; `export ` is ignored; the last assignment wins. `parse` runs
that expression over the file, with JavaScript's `\\s`, `^`, `$` and `.` spelt out for Python, undecodable
bytes kept as they are (each a lone surrogate) and CR folded with a map back to the file's own offsets.

`set_var` and `unset_var` change only the assignment that expression finds for our variable, and keep
an edit only when parsing its result gives our value and every other variable as it was: every other
byte of the file (a BOM, CRLF, latin-1, form feeds, U+2028, comments, a missing last newline) stays.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import field

from .errors import ConfigError, UsageError
from .types import record

# JavaScript's `\s` (WhiteSpace and LineTerminator): Python's would add \x1c-\x1f and \x85 and miss U+FEFF.
_SPACES = "\t\n\v\f\r \xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u2028\u2029\u202f\u205f\u3000\ufeff"
_BREAKS = "\n\r\u2028\u2029"  # where JavaScript's `^` and `$` match under the m flag


@functools.cache
def _patterns(ascii_only: bool) -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """dotenv 17's LINE (the `export`-and-key, the key, the separator and the value as groups), its quote
    stripper, and a value that reads back as itself. Compiled on first use, and for a file of plain ASCII
    (nearly every .env) without the non-ASCII spaces: 0.4 ms instead of 6 (ranges make the full set 2)."""
    spaces = "\t-\r " if ascii_only else "\t-\r \xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
    breaks = "\n\r" if ascii_only else _BREAKS
    s, bol, eol = f"[{spaces}]", f"(?<![^{breaks}])", f"(?![^{breaks}])"
    line = re.compile(
        rf"{bol}{s}*(?:export{s}+)?(?P<key>[A-Za-z0-9_.-]+)(?P<sep>{s}*={s}*?|:{s}+?)"
        rf"(?P<value>{s}*'(?:\\'|[^'])*'|{s}*\"(?:\\\"|[^\"])*\"|{s}*`(?:\\`|[^`])*`|[^#\r\n]+)?"
        rf"{s}*(?:#[^{breaks}]*)?{eol}"
    )
    quoted = re.compile(rf"{bol}(['\"`])([\s\S]*)\1{eol}")  # dotenv strips quotes with the m and g flags
    plain = re.compile(rf"[^{spaces}\x00-\x1f\x7f#'\"`\\]+")
    return line, quoted, plain


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NEWLINE = re.compile("\r\n|\r|\n")
_LINE_END = re.compile("[\n\u2028\u2029]")


@record
class Assignment:
    """One `KEY=value` as dotenv finds it; offsets are into the text with CR folded (`_Text.plain`)."""

    key: str
    value: str = field(repr=False)  # may be a secret
    line: int  # where the key's line starts (a BOM at the start of the file is not part of it)
    key_at: int  # the key itself, after any `export `
    value_end: int  # just past the value (past the separator when there is none), trailing spaces left out
    end: int  # just past what dotenv's expression took: a trailing comment, sometimes whitespace beyond the line


class _Text:
    """A file's bytes as dotenv sees them (`plain`), and the way back to the bytes."""

    def __init__(self, raw: bytes) -> None:
        self.text = raw.decode("utf-8", "surrogateescape")  # encodes back byte for byte
        parts: list[str] = []
        self.folds: list[int] = []  # where in `plain` each CRLF became one LF
        last = 0
        for m in _NEWLINE.finditer(self.text):
            if m.group() != "\n":
                parts += [self.text[last : m.start()], "\n"]
                if m.group() == "\r\n":
                    self.folds.append(m.start() - len(self.folds))
                last = m.end()
        self.plain = "".join([*parts, self.text[last:]])
        self.start = 1 if self.plain.startswith("\ufeff") else 0

    def at(self, i: int) -> int:
        """The offset in `text` of offset `i` in `plain`."""
        return i + bisect.bisect_left(self.folds, i)

    def assignments(self) -> list[Assignment]:
        return [self._assignment(m) for m in _patterns(self.plain.isascii())[0].finditer(self.plain)]

    def _assignment(self, m: re.Match[str]) -> Assignment:
        raw_value = m.group("value") or ""
        value = raw_value.strip(_SPACES)
        if value:
            value_end = m.start("value") + len(raw_value.rstrip(_SPACES))
        else:
            value_end = m.start("sep") + len(m.group("sep").rstrip(_SPACES))
        line = max(self.plain.rfind(c, 0, m.start("key")) for c in _BREAKS) + 1
        return Assignment(m.group("key"), _unquote(value), max(line, self.start), m.start("key"), value_end, m.end())

    def edited(self, cuts: list[tuple[int, int, str]]) -> bytes:
        """The file with each (start, end) of `plain` replaced by its text; every other byte as it was."""
        out, last = [], 0
        for start, end, new in sorted(cuts):
            out += [self.text[last : self.at(start)], new]
            last = self.at(end)
        out.append(self.text[last:])
        return "".join(out).encode("utf-8", "surrogateescape")

    @property
    def newline(self) -> str:
        """The file's own line end (its first one): our line uses CRLF in a CRLF file."""
        m = _NEWLINE.search(self.text)
        return m.group() if m else "\n"


def _unquote(value: str) -> str:
    quote = value[:1]
    value = _patterns(value.isascii())[1].sub(r"\2", value)
    if quote == '"':
        value = value.replace("\\n", "\n").replace("\\r", "\r")
    return value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")  # as Node decodes the file


def parse(raw: bytes) -> dict[str, str]:
    """The variables dotenv reads from these bytes (as `dotenv.parse` in OpenClaw does): the last assignment wins."""
    return {a.key: a.value for a in _Text(raw).assignments()}


def set_var(raw: bytes, var: str, value: str, where: str = ".env") -> bytes:
    """`raw` with `var` set to `value`: the last assignment of it changed in place (its `export` and comment
    kept), else a line added at the end (at the start if the end would not read back); nothing else changes."""
    _check_name(var)
    if not _patterns(False)[2].fullmatch(value):  # a value written without quotes reads back as itself
        raise UsageError(f"the value for {var} contains a space, quote, '#', backslash or control character; it cannot go in {where}")
    text = _Text(raw)
    found = text.assignments()
    before = {a.key: a.value for a in found}
    if before.get(var) == value:
        return raw
    ours = [a for a in found if a.key == var]
    line = f"{var}={value}"
    candidates = []
    if ours:
        candidates.append(text.edited([(ours[-1].key_at, ours[-1].value_end, line)]))
    rest = _Text(_without(text, ours)) if ours else text
    body = rest.plain[rest.start :]
    if not body or body.endswith("\n"):
        candidates.append(rest.edited([(len(rest.plain), len(rest.plain), line + rest.newline)]))
    else:
        candidates.append(rest.edited([(len(rest.plain), len(rest.plain), rest.newline + line)]))
    candidates.append(rest.edited([(rest.start, rest.start, line + rest.newline)]))
    return _first_that_reads(candidates, {**before, var: value}, f"cannot add {var} to {where} without changing how OpenClaw reads it")


def unset_var(raw: bytes, var: str, where: str = ".env") -> bytes:
    """`raw` without any assignment of `var` (each one's line goes, with its line end); nothing else changes."""
    _check_name(var)
    text = _Text(raw)
    found = text.assignments()
    ours = [a for a in found if a.key == var]
    if not ours:
        return raw
    after = {a.key: a.value for a in found if a.key != var}
    return _first_that_reads([_without(text, ours)], after, f"cannot take {var} out of {where} without changing how OpenClaw reads it")


def _without(text: _Text, ours: list[Assignment]) -> bytes:
    """The file without these assignments: each one's line and its line end (the one before it at the very end)."""
    cuts = []
    for a in ours:
        m = _LINE_END.search(text.plain, a.value_end)
        stop = min(m.start() if m else len(text.plain), a.end)
        if stop < len(text.plain):
            cuts.append((a.line, stop + 1, ""))
        elif a.line > text.start and text.plain[a.line - 1] in _BREAKS:
            cuts.append((a.line - 1, stop, ""))
        else:
            cuts.append((a.line, stop, ""))
    return text.edited(cuts)


def _first_that_reads(candidates: list[bytes], expected: dict[str, str], refusal: str) -> bytes:
    for candidate in candidates:
        if parse(candidate) == expected:
            return candidate
    raise ConfigError(f"{refusal}; make the change by hand")


def _check_name(var: str) -> None:
    if not _NAME.fullmatch(var):
        raise UsageError(f"{var!r} is not an environment variable name")
