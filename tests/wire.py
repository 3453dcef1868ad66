"""Recording what goes over the wire, and what the simulator logs of it, for tests that must prove what was sent."""

from __future__ import annotations

import time
import xmlrpc.client
from typing import Any

import httpx
import pytest


class RecordingTransport(httpx.HTTPTransport):
    """A real HTTP transport that also notes each answered XML-RPC call.

    It is a real HTTP transport: the call still reaches the switch. Digest
    challenges (401) are left out, so every entry is one call the switch
    acted on: ``(method, the call's struct)``.
    """

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.encodings: list[str | None] = []
        """Each answered call's Content-Encoding, as it came over the wire."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        if response.status_code != 401:
            (params,), method = xmlrpc.client.loads(request.content)
            self.calls.append((method, params))
            self.encodings.append(response.headers.get("content-encoding"))
        return response

    def of(self, method: str) -> list[dict[str, Any]]:
        return [params for name, params in self.calls if name == method]



class ForwardingTransport(httpx.HTTPTransport):
    """Sends every request to ``target`` whatever host the client named.

    Lets the app be shown connected to a switch by name (for pictures that
    must not change with the simulator's port) while it talks to the
    simulator for real.
    """

    def __init__(self, target: str) -> None:
        super().__init__()
        self.target = httpx.URL(target)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.url = request.url.copy_with(scheme=self.target.scheme, host=self.target.host, port=self.target.port)
        request.headers["Host"] = self.target.netloc.decode("ascii")
        return super().handle_request(request)


def logged_line(capfd: pytest.CaptureFixture[str]) -> str:
    """The server's standard error once it holds a line: a call is logged just after its answer is sent."""
    err = ""
    deadline = time.monotonic() + 5
    while "\n" not in err and time.monotonic() < deadline:
        time.sleep(0.01)
        err += capfd.readouterr().err
    return err
