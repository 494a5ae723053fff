"""One datatype module (issue 12, item 6): each datatype reads back what it writes, one formula
guard and one boolean rendering for every writer, so the CLI, the spreadsheet export, the research
tables and the web pages agree."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl  # type: ignore[import-untyped, unused-ignore]
import pytest

from partnergraph.cli.support import emit_rows
from partnergraph.exports.tables import cell as research_cell
from partnergraph.graph.sqlite import SqliteStore
from partnergraph.i18n import use_language
from partnergraph.importers.run import run_import
from partnergraph.importers.sheets import cell_text, cell_value
from partnergraph.importers.spreadsheet import column_headers
from partnergraph.importers.workbook import export_tables, write_records
from partnergraph.records import Node, Tie
from partnergraph.schema import load_schema
from partnergraph.validate import Validator
from partnergraph.values import (
    BOOLEAN,
    DATATYPES,
    DATE,
    DECIMAL,
    INTEGER,
    TEXT,
    Datatype,
    csv_safe,
    csv_unguard,
    display,
    from_json,
    lexical,
    text,
    to_json,
)
from partnergraph.web.formatting import cell as web_cell
from partnergraph.web.formatting import number as web_number
from partnergraph.web.tables import csv_text

SAMPLES: list[tuple[Datatype, Any]] = [
    (TEXT, "Spółdzielnia „Łąka”"),
    (INTEGER, -12345),
    (INTEGER, 7),
    (DECIMAL, 36500.5),
    (DECIMAL, -1234.25),
    (DECIMAL, 2.0),
    (BOOLEAN, True),
    (BOOLEAN, False),
    (DATE, dt.date(2024, 3, 1)),
]


def test_every_models_ttl_datatype_has_its_object() -> None:
    used = {p.datatype for t in load_schema().node_types.values() for p in t.properties.values()}
    used |= {p.datatype for t in load_schema().tie_types.values() for p in t.properties.values()}
    assert used <= set(DATATYPES) == {"string", "integer", "decimal", "boolean", "date"}


@pytest.mark.parametrize(("datatype", "value"), SAMPLES)
@pytest.mark.parametrize("language", ["pl", "en"])
def test_text_reads_back_to_the_same_value(datatype: Datatype, value: Any, language: str) -> None:
    written = datatype.text(value, language)
    assert datatype.parse(written) == value and type(datatype.parse(written)) is type(value)
    assert text(value, language) == written  # the module function picks the same datatype


@pytest.mark.parametrize(("datatype", "value"), SAMPLES)
def test_display_lexical_and_json_read_back(datatype: Datatype, value: Any) -> None:
    assert datatype.parse(datatype.display(value, "pl")) == value  # 12 345 (nbsp), 01.03.2024, tak
    assert datatype.parse(datatype.lexical(value)) == value  # -12345, 36500.5, true, 2024-03-01
    assert from_json(datatype.name, to_json(value)) == value == datatype.from_json(datatype.to_json(value))


def test_the_polish_forms_are_read_and_written() -> None:
    assert (DATE.parse("01.03.2024"), DECIMAL.parse("1 234,50"), BOOLEAN.parse("tak"), BOOLEAN.parse("nie")) == (
        dt.date(2024, 3, 1),
        1234.5,
        True,
        False,
    )
    assert (text(1234.5), text(2.0), text(True), text(False), text(dt.date(2024, 3, 1))) == (
        "1234,5",
        "2",
        "tak",
        "nie",
        "2024-03-01",
    )
    assert (display(12345.678), display(-12345), display(dt.date(2024, 3, 1))) == (
        "12\xa0345,678",
        "-12\xa0345",
        "01.03.2024",
    )
    with use_language("en"):
        assert (text(1234.5), text(True), display(12345.678), display(dt.date(2024, 3, 1))) == (
            "1234.5",
            "yes",
            "12,345.678",
            "2024-03-01",
        )


def test_validate_parses_and_checks_as_the_validator_does() -> None:
    strength = load_schema().tie_types["COOPERATES_WITH"].properties["strength"]
    assert INTEGER.validate("3", strength) == (3, [])
    value, problems = INTEGER.validate("9", strength)
    assert value is None and [str(p) for p in problems] == ["strength: strength = 9 jest poza zakresem 1…5"]
    assert next(str(p) for p in INTEGER.validate("12.500", strength)[1]).startswith("strength: '12.500' jest niejedno")
    assert Validator(load_schema()).value(strength, "9")[1] == problems


def test_the_guard_quotes_formulas_and_leaves_numbers() -> None:
    assert (csv_safe(-5), csv_safe(-0.5), csv_safe(5)) == ("-5", "-0,5", "5")  # a negative number is no formula
    assert [csv_safe(t) for t in ("=1+1", "+48 600", "-2+3", "@SUM(A1)", "\tx", "\rx", "'=x")] == [
        "'=1+1",
        "'+48 600",
        "'-2+3",
        "'@SUM(A1)",
        "'\tx",
        "'\rx",
        "''=x",
    ]
    assert (csv_safe("-5"), csv_safe("Łąka"), csv_safe(None), csv_safe(True)) == (
        "'-5",
        "Łąka",
        "",
        "tak",
    )  # text stays text


@pytest.mark.parametrize("original", ["=1+1", "-5", "'=x", "+48 600", "zwykły tekst", "'cytat"])
def test_the_importer_reads_a_guarded_cell_back_as_the_original_text(original: str) -> None:
    name = load_schema().node_types["Organisation"].properties["name"]
    assert csv_unguard(csv_safe(original)) == original
    assert cell_value(csv_safe(original), name) == original and cell_text(csv_safe(original)) == original


def test_a_guarded_formula_survives_export_and_import(tmp_path: Path) -> None:
    with SqliteStore(tmp_path / "a.db") as store:
        store.upsert([Node("org:a", "Organisation", {"name": "=1+1", "kind": "ngo", "example": True})], source="t")
        export_tables(store, tmp_path / "csv", fmt="csv")
        exported = (tmp_path / "csv" / "organizacje.csv").read_text(encoding="utf-8-sig")
        assert exported.count("'=1+1") == 1
        with SqliteStore(tmp_path / "b.db") as copy:
            run_import(copy, tmp_path / "csv")
            assert copy.get_node("org:a").props["name"] == "=1+1"  # type: ignore[union-attr]


# -- the former duplicates now agree ----------------------------------------------------------


def _cli(fmt: str, value: Any, capsys: pytest.CaptureFixture[str]) -> str:
    emit_rows([{"v": value}], fmt)
    return capsys.readouterr().out.splitlines()[-1].strip()


def _sheet(tmp_path: Path, node: Node, column: str, language: str) -> tuple[str, Any]:
    """The cell of ``column`` in the template's CSV export and in its XLSX export."""
    schema = load_schema()
    index = [t for t, _ in column_headers("Organisation", schema, language)].index(column)
    write_records(tmp_path / f"csv-{language}", [node], [], fmt="csv", language=language)
    (path,) = [p for p in (tmp_path / f"csv-{language}").glob("*.csv") if "org:a" in p.read_text("utf-8-sig")]
    with path.open(encoding="utf-8-sig", newline="") as stream:
        csv_cell = list(csv.reader(stream, delimiter=";"))[1][index]
    write_records(tmp_path / f"{language}.xlsx", [node], [], fmt="xlsx", language=language)
    sheet = openpyxl.load_workbook(tmp_path / f"{language}.xlsx").worksheets[0]
    return csv_cell, next(iter(sheet.iter_rows(min_row=2, values_only=True)))[index]


@pytest.mark.parametrize(("language", "yes", "no"), [("pl", "tak", "nie"), ("en", "yes", "no")])
def test_a_boolean_shows_the_same_word_in_cli_spreadsheet_and_web(
    language: str, yes: str, no: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    node = Node("org:a", "Organisation", {"name": "A", "kind": "ngo", "example": True})
    with use_language(language):
        shown = {
            "cli table": _cli("table", True, capsys),
            "cli csv": _cli("csv", True, capsys),
            "spreadsheet csv": _sheet(tmp_path, node, "example", language)[0],
            "web page": web_cell(True),
            "web number": web_number(True),
            "web csv": csv_text(["v"], [{"v": True}]).splitlines()[-1],
        }
        assert set(shown.values()) == {yes}, shown
        assert {_cli("csv", False, capsys), web_cell(False), csv_text(["v"], [{"v": False}]).splitlines()[-1]} == {no}
    assert research_cell(True) == lexical(True) == "true"  # for R and pandas: the machine form, documented


def test_the_formula_guard_is_the_same_in_every_writer(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cells = {
        "cli csv": [_cli("csv", v, capsys) for v in ("=1+1", -5, "-5")],
        "web csv": [csv_text(["v"], [{"v": v}]).splitlines()[-1] for v in ("=1+1", -5, "-5")],
        "research csv": [research_cell(v) for v in ("=1+1", -5, "-5")],
    }
    assert all(found == ["'=1+1", "-5", "'-5"] for found in cells.values()), cells
    node = Node("org:a", "Organisation", {"name": "=1+1", "kind": "ngo"})
    assert _sheet(tmp_path, node, "name", "pl") == ("'=1+1", "'=1+1")


def _tie_row(folder: Path) -> list[str]:
    (path,) = [p for p in folder.glob("*.csv") if "org:b" in p.read_text("utf-8-sig")]
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.reader(stream, delimiter=";"))[1]


def test_a_negative_number_stays_a_number_in_the_spreadsheet_export(tmp_path: Path) -> None:
    # the template's CSV used to quote every cell starting with "-", numbers too ('-5): now as the CLI
    tie = Tie("COOPERATES_WITH", "org:a", "org:b", {"strength": -5, "since": dt.date(2024, 3, 1)})
    write_records(tmp_path / "csv", [], [tie], fmt="csv")
    row = _tie_row(tmp_path / "csv")
    assert "-5" in row and "'-5" not in row and "2024-03-01" in row


def test_a_decimal_is_written_alike_in_cli_and_spreadsheet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # the CLI used to write 2.0 as "2,0" and the spreadsheet export as "2": both now "2"
    tie = Tie("TRADES_WITH", "org:a", "org:b", {"amount": 2.0, "social_clause": False})
    write_records(tmp_path / "csv", [], [tie], fmt="csv")
    row = _tie_row(tmp_path / "csv")
    assert _cli("csv", 2.0, capsys) == _cli("table", 2.0, capsys) == research_cell(2.0) == "2"
    assert "2" in row and "nie" in row
    assert _cli("csv", 36500.5, capsys) == research_cell(36500.5) == "36500,5"
