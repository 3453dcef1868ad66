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
    """Dismissed with the password typed, or None when the user gives up."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, who: str, reason: str = "") -> None:
        super().__init__()
        self.who = who
        self.reason = reason

    def compose(self) -> ComposeResult:
        with Vertical(classes="frame"):
            yield Static(Text(f"API password for {printable(self.who)}"), classes="title")
            if self.reason:
                yield Static(Text(printable(self.reason)), classes="reason")
            yield Input(password=True, id="password", placeholder="password")
            yield Static("Enter connects · Escape cancels · TRUNKTUI_PASSWORD skips this prompt", classes="hint")

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        if event.value:
            self.dismiss(event.value)
