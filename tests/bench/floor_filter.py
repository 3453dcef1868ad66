"""Floor K: a bare Textual ``Input`` and one status line filtering the trunk table's strings per keystroke.

``bench_speed.py`` runs this in a fresh process. The strings are exactly
those the trunk table's quick filter searches (each generated trunk's
case-folded cell texts); the app keeps the strings containing what is
typed and says how many. Each keystroke is timed as ``ui_probe.py`` times
the trunk table's (``keystrokes.py``). It prints one JSON line and exits.

    python tests/bench/floor_filter.py TRUNKS
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from textual.app import App, ComposeResult
from textual.widgets import Input, Static

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench.keystrokes import FILTER_TEXT, type_timed


def haystacks(count: int) -> list[str]:
    """The quick filter's strings for the benchmark's generated trunks."""
    from tests.bench.servers import generated
    from trunktui.model import TRUNK_FIELDS, Trunk
    from trunktui.tui.rows import TrunkRows

    store, i_account = generated(count)
    trunks = [Trunk.from_wire(wire) for wire in store.list_trunks(i_account)]
    store.close()
    return TrunkRows.build(trunks, [f for f in TRUNK_FIELDS if f.in_table]).haystacks


class FilterFloor(App[None]):
    def __init__(self, strings: list[str]) -> None:
        super().__init__()
        self.strings = self.matches = strings
        self.seconds: list[float] = []

    def compose(self) -> ComposeResult:
        yield Input(placeholder="Filter")
        yield Static(f"{len(self.strings):,} strings", id="status")

    def on_input_changed(self, changed: Input.Changed) -> None:
        wanted = changed.value.strip().casefold()
        self.matches = [s for s in self.strings if wanted in s] if wanted else self.strings
        self.query_one("#status", Static).update(f"{len(self.matches):,} of {len(self.strings):,} strings")

    def on_mount(self) -> None:
        self.run_worker(self.measure())

    async def measure(self) -> None:
        await asyncio.sleep(0.3)
        self.seconds = await type_timed(self, self.query_one(Input), FILTER_TEXT, lambda: self.matches)
        self.exit()


def main() -> None:
    app = FilterFloor(haystacks(int(sys.argv[1])))
    app.run(headless=True, size=(120, 40))
    print(json.dumps({"keystrokes": app.seconds}))


if __name__ == "__main__":
    main()
