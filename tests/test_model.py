"""The trunk model: the rules both sides of the wire share."""

from __future__ import annotations

import math
from typing import Any

import pytest

from trunktui.errors import InputError
from trunktui.model import (
    ABSENT,
    FIELDS_BY_NAME,
    INT32_MAX,
    TRUNK_FIELDS,
    TRUNKS_2020,
    Kind,
    OnCreate,
    Trunk,
    changed_fields,
    differing,
    format_value,
    is_secret,
    redact,
    same_on_switch,
)
from trunktui.versions import CONNECTIONS, TRUNKS_2022


def test_the_model_covers_the_documented_members() -> None:
    documented = {
        "i_account", "name", "destination", "description", "username", "password", "destination_backup",
        "username_backup", "password_backup", "translation_rule", "capacity", "outbound_ip",
        "outbound_ip_backup", "max_cps", "from_domain", "random_call_id",
    }
    assert {f.name for f in TRUNK_FIELDS} == documented | {"i_trunk"}
    assert {f.name for f in TRUNK_FIELDS if f.on_create is OnCreate.REQUIRED} == {"i_account", "name", "destination"}
    assert {f.name for f in TRUNK_FIELDS if f.nullable} == {
        "destination_backup", "capacity", "outbound_ip_backup", "max_cps"}
    assert {f.name for f in TRUNK_FIELDS if f.secret} == {"password", "password_backup"}
    assert not FIELDS_BY_NAME["i_account"].updatable
    assert FIELDS_BY_NAME["max_cps"].kind is Kind.DOUBLE


def test_every_declared_secret_is_known_by_its_name() -> None:
    """Masking goes by a member's name alone, so a secret declared under any other name would show in clear."""
    declared = TRUNKS_2020.secrets | TRUNKS_2022.secrets | CONNECTIONS.secrets
    assert "password" in CONNECTIONS.secrets
    assert all(is_secret(name) for name in declared)


@pytest.mark.parametrize(("name", "value", "words"), [
    ("capacity", "10", "whole number"),
    ("capacity", True, "whole number"),
    ("capacity", INT32_MAX + 1, "between"),
    ("capacity", -1, "between 0 and 2147483647"),
    ("max_cps", float("nan"), "finite"),
    ("max_cps", "1", "number"),
    ("random_call_id", 1, "true or false"),
    ("name", None, "NULL"),
    ("name", "  ", "empty"),
    ("name", "a\x1bb", "control"),
    ("name", "x" * 129, "at most 128"),
    ("destination", "host:70000", "port"),
    ("destination", "two words", "host or IP"),
    ("destination", "10.0.0.²", "host or IP"),
    ("outbound_ip", "10.0.0.300", "IPv4 or IPv6"),
])
def test_validation_refuses_with_a_message_naming_the_field(name: str, value: Any, words: str) -> None:
    with pytest.raises(InputError, match=words) as caught:
        FIELDS_BY_NAME[name].validate(value)
    assert caught.value.field == name
    assert caught.value.message.startswith(FIELDS_BY_NAME[name].label)


@pytest.mark.parametrize(("name", "value"), [
    ("capacity", None), ("capacity", 0), ("max_cps", 0.0015), ("max_cps", 3), ("destination_backup", ""),
    ("destination", "[2001:db8::5]:5060"), ("outbound_ip", ""), ("random_call_id", False),
])
def test_validation_accepts_good_values(name: str, value: Any) -> None:
    assert FIELDS_BY_NAME[name].validate(value) == value


@pytest.mark.parametrize(("name", "text", "value"), [
    ("capacity", " 42 ", 42), ("capacity", "-0", 0), ("max_cps", "0.5", 0.5), ("max_cps", "1e-3", 0.001),
    ("random_call_id", "yes", True), ("random_call_id", "Off", False), ("description", " kept ", " kept "),
])
def test_parse_reads_what_users_type(name: str, text: str, value: Any) -> None:
    assert FIELDS_BY_NAME[name].parse(text) == value


@pytest.mark.parametrize(("name", "text"), [("capacity", "4.5"), ("capacity", "1_000"), ("max_cps", "inf"),
                                           ("max_cps", "fast"), ("random_call_id", "maybe")])
def test_parse_refuses_what_is_not_a_value(name: str, text: str) -> None:
    with pytest.raises(InputError):
        FIELDS_BY_NAME[name].parse(text)


@pytest.mark.parametrize("typed", ["-1", "2147483648", "99999999999"])
def test_an_integer_out_of_its_fields_bounds_gets_one_message_typed_or_sent(typed: str) -> None:
    """Below the minimum and above the 32-bit maximum alike: the field's real range, in one sentence."""
    capacity = FIELDS_BY_NAME["capacity"]
    for attempt in (lambda: capacity.parse(typed), lambda: capacity.validate(int(typed))):
        with pytest.raises(InputError) as caught:
            attempt()
        assert caught.value.message == "Capacity must be between 0 and 2147483647."
    with pytest.raises(InputError, match=r"^ID must be between 1 and 2147483647\.$"):
        FIELDS_BY_NAME["i_trunk"].validate(0)


@pytest.mark.parametrize("given", ["-0", "-0.0", "-0e5", -0.0])
def test_a_negative_zero_is_zero(given: Any) -> None:
    """Max CPS -0 is 0: neither kept as -0.0, to be shown and sent so, nor refused as less than 0."""
    max_cps = FIELDS_BY_NAME["max_cps"]
    value = max_cps.parse(given) if isinstance(given, str) else max_cps.validate(given)
    assert format_value(value) == "0.0"


def test_numbers_are_shown_as_sent() -> None:
    assert [format_value(v) for v in (0.5, 0.0015, 10.0, 3, True, None)] == ["0.5", "0.0015", "10.0", "3", "true",
                                                                              "None"]


def test_changed_fields_tells_null_zero_and_empty_apart() -> None:
    before = {"capacity": None, "description": "", "max_cps": 1.0, "name": "a"}
    after = {"capacity": 0, "description": None, "max_cps": 1.0, "name": "a"}
    assert changed_fields(before, after) == {"capacity": 0, "description": None}


def test_create_and_update_params() -> None:
    with pytest.raises(InputError, match="Destination"):
        TRUNKS_2020.create_params({"i_account": 1, "name": "x"})
    with pytest.raises(InputError) as caught:
        TRUNKS_2020.create_params({"i_account": 1, "name": "x", "destination": "h", "i_trunk": 4})
    assert caught.value.field == "i_trunk"
    assert TRUNKS_2020.update_params({"capacity": None}) == {"capacity": None}
    with pytest.raises(InputError):
        TRUNKS_2020.update_params({"i_account": 3})


def test_forms_offer_only_what_can_be_set() -> None:
    creating = [f.name for f in TRUNKS_2020.editable(creating=True)]
    editing = [f.name for f in TRUNKS_2020.editable(creating=False)]
    assert "i_trunk" not in creating and "i_account" not in creating and creating[:2] == ["name", "destination"]
    assert editing == creating


def test_trunks_keep_members_the_model_does_not_know() -> None:
    trunk = Trunk.from_wire({"i_trunk": 1, "name": "a", "password": "pw", "media_relay": "auto"})
    assert trunk.extra(TRUNKS_2020) == {"media_relay": "auto"}
    assert redact(trunk.members)["password"] == "***"
    assert trunk.members["password"] == "pw"


def test_members_a_switch_adds_are_redacted_when_their_names_say_secret() -> None:
    members = {"name": "t", "auth_secret": "s3", "api_token": "t0", "sip_passwd": "p1", "note": "kept", "x_key": ""}
    assert redact(members) == {"name": "t", "auth_secret": "***", "api_token": "***", "sip_passwd": "***",
                               "note": "kept", "x_key": ""}


@pytest.mark.parametrize(("a", "b", "same"), [
    (1, True, True), (0, False, True), (10, 10.0, True), (math.nan, math.nan, True),
    (ABSENT, None, True), (ABSENT, "", True), (ABSENT, ABSENT, True),
    ("", None, False), (0, None, False), (ABSENT, 0, False), (ABSENT, "x", False), ("1", 1, False), (1, 2, False),
])
def test_same_on_switch_allows_for_habits_not_for_changes(a: Any, b: Any, same: bool) -> None:
    assert same_on_switch(a, b) is same and same_on_switch(b, a) is same


def test_differing_names_what_changed_between_two_answers() -> None:
    before = {"name": "a", "max_cps": math.nan, "random_call_id": 1}
    after = {"name": "a", "max_cps": math.nan, "random_call_id": True, "description": "new"}
    assert differing(before, after, ["name", "max_cps", "random_call_id", "description", "capacity"]) == {
        "description": "new"}
    assert differing(after, before, ["description"]) == {"description": ABSENT}


def test_truth_reads_0_and_1_as_booleans() -> None:
    spec = FIELDS_BY_NAME["random_call_id"]
    assert [spec.truth(v) for v in (True, False, 1, 0, 2, "yes", None)] == [True, False, True, False, None, None, None]


def test_a_place_in_the_order_is_typed_as_a_number_or_a_word() -> None:
    """A connection's order takes "first" or "last" (and on an update "up" or "down") as well as a number."""
    from trunktui.versions import CONNECTIONS

    order = CONNECTIONS.by_name["order_no"]
    assert (order.parse(" First "), order.parse("3"), order.parse("down")) == ("first", 3, "down")
    with pytest.raises(InputError, match="whole number or one of 'first', 'last', 'up', 'down'"):
        order.parse("top")
    with pytest.raises(InputError, match="'first' or 'last' on a new connection"):
        CONNECTIONS.create_params({"i_trunk": 1, "name": "a", "destination": "192.0.2.1", "order_no": "up"})
