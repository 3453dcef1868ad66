"""Imports point one way: tui -> api -> model and errors; no textual below tui."""

from __future__ import annotations

import subprocess
import sys

import pytest

BELOW_THE_UI = [
    "trunktui.errors",
    "trunktui.model",
    "trunktui.versions",
    "trunktui.text",
    "trunktui.columns",
    "trunktui.export",
    "trunktui.audit",
    "trunktui.patterns",
    "trunktui.fanout",
    "trunktui.search",
    "trunktui.search_fields",
    "trunktui.bulk",
    "trunktui.api",
    "trunktui.profiles.config",
    "trunktui.profiles.credentials",
    "trunktui.profiles.session",
    "trunktui.simulator",
    "trunktui.cli",
    "trunktui.cli.launch",
    "trunktui.cli.sim",
    "trunktui.cli.scripting",
    "trunktui.cli.verbs",
    "trunktui.cli.accounts",
    "trunktui.cli.trunks",
    "trunktui.cli.changes",
    "trunktui.cli.connections",
]


def loaded_after_import(module: str) -> set[str]:
    code = f"import sys, {module}; print('\\n'.join(sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    return set(out.split())


@pytest.mark.parametrize("module", BELOW_THE_UI)
def test_no_textual_below_the_ui(module: str) -> None:
    loaded = loaded_after_import(module)
    assert not {m for m in loaded if m == "textual" or m.startswith(("textual.", "trunktui.tui"))}


@pytest.mark.parametrize(("module", "forbidden"), [
    ("trunktui.model", "trunktui.api"),
    ("trunktui.model", "trunktui.simulator"),
    ("trunktui.versions", "trunktui.api"),
    ("trunktui.versions", "httpx"),
    ("trunktui.api", "trunktui.simulator"),
    ("trunktui.simulator", "trunktui.api"),
    ("trunktui.simulator", "httpx"),
    ("trunktui.api", "trunktui.audit"),
    ("trunktui.api", "trunktui.profiles"),
    ("trunktui.api", "platformdirs"),
    ("trunktui.profiles.session", "trunktui.cli"),
    ("trunktui.audit", "trunktui.api"),
    ("trunktui.api", "trunktui.search"),
    ("trunktui.api", "trunktui.bulk"),
    ("trunktui.search", "trunktui.audit"),
    ("trunktui.bulk", "trunktui.audit"),
])
def test_layers_do_not_reach_sideways_or_up(module: str, forbidden: str) -> None:
    loaded = loaded_after_import(module)
    assert not {m for m in loaded if m == forbidden or m.startswith(forbidden + ".")}


# Start-up imports what the first screen (the picker, or the trunk table with
# --account) needs; the rest is imported when first used.
NOT_AT_START = [
    "trunktui.simulator",
    "sqlite3",
    "http.server",
    "csv",
    "trunktui.export",
    "trunktui.tui.form",
    "trunktui.tui.screens.trunk",
    "trunktui.tui.screens.export",
    "trunktui.tui.screens.help",
    "trunktui.tui.screens.audit",
    "rich.traceback",
    "pygments",
]


def test_start_up_imports_only_what_the_first_screen_needs() -> None:
    loaded = loaded_after_import(
        "trunktui.cli.launch, trunktui.tui.app, trunktui.tui.screens.accounts, trunktui.tui.screens.trunks"
    )
    assert not [m for m in NOT_AT_START if m in loaded]


def test_the_first_screen_of_a_session_with_its_password_imports_no_more() -> None:
    """The app started on the demo, its picker shown: no password prompt, crash report or screen
    for later has been imported."""
    code = """
import asyncio, sys
from trunktui.api import ConnectionSettings
from trunktui.profiles.session import Session
from trunktui.simulator import start_demo
from trunktui.tui.app import TrunkApp
from trunktui.tui.screens.accounts import AccountsScreen

async def main():
    server, logins = start_demo()
    settings = ConnectionSettings(server.url, username=logins[0].login, password=logins[0].password)
    app = TrunkApp(Session(settings, demo=True))
    async with app.run_test(size=(80, 24)) as pilot:
        while not isinstance(app.screen, AccountsScreen):
            await pilot.pause(0.01)
    server.stop()

asyncio.run(main())
print("\\n".join(sys.modules))
"""
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    loaded = set(out.split())
    serving_the_demo = {"trunktui.simulator", "sqlite3", "http.server"}
    later = [*(m for m in NOT_AT_START if m not in serving_the_demo), "trunktui.tui.screens.password"]
    assert not [m for m in later if m in loaded]


def test_building_the_parser_loads_no_engine() -> None:
    """``trunktui --help`` and the dashboard's start build every scripting verb's parser: none loads the client."""
    code = ("import sys; from trunktui.cli.main import argument_parser; argument_parser(); "
            "print('\\n'.join(sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    loaded = set(out.split())
    assert not {m for m in loaded if m in ("httpx", "trunktui.api") or m.startswith("trunktui.api.")}
