"""A loopback chat-completion stream for benchmarks/run.py: standard library only, run in its own process.

Every POST answers with `--chunks` content chunks (plus the role, finish and usage chunks and
`[DONE]`), shaped like AIsa's (new-api's) and sent as tests/fake_aisa.py sends them: one HTTP chunk,
one socket write, per SSE event, with no pause. The frames are built once at start, so the server
spends its time writing and the client's reading is what gets measured. Prints its port, then serves
until killed.
"""

from __future__ import annotations

import argparse
import json
import socket
import sys
import threading

MODEL = "qwen3-max"
WORDS = ("Hello", " from", " the", " bench", " stream", ",", " 你好", " world", ".", " A", " longer", " token", "\n")


def frames(count: int) -> list[bytes]:
    """The response body, one element per socket write: chunked-encoded SSE events, then the last chunk."""
    base = {"id": "chatcmpl-bench0123456789abcdef", "object": "chat.completion.chunk", "created": 1735689600, "model": MODEL}

    def chunk(delta: dict, finish: str | None = None) -> dict:
        return {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}

    events: list = [chunk({"role": "assistant", "content": ""})]
    events += [chunk({"content": WORDS[i % len(WORDS)]}) for i in range(count)]
    events += [
        chunk({}, "stop"),
        {**base, "choices": [], "usage": {"prompt_tokens": 12, "completion_tokens": count, "total_tokens": count + 12}},
    ]
    events.append("[DONE]")
    out = []
    for event in events:
        data = event if isinstance(event, str) else json.dumps(event, ensure_ascii=False, separators=(",", ":"))
        payload = f"data: {data}\n\n".encode()
        out.append(b"%x\r\n%s\r\n" % (len(payload), payload))
    out.append(b"0\r\n\r\n")
    return out


HEADERS = (
    b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
    b"Transfer-Encoding: chunked\r\nX-Oneapi-Request-Id: bench\r\n\r\n"
)


def serve_connection(conn: socket.socket, body: list[bytes]) -> None:
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    buffer = b""
    with conn:
        while True:
            while b"\r\n\r\n" not in buffer:
                data = conn.recv(65536)
                if not data:
                    return
                buffer += data
            head, _, buffer = buffer.partition(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            while len(buffer) < length:
                data = conn.recv(65536)
                if not data:
                    return
                buffer += data
            buffer = buffer[length:]
            try:
                conn.sendall(HEADERS)
                for frame in body:
                    conn.sendall(frame)
            except OSError:
                return


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chunks", type=int, required=True)
    args = parser.parse_args()
    body = frames(args.chunks)
    listener = socket.create_server(("127.0.0.1", 0), backlog=16)
    print(listener.getsockname()[1], flush=True)
    while True:
        conn, _ = listener.accept()
        threading.Thread(target=serve_connection, args=(conn, body), daemon=True).start()


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(0)
