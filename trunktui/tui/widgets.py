"""Small widgets shared by the screens."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget
from textual.widgets import Checkbox, Input, RadioButton, Static

from trunktui.errors import TrunkTuiError
from trunktui.text import printable

TOASTS = "#textual-toastrack"
"""Textual's holder of a screen's notifications, docked at the bottom; ``app.tcss`` places it."""


class StyledOnMount(Widget):
    """A widget that is styled as it is mounted, not at each change of its classes before that.

    Textual restyles a widget, and all it holds, whenever its classes change,
    even before it is mounted, and styles it once more as it is mounted: the
    passes made while it is built (for its value, its compact look) are wasted,
    and a trunk's form builds dozens of such widgets at once. Name it after
    the widget class it adapts (``class FieldInput(Input, StyledOnMount)``):
    Textual takes a widget's CSS from its first base only.
    """

    def update_node_styles(self, animate: bool = True) -> None:
        if self.is_attached:
            super().update_node_styles(animate)


class StatusLine(Static):
    """One line under a table or beside a button: progress, a result or a fault.

    Text from the server is shown literally: it is built as a ``Text``
    object, never parsed as markup, and control characters are replaced.

    Notifications sit at the bottom right of the screen, just above it
    (``lift_toasts``), however many lines it takes.
    """

    DEFAULT_CSS = """
    StatusLine { height: auto; min-height: 1; padding: 0 1; color: $text-muted; }
    StatusLine.-busy { color: $text-accent; }
    StatusLine.-fault { color: $text-error; text-style: bold; }
    """

    MARKS = {"-busy": "⧗ ", "-fault": "✖ "}

    said = ""
    """The message shown, as given (without the mark of its state)."""

    def on_resize(self) -> None:
        self.lift_toasts()

    def lift_toasts(self) -> None:
        """Keep the screen's notifications clear of this line: a line that wraps lifts them.

        Every status line sits at the bottom of its screen, above the footer,
        so its distance from the screen's bottom edge holds when the terminal
        is resized; only its own height changes that, and Textual tells of it
        (``on_resize``).
        """
        below = self.screen.size.height - self.region.y
        for rack in self.screen.query(TOASTS):
            rack.styles.margin = (0, 0, below, 0)

    def show(self, message: str) -> None:
        self._set(message, None)

    def busy(self, message: str) -> None:
        self._set(message, "-busy")

    def fault(self, error: TrunkTuiError | str) -> None:
        self._set(str(error), "-fault")

    def _set(self, message: str, state: str | None) -> None:
        self.said = message
        self.set_class(state == "-busy", "-busy")
        self.set_class(state == "-fault", "-fault")
        self.update(Text(printable(self.MARKS.get(state or "", "") + message)))


class SafeInput(Input):
    """A text box that never draws a control character someone pasted into it.

    Such characters become the visible stand-ins ``printable`` uses, so a
    pasted escape sequence is seen, not acted on by the terminal.
    """

    def validate_value(self, value: str) -> str:
        return printable(value)


class Tick(Checkbox):
    """A checkbox whose mark shows without colour (X or blank), so it reads in any terminal."""

    @property
    def BUTTON_INNER(self) -> str:  # type: ignore[override]  # noqa: N802 - Textual's name
        return "X" if self.value else " "


class Pick(RadioButton):
    """A radio button whose mark shows without colour (● or blank), so it reads in any terminal."""

    @property
    def BUTTON_INNER(self) -> str:  # type: ignore[override]  # noqa: N802 - Textual's name
        return "●" if self.value else " "
