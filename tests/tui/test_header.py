"""The header at 80 columns: every warning and the account being worked on stay readable.

The login, the host and the switch's name give way first; a resize fits the
header to the new width.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot

from tests.conftest import Sim
from tests.tui.driving import WHOLESALE, make_app, open_account, rendered, route_app_through, screen_text
from tests.wire import ForwardingTransport
from trunktui.tui.title import fit_title

SMALL = (80, 24)


def header_line(pilot: Pilot[None]) -> str:
    return screen_text(pilot.app).splitlines()[0].split("⭘", 1)[1].strip()


@pytest.fixture
def named_switch(sim: Sim, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Settings naming a switch across the network over plain HTTP; the calls still reach the simulator."""
    route_app_through(monkeypatch, ForwardingTransport(sim.url))
    return {"url": "http://10.255.255.1:8080", "read_only": True}


async def test_the_header_keeps_the_account_and_every_warning_at_80_columns(
    sim: Sim, named_switch: dict[str, Any]
) -> None:
    app = make_app(sim, label="PROD Amsterdam core switch cluster A", production=True, settings=named_switch)
    async with app.run_test(size=SMALL) as pilot:
        await open_account(pilot, WHOLESALE)
        await rendered(pilot, "account 1 acme-wholesale")
        header = header_line(pilot)
        assert header.startswith("PRODUCTION · READ-ONLY · PLAIN HTTP"), header
        assert header.endswith("account 1 acme-wholesale"), header

        await pilot.resize_terminal(160, 30)
        await pilot.pause()
        header = header_line(pilot)
        assert "PROD Amsterdam core switch cluster A · API 2020 — acme@10.255.255.1:8080" in header, header
        assert header.endswith("account 1 acme-wholesale"), header


async def test_the_login_and_host_give_way_before_the_account(sim: Sim, named_switch: dict[str, Any]) -> None:
    """With no warning, the switch's name stays whole too; the login and host are shortened."""
    host = "sippy-lab-amsterdam-core-cluster-a.example.net"
    app = make_app(sim, label="Lab switch", settings={**named_switch, "url": f"https://{host}", "read_only": False})
    async with app.run_test(size=SMALL) as pilot:
        await open_account(pilot, WHOLESALE)
        await rendered(pilot, "account 1 acme-wholesale")
        header = header_line(pilot)
        assert header.startswith("Lab switch · API 2020 — acme@sippy"), header
        assert host not in header and header.endswith("… · account 1 acme-wholesale"), header


def test_the_place_is_cut_last_and_warnings_never() -> None:
    warnings = ["PRODUCTION", "READ-ONLY"]
    place = "account 12 " + "wholesale-" * 8
    title, sub_title = fit_title(warnings, "PROD Amsterdam", "noc-api@sippy-ams.example.net", place, 62)
    assert title == "PRODUCTION · READ-ONLY"
    assert sub_title.startswith("account 12 wholesale-") and sub_title.endswith("…")
    assert len(f"{title} — {sub_title}") == 62


LONG_LABEL = "PROD Amsterdam core switch number 7 · cluster A · rack 12"


async def test_a_wide_header_shows_a_long_switch_name_whole(sim: Sim, named_switch: dict[str, Any]) -> None:
    """At 200 columns there is room for every part: the name is not cut to leave blank space either side."""
    app = make_app(sim, label=LONG_LABEL, production=True, settings=named_switch)
    async with app.run_test(size=(200, 30)) as pilot:
        await open_account(pilot, WHOLESALE)
        await rendered(pilot, "account 1 acme-wholesale")
        header = header_line(pilot)
        assert header == (f"PRODUCTION · READ-ONLY · PLAIN HTTP · {LONG_LABEL} · API 2020 — "
                          "acme@10.255.255.1:8080 · account 1 acme-wholesale"), header


def test_a_long_name_gives_way_first_only_down_to_a_length_that_leaves_the_login_room() -> None:
    """With room for all, all is whole; a little short, the name is cut before the login; shorter, the login goes."""
    who, place = "noc-api@sippy-ams.example.net", "account 12 wholesale"
    whole = fit_title(["PRODUCTION"], LONG_LABEL, who, place, 200)
    assert whole == (f"PRODUCTION · {LONG_LABEL}", f"{who} · {place}")
    title, sub_title = fit_title(["PRODUCTION"], LONG_LABEL, who, place, 102)
    assert sub_title == f"{who} · {place}" and title.endswith("…") and len(f"{title} — {sub_title}") == 102
    title, sub_title = fit_title(["PRODUCTION"], LONG_LABEL, who, place, 80)
    assert who not in sub_title and sub_title.endswith(place)
    assert title.startswith("PRODUCTION · PROD Amsterdam core switch") and len(f"{title} — {sub_title}") <= 80


def test_the_api_in_use_gives_way_after_the_login_and_before_the_name() -> None:
    """The demo at 80 columns keeps "API 2022" and drops the login; with every warning, the API goes too."""
    place = "account 1 acme-wholesale"
    assert fit_title([], "trunktui · DEMO", "acme@simulator", place, 62, "API 2022") == (
        "trunktui · DEMO · API 2022", place)
    title, sub_title = fit_title(["PRODUCTION", "READ-ONLY", "PLAIN HTTP"], "PROD Amsterdam", "noc@sw", place, 62,
                                 "API 2022")
    assert (title, sub_title) == ("PRODUCTION · READ-ONLY · PLAIN HTTP", place)
