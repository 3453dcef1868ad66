"""Textual's command palette, made safe against keys that arrive in one burst."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.binding import Binding, BindingType
from textual.command import CommandPalette
from textual.widgets import Input, OptionList


class Palette(CommandPalette):
    """The command palette (Ctrl+P), which neither pages nor searches when it cannot.

    Textual's option list pages by the lines it has laid out, and the
    results list is laid out only after results arrive: Ctrl+P and PageDown
    in one terminal read reach it before then, and Textual raises KeyError.
    Until the list has a size, PageUp and PageDown go to the first and last
    result, as Textual's list does while nothing is highlighted.

    What was typed into the search box can reach the palette after it
    closed: Enter twice in one read (the first choice runs a command and
    closes the palette), or a letter after an Escape that Ctrl+P, a
    priority binding, overtook. Textual acts on it as if the palette were
    open: the second choice closes it again, which pops the screen beneath,
    and runs the command on that popped screen; the letter starts a search
    that looks for the results list, which is gone. A closed palette
    ignores its search box and its results.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("pagedown", "page(1)", "Next page", show=False),
        Binding("pageup", "page(-1)", "Previous page", show=False),
    ]

    def action_page(self, direction: int) -> None:
        results = self.query_one(OptionList)
        if not results.scrollable_content_region:
            if direction > 0:
                results.action_last()
            else:
                results.action_first()
        elif direction > 0:
            results.action_page_down()  # type: ignore[no-untyped-call]  # unannotated in Textual
        else:
            results.action_page_up()  # type: ignore[no-untyped-call]  # unannotated in Textual

    @on(Input.Changed)
    @on(Input.Submitted)
    @on(OptionList.OptionSelected)
    def arrived_after_closing(self, event: Input.Changed | Input.Submitted | OptionList.OptionSelected) -> None:
        if not self.is_active:
            event.prevent_default()
            event.stop()
