"""``partnergraph export rdf`` from the command line."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph

from partnergraph.cli import main


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CliRunner:
    monkeypatch.setenv("PARTNERGRAPH_STORE", f"sqlite:///{tmp_path / 'x.db'}")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(main, ["demo"]).exit_code == 0
    return runner


def test_export_rdf_writes_validated_turtle(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["export", "rdf", "--validate", "graf.ttl"])
    assert result.exit_code == 0, result.output
    assert "SHACL: zgodny z kształtami models.ttl (0 naruszeń)" in result.output
    assert result.output.splitlines()[-1].startswith("Zapisano graf.ttl (turtle): trójek ")
    assert len(Graph().parse(tmp_path / "graf.ttl", format="turtle")) > 2000


def test_the_format_follows_the_extension(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["export", "rdf", "graf.nt"])
    assert "(ntriples)" in result.output
    assert (tmp_path / "graf.nt").read_text(encoding="utf-8").startswith("<")


def test_a_bad_format_is_one_clear_line(runner: CliRunner) -> None:
    result = runner.invoke(main, ["export", "rdf", "--format", "csv", "graf.ttl"])
    assert result.exit_code == 1
    assert result.output == "Błąd: nieznany format RDF 'csv' (podaj jeden z: turtle, jsonld, ntriples, rdfxml)\n"


def test_an_existing_file_is_not_overwritten(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "graf.ttl").write_text("old", encoding="utf-8")
    result = runner.invoke(main, ["export", "rdf", "graf.ttl"])
    assert result.exit_code == 1
    assert result.output == "Błąd: graf.ttl już istnieje (podaj inną nazwę albo dodaj --force)\n"
    assert (tmp_path / "graf.ttl").read_text(encoding="utf-8") == "old"


def test_standard_output_without_out(runner: CliRunner) -> None:
    result = runner.invoke(main, ["export", "rdf", "--format", "ntriples"])
    assert result.exit_code == 0
    assert "<https://w3id.org/partnergraph/vocab/kind/ces>" in result.output


@pytest.mark.filterwarnings(
    "ignore:ConjunctiveGraph is deprecated:DeprecationWarning"
)  # inside rdflib's JSON-LD compaction
def test_a_jsonld_export_comes_with_its_published_context(runner: CliRunner, tmp_path: Path) -> None:
    import json

    from rdflib.compare import isomorphic

    result = runner.invoke(main, ["export", "rdf", "graf.jsonld"])
    assert result.exit_code == 0, result.output
    assert f"Zapisano kontekst JSON-LD {Path('graf.context.jsonld')}" in result.output
    context = json.loads((tmp_path / "graf.context.jsonld").read_text(encoding="utf-8"))["@context"]
    assert context["Organisation"] == "pg:Organisation" and context["since"] == {"@id": "pg:since", "@type": "xsd:date"}
    graph = Graph().parse(tmp_path / "graf.jsonld", format="json-ld")
    compacted = graph.serialize(format="json-ld", context=context)
    assert '"name": "Centrum Ekonomii Społecznej w Kwilczu"' in compacted  # plain JSON keys after compaction
    assert isomorphic(Graph().parse(data=compacted, format="json-ld"), graph)
