"""Floor A: the least a Textual app takes from process start to its first paint.

``bench_speed.py`` runs this in a pseudo-terminal, as it runs trunktui, and
times the moment the text below appears on the screen. It mounts one
``Static`` and waits to be ended.
"""

from textual.app import App, ComposeResult
from textual.widgets import Static

SHOWN = "floor A: painted"


class FirstPaint(App[None]):
    def compose(self) -> ComposeResult:
        yield Static(SHOWN)


if __name__ == "__main__":
    FirstPaint().run()
