"""The one redactor: every text the program emits passes through it, and it knows every secret in play.

Secrets enter the process in a few places (the environment, the config and `.env` files the adapters
read, a key typed or passed on a flag) and leave it in one (the console, and the files a command writes
at the user's request). Each entry point calls `learn`; the exit calls `redact`. A process-wide
registry is what lets that one check stand between them without threading the secrets through every
call. Known values are masked exactly, whatever their shape; text that merely looks like a key
(`sk-…`, `AIsa_live_…`, a long mixed-case token) is masked too, for a key pasted where no key belongs.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from .keys import mask

MIN_LENGTH = 8  # shorter values ("true", "8080") are not secrets worth masking, and masking them wrecks output
# Names whose values are secrets: in the environment, in the config (apiKey, botToken, auth.password), in headers.
# `apiKey`, `botToken`, `AISA_API_KEY`, `DB_PASSWORD`, `gateway.auth`; not `maxTokens`, `maxTokensField`, `keyboard`.
# Plain string tests, not a regular expression: this runs on every variable of the environment at
# every start, and compiling a case-blind pattern costs more than the whole scan.
_SECRET_PARTS = ("secret", "passw", "credential", "cookie", "bearer", "signature")
_SECRET_ENDS = ("key", "token", "auth", "authorization", "_pwd")  # DB_PWD, not the shell's PWD (the working directory)
_PLAIN_ENDS = frozenset("mode path file dir url host port type kind name id source provider env email user".split())
_VARIABLE_NAME = r"[A-Z][A-Z_]*"  # OPENAI_API_KEY as a value names a variable; no key is all capitals without digits
_LOOKS_LIKE_KEY = (
    # a vendor-prefixed key with a digit in it (`aisa_saves_percent` is a name): sk-…, AIsa_live_…, ghp_…, xoxb-…
    r"\b(?i:sk|ak|pk|rk|key|aisa|ghp|gho|ghs|github_pat|glpat|xox[abpr]|hf)[-_](?=[A-Za-z_\-]*[0-9])[A-Za-z0-9_\-]{12,}"
    r"|\bAKIA[A-Z0-9]{16}\b"
    # a JWT
    r"|\beyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}(?:\.[A-Za-z0-9_\-]+)?"
    # a long token mixing upper and lower case letters and digits: no model id, path or hash looks like it
    r"|\b(?!\d{14})(?=[A-Za-z0-9]*[a-z])(?=[A-Za-z0-9]*[A-Z])(?=[A-Za-z0-9]*[0-9])[A-Za-z0-9]{20,}\b"
)
# A value that is plainly no secret: a path, a URL without a password, a lower-case word, a number.
_PLAIN = r"(?:[/~.][^\s]*|[a-z][a-z0-9+.-]*://[^\s@]*|[a-z]+(?:[-_][a-z]+)*|[0-9.:]+|)"
_URL_PASSWORD = r"(?<=[/@:])([^\s/@:]+):([^\s/@]+)@"


class Redactor:
    """The secrets seen so far; `redact(text)` masks each of them, and anything shaped like a key."""

    def __init__(self) -> None:
        self._known: set[str] = set()
        self._trees: list[Any] = []  # configs read, walked only when something is printed
        self._ordered: list[str] | None = []

    def learn(self, *values: object) -> None:
        """Remember values as secrets (empty, short and non-string ones are ignored)."""
        for value in values:
            if isinstance(value, str) and len(value.strip()) >= MIN_LENGTH and not _is_reference(value):
                value = value.strip()
                if value not in self._known:
                    self._known.add(value)
                    self._ordered = None

    def learn_named(self, values: Mapping[str, object]) -> None:
        """The values whose names say they are secrets (`AISA_API_KEY`, a flag's `aisa_api_key`)."""
        self.learn(*(value for name, value in values.items() if _secret_name(name)))

    def learn_env(self, env: Mapping[str, str]) -> None:
        """The values of variables named like secrets, and the passwords in proxy URLs."""
        self.learn_named(env)
        for value in env.values():
            if "://" in value and "@" in value:
                self.learn(*(m.group(2) for m in re.finditer(_URL_PASSWORD, value)))

    def learn_dotenv(self, values: Mapping[str, str], stray: Iterable[str] = ()) -> None:
        """A `.env`'s values: another program's `.env` may hold a secret under any name, so every value
        is one, except what plainly is not (a path, a URL without a password, a word, a number); `stray`
        is text after `=` on lines dotenv does not read, which a diff would still show."""
        for name, value in values.items():
            if _secret_name(name) or not re.fullmatch(_PLAIN, value.strip()):
                self.learn(value)
        self.learn(*(v for v in stray if not re.fullmatch(_PLAIN, v.strip())))

    def learn_tree(self, data: Any) -> None:
        """A config read: its secret-named values are learnt when the first text is redacted."""
        if data:
            self._trees.append(data)
            self._ordered = None

    def known(self) -> list[str]:
        """Every secret, longest first (so a key that contains another is masked whole)."""
        if self._trees:
            trees, self._trees = self._trees, []
            for tree in trees:
                self.learn(*_secret_values(tree))
        if self._ordered is None:
            escaped = {json.dumps(s, ensure_ascii=False)[1:-1] for s in self._known} | {json.dumps(s)[1:-1] for s in self._known}
            self._ordered = sorted(self._known | escaped, key=len, reverse=True)
        return self._ordered

    def redact(self, text: str) -> str:
        for secret in self.known():
            if secret in text:
                text = text.replace(secret, mask(secret))
        text = re.sub(_LOOKS_LIKE_KEY, lambda m: mask(m.group(0)), text)
        return re.sub(_URL_PASSWORD, lambda m: f"{m.group(1)}:…@", text) if "@" in text else text

    def forget(self) -> None:
        """Start again (a new command in the same process, as the tests run them)."""
        self.__init__()  # type: ignore[misc]


@functools.cache
def _name_kind(name: str) -> int:
    """1: a secret's name (`apiKey`), -1: a name that never holds one (`id`, `provider`, `KEY_PATH`), 0:
    neither. Cached: a config repeats the same few names thousands of times."""
    low = name.lower()
    last = low.rpartition("_")[2]
    if last in _PLAIN_ENDS or (last.endswith("s") and last[:-1] in _PLAIN_ENDS):
        return -1
    return 1 if low.endswith(_SECRET_ENDS) or any(part in low for part in _SECRET_PARTS) else 0


def _secret_name(name: str) -> bool:
    return _name_kind(name) == 1


def _is_reference(value: str) -> bool:
    """`${AISA_API_KEY}` or `AISA_API_KEY`: a variable's name, not a secret."""
    value = value.strip()
    return (value.startswith("${") and value.endswith("}") and " " not in value) or bool(re.fullmatch(_VARIABLE_NAME, value))


def _secret_values(tree: Any) -> list[str]:
    """Strings under secret-like names anywhere in a config (`apiKey`, `botToken`, `auth.password`, a
    header), and every value of its `env` block; never a SecretRef's `id`/`source` (a variable's name).
    Tight, as it walks every node of what may be a config of megabytes (~0.2 us a node)."""
    found: list[str] = []

    def walk(node: Any, secret: bool) -> None:
        items = node.items() if type(node) is dict else ((None, child) for child in node)
        for name, child in items:
            kind = child.__class__
            if kind is not str and kind is not dict and kind is not list:
                continue
            if name is None:
                inner = secret
            elif name == "env":
                inner = True
            else:
                named = _name_kind(name) if name.__class__ is str else -1
                inner = named == 1 or (secret and named == 0)
            if kind is str:
                if inner:
                    found.append(child)
            elif child:
                walk(child, inner)

    if isinstance(tree, (dict, list)):
        walk(tree, False)
    return found


SEEN = Redactor()


def learn(*values: object) -> None:
    SEEN.learn(*values)


def redact(text: str) -> str:
    return SEEN.redact(text)
