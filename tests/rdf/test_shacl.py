"""SHACL: every export conforms to models.ttl's shapes; a broken record is reported by node and rule."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from partnergraph.errors import ValidationError
from partnergraph.graph.base import GraphStore
from partnergraph.i18n import use_language
from partnergraph.rdf.export import raw_triples, to_graph, write_rdf
from partnergraph.rdf.shacl import validate_graph
from partnergraph.records import Node
from partnergraph.schema import PG


def test_the_example_network_has_no_violations(example_store: GraphStore) -> None:
    report = write_rdf(example_store, io.BytesIO(), validate=True, include_private=True)
    assert report.validated and report.problems == []
    assert validate_graph(to_graph(raw_triples(example_store))) == []


def test_a_generated_network_has_no_violations(sqlite_store: GraphStore) -> None:
    from bench.generate import generate

    nodes, ties = generate(500, seed=3, teryt_path=Path("/nonexistent.csv"))
    sqlite_store.upsert(nodes, ties, source="bench")
    graph = to_graph(raw_triples(sqlite_store))
    assert len(graph) > 10_000
    assert validate_graph(graph) == []


def test_a_nine_digit_krs_names_the_node_and_the_rule(sqlite_store: GraphStore) -> None:
    sqlite_store.upsert([Node("org:a", "Organisation", {"name": "A", "kind": "ngo"})], source="test")
    graph = to_graph(raw_triples(sqlite_store, base="https://example.org/pg"))
    graph.add((URIRef("https://example.org/pg/org/a"), PG.krs, Literal("123456789")))
    (problem,) = validate_graph(graph)
    assert str(problem) == (
        '<https://example.org/pg/org/a> pg:krs: wartość "123456789" nie pasuje do wzorca ^[0-9]{10}$ '
        "(reguła sh:pattern kształtu pg:OrganisationShape) (popraw ten rekord w danych źródłowych i wyeksportuj ponownie)"
    )
    with use_language("en"):
        assert str(problem.message) == (
            'the value "123456789" does not match the pattern ^[0-9]{10}$ (rule sh:pattern of shape pg:OrganisationShape)'
        )


def test_a_missing_name_is_a_min_count_violation(sqlite_store: GraphStore) -> None:
    sqlite_store.upsert([Node("org:a", "Organisation", {"name": "A", "kind": "ngo"})], source="test")
    graph = to_graph(raw_triples(sqlite_store, base="https://example.org/pg"))
    graph.remove((URIRef("https://example.org/pg/org/a"), PG.name, None))
    (problem,) = validate_graph(graph)
    assert problem.where == "<https://example.org/pg/org/a> pg:name"
    assert str(problem.message) == "brak wymaganej właściwości (reguła sh:minCount 1 kształtu pg:OrganisationShape)"


def test_validate_refuses_to_write_a_broken_graph(
    sqlite_store: GraphStore, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import partnergraph.rdf.shacl as shacl

    sqlite_store.upsert([Node("org:a", "Organisation", {"name": "A", "kind": "ngo"})], source="test")
    broken = shacl.validate_graph

    def with_krs(graph: object, schema: object = None) -> list[object]:
        graph.add((URIRef("https://w3id.org/partnergraph/id/org/a"), PG.krs, Literal("1")))  # type: ignore[attr-defined]
        return broken(graph)  # type: ignore[arg-type, return-value]

    monkeypatch.setattr(shacl, "validate_graph", with_krs)
    with pytest.raises(ValidationError):
        write_rdf(sqlite_store, tmp_path / "out.ttl", validate=True)
    assert not (tmp_path / "out.ttl").exists()
