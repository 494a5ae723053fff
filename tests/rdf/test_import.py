"""RDF import: export → import into an empty store → export again is the same graph; foreign RDF is refused."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import cast

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

import partnergraph.importers.rdf  # noqa: F401  (registers the turtle/ntriples/jsonld/rdfxml readers)
from partnergraph.graph import open_store
from partnergraph.graph.base import GraphStore
from partnergraph.importers.run import ImportFailed, run_import
from partnergraph.rdf.export import triples, write_rdf
from partnergraph.records import Node, Tie
from tests.conftest import load_example


def _graph(store: GraphStore) -> Graph:
    graph = Graph()
    for triple in triples(store, include_private=True, provenance=False):
        graph.add(triple)
    return graph


def _without_small_counts(store: GraphStore) -> GraphStore:
    """The store with every referral count raised by 10: a count from 1 to 4 is never exported, so cannot come back."""
    raised = [
        Tie(t.type, t.start, t.end, {**t.props, "count": cast(int, t.props["count"]) + 10}, t.id)
        for t in store.iter_ties("REFERS")
    ]
    store.upsert(ties=raised, source="test")
    return store


@pytest.mark.parametrize(
    ("fmt", "suffix"), [("turtle", ".ttl"), ("ntriples", ".nt"), ("jsonld", ".jsonld"), ("rdfxml", ".rdf")]
)
def test_export_import_export_is_isomorphic(store: GraphStore, tmp_path: Path, fmt: str, suffix: str) -> None:
    with open_store(f"sqlite:///{tmp_path / 'source.db'}") as source:
        _without_small_counts(load_example(source))
        path = tmp_path / f"graf{suffix}"
        write_rdf(source, path, format=fmt, include_private=True)
        expected = _graph(source)
    report = run_import(store, path, format=fmt)
    assert report.count("created") == 212  # 59 nodes + 153 ties of the example network
    # Provenance is left out of the comparison: the import is a new write, with its own run and time.
    assert isomorphic(_graph(store), expected)


def test_another_vocabulary_is_refused_naming_the_first_unknown_term(sqlite_store: GraphStore, tmp_path: Path) -> None:
    path = tmp_path / "foaf.ttl"
    path.write_text(
        "@prefix foaf: <http://xmlns.com/foaf/0.1/> .\n"
        "@prefix pg: <https://w3id.org/partnergraph/ns#> .\n"
        '<https://example.org/org/a> a pg:Organisation ; pg:name "A" .\n'
        '<https://example.org/people/1> a foaf:Person ; foaf:name "Jan" .\n',
        encoding="utf-8",
    )
    with pytest.raises(ImportFailed) as error:
        run_import(sqlite_store, path, format="turtle")
    assert str(error.value).splitlines()[1] == (
        "foaf.ttl: <https://example.org/people/1> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type>: "
        "nieznana klasa <http://xmlns.com/foaf/0.1/Person>: plik używa innego słownika niż partnergraph "
        "(wczytać można tylko RDF z eksportu partnergraph (partnergraph export rdf))"
    )
    assert sqlite_store.count_nodes() == {}


def test_an_unknown_property_is_refused(sqlite_store: GraphStore, tmp_path: Path) -> None:
    path = tmp_path / "x.nt"
    path.write_text('<https://example.org/org/a> <http://example.org/vocab#size> "3" .\n', encoding="utf-8")
    with pytest.raises(ImportFailed) as error:
        run_import(sqlite_store, path, format="ntriples")
    assert "nieznana właściwość <http://example.org/vocab#size>" in str(error.value)


def test_a_bad_value_is_located_at_its_subject_and_predicate(sqlite_store: GraphStore, tmp_path: Path) -> None:
    path = tmp_path / "x.ttl"
    path.write_text(
        "@prefix pg: <https://w3id.org/partnergraph/ns#> .\n"
        '<https://example.org/pg/org/a> a pg:Organisation ; pg:name "A" ; pg:kind "ngo" ; pg:postcode "64420" .\n',
        encoding="utf-8",
    )
    with pytest.raises(ImportFailed) as error:
        run_import(sqlite_store, path, format="turtle")
    assert str(error.value).splitlines()[1].startswith("x.ttl: <https://example.org/pg/org/a> pg:postcode: ")


def test_a_syntax_error_gives_line_and_column(sqlite_store: GraphStore, tmp_path: Path) -> None:
    path = tmp_path / "x.nt"
    path.write_text('<https://example.org/pg/org/a> <https://w3id.org/partnergraph/ns#name> "A .\n', encoding="utf-8")
    with pytest.raises(ImportFailed) as error:
        run_import(sqlite_store, path, format="ntriples")
    assert str(error.value).splitlines()[1].startswith("x.nt:1:")


def _referral(store: GraphStore, count: int) -> None:
    store.upsert(
        [
            Node("org:gops", "Organisation", {"name": "GOPS", "kind": "welfare_centre"}),
            Node("org:ces", "Organisation", {"name": "CES", "kind": "ces"}),
        ],
        [Tie("REFERS", "org:gops", "org:ces", {"count": count, "since": dt.date(2024, 1, 1)})],
        source="test",
    )


def test_a_suppressed_count_keeps_the_stored_count(store: GraphStore, tmp_path: Path) -> None:
    _referral(store, 3)
    path = tmp_path / "public.ttl"
    write_rdf(store, path)  # the count 3 is suppressed in the export
    report = run_import(store, path, format="turtle")
    assert report.count("updated") == 0
    (tie,) = store.iter_ties()
    assert tie.props["count"] == 3


def test_a_suppressed_count_cannot_go_into_an_empty_store(sqlite_store: GraphStore, tmp_path: Path) -> None:
    with open_store(f"sqlite:///{tmp_path / 'source.db'}") as source:
        _referral(source, 3)
        write_rdf(source, tmp_path / "public.ttl")
    with pytest.raises(ImportFailed) as error:
        run_import(sqlite_store, tmp_path / "public.ttl", format="turtle")
    assert "liczba skierowań była w eksporcie ukryta (<5)" in str(error.value)
