"""Fixtures for driving the app headless against the simulator."""

from __future__ import annotations

import pytest

from tests.conftest import Sim
from trunktui.tui.app import Session, TrunkApp


@pytest.fixture
def app(sim: Sim) -> TrunkApp:
    """The app on the demo data, connected as acme, over real HTTP."""
    return TrunkApp(Session(sim.settings(), demo=True))
