"""Words and numbers as the user reads them: counted nouns, text quoted as typed, numbers typed one way."""

from __future__ import annotations

import pytest

from trunktui.errors import InputError
from trunktui.model import FIELDS_BY_NAME
from trunktui.text import counted, quoted


@pytest.mark.parametrize(("count", "expected"), [
    (0, "0 trunks"), (1, "1 trunk"), (2, "2 trunks"), (50_000, "50,000 trunks"), (1_234_567, "1,234,567 trunks"),
])
def test_a_count_has_its_noun_in_the_right_number_and_separated_thousands(count: int, expected: str) -> None:
    assert counted(count, "trunk") == expected


def test_a_count_with_an_irregular_plural() -> None:
    assert [counted(n, "entry", "entries") for n in (1, 3)] == ["1 entry", "3 entries"]


@pytest.mark.parametrize(("typed", "shown"), [
    ("x\\_%", "“x\\_%”"), ("it's%", "“it's%”"), ('say "hi"', "“say \"hi\"”"), ("esc\x1b[2J", "“esc␛[2J”"),
])
def test_quoted_text_is_shown_exactly_as_typed(typed: str, shown: str) -> None:
    assert quoted(typed) == shown


@pytest.mark.parametrize("name", ["capacity", "max_cps"])
@pytest.mark.parametrize("typed", ["٣", "٣.5", "３", "1٣"])
def test_every_numeric_field_refuses_digits_other_than_ascii_alike(name: str, typed: str) -> None:
    """Arabic-Indic and full-width digits are refused by whole numbers and doubles alike, with the same words."""
    spec = FIELDS_BY_NAME[name]
    with pytest.raises(InputError) as caught:
        spec.parse(typed)
    assert caught.value.message == f"{spec.label} must be written with the digits 0-9."
    assert caught.value.field == name


@pytest.mark.parametrize("typed", ["1_000", "inf", "nan", "infinity", "0x10"])
def test_a_double_is_typed_as_digits_point_and_exponent_only(typed: str) -> None:
    with pytest.raises(InputError, match="Max CPS must be a number"):
        FIELDS_BY_NAME["max_cps"].parse(typed)


@pytest.mark.parametrize(("typed", "value"), [("2", 2.0), ("2.5", 2.5), (" .5 ", 0.5), ("5.", 5.0), ("1E2", 100.0)])
def test_a_double_still_reads_the_usual_ways_of_writing_a_number(typed: str, value: float) -> None:
    assert FIELDS_BY_NAME["max_cps"].parse(typed) == value
