"""Local stand-ins for the cloud SMS providers' HTTP APIs: a small HTTP server on the
loopback that answers what the test queues, in the provider's own format, and keeps
what each request carried. The providers' SDKs are pointed at it by the endpoint
setting, so the real SDK signs, sends and parses."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

# An answer's status that closes the connection instead of answering.
DROP = 0


@dataclass
class Seen:
    """One request as the stand-in got it."""

    action: str
    headers: dict[str, str]
    query: dict[str, str]
    body: Any


@dataclass
class StandIn:
    endpoint: str
    # Each answer: (HTTP status or DROP, JSON body); one per request, the last repeated.
    answers: list[tuple[int, Any]] = field(default_factory=list)
    seen: list[Seen] = field(default_factory=list)

    def answer(self, status: int, body: Any) -> None:
        self.answers.append((status, body))


def _handler(stand_in: StandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            headers = {name.lower(): value for name, value in self.headers.items()}
            content_type = headers.get("content-type", "")
            body: Any
            if "json" in content_type:
                body = json.loads(raw or b"{}")
            else:
                body = dict(parse_qsl(raw.decode()))
            action = headers.get("x-acs-action") or headers.get("x-tc-action") or ""
            query = dict(parse_qsl(urlsplit(self.path).query))
            stand_in.seen.append(Seen(action, headers, query, body))
            status, answer = (
                stand_in.answers.pop(0) if len(stand_in.answers) > 1 else stand_in.answers[0]
            )
            if status == DROP:  # the request arrived, and no answer ever comes back
                self.close_connection = True
                return
            data = json.dumps(answer, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler


@contextmanager
def stand_in() -> Iterator[StandIn]:
    """A stand-in listening on 127.0.0.1 (a free port) until the block ends."""
    state = StandIn(endpoint="")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    state.endpoint = f"127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def closed_endpoint() -> str:
    """An address on the loopback where nothing listens: connections are refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"127.0.0.1:{port}"
