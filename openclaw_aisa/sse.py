"""Server-Sent Events, decoded incrementally from the bytes of a chat completion stream. Pure.

Network reads split events anywhere: inside a line, a UTF-8 sequence, or a CRLF. The decoder keeps
the unfinished line and works on bytes with C-level find/split; a chunk that is exactly one
`data: ...\\n\\n` event (what new-api sends) takes a fast path. An event may not grow past `MAX_EVENT`
bytes: a server that never ends a line would otherwise fill the memory.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

from . import gateway

MAX_EVENT = 1 << 20  # bytes of one event; a chat chunk is about 250


class Event(NamedTuple):
    data: str
    event: str | None = None
    id: str | None = None
    retry: int | None = None


class Decoder:
    """`feed()` bytes as they arrive, get the events they complete; `close()` at the end of the stream."""

    __slots__ = ("_parts", "_data", "_event", "_id", "_retry", "_cr", "_fresh", "_pending", "_held", "_limit")

    def __init__(self, limit: int = MAX_EVENT) -> None:
        self._parts: list[bytes] = []
        self._data: list[bytes] = []
        self._event: str | None = None
        self._id: str | None = None
        self._retry: int | None = None
        self._cr = False
        self._fresh = True
        self._pending = 0  # bytes in _parts
        self._held = 0  # bytes in _data
        self._limit = limit

    def feed(self, chunk: bytes) -> list[Event]:
        if not chunk:
            return []
        if not self._parts and not self._data and not self._cr and chunk[-2:] == b"\n\n" and chunk[:6] == b"data: ":
            end = chunk.find(b"\n")
            if (
                end == len(chunk) - 2
                and end <= self._limit
                and not self._fresh
                and self._event is None
                and self._retry is None
                and chunk.find(b"\r", 6) < 0
            ):
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
                self._pending += len(chunk)
                self._check()
            return []
        if self._parts:
            self._parts.append(chunk)
            chunk = b"".join(self._parts)
            end += len(chunk) - len(self._parts[-1])
            self._parts = []
        self._pending = len(chunk) - end - 1
        if self._pending:
            self._parts.append(chunk[end + 1 :])
        return self._lines(chunk[:end].split(b"\n"))

    def close(self) -> list[Event]:
        """The end of the stream completes a last line and event that lack their blank line."""
        lines = [b"".join(self._parts)] if self._parts else []
        self._parts, self._cr, self._pending = [], False, 0
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
                    self._held = 0
                self._event = self._retry = None
            elif line[:6] == b"data: ":
                data.append(line[6:])
                self._held += len(line)
                self._check()
            elif line[0] != 58:
                self._field(line)
        return events

    def _check(self) -> None:
        if self._pending + self._held > self._limit:
            raise gateway.TooLarge("stream event", self._limit)

    def _field(self, line: bytes) -> None:
        name, colon, value = line.partition(b":")
        if colon and value[:1] == b" ":
            value = value[1:]
        if name == b"data":
            self._data.append(value)
            self._held += len(value)
            self._check()
        elif name == b"event":
            self._event = value.decode("utf-8", "replace")
        elif name == b"id" and b"\0" not in value:
            self._id = value.decode("utf-8", "replace")
        elif name == b"retry" and value.isdigit():
            self._retry = int(value)


def chunks(events: Iterable[Event], model: str | None = None) -> Iterator[dict]:
    """The JSON chunks of a chat completion stream, up to `[DONE]`; an `{"error": ...}` event raises.

    A stream that ends without `[DONE]` and without any `finish_reason` was cut: StreamBroken. A chunk
    that is not shaped as an OpenAI chat chunk (where its readers look) is an UpstreamError.
    """
    finished = False
    for event in events:
        if event.event not in (None, "message", "error"):
            continue
        if event.data == "[DONE]":
            return
        try:
            chunk = json.loads(event.data)
        except (ValueError, RecursionError):
            if event.event == "error":
                raise gateway.from_body(None, event.data, model=model) from None
            raise gateway.StreamBroken(f"AIsa sent a stream event that is not JSON: {gateway.short(event.data, 80)!r}") from None
        if event.event == "error" or (isinstance(chunk, dict) and chunk.get("error")):
            raise gateway.from_body(None, chunk, model=model)
        if why := malformed(chunk):
            raise gateway.UpstreamError(
                f"AIsa sent a stream chunk that is not an OpenAI chat chunk ({why}): {gateway.short(event.data, 80)!r}; check --base-url"
            )
        if not finished:
            finished = any(choice.get("finish_reason") for choice in chunk.get("choices") or ())
        yield chunk
    if not finished:
        raise gateway.StreamBroken("the AIsa stream ended before the answer was complete (no [DONE]); try again")


def malformed(chunk: Any) -> str | None:
    """What breaks the chunk shape that readers rely on (choices of objects whose delta texts and
    finish_reason are strings, a usage object of integer counts), or None."""
    if not isinstance(chunk, dict):
        return "not a JSON object"
    choices = chunk.get("choices")
    if not isinstance(choices, (list, type(None))):
        return "choices is not a list"
    for choice in choices or ():
        delta = choice.get("delta") if isinstance(choice, dict) else None
        if not isinstance(choice, dict) or not isinstance(delta, (dict, type(None))):
            return "a choice or its delta is not an object"
        texts = (choice.get("finish_reason"), *((delta.get("content"), delta.get("reasoning_content")) if delta else ()))
        if not all(isinstance(text, (str, type(None))) for text in texts):
            return "a text or finish_reason is not a string"
    usage = chunk.get("usage")
    if usage is not None and not (isinstance(usage, dict) and _counts(usage)):
        return "usage is not an object of token counts"
    return None


def _counts(usage: dict) -> bool:
    """Token counts (`*_tokens`) are integers, also inside `*_details` objects."""
    for name, value in usage.items():
        if name.endswith("_details") and value is not None and not (isinstance(value, dict) and _counts(value)):
            return False
        if name.endswith("_tokens") and value is not None and (not isinstance(value, int) or isinstance(value, bool)):
            return False
    return True
