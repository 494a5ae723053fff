"""Checks of the validator that no store adds: date order, key against identifier, finite numbers, strict ISO dates."""

from __future__ import annotations

import datetime as dt

import pytest

from partnergraph.errors import ValidationError
from partnergraph.records import Node, Tie
from partnergraph.validate import Validator, load_schema
from partnergraph.values import parse_date, parse_decimal

DATE_HINT = "podaj RRRR-MM-DD (2024-03-01) lub DD.MM.RRRR (01.03.2024)"


@pytest.fixture(scope="module")
def validator() -> Validator:
    return Validator(load_schema())


def refused(check: object) -> str:
    with pytest.raises(ValidationError) as caught:
        check()  # type: ignore[operator]
    return str(caught.value)


def test_a_tie_cannot_end_before_it_begins(validator: Validator) -> None:
    tie = Tie("COOPERATES_WITH", "org:a", "org:b", {"since": "30.06.2024", "until": "2024-01-01"})
    assert refused(lambda: validator.tie(tie)) == "since: since (2024-06-30) jest późniejsze niż until (2024-01-01)"
    same_day = validator.tie(Tie("COOPERATES_WITH", "org:a", "org:b", {"since": "2024-01-01", "until": "01.01.2024"}))
    assert same_day.props == {"since": dt.date(2024, 1, 1), "until": dt.date(2024, 1, 1)}  # one day is a valid period


def test_a_key_naming_an_identifier_must_agree_with_that_property(validator: Validator) -> None:
    other = Node("krs:0000123456", "Organisation", {"name": "Łąka", "kind": "ngo", "krs": "0000654321"})
    assert (
        refused(lambda: validator.node(other))
        == "key: klucz 'krs:0000123456' nie zgadza się z właściwością krs = '0000654321'"
    )
    same = validator.node(Node("krs:0000123456", "Organisation", {"name": "Łąka", "kind": "ngo", "krs": "0000123456"}))
    assert same.key == "krs:0000123456" and same.props["krs"] == "0000123456"


@pytest.mark.parametrize("text", ["nan", "NaN", "inf", "-inf", "Infinity", "1e999"])
def test_a_number_must_be_finite(text: str) -> None:
    with pytest.raises(ValueError):
        parse_decimal(text)


@pytest.mark.parametrize(
    ("amount", "shown"), [(float("nan"), "nan"), (float("inf"), "inf"), ("inf", "'inf'"), ("NaN", "'NaN'")]
)
def test_an_amount_that_is_not_a_finite_number_is_refused(
    validator: Validator, amount: float | str, shown: str
) -> None:
    tie = Tie("TRADES_WITH", "org:a", "org:b", {"amount": amount})
    assert refused(lambda: validator.tie(tie)) == f"amount: {shown} nie jest liczbą"


@pytest.mark.parametrize("text", ["20240301", "2024W011", "2024-W01", "2024W01", "2024-W09-5"])
def test_a_date_must_be_written_in_full(text: str) -> None:
    # date.fromisoformat also reads basic (20240301) and week (2024W011, 2024-W09-5) forms: too easily a number or a code
    with pytest.raises(ValueError):
        parse_date(text)


def test_a_date_in_a_short_iso_form_is_refused_with_the_forms_to_use(validator: Validator) -> None:
    node = Node("", "Organisation", {"name": "Łąka", "kind": "ngo", "founded": "20240301"})
    assert refused(lambda: validator.node(node)) == f"founded: '20240301' nie jest datą; {DATE_HINT}"
    assert parse_date(" 2024-03-01 ") == parse_date("01.03.2024") == dt.date(2024, 3, 1)
