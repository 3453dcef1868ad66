"""Imports point one way: tui -> api -> model and errors; no textual below tui."""

from __future__ import annotations

import subprocess
import sys

import pytest

BELOW_THE_UI = [
    "trunktui.errors",
    "trunktui.model",
    "trunktui.text",
    "trunktui.export",
    "trunktui.recent",
    "trunktui.config",
    "trunktui.credentials",
    "trunktui.audit",
    "trunktui.session",
    "trunktui.launch",
    "trunktui.api",
    "trunktui.simulator",
    "trunktui.simulator.cli",
    "trunktui.cli",
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
    ("trunktui.api", "trunktui.simulator"),
    ("trunktui.simulator", "trunktui.api"),
    ("trunktui.simulator", "httpx"),
])
def test_layers_do_not_reach_sideways_or_up(module: str, forbidden: str) -> None:
    loaded = loaded_after_import(module)
    assert not {m for m in loaded if m == forbidden or m.startswith(forbidden + ".")}
