"""A table that draws only the rows in view, on Textual's line API.

Textual's DataTable builds, measures and keys every row it is given: for
10,000 trunks it blocks the event loop for over a second, and for 50,000
fed in chunks it still takes seconds while each chunk blocks for hundreds
of milliseconds; every quick-filter keystroke would refill it. ``Grid``
holds a sequence of items, column widths worked out in advance, and a
function that turns one item into cells. It renders the few dozen rows on
screen when Textual asks for them, so showing 50,000 rows, or a new
filtered subset of them, costs what showing 50 does.

It is every table of the app: trunks, accounts and the audit trail. The
cursor is a reactive row number, clamped to the rows; moving it redraws
only the two lines that changed and posts ``Highlighted``. Cells are
``rich.text.Text`` objects built from server values by the caller, so
nothing is ever read as markup. The header stays on the top line; it
scrolls sideways with the rows.

No column is wider than a third of the grid (``WIDEST``), so one long value
cannot push every other column off an 80-column screen: its cells end in
an ellipsis. The last column of a grid that ``stretch``es may take what
the others leave. The first ``fixed`` columns (a trunk's ID and name) stay on
the left while the rest scroll sideways, a column or a page at a time; the
scrolled part always starts at a column's edge, to the very end.

A grid given ``marked`` shows ``MARK`` in the first cell of each marked
row, at the left edge, which never scrolls: that cell is always the blank
before a column (the first, or the first one scrolled to), so the mark
takes no room and the columns do not move when marking starts. Marked
rows are also drawn in their own style, except under the cursor, where
the mark alone tells them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, ClassVar, Generic, TypeVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.actions import SkipAction
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

Item = TypeVar("Item")
PADDING = 1
"""Blank cells either side of every column."""
SORT_MARKS = {False: " ▲", True: " ▼"}
MARK = "✓"
WIDEST = 3
"""A column's text takes at most 1/WIDEST of the grid's width (``NARROWEST`` cells at least)."""
NARROWEST = 12
FIXED_SHARE = 2 / 3
"""Fixed columns wider than this share of the grid scroll with the rest, so some of the rest still shows."""


class Grid(ScrollView, Generic[Item], can_focus=True):
    """Rows of cells with a row cursor, a header that sorts on click, and zebra stripes."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"grid--header", "grid--cursor", "grid--even-row", "grid--marked"}
    DEFAULT_CSS = """
    Grid {
        background: $surface;
        color: $foreground;
        &:focus { background-tint: $foreground 5%; }
        & > .grid--header { text-style: bold; background: $panel; color: $foreground; }
        & > .grid--even-row { background: $surface-lighten-1 50%; }
        & > .grid--marked { color: $text-warning; text-style: bold; }
        &:dark > .grid--even-row { background: $surface-darken-1 40%; }
        & > .grid--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus > .grid--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Open"),
        Binding("up", "cursor(-1)", show=False, tooltip="Previous row"),
        Binding("down", "cursor(1)", show=False, tooltip="Next row"),
        Binding("pageup", "page(-1)", show=False, tooltip="A page of rows up"),
        Binding("pagedown", "page(1)", show=False, tooltip="A page of rows down"),
        Binding("home,ctrl+home", "first", show=False, tooltip="First row"),
        Binding("end,ctrl+end", "last", show=False, tooltip="Last row"),
        Binding("left", "column(-1)", show=False, tooltip="Scroll sideways a column left"),
        Binding("right", "column(1)", show=False, tooltip="Scroll sideways a column right"),
        Binding("shift+left,ctrl+left", "sideways_page(-1)", show=False, tooltip="Scroll sideways a page left"),
        Binding("shift+right,ctrl+right", "sideways_page(1)", show=False, tooltip="Scroll sideways a page right"),
    ]
    """Declared here, with what each does, so the help screen can list them; Home and End move the
    cursor in every table, and the first columns (``fixed``) never scroll away. The footer offers
    Enter only while it opens a row (``check_action``)."""

    class _Event(Message):
        def __init__(self, grid: Grid[Any]) -> None:
            super().__init__()
            self.grid = grid

        @property
        def control(self) -> Grid[Any]:
            return self.grid

    class RowSelected(_Event):
        """Enter, or a click on the row under the cursor."""

        def __init__(self, grid: Grid[Any], row: int) -> None:
            super().__init__(grid)
            self.row = row

    class HeaderSelected(_Event):
        """A click on a column's header."""

        def __init__(self, grid: Grid[Any], column: int) -> None:
            super().__init__(grid)
            self.column = column

    class Highlighted(_Event):
        """The cursor moved to ``row``."""

        def __init__(self, grid: Grid[Any], row: int) -> None:
            super().__init__(grid)
            self.row = row

    cursor_row: reactive[int] = reactive(-1, always_update=False, init=False)
    """The row under the cursor: -1 while there are no rows, otherwise clamped to them."""

    def __init__(
        self,
        columns: Sequence[tuple[str, str]],
        cells: Callable[[Item], Sequence[Text]],
        *,
        sortable: bool = True,
        fixed: int = 0,
        opens: bool = True,
        marked: Callable[[Item], bool] | None = None,
        stretch: bool = False,
        id: str | None = None,
    ) -> None:
        """``columns`` are (key, label) pairs; ``cells`` gives one item's cells, one per column.

        A ``sortable`` grid leaves room for a sort mark beside each label and
        posts ``HeaderSelected`` when a label is clicked. The first ``fixed``
        columns stay in view when the others scroll sideways. A grid whose
        rows open (``opens``) offers Enter in the footer while it has rows.
        ``marked`` tells the rows that show ``MARK``; after marks change, the
        rows are drawn anew (``refresh_row``, or ``refresh`` for many).
        In a grid that ``stretch``es, the last column (the one worth reading
        whole: a result's detail) may also take the room the others leave.
        """
        super().__init__(id=id)
        self.sortable = sortable
        self.fixed = fixed
        self.opens = opens
        self.stretch = stretch
        self._cells = cells
        self._marked = marked
        self._rows: Sequence[Item] = ()
        self._sorted: tuple[int, bool] | None = None
        self._strips: LRUCache[tuple[int, bool, bool], Strip] = LRUCache(256)
        self._style: Style | None = None
        """The grid's own style, kept until its styles change: Textual works it out from every ancestor."""
        self._set_columns(columns)

    def _set_columns(self, columns: Sequence[tuple[str, str]]) -> None:
        self.keys = tuple(key for key, _ in columns)
        self.labels = tuple(label for _, label in columns)
        self._natural: Sequence[int] = [0] * len(self.labels)
        self._widths = self._fit(self._natural)
        self._metas = tuple(Style.from_meta({"column": column}) for column in range(len(self.labels)))
        """Each column's tag, which clicks read."""

    def set_columns(self, columns: Sequence[tuple[str, str]]) -> None:
        """Show other columns, (key, label) pairs as given to the grid, from now on; the rows shown are
        dropped, for they were cells of the columns before (``show`` the rows again)."""
        self._rows = ()
        self._sorted = None
        self._set_columns(columns)
        self._strips.clear()
        self._make_room()
        self.refresh_bindings()
        self.refresh()

    # --- what is shown ------------------------------------------------------------

    def show(
        self,
        rows: Sequence[Item],
        widths: Sequence[int] | None = None,
        cursor: int = 0,
        sorted_by: tuple[int, bool] | None = None,
    ) -> None:
        """Show ``rows``; ``widths`` are the widest cell of each column (labels are allowed for here).

        Without ``widths`` every row's cells are measured, which suits short
        lists; a long one brings its widths worked out in a worker.

        ``sorted_by`` (column, descending) puts ▲ or ▼ beside that column's label.
        The cursor is scrolled into view after the next layout, once the
        scrollbars fit the new rows.
        """
        if bool(rows) != bool(self._rows):
            self.refresh_bindings()
        self._rows = rows
        self._natural = self.measure(rows) if widths is None else widths
        self._sorted = sorted_by
        self._refit()
        self.set_reactive(Grid.cursor_row, self.validate_cursor_row(cursor))
        self.post_message(self.Highlighted(self, self.cursor_row))
        self.call_after_refresh(self._scroll_to_cursor)
        self.refresh()

    def measure(self, rows: Iterable[Item]) -> list[int]:
        """The widest cell of each column over ``rows``."""
        widths = [0] * len(self.labels)
        for row in rows:
            for column, text in enumerate(self._cells(row)):
                widths[column] = max(widths[column], text.cell_len)
        return widths

    def _fit(self, widths: Sequence[int]) -> tuple[int, ...]:
        """Column widths within the cap that also fit each label, with a sort mark beside it if the grid sorts.

        Before the grid has a size there is no cap; a resize fits the columns again.
        """
        mark = len(SORT_MARKS[False]) if self.sortable else 0
        cap = max(self.size.width // WIDEST, NARROWEST) if self.size.width else None
        fitted = [
            max(width if cap is None else min(width, cap), cell_len(label) + mark)
            for width, label in zip(widths, self.labels, strict=True)
        ]
        if self.stretch and cap is not None and fitted:
            left = self.scrollable_content_region.width - sum(width + 2 * PADDING for width in fitted[:-1])
            fitted[-1] = max(fitted[-1], min(widths[-1], left - 2 * PADDING))
        return tuple(fitted)

    def _refit(self) -> None:
        """Work the column widths out again for the rows and size the grid has now."""
        self._widths = self._fit(self._natural)
        self._strips.clear()
        self._make_room()
        self.refresh()

    def _make_room(self) -> None:
        """Size the scrolled area so that its furthest scroll is a column's edge (``_furthest``)."""
        furthest = self._furthest()
        width = furthest + self.scrollable_content_region.width if furthest else sum(self.column_widths)
        self.virtual_size = Size(width, len(self._rows) + 1)

    def on_resize(self) -> None:
        self._refit()

    def watch_show_vertical_scrollbar(self) -> None:
        """The scrollbar takes width from the rows: the furthest scroll is worked out again for what is left."""
        self._make_room()

    @property
    def fixed_width(self) -> int:
        """Cells on the left that do not scroll sideways: the fixed columns, unless they would crowd out the rest."""
        width = sum(self.column_widths[: self.fixed])
        return width if width <= self.scrollable_content_region.width * FIXED_SHARE else 0

    @property
    def column_widths(self) -> tuple[int, ...]:
        """Each column's width on screen, padding included."""
        return tuple(width + 2 * PADDING for width in self._widths)

    @property
    def row_count(self) -> int:
        return len(self._rows)

    @property
    def rows(self) -> Sequence[Item]:
        return self._rows

    def get_row_at(self, row: int) -> list[Text]:
        return list(self._cells(self._rows[row]))

    def validate_cursor_row(self, row: int) -> int:
        return max(0, min(row, len(self._rows) - 1)) if self._rows else -1

    def watch_cursor_row(self, old: int, new: int) -> None:
        """Redraw only the two rows that changed, bring the new one into view, and say so."""
        for row in (old, new):
            if row >= 0:
                self.refresh_line(row + 1)
        self._scroll_to_cursor()
        self.post_message(self.Highlighted(self, new))

    def move_cursor(self, row: int) -> None:
        self.cursor_row = row

    def refresh_row(self, row: int) -> None:
        """Draw the row anew (its mark changed), if it is in view."""
        self.refresh_line(row + 1)

    def _scroll_to_cursor(self) -> None:
        """Bring the cursor's row into view below the header line, which never scrolls away."""
        if self.cursor_row < 0:
            return
        visible = max(self.scrollable_content_region.height - 1, 1)
        top = self.scroll_offset.y
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False, immediate=True)
        elif self.cursor_row >= top + visible:
            self.scroll_to(y=self.cursor_row - visible + 1, animate=False, immediate=True)

    # --- drawing ------------------------------------------------------------------

    @property
    def own_style(self) -> Style:
        if self._style is None:
            self._style = self.rich_style
        return self._style

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        style = self.own_style
        if y == 0:
            strip = self._header()
        else:
            row = scroll_y + y - 1
            if row >= len(self._rows):
                return Strip.blank(width, style)
            strip = self._row(row)
        left = max(self.fixed_width, 0 if self._marked is None else cell_len(MARK))
        if not left:
            return strip.crop_extend(scroll_x, scroll_x + width, style)
        return Strip.join([strip.crop_extend(0, left, style),
                           strip.crop_extend(left + scroll_x, scroll_x + width, style)])

    def _header(self) -> Strip:
        cells = []
        for column, label in enumerate(self.labels):
            mark = SORT_MARKS[self._sorted[1]] if self._sorted and self._sorted[0] == column else ""
            cells.append(Text(label + mark))
        return self._line(cells, self.get_component_rich_style("grid--header"))

    def _row(self, row: int) -> Strip:
        item = self._rows[row]
        cursor = row == self.cursor_row
        marked = self._marked is not None and self._marked(item)
        strip = self._strips.get((row, cursor, marked))
        if strip is None:
            if cursor:
                style = self.get_component_rich_style("grid--cursor")
            elif row % 2 == 0:
                style = self.get_component_rich_style("grid--even-row")
            else:
                style = Style.null()
            if marked and not cursor:
                style += self.get_component_rich_style("grid--marked", partial=True)
            strip = self._line(self._cells(item), style)
            if marked:
                glyph = Segment(MARK, self.own_style + style)
                strip = Strip.join([Strip([glyph], cell_len(MARK)), strip.crop(cell_len(MARK))])
            self._strips[(row, cursor, marked)] = strip
        return strip

    def _line(self, cells: Sequence[Text], style: Style) -> Strip:
        """One line: each cell padded to its column and tagged with its index, which clicks read.

        A cell of one style and printable ASCII, nearly every cell, is cut and
        padded here as Rich would, into the same segments; Rich's own
        rendering of each cell took most of the time a keystroke in the quick
        filter took to show its rows.
        """
        console = self.app.console
        base = self.own_style + style
        segments: list[Segment] = []
        for text, width, meta in zip(cells, self._widths, self._metas, strict=True):
            plain = text.plain
            if text.spans or not (plain.isascii() and plain.isprintable()):
                piece = Text(end="")
                piece.append_text(text)
                piece.truncate(width, overflow="ellipsis")
                piece.align("right" if text.justify == "right" else "left", width)
                piece.pad(PADDING)
                segments.extend(Segment.apply_style(piece.render(console), base, meta))
                continue
            if len(plain) > width:
                plain = plain[: width - 1] + "…"
            room = width - len(plain)
            left = " " * (PADDING + (room if text.justify == "right" else 0))
            right = " " * (PADDING + (0 if text.justify == "right" else room))
            if not text.style:
                segments.append(Segment(left + plain + right, base + meta))
                continue
            cell_style = base + console.get_style(text.style, default=Style.null())
            segments.extend(Segment(part, part_style + meta)
                            for part, part_style in ((left, base), (plain, cell_style), (right, base)) if part)
        return Strip(segments, sum(self.column_widths))

    def notify_style_update(self) -> None:
        """Styles changed (focus, theme): rows drawn in the old ones are dropped."""
        super().notify_style_update()
        self._strips.clear()
        self._style = None

    # --- keys and mouse -----------------------------------------------------------

    def action_cursor(self, step: int) -> None:
        self.cursor_row += step

    def action_page(self, direction: int) -> None:
        self.cursor_row += direction * max(self.scrollable_content_region.height - 2, 1)

    def action_first(self) -> None:
        self.cursor_row = 0

    def action_last(self) -> None:
        self.cursor_row = len(self._rows) - 1

    def _edges(self) -> list[int]:
        """The sideways scroll offsets that put a column's left edge just right of the fixed columns."""
        fixed = self.fixed_width
        edges, x = [0], 0
        for width in self.column_widths:
            if x > fixed:
                edges.append(x - fixed)
            x += width
        return edges

    def _furthest(self) -> int:
        """The furthest sideways scroll: the first column edge from which the last column shows whole.

        Blank space may follow the last column there, so no column is ever
        shown cut at the left. A last column wider than the view starts at
        the left and is cut at the right.
        """
        edges = self._edges()
        room = self.scrollable_content_region.width - sum(self.column_widths)
        return next((edge for edge in edges if edge + room >= 0), edges[-1])

    def _stops(self) -> list[int]:
        """Where sideways scrolling stops: the column edges up to the furthest scroll."""
        furthest = self._furthest()
        return [edge for edge in self._edges() if edge <= furthest]

    def action_column(self, step: int) -> None:
        """Scroll sideways to the next column's edge (``step`` 1) or the previous one's (-1)."""
        x = round(self.scroll_x)
        stops = self._stops()
        target = next((s for s in stops if s > x), x) if step > 0 else max((s for s in stops if s < x), default=x)
        self.scroll_to(x=target, animate=False, immediate=True)

    def action_sideways_page(self, step: int) -> None:
        """Scroll sideways by a screenful: the first column not wholly shown comes next to the fixed ones.

        Back, the columns that fit in a screenful before the current first one come into view.
        A column wider than the screen still moves one column.
        """
        x = round(self.scroll_x)
        page = self.scrollable_content_region.width - self.fixed_width
        stops = self._stops()
        if step > 0:
            target = max((s for s in stops if x < s <= x + page), default=None)
            target = next((s for s in stops if s > x), x) if target is None else target
        else:
            target = min((s for s in stops if x - page <= s < x), default=None)
            target = max((s for s in stops if s < x), default=x) if target is None else target
        self.scroll_to(x=target, animate=False, immediate=True)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Enter opens the row under the cursor: with no row, or in a table whose rows do not open,
        it is neither offered nor taken."""
        if action == "select":
            return self.opens and bool(self._rows)
        return True

    def action_select(self) -> None:
        """Enter selects the cursor's row; with no row, it goes on to the screen's own Enter, which says
        what is missing."""
        if not self._rows:
            raise SkipAction
        self.post_message(self.RowSelected(self, self.cursor_row))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        if offset.y == 0:
            column = event.style.meta.get("column")
            if column is not None and self.sortable:
                self.post_message(self.HeaderSelected(self, column))
            return
        row = self.scroll_offset.y + offset.y - 1
        if row < len(self._rows):
            event.stop()
            if row == self.cursor_row:
                self.post_message(self.RowSelected(self, row))
            else:
                self.cursor_row = row
