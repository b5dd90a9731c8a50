"""Server-Sent Events, decoded incrementally from the bytes of a chat completion stream. Pure.

Network reads split events anywhere: inside a line, a UTF-8 sequence, or a CRLF. The decoder keeps
the unfinished line and works on bytes with C-level find/split; a chunk that is exactly one
`data: ...\\n\\n` event (what new-api sends) takes a fast path.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from . import gateway


class Event(NamedTuple):
    data: str
    event: str | None = None
    id: str | None = None
    retry: int | None = None


class Decoder:
    """`feed()` bytes as they arrive, get the events they complete; `close()` at the end of the stream."""

    __slots__ = ("_parts", "_data", "_event", "_id", "_retry", "_cr", "_fresh")

    def __init__(self) -> None:
        self._parts: list[bytes] = []
        self._data: list[bytes] = []
        self._event: str | None = None
        self._id: str | None = None
        self._retry: int | None = None
        self._cr = False
        self._fresh = True

    def feed(self, chunk: bytes) -> list[Event]:
        if not chunk:
            return []
        if not self._parts and not self._data and not self._cr and chunk[-2:] == b"\n\n" and chunk[:6] == b"data: ":
            end = chunk.find(b"\n")
            if end == len(chunk) - 2 and not self._fresh and self._event is None and self._retry is None and chunk.find(b"\r", 6) < 0:
                return [Event(chunk[6:end].decode("utf-8", "replace"), None, self._id)]
        if self._cr:
            self._cr = False
            if chunk[:1] == b"\n":
                chunk = chunk[1:]
        if b"\r" in chunk:
            self._cr = chunk[-1:] == b"\r"
            chunk = chunk.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        end = chunk.rfind(b"\n")
        if end < 0:
            if chunk:
                self._parts.append(chunk)
            return []
        if self._parts:
            self._parts.append(chunk)
            chunk = b"".join(self._parts)
            end += len(chunk) - len(self._parts[-1])
            self._parts = []
        if end + 1 < len(chunk):
            self._parts.append(chunk[end + 1 :])
        return self._lines(chunk[:end].split(b"\n"))

    def close(self) -> list[Event]:
        """The end of the stream completes a last line and event that lack their blank line."""
        lines = [b"".join(self._parts)] if self._parts else []
        self._parts, self._cr = [], False
        return self._lines(lines + [b""]) if lines or self._data else []

    def _lines(self, lines: list[bytes]) -> list[Event]:
        if self._fresh and lines:
            self._fresh = False
            if lines[0][:3] == b"\xef\xbb\xbf":
                lines[0] = lines[0][3:]
        events = []
        data = self._data
        for line in lines:
            if not line:
                if data:
                    events.append(Event(b"\n".join(data).decode("utf-8", "replace"), self._event, self._id, self._retry))
                    data.clear()
                self._event = self._retry = None
            elif line[:6] == b"data: ":
                data.append(line[6:])
            elif line[0] != 58:
                self._field(line)
        return events

    def _field(self, line: bytes) -> None:
        name, colon, value = line.partition(b":")
        if colon and value[:1] == b" ":
            value = value[1:]
        if name == b"data":
            self._data.append(value)
        elif name == b"event":
            self._event = value.decode("utf-8", "replace")
        elif name == b"id" and b"\0" not in value:
            self._id = value.decode("utf-8", "replace")
        elif name == b"retry" and value.isdigit():
            self._retry = int(value)


def chunks(events: Iterable[Event], model: str | None = None) -> Iterator[dict]:
    """The JSON chunks of a chat completion stream, up to `[DONE]`; an `{"error": ...}` event raises.

    A stream that ends without `[DONE]` and without any `finish_reason` was cut: StreamBroken.
    """
    finished = False
    for event in events:
        if event.event not in (None, "message", "error"):
            continue
        if event.data == "[DONE]":
            return
        try:
            chunk = json.loads(event.data)
        except ValueError:
            if event.event == "error":
                raise gateway.from_body(None, event.data, model=model) from None
            raise gateway.StreamBroken(f"AIsa sent a stream event that is not JSON: {gateway.short(event.data, 80)!r}") from None
        if event.event == "error" or (isinstance(chunk, dict) and chunk.get("error")):
            raise gateway.from_body(None, chunk, model=model)
        if not finished and isinstance(chunk, dict):
            for choice in chunk.get("choices") or ():
                if isinstance(choice, dict) and choice.get("finish_reason"):
                    finished = True
        yield chunk
    if not finished:
        raise gateway.StreamBroken("the AIsa stream ended before the answer was complete (no [DONE]); try again")
