"""The masked password prompt, shown at start-up or when the switch refuses it."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Static

from trunktui.text import printable
from trunktui.tui.base import Dialog


class PasswordScreen(Dialog[str]):
    """Dismissed with the password typed, or None when the user gives up.

    ``environment`` says whether TRUNKTUI_PASSWORD would have answered it:
    only for the connection trunktui starts with, so the hint names it
    only there.
    """

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, who: str, reason: str = "", environment: bool = True) -> None:
        super().__init__()
        self.who = who
        self.reason = reason
        self.environment = environment

    def compose(self) -> ComposeResult:
        with Vertical(classes="frame"):
            yield Static(Text(f"API password for {printable(self.who)}"), classes="title")
            if self.reason:
                yield Static(Text(printable(self.reason)), classes="reason")
            yield Input(password=True, id="password", placeholder="password")
            skip = " · TRUNKTUI_PASSWORD skips this prompt" if self.environment else ""
            yield Static("Enter connects · Escape cancels" + skip, classes="hint")

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        if event.value:
            self.dismiss(event.value)
