"""models.ttl, the code and the README agree; a broken models.ttl gives one clear error."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import RDF, Graph, Literal, Namespace

from partnergraph.config import SETTINGS
from partnergraph.errors import SchemaError
from partnergraph.schema import PG, NodeType, TieType, load_schema, parse_schema

ROOT = Path(__file__).resolve().parents[1]
MODELS = (ROOT / "partnergraph" / "models.ttl").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_type_property_and_concept_is_labelled_in_both_languages() -> None:
    schema = load_schema()
    owners: list[NodeType | TieType] = [*schema.node_types.values(), *schema.tie_types.values()]
    for thing in [
        *owners,
        *(p for o in owners for p in o.properties.values()),
        *schema.vocabularies.values(),
        *(c for v in schema.vocabularies.values() for c in v.concepts.values()),
    ]:
        assert thing.label("pl") and thing.label("en") and thing.comment("pl") and thing.comment("en"), thing.name
        assert thing.labels.keys() == {"pl", "en"}, thing.name


def test_a_missing_label_names_the_term() -> None:
    broken = MODELS.replace('rdfs:label "kieruje"@pl , "refers"@en ;', 'rdfs:label "refers"@en ;')
    with pytest.raises(SchemaError, match=r"models.ttl, pojęcie REFERS: needs rdfs:label in Polish and English"):
        parse_schema(broken)


def test_bad_turtle_is_one_clear_error() -> None:
    with pytest.raises(SchemaError, match=r"models\.ttl nie daje się odczytać"):
        parse_schema(MODELS.replace("pg:Organisation a owl:Class", "pg:Organisation a owl:Class ;;;", 1))


def test_an_endpoint_that_is_not_a_node_type_is_refused() -> None:
    broken = MODELS.replace(
        "rdfs:domain pg:Organisation ; rdfs:range pg:Event .", "rdfs:domain pg:Organisation ; rdfs:range pg:Meeting ."
    )
    with pytest.raises(SchemaError, match=r"TOOK_PART_IN.*Meeting"):
        parse_schema(broken)


def test_a_property_with_two_datatypes_is_refused() -> None:
    """Stores decode a stored value by its property's name alone, so every shape must give a property the same datatype."""
    assert MODELS.count("[ sh:path pg:since ; sh:datatype xsd:date ;") == 2
    broken = MODELS.replace(
        "[ sh:path pg:since ; sh:datatype xsd:date ;", "[ sh:path pg:since ; sh:datatype xsd:string ;", 1
    )
    with pytest.raises(
        SchemaError, match=r"pojęcie since: sh:datatype (string here, date|date here, string) in another shape"
    ):
        parse_schema(broken)


def _tie_types_written_by_the_code() -> set[tuple[str, str]]:
    """(file, tie type) for every literal tie type the package passes to Tie(), iter_ties(), tie_types[…] or *_TIE."""
    found: set[tuple[str, str]] = set()
    for path in (ROOT / "partnergraph").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            literal: ast.expr | None = None
            if isinstance(node, ast.Call) and node.args:
                name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
                literal = node.args[0] if name in ("Tie", "iter_ties") else None
            elif isinstance(node, ast.Subscript) and getattr(node.value, "attr", "") == "tie_types":
                literal = node.slice
            elif isinstance(node, ast.Assign) and any(getattr(t, "id", "").endswith("_TIE") for t in node.targets):
                literal = node.value
            if isinstance(literal, ast.Constant) and isinstance(literal.value, str):
                found.add((path.name, literal.value))
    return found


def test_every_tie_type_the_code_writes_exists_in_models_ttl() -> None:
    written = _tie_types_written_by_the_code()
    assert ("projection.py", "LOCATED_IN") in written  # the scan does find them
    unknown = {(f, t) for f, t in written if t not in load_schema().tie_types}
    assert unknown == set()


def test_readme_documents_every_setting_command_and_type() -> None:
    from partnergraph.cli import main

    for setting in SETTINGS:
        assert setting.env in README, f"README does not document {setting.env}"
    for name in main.commands:
        assert f"partnergraph {name}" in README, f"README does not mention 'partnergraph {name}'"
    from partnergraph.queries import analyses

    for name in analyses():
        assert f"`{name}`" in README, f"README's list of analyses misses {name}"
    schema = load_schema()
    for name in [*schema.node_types, *schema.tie_types]:
        assert f"`{name}`" in README, f"README does not list {name}"


def test_shacl_shapes_accept_good_data_and_reject_bad_formats() -> None:
    shapes = Graph().parse(data=MODELS, format="turtle")
    ex = Namespace("https://example.org/")
    data = Graph()
    data.add((ex.good, RDF.type, PG.Organisation))
    data.add((ex.good, PG.name, Literal("Spółdzielnia Socjalna „Łąka”")))
    data.add((ex.good, PG.kind, Literal("social_cooperative")))
    data.add((ex.good, PG.krs, Literal("0000123456")))
    conforms, _, _ = validate(data, shacl_graph=shapes)
    assert conforms
    data.add((ex.bad, RDF.type, PG.Municipality))
    data.add((ex.bad, PG.name, Literal("Kwilcz")))
    data.add((ex.bad, PG.teryt, Literal("30140")))
    conforms, _, report = validate(data, shacl_graph=shapes)
    assert not conforms and "teryt" in report
