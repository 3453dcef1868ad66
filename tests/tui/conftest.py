"""Fixtures for driving the app headless against the simulator."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from textual import _wait as textual_wait

from tests.conftest import Sim
from tests.tui.driving import make_app, route_app_through
from tests.wire import RecordingTransport
from trunktui.tui.app import TrunkApp


@pytest.fixture
def app(sim: Sim) -> TrunkApp:
    """The app on the demo data, connected as acme, over real HTTP."""
    return make_app(sim)


@pytest.fixture(autouse=True)
def brisk_pilot(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let the pilot notice idleness in 5 ms steps instead of 20 ms.

    ``Pilot.press`` waits for the process to go idle twice per key, polling in
    ``textual._wait.SLEEP_GRANULARITY`` steps; with 20 ms steps most of this
    file's time is spent asleep. The test is the same (CPU time below 1 ms in
    a step means idle); it is only asked more often.
    """
    monkeypatch.setattr(textual_wait, "SLEEP_GRANULARITY", 0.005)


@pytest.fixture
def wire(monkeypatch: pytest.MonkeyPatch) -> Iterator[RecordingTransport]:
    """Record every call the app makes, through whichever client it creates.

    Every flow lists accounts first, so an empty record means the app built
    its client somewhere this fixture does not reach, and the "nothing was
    sent" assertions would prove nothing: that fails the test.
    """
    transport = RecordingTransport()
    route_app_through(monkeypatch, transport)
    yield transport
    assert transport.calls, "the app's calls did not go through the recording transport"

