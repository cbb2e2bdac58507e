"""A local stand-in of an SMS provider's HTTP API, and the gateway that talks to it, for
the dispatcher's tests (the provider lies outside the product). The provider records every
send it accepts, keyed by the out-id it was given, and answers look-ups by that key, as the
real providers' send-status queries do. It can be told to refuse (temporarily or for good)
and to hang after accepting a send, which is where a dispatcher is killed."""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from kefu.core.sms import SendFailed

URL_VARIABLE = "KEFU_TEST_SMS_URL"


class Provider:
    def __init__(self) -> None:
        self.sends: list[dict[str, str]] = []
        self.lock = threading.Lock()
        self.temporary_failures = 0
        self.permanent_numbers: set[str] = set()
        self.hang_after: int | None = None
        self.release = threading.Event()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def keys(self) -> Counter[str]:
        with self.lock:
            return Counter(send["key"] for send in self.sends)

    def start(self) -> Provider:
        self.thread.start()
        os.environ[URL_VARIABLE] = self.url
        return self

    def stop(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
        os.environ.pop(URL_VARIABLE, None)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return

            def _answer(self, status: int, body: dict[str, Any]) -> None:
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length))
                with provider.lock:
                    if provider.temporary_failures > 0:
                        provider.temporary_failures -= 1
                        self._answer(200, {"code": "isv.BUSINESS_LIMIT_CONTROL"})
                        return
                    if body["number"] in provider.permanent_numbers:
                        self._answer(200, {"code": "isv.MOBILE_NUMBER_ILLEGAL"})
                        return
                    provider.sends.append(body)
                    reference = f"R{len(provider.sends)}"
                    hang = provider.hang_after is not None and len(provider.sends) >= (
                        provider.hang_after
                    )
                if hang:  # accepted, but the answer never reaches the dispatcher
                    provider.release.wait(60)
                    return
                self._answer(200, {"code": "OK", "reference": reference})

            def do_GET(self) -> None:
                query = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query)
                key = query.get("key", [""])[0]
                with provider.lock:
                    for index, send in enumerate(provider.sends):
                        if send["key"] == key:
                            self._answer(200, {"reference": f"R{index + 1}"})
                            return
                self._answer(200, {"reference": None})

        return Handler


def _post(path: str, body: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(  # noqa: S310 (the loopback stand-in)
        os.environ[URL_VARIABLE] + path,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (loopback)
        answer: dict[str, Any] = json.loads(response.read())
    return answer


class BlindGateway:
    """Sends through the stand-in but cannot look a send up afterwards."""

    name = "standin"

    def send(self, number: str, text: str, *, key: str = "") -> str:
        answer = _post("/send", {"number": number, "text": text, "key": key})
        if answer["code"] == "isv.BUSINESS_LIMIT_CONTROL":
            raise SendFailed("throttled", temporary=True)
        if answer["code"] != "OK":
            raise SendFailed(answer["code"], temporary=False)
        return str(answer["reference"])


class StandInGateway(BlindGateway):
    """Sends through the stand-in and looks sends up by their key."""

    def find(self, number: str, key: str, since: dt.datetime) -> str | None:
        url = os.environ[URL_VARIABLE] + "/find?" + urllib.parse.urlencode({"key": key})
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (loopback)
            reference = json.loads(response.read())["reference"]
        return None if reference is None else str(reference)
