"""Secrets must not reach stderr when a change is refused or a value is rejected."""

from __future__ import annotations

import pytest

from trunktui.cli.assignments import expected, parse
from trunktui.cli.exits import Refusal, UsageError
from trunktui.model import TRUNKS_2020


def test_if_unchanged_conflict_does_not_print_the_switchs_password() -> None:
    wanted = expected(TRUNKS_2020, ["password=guess"])
    with pytest.raises(Refusal) as refused:
        wanted.check(TRUNKS_2020, {"i_trunk": 1, "name": "t", "password": "Hunter2Secret"})
    assert "Hunter2Secret" not in str(refused.value)


def test_a_rejected_password_is_not_echoed() -> None:
    secret = "S3CRET" * 30
    with pytest.raises(UsageError) as rejected:
        parse(TRUNKS_2020, [f"password={secret}"])
    assert "S3CRET" not in str(rejected.value)
