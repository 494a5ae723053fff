"""Register files cut short or damaged are refused at the place, never imported as partial data
(issue 15, item 3): a TERC row with the wrong field count, a file ending mid-row or mid-record,
an invalid STAN_NA date."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from partnergraph.cli import main
from partnergraph.graph.base import GraphStore
from partnergraph.importers.pkd import read_pkd
from partnergraph.importers.run import ImportFailed, run_import
from tests.importers.test_teryt import split

REGISTERS = Path(__file__).parent / "fixtures" / "registers"
TERC = REGISTERS / "TERC_2022_excerpt.csv"
PKD_CUT = (
    REGISTERS / "PKD2007_excerpt_cut.csv"
)  # GUS PKD 2007: header, 4 whole records, the 5th cut (see fixtures/README.md)
TERC_HINT = "(plik jest ucięty albo uszkodzony; pobierz go ponownie z GUS (TERC, wariant „Urzędowy”))"


def refused(store: GraphStore, path: Path) -> list[str]:
    """The problem lines of an import that must fail, and the check that nothing was written."""
    with pytest.raises(ImportFailed) as failed:
        run_import(store, path)
    assert store.count_nodes() == {} and store.version() == 0
    return [str(p) for p in failed.value.problems]


def terc_lines() -> list[str]:
    return TERC.read_text(encoding="utf-8-sig").splitlines()


def test_a_terc_file_cut_in_half_is_refused(store: GraphStore, tmp_path: Path) -> None:
    data = TERC.read_bytes()
    path = tmp_path / "TERC.csv"
    path.write_bytes(data[: len(data) // 2])  # ends in "08;06;05;2;Zw" (Zwierzyn cut short): 5 fields
    assert path.read_bytes().endswith(b"08;06;05;2;Zw")
    assert refused(store, path) == [f"TERC.csv:14: wiersz ma 5 pól, a nagłówek 7 {TERC_HINT}"]


def test_a_terc_row_with_an_extra_field_is_refused(store: GraphStore, tmp_path: Path) -> None:
    lines = terc_lines()
    lines[3] += ";2022-01-01"  # row 4 (Dobiegniew) has 8 fields
    path = tmp_path / "TERC.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = refused(store, path)  # then the parts of that gmina, which has no row now
    assert problems[0] == f"TERC.csv:4: wiersz ma 8 pól, a nagłówek 7 {TERC_HINT}"


def test_an_invalid_stan_na_date_is_refused_at_its_cell(store: GraphStore, tmp_path: Path) -> None:
    lines = terc_lines()
    lines[2] = lines[2].replace("2022-01-01", "2022-02-31")  # no 31 February
    lines[3] = lines[3].replace("2022-01-01", "31.02.2022")
    path = tmp_path / "TERC.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = refused(store, path)  # (then the units of the refused county and gmina)
    assert problems[:2] == [
        f"TERC.csv:3:7: STAN_NA '2022-02-31' nie jest datą RRRR-MM-DD {TERC_HINT}",
        f"TERC.csv:4:7: STAN_NA '31.02.2022' nie jest datą RRRR-MM-DD {TERC_HINT}",
    ]


def test_a_terc_xml_cut_in_half_is_refused(store: GraphStore, tmp_path: Path) -> None:
    data = (REGISTERS / "TERC_2022_excerpt.xml").read_bytes()
    path = tmp_path / "TERC.xml"
    path.write_bytes(data[: len(data) // 2])
    assert refused(store, path) == ["TERC.xml:118:39: niepoprawny XML: unclosed token"]


def test_a_pkd_file_cut_mid_record_is_refused(store: GraphStore) -> None:
    assert refused(store, PKD_CUT) == [
        "PKD2007_excerpt_cut.csv:6: liczba pól rekordu (4) nie zgadza się z nagłówkiem (23) "
        "(plik jest ucięty albo uszkodzony; pobierz go ponownie z GUS)"
    ]


def test_the_whole_records_before_the_cut_are_read_fine(tmp_path: Path) -> None:
    # the fixture without its cut record is a valid (small) classification: A → 01 → 01.1 → 01.11
    whole = PKD_CUT.read_bytes().rsplit(b"\n", 1)[0] + b"\n"
    path = tmp_path / "PKD2007_excerpt.csv"
    path.write_bytes(whole)
    nodes, ties, problems = split(read_pkd(path))
    assert ([n.key for n in nodes], problems) == (["pkd:A", "pkd:01", "pkd:01.1", "pkd:01.11"], [])
    assert [(t.start, t.end) for t in ties] == [("pkd:01", "pkd:A"), ("pkd:01.1", "pkd:01"), ("pkd:01.11", "pkd:01.1")]


def test_the_cli_refuses_a_cut_terc_with_exit_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARTNERGRAPH_STORE", f"sqlite:///{tmp_path / 'x.db'}")
    monkeypatch.delenv("PARTNERGRAPH_LANG", raising=False)
    data = TERC.read_bytes()
    (tmp_path / "TERC.csv").write_bytes(data[: len(data) // 2])
    result = CliRunner().invoke(main, ["import", str(tmp_path / "TERC.csv")])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"TERC.csv:14: wiersz ma 5 pól, a nagłówek 7 {TERC_HINT}",
        "Błąd: import odrzucony (1 problem); nic nie zapisano (popraw plik albo dodaj --skip-invalid, aby wczytać "
        "poprawne wiersze)",
    ]
