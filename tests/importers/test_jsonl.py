"""JSON Lines: the lossless format — exact round trips on every backend, bad lines placed."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from partnergraph.graph.base import GraphStore
from partnergraph.graph.sqlite import SqliteStore
from partnergraph.importers.jsonl import export_jsonl
from partnergraph.importers.run import ImportFailed, run_import
from partnergraph.records import Node, Tie

EXAMPLE = Path(__file__).parents[2] / "partnergraph" / "data" / "example.jsonl"


def exported(store: GraphStore) -> str:
    out = io.StringIO()
    export_jsonl(store, out)
    return out.getvalue()


def test_export_import_export_is_byte_for_byte_the_same(store: GraphStore, tmp_path: Path) -> None:
    with SqliteStore(tmp_path / "source.db") as source:
        run_import(source, EXAMPLE)
        odd = Node(
            "org:x",
            "Organisation",
            {
                "name": "Zażółć „gęślą” jaźń",
                "kind": "ngo",
                "founded": "01.02.2003",
                "description": '=1+2 i "cudzysłów"\nw dwóch wierszach',
            },
        )
        firm = Node("org:firma", "Organisation", {"name": "Firma", "kind": "business"})
        deal = Tie("TRADES_WITH", "org:x", "org:firma", {"amount": 100, "social_clause": False}, id="umowa 7/2024")
        source.upsert([odd, firm], [deal], source="edit")
        first = exported(source)
    path = tmp_path / "siec.jsonl"
    path.write_text(first, encoding="utf-8")
    report = run_import(store, path)
    assert report.count("created") == first.count("\n")
    assert exported(store) == first
    again = run_import(store, path)
    assert again.count("unchanged") == first.count("\n") and store.version() == 1


def test_bad_lines_are_reported_with_their_line_numbers(store: GraphStore, tmp_path: Path) -> None:
    path = tmp_path / "siec.jsonl"
    lines = [
        '{"comment": "przykład"}',
        '{"node": {"type": "Organisation", "props": {"name": "Łąka", "kind": "ngo"}}}',
        "",
        '{"node": {"type": "Organisation", "props": {"name": "Łąka"',
        '["node"]',
        '{"node": {"props": {}}}',
        '{"node": {"type": "Organisation", "props": ["name", "Łąka"]}}',
        '{"tie": {"type": "FUNDS", "start": "org:laka", "end": 7}}',
        "[" * 100000 + "]" * 100000,
        '{"node": {"type": "Organisation", "props": {"name": "Łąka", "kind": "ngo", "strength": 3}}}',
    ]
    path.write_bytes("\n".join(lines).encode() + b'\n{"node": "\xff"}\n')
    with pytest.raises(ImportFailed) as caught:
        run_import(store, path)
    assert [str(p).split(" (dozwolone: ")[0] for p in caught.value.report.problems] == [
        "siec.jsonl:4:59: niepoprawny JSON: Expecting ',' delimiter",
        'siec.jsonl:5: rekord musi mieć pole "node" albo "tie"',
        "siec.jsonl:6: brak lub zły typ pola 'type'",
        "siec.jsonl:7: brak lub zły typ pola 'props'",
        "siec.jsonl:8: brak lub zły typ pola 'end'",
        "siec.jsonl:9: JSON jest zagnieżdżony zbyt głęboko",
        "siec.jsonl:10: Organisation nie ma właściwości 'strength'",
        "siec.jsonl:11: wiersz nie jest zapisany w UTF-8 (bajt 11) (zapisz plik w UTF-8)",
    ]
    assert store.version() == 0


def test_the_built_in_example_network_loads_cleanly(sqlite_store: SqliteStore) -> None:
    report = run_import(sqlite_store, EXAMPLE)
    assert report.rejected == 0 and report.notices == []
    assert set(sqlite_store.count_nodes()) == set(sqlite_store.schema.node_types)
