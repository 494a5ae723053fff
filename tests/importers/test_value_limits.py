"""One limit on the length of a text value for every way in, and exports that cannot hold a value say so
(issue 15, item 7)."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl  # type: ignore[import-untyped, unused-ignore]
import pytest
from click.testing import CliRunner

from partnergraph.cli import main
from partnergraph.errors import ConfigError, ValidationError
from partnergraph.graph.base import GraphStore
from partnergraph.graph.sqlite import SqliteStore
from partnergraph.importers.run import ImportFailed, run_import
from partnergraph.importers.workbook import export_tables
from partnergraph.records import Node
from partnergraph.validate import TEXT_LIMIT

LONGEST = "Ł" + "ą" * (TEXT_LIMIT - 1)
TOO_LONG = LONGEST + "ż"


def _csv(path: Path, description: str) -> Path:
    path.write_text(f"klucz;nazwa;rodzaj;opis\norg:a;Fundacja Łąka;ngo;{description}\n", encoding="utf-8-sig")
    return path


def _jsonl(path: Path, description: str) -> Path:
    props = {"name": "Fundacja Łąka", "kind": "ngo", "description": description}
    record = {"node": {"key": "org:a", "type": "Organisation", "props": props}}
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def _xlsx(path: Path, description: str) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Organizacje"
    sheet.append(["klucz", "nazwa", "rodzaj", "opis"])
    sheet.append(["org:a", "Fundacja Łąka", "ngo", description])
    book.save(path)
    return path


WRITERS = {"organizacje.csv": _csv, "siec.jsonl": _jsonl, "siec.xlsx": _xlsx}


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_every_format_takes_the_longest_value_and_refuses_one_more(
    store: GraphStore, tmp_path: Path, name: str
) -> None:
    with pytest.raises(ImportFailed) as caught:
        run_import(store, WRITERS[name](tmp_path / name, TOO_LONG))
    found = [str(p) for p in caught.value.report.problems]
    assert len(found) == 1 and f"ma {TEXT_LIMIT + 1} znaków, a wartość może mieć najwyżej {TEXT_LIMIT}" in found[0], (
        found
    )
    assert store.count_nodes() == {}
    run_import(store, WRITERS[name](tmp_path / name, LONGEST))
    node = store.get_node("org:a")
    assert node is not None and node.props["description"] == LONGEST


def test_the_cli_and_the_validator_share_the_limit(tmp_path: Path) -> None:
    runner, url = CliRunner(), f"sqlite:///{tmp_path / 'pg.db'}"
    refused = runner.invoke(
        main, ["--store", url, "add", "node", "Organisation", "org:a", "name=A", "kind=ngo", f"description={TOO_LONG}"]
    )
    assert refused.exit_code == 1 and f"najwyżej {TEXT_LIMIT}" in refused.output


def test_everything_stored_goes_out_as_csv_and_xlsx_and_back(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "pg.db")
    store.upsert(
        [Node("org:a", "Organisation", {"name": "Fundacja Łąka", "kind": "ngo", "description": "=" + LONGEST[1:]})],
        source="t",
    )
    for fmt, out in (("csv", tmp_path / "tabele"), ("xlsx", tmp_path / "siec.xlsx")):
        export_tables(store, out, fmt=fmt)
        again = SqliteStore(tmp_path / f"again-{fmt}.db")
        run_import(again, out)
        node = again.get_node("org:a")
        assert node is not None and node.props["description"] == "=" + LONGEST[1:]  # formula guard added and taken off
        again.close()
    store.close()


def test_an_xlsx_export_that_cannot_hold_a_value_says_so_and_writes_nothing(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "pg.db")
    store.upsert([Node("org:a", "Organisation", {"name": "Fundacja Łąka", "kind": "ngo"})], source="t")
    longer = "x" * 40_000  # a store written before the limit existed: put straight into the file
    store.db.execute("UPDATE nodes SET props = json_set(props, '$.description', ?) WHERE key = 'org:a'", (longer,))
    with pytest.raises(
        ConfigError, match=r"wiersz 2 \(org:a\): wartość ma 40000 znaków, a komórka XLSX mieści najwyżej 32767"
    ):
        export_tables(store, tmp_path / "siec.xlsx", fmt="xlsx")
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("pg.db")) == []
    store.close()


def test_a_csv_field_beyond_the_reader_limit_is_named_as_too_long(store: GraphStore, tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as caught:
        run_import(store, _csv(tmp_path / "organizacje.csv", "a" * 200_000))
    assert "pole ma ponad 131 072 znaki" in str(caught.value) and "organizacje.csv:2" in str(caught.value)
