"""Where output goes, and the one place a result becomes `--json`."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Protocol, TextIO, TypeVar


class Result(Protocol):
    @property
    def exit_code(self) -> int: ...

    def document(self) -> dict[str, Any]: ...


R = TypeVar("R", bound=Result)


class Console:
    """Where output goes; `interactive` is true only with a terminal on stdin and no --non-interactive."""

    def __init__(self, out: TextIO, err: TextIO, stdin: TextIO, interactive: bool):
        self.out, self.err, self.stdin, self.interactive = out, err, stdin, interactive

    def say(self, text: str = "") -> None:
        print(text, file=self.out)

    def warn(self, text: str) -> None:
        print(f"warning: {text}", file=self.err)

    def ask(self, question: str) -> str:
        print(question, end=" ", file=self.err, flush=True)
        return self.stdin.readline().strip()

    def confirm(self, question: str) -> bool:
        return self.ask(f"{question} [y/N]").lower() in ("y", "yes")

    def secret(self, prompt: str) -> str:
        import getpass

        return getpass.getpass(f"{prompt}: ", stream=self.err)

    def emit(self, result: R, as_json: bool, text: Callable[[R, Console], None]) -> int:
        """The result as JSON (its `document()`), or as the command's text; the exit code is the result's."""
        if as_json:
            self.say(json.dumps(result.document(), indent=2))
        else:
            text(result, self)
        return result.exit_code
