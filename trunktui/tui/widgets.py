"""Small widgets shared by the screens."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Checkbox, Input, RadioButton, Static

from trunktui.errors import TrunkTuiError
from trunktui.text import printable


class StatusLine(Static):
    """One line under a table or beside a button: progress, a result or a fault.

    Text from the server is shown literally: it is built as a ``Text``
    object, never parsed as markup, and control characters are replaced.
    """

    DEFAULT_CSS = """
    StatusLine { height: auto; min-height: 1; padding: 0 1; color: $text-muted; }
    StatusLine.-busy { color: $text-accent; }
    StatusLine.-fault { color: $text-error; text-style: bold; }
    """

    MARKS = {"-busy": "⧗ ", "-fault": "✖ "}

    said = ""
    """The message shown, as given (without the mark of its state)."""

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
