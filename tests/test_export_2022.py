"""Export on a 2022+ switch, over real HTTP from the simulator: the table's worked-out columns, and all
fields with each trunk's connections in JSON and in flat CSV."""

from __future__ import annotations

import csv
import io
import json
import stat
from pathlib import Path

from tests.conftest import Sim
from trunktui.columns import TABLE_2022
from trunktui.export import CONNECTION_PREFIX, ExportOptions, export, holds_secrets, render
from trunktui.model import Trunk
from trunktui.versions import CONNECTIONS, Api

EVERYTHING = ExportOptions(everything=True)
COLUMNS = TABLE_2022.columns


def sim_trunks(sim: Sim) -> list[Trunk]:
    with sim.client() as api:
        i_account = api.get_account(username="acme-wholesale").i_account
        return api.list_trunks(i_account)


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline=""), strict=True))


def with_secret(sim: Sim) -> list[Trunk]:
    """The account's trunks, the first connection of the first holding a password."""
    trunks = sim_trunks(sim)
    first = trunks[0].connections
    assert first
    with sim.client() as api:
        api.update_connection(first[0], {"password": "c0nn-secret"})
    return sim_trunks(sim)


def test_the_tables_columns_hold_the_count_and_the_first_destination(sim22: Sim) -> None:
    trunks = sim_trunks(sim22)
    rows = json.loads(render("json", COLUMNS, trunks, api=Api.V2022))
    for trunk, row in zip(trunks, rows, strict=True):
        assert trunk.connections
        assert list(row) == [c.name for c in COLUMNS]
        assert row["connection_count"] == len(trunk.connections)
        assert row["first_destination"] == trunk.connections[0].get("destination")
    lines = csv_rows(render("csv", COLUMNS, trunks, api=Api.V2022))
    assert lines[0] == [c.name for c in COLUMNS]
    count = lines[0].index("connection_count")
    assert [line[count] for line in lines[1:]] == [str(len(t.connections or ())) for t in trunks]


def test_a_trunk_without_readable_connections_has_no_count_in_the_file(sim22: Sim) -> None:
    """Unknown is not 0: the worked-out values are left out (JSON) or empty (CSV); all fields say null."""
    unread = Trunk({"i_trunk": 9, "i_account": 1, "name": "unread", "description": "", "policy": "Ordered"})
    none = Trunk(dict(unread.members, i_trunk=10, name="none"), connections=())
    table = json.loads(render("json", COLUMNS, [unread, none], api=Api.V2022))
    assert "connection_count" not in table[0] and "first_destination" not in table[0]
    assert table[1]["connection_count"] == 0 and "first_destination" not in table[1]
    header, first, _ = csv_rows(render("csv", COLUMNS, [unread, none], ExportOptions(null_word=True)))
    assert [first[header.index(name)] for name in ("connection_count", "first_destination")] == ["", ""]
    everything = json.loads(render("json", COLUMNS, [unread, none], EVERYTHING, Api.V2022))
    assert everything[0]["connections"] is None and everything[1]["connections"] == []
    lines = csv_rows(render("csv", COLUMNS, [unread, none], EVERYTHING, Api.V2022))
    assert len(lines) == 3
    count = lines[0].index("connections")
    assert [lines[1][count], lines[2][count]] == ["", "0"]


def test_all_fields_in_json_hold_each_trunks_connections_passwords_masked(sim22: Sim) -> None:
    trunks = with_secret(sim22)
    rows = json.loads(render("json", COLUMNS, trunks, EVERYTHING, Api.V2022))
    for trunk, row in zip(trunks, rows, strict=True):
        assert trunk.connections is not None
        assert {k: v for k, v in row.items() if k != "connections"} == dict(trunk.members)
        ids = [c.i_trunk_connection for c in trunk.connections]
        assert [c["i_trunk_connection"] for c in row["connections"]] == ids
        for connection, written in zip(trunk.connections, row["connections"], strict=True):
            assert list(written) == [name for name in CONNECTIONS.by_name if name in connection.members]
            for name, value in connection.members.items():
                assert written[name] == ("***" if name == "password" and value else value), name
    assert rows[0]["connections"][0]["password"] == "***"
    assert "c0nn-secret" not in render("csv", COLUMNS, trunks, EVERYTHING, Api.V2022)


def test_all_fields_in_csv_are_a_row_per_connection(sim22: Sim) -> None:
    """The trunk's members, its connection count, then ``connection.`` and each connection member."""
    trunks = sim_trunks(sim22)
    lines = csv_rows(render("csv", COLUMNS, trunks, EVERYTHING, Api.V2022))
    header = lines[0]
    assert header[:5] == ["i_trunk", "i_account", "name", "description", "policy"]
    assert header[5] == "connections"
    assert header[6:] == [CONNECTION_PREFIX + name for name in CONNECTIONS.by_name
                          if any(name in c.members for t in trunks for c in t.connections or ())]
    expected = [(t.i_trunk, c.i_trunk_connection) for t in trunks for c in t.connections or ()]
    at = header.index("connection.i_trunk_connection")
    assert [(int(line[0]), int(line[at])) for line in lines[1:]] == expected
    destination = header.index("connection.destination")
    first = lines[1]
    assert first[destination] == (trunks[0].connections or ())[0].get("destination")


def test_a_file_with_connection_passwords_is_private(sim22: Sim, tmp_path: Path) -> None:
    trunks = with_secret(sim22)
    clear = ExportOptions(everything=True, secrets=True)
    assert holds_secrets(COLUMNS, trunks, clear, Api.V2022)
    assert not holds_secrets(COLUMNS, trunks, EVERYTHING, Api.V2022)
    export(tmp_path / "clear.json", COLUMNS, trunks, clear, Api.V2022)
    assert stat.S_IMODE((tmp_path / "clear.json").stat().st_mode) == 0o600
    assert json.loads((tmp_path / "clear.json").read_text(encoding="utf-8"))[0]["connections"][0]["password"] == (
        "c0nn-secret")
    export(tmp_path / "clear.csv", COLUMNS, trunks, clear, Api.V2022)
    assert stat.S_IMODE((tmp_path / "clear.csv").stat().st_mode) == 0o600
    assert "c0nn-secret" in (tmp_path / "clear.csv").read_text(encoding="utf-8")
