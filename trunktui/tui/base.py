"""The base of the app's full screens: typed access to what the app owns."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar, cast

from textual.screen import Screen

from trunktui.api import SippyClient

if TYPE_CHECKING:
    from trunktui.tui.app import TrunkApp

ResultType = TypeVar("ResultType")


class AppScreen(Screen[ResultType]):
    """A screen of trunktui; the app's client is handed down, never global."""

    @property
    def trunk_app(self) -> TrunkApp:
        return cast("TrunkApp", self.app)

    @property
    def client(self) -> SippyClient:
        client = self.trunk_app.client
        if client is None:
            raise RuntimeError("no connection yet")
        return client
