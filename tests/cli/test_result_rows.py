"""A change's results are one row a trunk chosen, the trunks left alone (``unchanged``) included, whether or
not anything was sent: a script counting rows gets the same set either way."""
from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import Target


def test_results_have_one_row_a_trunk_also_the_unchanged(target2020: Target) -> None:
    """README: results are one row a trunk (done, conflict, failed, unchanged…)."""
    ran = target2020.run("trunks", "list", "--account", target2020.account, "-o", "json")
    trunks = json.loads(ran.out)
    ids = [str(t["i_trunk"]) for t in trunks[:2]]
    capacity = trunks[0].get("capacity")   # the first holds this already, the second may not
    ran = target2020.run("trunks", "set", *ids, f"capacity={capacity}", "--yes", "-o", "json")
    rows = json.loads(ran.out)
    assert sorted(str(r["i_trunk"]) for r in rows) == sorted(ids), rows


def test_a_pattern_gives_the_same_rows_whether_one_or_none_is_sent(target2020: Target) -> None:
    target = target2020
    every = [trunk["i_trunk"] for trunk in target.run("trunks", "list", "--account", target.account, "-o",
                                                      "json").json()]
    target.write(target.i_trunk, {"random_call_id": False})
    command = ("trunks", "set", "--account", target.account, "--pattern", "%", "random_call_id=false", "--yes",
               "-o", "json")
    sent = target.run(*command)
    assert sent.code == 0, sent.err
    assert sorted(row["i_trunk"] for row in sent.json()) == sorted(every)
    assert {row["result"] for row in sent.json() if row["i_trunk"] == target.i_trunk} == {"unchanged"}
    again = target.run(*command)
    assert sorted(row["i_trunk"] for row in again.json()) == sorted(every)
    assert {row["result"] for row in again.json()} == {"unchanged"}


def test_apply_lists_the_trunks_it_left_alone_beside_those_it_changed(target: Target, tmp_path: Path) -> None:
    trunks = target.run("trunks", "list", "--account", target.account, "-o", "json").json()[:2]
    field = target.field
    changes = [{"i_trunk": trunks[0]["i_trunk"], "set": {field: trunks[0][field]}},
               {"i_trunk": trunks[1]["i_trunk"], "set": {field: 77 if field == "capacity" else "changed"}}]
    path = tmp_path / "changes.json"
    path.write_text(json.dumps(changes), encoding="utf-8")
    ran = target.run("trunks", "apply", "--from-json", str(path), "--yes", "-o", "json")
    assert ran.code == 0, ran.err
    assert {row["i_trunk"]: row["result"] for row in ran.json()} == {
        trunks[0]["i_trunk"]: "unchanged", trunks[1]["i_trunk"]: "done"}
