"""The work a trunk's screen does on the UI thread as it opens: counted, never timed.

A form of fifteen fields is about a hundred widgets; styling them again, or
drawing the trunk table under the screen, is what made opening a trunk of a
long list stall the whole app.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

import pytest
from textual.css.stylesheet import Stylesheet
from textual.dom import DOMNode
from textual.renderables.background_screen import BackgroundScreen

from tests.tui.driving import WHOLESALE, open_account, open_trunk
from trunktui.model import TRUNKS_2020
from trunktui.tui.app import TrunkApp
from trunktui.tui.form import TrunkForm


async def test_opening_a_trunk_styles_each_field_once_as_it_is_mounted(
        app: TrunkApp, monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the field that takes the focus is restyled once the form is mounted: loading the values,
    checking them, placing the focus and showing the screen restyle nothing else."""
    restyled: Counter[DOMNode] = Counter()
    update_nodes = Stylesheet.update_nodes

    def counting(self: Stylesheet, nodes: Iterable[DOMNode], *args: Any, **kwargs: Any) -> None:
        nodes = list(nodes)
        restyled.update(node for node in nodes if node.is_attached and any(
            isinstance(above, TrunkForm) for above in node.ancestors_with_self))
        update_nodes(self, nodes, *args, **kwargs)

    async with app.run_test() as pilot:
        await open_account(pilot, WHOLESALE)
        monkeypatch.setattr(Stylesheet, "update_nodes", counting)
        screen = await open_trunk(pilot, 1)
        focused = screen.focused
        assert focused is not None and focused.id == "input"
        assert set(restyled) <= {focused}


async def test_a_trunk_screen_draws_nothing_of_the_table_under_it(app: TrunkApp) -> None:
    async with app.run_test() as pilot:
        await open_account(pilot, WHOLESALE)
        screen = await open_trunk(pilot, 1)
        assert not isinstance(screen.render(), BackgroundScreen)


async def test_a_form_is_built_without_styling_anything(app: TrunkApp, monkeypatch: pytest.MonkeyPatch) -> None:
    """Its widgets are styled as they are mounted; the classes their values set while they are built
    (a field's text, a ticked NULL box, a compact look) cost no styling pass of their own."""
    styled: list[DOMNode] = []
    monkeypatch.setattr(TrunkApp, "update_styles", lambda self, node, animate=True: styled.append(node))
    async with app.run_test() as pilot:
        await open_account(pilot, WHOLESALE)
        screen = await open_trunk(pilot, 1)
        assert screen.trunk is not None
        styled.clear()
        TrunkForm(TRUNKS_2020.editable(creating=False), False, screen.trunk.members)
        assert styled == []


async def test_a_form_is_drawn_a_few_fields_at_a_time(app: TrunkApp) -> None:
    """The first fields are drawn with the screen and the rest in the frames after it, all of them
    holding their values from the start."""
    async with app.run_test() as pilot:
        await open_account(pilot, WHOLESALE)
        screen = await open_trunk(pilot, 1)
        assert screen.trunk is not None
        fields = list(TRUNKS_2020.editable(creating=False))
        form = TrunkForm(fields, False, screen.trunk.members)
        first = TrunkForm.SHOWN_FIRST
        assert 0 < first < len(fields)
        assert [editor.display for editor in form.editors()] == [True] * first + [False] * (len(fields) - first)
        assert [editor.value() for editor in form.editors()] == [screen.trunk.get(f.name, f.default) for f in fields]
        assert all(editor.display for editor in screen.query_one(TrunkForm).editors())
