"""The README's scripting recipes, run as written against ``trunktui sim`` and the profile ``config init`` writes."""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from trunktui.api import ConnectionSettings, SippyClient
from trunktui.audit import read_recent

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def recipes() -> dict[str, str]:
    """Each recipe's shell block, by the words that introduce it."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Scripting"):text.index("## The simulator")]
    found = re.findall(r"Recipe, ([^:]+):.*?```sh\n(.*?)```", section, re.DOTALL)
    return {" ".join(title.split()): block for title, block in found}


@pytest.fixture
def switch(tmp_path: Path) -> Iterator[tuple[dict[str, str], str]]:
    """``trunktui sim --trust 127.0.0.1`` on a free port, and the sample profiles file pointed at it."""
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", "NO_COLOR": "1"}
    env.pop("TRUNKTUI_PASSWORD", None)
    server = subprocess.Popen([BIN / "trunktui", "sim", "--trust", "127.0.0.1", "--port", "0"], env=env,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        url = re.search(r"listening on (\S+)", server.stdout.readline())
        assert url is not None
        subprocess.run([BIN / "trunktui", "config", "init"], env=env, check=True, capture_output=True)
        path = Path(subprocess.run([BIN / "trunktui", "config", "path"], env=env, check=True, capture_output=True,
                                   text=True).stdout.strip())
        port = url.group(1).split(":")[2].split("/")[0]
        path.write_text(path.read_text(encoding="utf-8").replace("127.0.0.1:8080", f"127.0.0.1:{port}", 1),
                        encoding="utf-8")
        yield env, url.group(1)
    finally:
        server.terminate()
        server.wait(10)


def run(block: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(["bash", "-euo", "pipefail", "-c", block], env=env, cwd=cwd, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done


def trusted(url: str) -> SippyClient:
    return SippyClient(ConnectionSettings(url, trusted=True, i_customer=1))


def test_the_readme_has_three_recipes() -> None:
    assert len(recipes()) == 3


def test_export_every_accounts_trunks_to_json(switch: tuple[dict[str, str], str], tmp_path: Path) -> None:
    env, url = switch
    block = next(block for title, block in recipes().items() if title.startswith("export"))
    run(block, env, tmp_path)
    [written] = tmp_path.glob("trunks-*.json")
    exported = json.loads(written.read_text(encoding="utf-8"))
    with trusted(url) as client:
        expected = {trunk.i_trunk for account in client.list_accounts() for trunk in client.list_trunks(
            account.i_account)}
    assert {trunk["i_trunk"] for trunk in exported} == expected
    assert len(exported) == len(expected)
    assert all(trunk["password"] in ("", "***") for trunk in exported)


def test_find_every_trunk_whose_destination_is_an_address(switch: tuple[dict[str, str], str],
                                                           tmp_path: Path) -> None:
    env, url = switch
    block = next(block for title, block in recipes().items() if title.startswith("find"))
    address = re.search(r"find (\S+)", block)
    assert address is not None
    done = run(block, env, tmp_path)
    with trusted(url) as client:
        pointing = sorted(trunk.name for account in client.list_accounts()
                          for trunk in client.list_trunks(account.i_account)
                          if trunk.get("destination", "").split(":")[0] == address.group(1))
    assert pointing
    assert all(name in done.stdout for name in pointing)
    with (tmp_path / "sbc.csv").open(newline="", encoding="utf-8") as rows:
        found = list(csv.DictReader(rows))
    assert sorted(row["name"] for row in found) == pointing
    assert {row["destination"].split(":")[0] for row in found} == {address.group(1)}
    assert list(found[0]) == ["account", "i_trunk", "name", "destination"]


def test_raise_capacity_on_a_list_of_trunks_after_a_dry_run(switch: tuple[dict[str, str], str],
                                                           tmp_path: Path) -> None:
    env, url = switch
    block = next(block for title, block in recipes().items() if title.startswith("raise"))
    sending = block.strip().splitlines()[-1]
    capacity = int(re.search(r"capacity=(\d+)", sending).group(1))  # type: ignore[union-attr]
    ids = [int(i) for i in re.search(r"printf '%s\\n' ([\d ]+)", block).group(1).split()]  # type: ignore[union-attr]
    with trusted(url) as client:
        before = {i: client.get_trunk(i).get("capacity") for i in ids}
    assert capacity not in before.values()
    preview = run("\n".join(block.strip().splitlines()[:2]), env, tmp_path)
    assert "Dry run: nothing was sent" in preview.stderr
    assert all(f"{old}" in preview.stdout for old in before.values() if old is not None)
    with trusted(url) as client:
        assert {i: client.get_trunk(i).get("capacity") for i in ids} == before
    run(block, env, tmp_path)
    with trusted(url) as client:
        assert {i: client.get_trunk(i).get("capacity") for i in ids} == dict.fromkeys(ids, capacity)
    updates = [entry for entry in read_recent() if entry["action"] == "update"]
    assert sorted(entry["trunk"] for entry in updates[-len(ids):]) == sorted(ids)
    assert all(entry["after"] == {"capacity": capacity} and entry["result"] == "OK" for entry in updates[-len(ids):])
