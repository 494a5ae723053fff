"""The CSV tables and their codebook, as a researcher opens them in Excel, R or pandas."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from partnergraph.exports.tables import write_tables
from partnergraph.graph.base import GraphStore
from partnergraph.records import Node, Tie


def _read(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, for Polish Excel
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.DictReader(stream, delimiter=";"))


def test_tables_hold_every_node_tie_and_organisation(example_store: GraphStore, tmp_path: Path) -> None:
    counts = write_tables(example_store, tmp_path)
    nodes, ties, metrics = (_read(tmp_path / n) for n in ("nodes.csv", "ties.csv", "metrics.csv"))
    assert (len(nodes), len(ties), len(metrics)) == (59, 153, 28)
    assert counts["nodes.csv"] == 59 and counts["ties.csv"] == 153
    kuchnia = next(r for r in nodes if r["key"] == "org:ss-kwilecka-kuchnia")
    assert (kuchnia["type"], kuchnia["kind"], kuchnia["founded"], kuchnia["example"]) == (
        "Organisation",
        "social_cooperative",
        "2024-06-14",
        "true",
    )
    trade = next(r for r in ties if r["id"] == "org:ss-smaki-wildy-[TRADES_WITH]->org:urzad-miasta-poznania@2024-11-15")
    assert (trade["amount"], trade["social_clause"], trade["symmetric"]) == (
        "36500,5",
        "true",
        "false",
    )  # decimal comma
    ces = next(r for r in metrics if r["key"] == "org:ces-poznan")
    assert ces["degree"] == "14" and ces["eigenvector"] == "1"
    assert [r["key"] for r in metrics] == sorted(r["key"] for r in metrics)
    # the example's contact roles ("koordynator CES") are private: no column, no value
    assert "contact_role" not in nodes[0] and "koordynator" not in (tmp_path / "nodes.csv").read_text(
        encoding="utf-8-sig"
    )


def test_codebook_explains_every_column(example_store: GraphStore, tmp_path: Path) -> None:
    write_tables(example_store, tmp_path)
    book = _read(tmp_path / "codebook.csv")
    for name in ("nodes.csv", "ties.csv", "metrics.csv"):
        with (tmp_path / name).open(encoding="utf-8-sig") as stream:
            header = stream.readline().strip().split(";")
        assert [r["column"] for r in book if r["file"] == name] == header
    entry = {(r["file"], r["column"]): r for r in book}
    kind = entry["nodes.csv", "kind"]
    assert (kind["label_pl"], kind["label_en"], kind["datatype"]) == ("rodzaj", "kind", "string")
    assert "social_cooperative = spółdzielnia socjalna / social cooperative" in kind["values"]
    assert entry["ties.csv", "amount"]["datatype"] == "decimal"
    assert "<5" in entry["ties.csv", "count"]["values"]
    pagerank = entry["metrics.csv", "pagerank"]
    assert (
        "PageRank (directed, strength-weighted, damping 0.85)" in pagerank["method"]
        and pagerank["datatype"] == "decimal"
    )


def test_small_counts_private_values_and_formulas(store: GraphStore, tmp_path: Path) -> None:
    store.upsert(
        [
            Node(
                "org:ops",
                "Organisation",
                {"name": '=HYPERLINK("http://x")', "kind": "welfare_centre", "phone": "+48 600 000 000"},
            ),
            Node("org:ces", "Organisation", {"name": "CES", "kind": "ces", "email": "ces@example.org"}),
        ],
        [
            Tie("REFERS", "org:ops", "org:ces", {"count": 3, "since": dt.date(2024, 1, 1)}),
            Tie("REFERS", "org:ops", "org:ces", {"count": 7, "since": dt.date(2024, 7, 1)}),
        ],
        source="test",
    )
    write_tables(store, tmp_path)
    ties = {r["since"]: r for r in _read(tmp_path / "ties.csv")}
    assert (ties["2024-01-01"]["count"], ties["2024-01-01"]["count_suppressed"]) == ("<5", "true")
    assert (ties["2024-07-01"]["count"], ties["2024-07-01"]["count_suppressed"]) == ("7", "false")
    nodes = {r["key"]: r for r in _read(tmp_path / "nodes.csv")}
    assert nodes["org:ops"]["name"] == '\'=HYPERLINK("http://x")'  # a spreadsheet shows it, never runs it
    assert "email" not in nodes["org:ces"] and "ces@example.org" not in (tmp_path / "nodes.csv").read_text(
        encoding="utf-8-sig"
    )
    write_tables(store, tmp_path, include_private=True)
    nodes = {r["key"]: r for r in _read(tmp_path / "nodes.csv")}
    assert nodes["org:ces"]["email"] == "ces@example.org" and nodes["org:ops"]["phone"] == "'+48 600 000 000"
