"""Fixtures for driving the app headless against the simulator."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from textual import _wait as textual_wait

from tests.conftest import Sim
from tests.tui.driving import make_app, pages_held, route_app_through
from tests.wire import RecordingTransport
from trunktui.tui.app import TrunkApp
from trunktui.tui.screens.accounts import PAGE_SIZE


@pytest.fixture
def app(sim: Sim) -> TrunkApp:
    """The app on the demo data, connected as acme, over real HTTP."""
    return make_app(sim)


@pytest.fixture
def later_pages_held(sim: Sim) -> Iterator[Callable[[], None]]:
    """The switch answers no page of accounts after the first until the function given is called.

    Held from before the app starts, as ``stop_after_first_page`` needs: the
    picker asks for the second page as soon as the first comes in, which on a
    busy machine can be before the test's first step.
    """
    with pages_held(sim, PAGE_SIZE) as release:
        yield release


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

