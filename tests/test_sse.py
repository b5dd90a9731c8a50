"""The SSE decoder gives the same events however the network splits the bytes."""

from __future__ import annotations

import json

import pytest

from openclaw_aisa import gateway
from openclaw_aisa.sse import Decoder, Event, chunks


def data(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def chunk(delta: dict | None = None, finish: str | None = None, **extra) -> dict:
    choices = [] if delta is None else [{"index": 0, "delta": delta, "finish_reason": finish}]
    return {"id": "chatcmpl-1", "object": "chat.completion.chunk", "model": "kimi-k2.5", "choices": choices, **extra}


ROLE = chunk({"role": "assistant", "content": ""})
THINK = [chunk({"reasoning_content": "先想一想"}), chunk({"reasoning_content": " then 🙂 answer"})]
SAY = [chunk({"content": "Héllo"}), chunk({"content": " wörld"})]
STOP = chunk({}, "stop")
USAGE = chunk(None, usage={"prompt_tokens": 12, "completion_tokens": 8, "total_tokens": 20})
REPLY = [ROLE, *THINK, *SAY, STOP, USAGE]

STREAM = (
    "\ufeff: keep-alive comment\n\n"
    f"data: {data(ROLE)}\n\n"
    f"data: {data(THINK[0])}\r\n\r\n"
    f"data:{data(THINK[1])}\r\r"
    ": another comment\n"
    f"id: 7\nevent: message\ndata: {data(SAY[0])}\n\n"
    'data: {"id":"chatcmpl-1","object":"chat.completion.chunk",\n'
    'data: "model":"kimi-k2.5","choices":[{"index":0,"delta":{"content":" wörld"},"finish_reason":null}]}\r\n\n'
    "retry: 3000\nunknown-field: x\n\n"
    f"data: {data(STOP)}\n\n"
    f"data: {data(USAGE)}\r\n\r\n"
    "event: ping\ndata: {}\n\n"
    "data: [DONE]\n\n"
).encode()

EVENTS = [
    Event(data(ROLE)),
    Event(data(THINK[0])),
    Event(data(THINK[1])),
    Event(data(SAY[0]), "message", "7"),
    Event(data(SAY[1]).replace('chunk",', 'chunk",\n'), None, "7"),
    Event(data(STOP), None, "7"),
    Event(data(USAGE), None, "7"),
    Event("{}", "ping", "7"),
    Event("[DONE]", None, "7"),
]


def decode(pieces) -> list[Event]:
    decoder = Decoder()
    events = [e for piece in pieces for e in decoder.feed(piece)]
    return events + decoder.close()


def test_the_whole_stream_decodes_to_the_expected_events():
    assert decode([STREAM]) == EVENTS


def test_multi_line_data_is_joined_with_newlines_and_is_still_json():
    assert json.loads(EVENTS[4].data) == SAY[1]


def test_feeding_one_byte_at_a_time_gives_the_same_events():
    assert decode(STREAM[i : i + 1] for i in range(len(STREAM))) == EVENTS


def test_feeding_one_event_per_read_gives_the_same_events():
    pieces = [piece + b"\n\n" for piece in STREAM.split(b"\n\n")[:-1]]
    assert b"".join(pieces) == STREAM and len(pieces) == 8
    assert decode(pieces) == EVENTS


def test_splitting_at_every_byte_boundary_gives_the_same_events():
    for cut in range(len(STREAM) + 1):
        assert decode([STREAM[:cut], STREAM[cut:]]) == EVENTS, f"split at byte {cut}"


def test_splitting_into_three_at_many_boundaries_gives_the_same_events():
    for first in range(0, len(STREAM), 7):
        for second in range(first, len(STREAM), 13):
            assert decode([STREAM[:first], STREAM[first:second], STREAM[second:]]) == EVENTS


def test_a_utf8_character_split_across_reads_is_decoded_whole():
    raw = "data: 先🙂\n\n".encode()
    for cut in range(len(raw) + 1):
        assert decode([raw[:cut], raw[cut:]]) == [Event("先🙂")]


def test_cr_at_the_end_of_one_read_and_lf_at_the_start_of_the_next_is_one_line_end():
    assert decode([b"data: a\r", b"\n\r", b"\ndata: b\r", b"\r"]) == [Event("a"), Event("b")]
    assert decode([b"data: a\r", b"", b"\n\r\n"]) == [Event("a")]


def test_fields_follow_the_spec():
    assert decode([b"data\n\n"]) == [Event("")]
    assert decode([b"data:  two spaces\n\n"]) == [Event(" two spaces")]
    assert decode([b"event: only\n\n", b"data: x\n\n"]) == [Event("x")]
    assert decode([b"retry: 10\ndata: x\n\ndata: y\n\n"]) == [Event("x", retry=10), Event("y")]
    assert decode([b"retry: soon\nid: a\0b\ndata: x\n\n"]) == [Event("x")]


def test_close_completes_a_last_event_that_lacks_its_blank_line():
    assert decode([b"data: [DONE]"]) == [Event("[DONE]")]
    assert decode([b"data: [DONE]\n"]) == [Event("[DONE]")]
    assert decode([b": only a comment"]) == []


def test_chunks_decode_json_and_stop_at_done():
    events = decode([STREAM]) + [Event(data(chunk({"content": "after done"})))]
    assert list(chunks(events)) == REPLY


def test_usage_arrives_last_in_a_chunk_with_no_choices():
    last = list(chunks(decode([STREAM])))[-1]
    assert last["choices"] == [] and last["usage"]["total_tokens"] == 20


def test_an_error_object_inside_the_stream_raises_upstream_error_with_the_vendor_message():
    error = {"error": {"message": "upstream error", "type": "upstream_error", "code": "bad_response"}}
    stream = decode([f"data: {data(SAY[0])}\n\ndata: {data(error)}\n\n".encode()])
    got = []
    with pytest.raises(gateway.UpstreamError) as raised:
        for c in chunks(stream, "kimi-k2.5"):
            got.append(c)
    assert got == [SAY[0]] and raised.value.vendor_message == "upstream error" and raised.value.code == "bad_response"


def test_an_error_event_with_plain_text_raises_upstream_error():
    with pytest.raises(gateway.UpstreamError, match="overloaded"):
        list(chunks([Event("model overloaded", "error")]))


def test_a_stream_without_done_or_finish_is_broken():
    with pytest.raises(gateway.StreamBroken, match="ended before the answer was complete"):
        list(chunks([Event(data(ROLE)), Event(data(SAY[0]))]))


def test_a_stream_that_finished_but_lacks_done_is_accepted():
    assert list(chunks([Event(data(SAY[0])), Event(data(STOP)), Event(data(USAGE))])) == [SAY[0], STOP, USAGE]


def test_an_event_that_is_not_json_breaks_the_stream():
    with pytest.raises(gateway.StreamBroken, match="not JSON"):
        list(chunks([Event('{"choices": [')]))
