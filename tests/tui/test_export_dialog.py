"""The export dialog at 80x24: the table's columns or all fields, CSV or JSON, passwords only on request."""

from __future__ import annotations

import csv
import io
import json
import stat
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Checkbox, Input, RadioSet

from tests.tui.driving import WHOLESALE, open_account, rendered, replace_text, server_trunks, settle
from trunktui.api import SippyClient
from trunktui.tui.app import TrunkApp
from trunktui.tui.screens.export import ExportScreen

SMALL = (80, 24)


@pytest.fixture(autouse=True)
def in_tmp_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


async def open_dialog(pilot: Pilot[None]) -> ExportScreen:
    await pilot.press("x")
    await pilot.pause()
    dialog = pilot.app.screen
    assert isinstance(dialog, ExportScreen)
    return dialog


async def all_fields(pilot: Pilot[None], dialog: ExportScreen) -> None:
    """Tab from the file name to the members, Right to "all fields", Space to choose it."""
    assert pilot.app.focused is dialog.query_one("#path", Input)
    await pilot.press("tab")
    assert pilot.app.focused is dialog.query_one("#members", RadioSet)
    await pilot.press("right", "space")
    assert dialog.options().everything


async def test_all_fields_as_json_is_a_backup_with_passwords_masked(
    app: TrunkApp, client: SippyClient, tmp_path: Path
) -> None:
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_account(pilot, WHOLESALE)
        dialog = await open_dialog(pilot)
        await rendered(pilot, "all fields", "Include passwords", "Export")
        assert dialog.query_one("#secrets", Checkbox).disabled
        await all_fields(pilot, dialog)
        assert not dialog.query_one("#secrets", Checkbox).disabled
        assert not dialog.query_one("#secrets", Checkbox).value
        dialog.query_one("#path", Input).focus()
        await replace_text(pilot, "backup.json")
        assert dialog.chosen("format") == "json" and dialog.query_one("#null", RadioSet).disabled
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        rows = json.loads((tmp_path / "backup.json").read_text(encoding="utf-8"))
        trunks = server_trunks(client, screen.i_account)
        assert [row["i_trunk"] for row in rows] == [trunk.i_trunk for trunk in trunks]
        for trunk, row in zip(trunks, rows, strict=True):
            assert set(row) == set(trunk.members)
            assert row["password"] == ("***" if trunk.get("password") else "")
            assert row["random_call_id"] is trunk.get("random_call_id")
        assert stat.S_IMODE((tmp_path / "backup.json").stat().st_mode) != 0o600


async def test_passwords_in_clear_only_when_ticked_and_the_file_is_private(
    app: TrunkApp, client: SippyClient, tmp_path: Path
) -> None:
    """Choosing JSON rewrites the suffix; ticking passwords writes them, in a file only its owner reads;
    CSV can write NULL as the word NULL."""
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_account(pilot, WHOLESALE)
        dialog = await open_dialog(pilot)
        await all_fields(pilot, dialog)
        await pilot.press("tab")
        assert app.focused is dialog.query_one("#format", RadioSet)
        await pilot.press("tab", "right", "space")
        assert dialog.options().null_word
        await pilot.press("tab", "space")
        assert dialog.options().secrets
        dialog.query_one("#path", Input).focus()
        await replace_text(pilot, "clear.csv")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        path = tmp_path / "clear.csv"
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
        trunks = server_trunks(client, screen.i_account)
        assert [row["password"] for row in rows] == [trunk.get("password") for trunk in trunks]
        assert [row["destination_backup"] == "NULL" for row in rows] == [
            trunk.get("destination_backup") is None for trunk in trunks]


async def test_choosing_json_changes_the_suggested_suffix(app: TrunkApp) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await open_account(pilot, WHOLESALE)
        dialog = await open_dialog(pilot)
        await pilot.press("tab", "tab", "right", "space")
        assert dialog.query_one("#path", Input).value.endswith(".json")
        assert dialog.query_one("#null", RadioSet).disabled
        await rendered(pilot, "JSON: null, numbers and booleans as the switch sent them")
