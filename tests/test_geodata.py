"""Shipped positions: every TERC 2022 unit gets one; fallbacks and unmatched codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from partnergraph import geodata

FIXTURES = Path(__file__).parent / "fixtures" / "geo"


def codes(name: str) -> list[str]:
    return (FIXTURES / f"terc2022_{name}.txt").read_text(encoding="utf-8").split()


@pytest.mark.parametrize(("name", "count"), [("gminy", 2477), ("powiaty", 380), ("wojewodztwa", 16), ("czesci", 1361)])
def test_every_terc_2022_unit_has_a_position_inside_poland(name: str, count: int) -> None:
    listed = codes(name)
    assert len(listed) == count
    assert geodata.unmatched(listed) == []
    for code in listed:
        point = geodata.position(code)
        assert point is not None
        lon, lat = point
        assert 14.0 < lon < 24.2 and 49.0 < lat < 54.9, code  # Poland's bounding box


def test_shipped_levels_have_the_register_counts() -> None:
    assert [len(geodata.positions(n)) for n in (2, 4, 7)] == [16, 380, 2477]
    assert [o.code for o in geodata.outlines()] == codes("wojewodztwa")


def test_gmina_whose_last_digit_changed_is_matched_on_six_digits() -> None:
    # TERC 2022 has 1008063 (urban-rural); the shipped points still have 1008062 (rural).
    assert "1008063" not in geodata.positions(7)
    assert geodata.match("1008063") == "1008062"
    assert geodata.position("teryt:1008063") == geodata.positions(7)["1008062"]


def test_parts_and_delegatury_take_their_gmina() -> None:
    drezdenko = geodata.position("0806023")
    assert geodata.position("0806024") == drezdenko  # town part
    assert geodata.position("0806025") == drezdenko  # rural part
    assert geodata.match("3064029") == "3064011"  # delegatura Poznań-Jeżyce → Poznań
    assert geodata.match("1465028") == "1465011"  # a Warsaw district → Warszawa


def test_unknown_and_malformed_codes_are_reported_not_guessed() -> None:
    assert geodata.position("9999999") is None
    assert geodata.position("3014099") is None  # no gmina 301409 and a county with many gminas
    assert geodata.unmatched(["teryt:3014022", "99", "abc", "", "30140221", "99"]) == ["", "30140221", "99", "abc"]


def test_kwilcz_lies_west_of_poznan() -> None:
    kwilcz, poznan = geodata.position("teryt:3014022"), geodata.position("teryt:3064011")
    assert kwilcz is not None and poznan is not None
    assert 16.0 < kwilcz[0] < poznan[0] < 17.1 and abs(kwilcz[1] - poznan[1]) < 0.3
