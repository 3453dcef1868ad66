"""A small list to pick one thing from: what to copy, which column to sort by."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from trunktui.tui.base import Dialog


class ChoiceScreen(Dialog[str]):
    """Dismissed with the chosen option's id, or None on Escape."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, title: str, options: list[tuple[str, Text]], highlighted: str | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.options = options
        self.highlighted = highlighted

    def compose(self) -> ComposeResult:
        with Vertical(classes="frame"):
            yield Static(Text(self.title_text), classes="title")
            yield OptionList(*(Option(label, id=key) for key, label in self.options))

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        if self.highlighted is not None:
            options.highlighted = options.get_option_index(self.highlighted)
        options.focus()

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)
