"""Where output goes, and the one place a result becomes `--json`. Every text leaves through the redactor."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Protocol, TextIO, TypeVar

from ..redact import redact


class Result(Protocol):
    @property
    def exit_code(self) -> int: ...

    def document(self) -> dict[str, Any]: ...


R = TypeVar("R", bound=Result)


class Redacting:
    """A text stream whose every write is redacted first: what a command prints, streams or echoes
    (a vendor's error, a model's answer, a diff) cannot carry a secret the process has seen."""

    def __init__(self, stream: TextIO):
        self.stream = stream

    def write(self, text: str) -> int:
        return self.stream.write(redact(text))

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return hasattr(self.stream, "isatty") and self.stream.isatty()


class Console:
    """Where output goes; `interactive` is true only with a terminal on stdin and no --non-interactive."""

    def __init__(self, out: TextIO, err: TextIO, stdin: TextIO, interactive: bool):
        self.out: TextIO = Redacting(out)  # type: ignore[assignment]
        self.err: TextIO = Redacting(err)  # type: ignore[assignment]
        self.stdin, self.interactive = stdin, interactive

    def say(self, text: str = "") -> None:
        print(text, file=self.out)

    def warn(self, text: str) -> None:
        print(f"warning: {text}", file=self.err)

    def step(self, text: str) -> None:
        """A progress line, on stderr: flushed at once, since what follows may take seconds."""
        print(f"… {text}", file=self.err, flush=True)

    @property
    def terminal(self) -> bool:
        return self.err.isatty()

    def ask(self, question: str) -> str:
        print(question, end=" ", file=self.err, flush=True)
        return self.stdin.readline().strip()

    def read(self, what: str, *, line: bool = False) -> str:
        """Text from stdin (one line, or all of it); bytes that are not text are one clear error."""
        from ..errors import UsageError

        try:
            text = self.stdin.readline() if line else self.stdin.read()
            text.encode("utf-8")  # a stdin decoded with surrogateescape (a C or UTF-8 mode locale) passes bytes through
        except (UnicodeDecodeError, UnicodeEncodeError):
            raise UsageError(f"{what} on stdin is not UTF-8 text; convert it (iconv -t UTF-8) and try again") from None
        return text

    def confirm(self, question: str) -> bool:
        return self.ask(f"{question} [y/N]").lower() in ("y", "yes")

    def secret(self, prompt: str) -> str:
        import getpass

        from ..redact import learn

        value = getpass.getpass(f"{prompt}: ", stream=self.err)
        learn(value)
        return value

    def emit(self, result: R, as_json: bool, text: Callable[[R, Console], None]) -> int:
        """The result as JSON (its `document()`), or as the command's text; the exit code is the result's."""
        if as_json:
            self.say(json.dumps(result.document(), indent=2))
        else:
            text(result, self)
        return result.exit_code
