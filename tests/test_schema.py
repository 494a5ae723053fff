"""models.ttl, the code and the README agree; a broken models.ttl gives one clear error."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import RDF, Graph, Literal, Namespace

from partnergraph.config import SETTINGS
from partnergraph.errors import SchemaError
from partnergraph.schema import ORGANISATION, PG, NodeType, Schema, TieType, load_schema, parse_schema

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
    assert ("krs.py", "OFFERS") in written and ("kumu.py", "COOPERATES_WITH") in written  # the scan does find them
    unknown = {(f, t) for f, t in written if t not in load_schema().tie_types}
    assert unknown == set()


CAMEL = re.compile(r"^[A-Z][a-z]+(?:[A-Z][a-z]+)*$")  # how node type names look: Organisation, PartnerGroup
UPPER = re.compile(r"^[A-Z]+(?:_[A-Z]+)*$")  # how tie type names look: FUNDS, TRADES_WITH
IDENT = re.compile(r"^[a-z][a-z0-9_]*$")  # how property names look: name, short_name, pkd2025
TYPE_ARGS = {"Node": 1, "iter_nodes": 0, "current_units": 1, "check_node": 3, "provenance": 1, "nodes": 0, "shown": 0}
"""Calls whose argument at that position is a node type: Node(key, TYPE, …), store.iter_nodes(TYPE),
current_units(store, TYPE), check_node(store, key, flag, TYPE), provenance(schema, TYPE, …),
places.nodes(TYPE) / places.shown(TYPE)."""
NOT_SCHEMA_NAMES = {("sparql_engines.py", "ASK"), ("sparql_engines.py", "SELECT"), ("api.py", "additionalProperties")}
"""Literals in those places that are no schema terms: SPARQL query forms, the API's JSON Schema of ``props``."""
RECORD_FIELDS = {"type", "key"}
"""Keys next to the properties where the code reads them (networkx node attributes, GraphML data)."""


def _strings(node: ast.expr | None) -> list[str]:
    """A string literal, or the string literals of a tuple, list or set literal."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return [s for e in node.elts for s in _strings(e)]
    return []


def _is_type(node: ast.expr) -> bool:
    """``x.type``, ``x.get("type")`` or ``x["type"]``: a record's or a projected node's type."""
    if isinstance(node, ast.Attribute):
        return node.attr == "type"
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get":
        return _strings(node.args[0] if node.args else None) == ["type"]
    return isinstance(node, ast.Subscript) and _strings(node.slice) == ["type"]


def _is_props(node: ast.expr) -> bool:
    """``props``, ``x.props``, ``x.properties`` or ``graph.nodes[k]``: something keyed by property names."""
    if isinstance(node, ast.Name):
        return node.id == "props"
    if isinstance(node, ast.Attribute):
        return node.attr in ("props", "properties")
    nodes = node.value if isinstance(node, ast.Subscript) else None
    graph = nodes.value if isinstance(nodes, ast.Attribute) and nodes.attr == "nodes" else None
    return getattr(graph, "id", getattr(graph, "attr", "")) == "graph"  # a projection: graph.nodes[key]


def _schema_names_in(source: str) -> tuple[set[str], set[str], set[str]]:
    """Node types, tie types and properties that ``source`` names in literals used as such.

    Node types: the arguments of :data:`TYPE_ARGS`; ``type=`` of find_nodes and ``node_types=``;
    ``node_types[…]``; what ``x.type`` / ``x.get("type")`` is compared with; constants named
    after their value (``ORGANISATION = "Organisation"``) or ``…_TYPE(S)``. Properties: the keys
    of ``props`` / ``.props`` / ``.properties`` / ``graph.nodes[k]`` (subscript or ``.get``), of
    the dict literals given to Node() and Tie() or assigned to ``props``, and the property of
    ``(type, property)`` dict keys. Tie types found in comparisons are returned for checking too.
    """
    types: set[str] = set()
    ties: set[str] = set()
    props: set[str] = set()

    def keys(node: ast.expr | None) -> None:
        if isinstance(node, ast.Dict):
            props.update(s for k in node.keys for s in _strings(k))

    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            at = TYPE_ARGS.get(name)
            if at is not None and len(node.args) > at:
                types.update(_strings(node.args[at]))
            for kw in node.keywords:
                if kw.arg in ("node_types", "node_type") or (kw.arg == "type" and name == "find_nodes"):
                    types.update(_strings(kw.value))
            if name in ("Node", "Tie") and len(node.args) > 2:
                keys(node.args[-1])
            if name == "get" and isinstance(node.func, ast.Attribute) and _is_props(node.func.value) and node.args:
                props.update(_strings(node.args[0]))
        elif isinstance(node, ast.Subscript):
            if getattr(node.value, "attr", "") == "node_types":
                types.update(_strings(node.slice))
            elif _is_props(node.value):
                props.update(_strings(node.slice))
        elif isinstance(node, ast.Compare) and any(_is_type(side) for side in (node.left, *node.comparators)):
            found = [s for side in (node.left, *node.comparators) for s in _strings(side)]
            types.update(s for s in found if CAMEL.match(s))
            ties.update(s for s in found if UPPER.match(s))
        elif isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name) and target.id == "props":
                    keys(node.value)
                pairs = (
                    zip(target.elts, getattr(node.value, "elts", []), strict=False)
                    if isinstance(target, ast.Tuple)
                    else [(target, node.value)]
                )
                for name_node, value in pairs:
                    label = getattr(name_node, "id", "")
                    if label.isupper() and label.endswith(("_TYPE", "_TYPES")):
                        types.update(s for s in _strings(value) if CAMEL.match(s))
                        ties.update(s for s in _strings(value) if UPPER.match(s))
                    elif label.isupper():
                        types.update(s for s in _strings(value) if CAMEL.match(s) and s.upper() == label)
        if isinstance(node, ast.Dict):
            for key in node.keys:
                pair = _strings(key) if isinstance(key, ast.Tuple) and len(key.elts) == 2 else []
                if len(pair) == 2 and CAMEL.match(pair[0]) and IDENT.match(pair[1]):
                    types.add(pair[0])
                    props.add(pair[1])
    return types, ties, props


def _schema_names_used_by_the_code() -> dict[str, set[tuple[str, str]]]:
    """("node type" | "tie type" | "property") → (file, name) for every literal of the package used as one."""
    found: dict[str, set[tuple[str, str]]] = {"node type": set(), "tie type": set(), "property": set()}
    for path in (ROOT / "partnergraph").rglob("*.py"):
        types, ties, props = _schema_names_in(path.read_text(encoding="utf-8"))
        found["node type"] |= {(path.name, t) for t in types}
        found["tie type"] |= {(path.name, t) for t in ties}
        found["property"] |= {(path.name, p) for p in props}
    return found


def _undeclared(found: dict[str, set[tuple[str, str]]], schema: Schema) -> set[tuple[str, str, str]]:
    """The names found that ``schema`` does not declare, as (what, file, name)."""
    owners: list[NodeType | TieType] = [*schema.node_types.values(), *schema.tie_types.values()]
    declared = {
        "node type": set(schema.node_types),
        "tie type": set(schema.tie_types),
        "property": {p for o in owners for p in o.properties},
    }
    return {
        (what, file, name)
        for what, names in found.items()
        for file, name in names
        if name not in declared[what]
        and (file, name) not in NOT_SCHEMA_NAMES
        and not (what == "property" and (name in RECORD_FIELDS or name.startswith("_")))
    }


def test_every_node_type_and_property_the_code_names_exists_in_models_ttl() -> None:
    """Adding or renaming a node type or a property is done in models.ttl: a name the code uses
    but models.ttl does not declare (a typo, a type renamed there) fails here, with its file."""
    found = _schema_names_used_by_the_code()
    # the scan does find them: in a Node(), in a comparison, a constant, a props lookup, a dict key
    assert {("teryt.py", "Voivodeship"), ("places.py", "Partnership"), ("schema.py", ORGANISATION)} <= found[
        "node type"
    ]
    assert {("coverage.py", "Service"), ("mapping.py", "County"), ("compare.py", "Municipality")} <= found["node type"]
    assert {("paths.py", "short_name"), ("krs.py", "legal_form"), ("mapping.py", "founded")} <= found["property"]
    assert _undeclared(found, load_schema()) == set()


def test_the_guard_catches_an_undeclared_node_type_or_property() -> None:
    planted = """
ORGANIZATION = "Organization"
node = Node("", "Organisaton", {"nmae": "Fundacja"})
units = store.iter_nodes("Gmina")
label = node.props.get("shortname") or props["title"]
if tie.type == "REFFERS" or graph.nodes[key].get("type") == "Municipalty":
    pass
"""
    types, ties, props = _schema_names_in(planted)
    found = {
        "node type": {("x.py", t) for t in types},
        "tie type": {("x.py", t) for t in ties},
        "property": {("x.py", p) for p in props},
    }
    assert {name for _, _, name in _undeclared(found, load_schema())} == {
        "Organization",
        "Organisaton",
        "Gmina",
        "Municipalty",
        "REFFERS",
        "nmae",
        "shortname",
        "title",
    }


def _with_work_cooperatives() -> Schema:
    """models.ttl with one more organisation kind, its synonyms and its legal form — and nothing else."""
    extra = """
kind:work_cooperative a skos:Concept ; skos:inScheme pg:OrganisationKinds ; skos:notation "work_cooperative" ;
    pg:defaultSector sector:private ;
    skos:prefLabel "spółdzielnia pracy"@pl , "worker cooperative"@en ;
    skos:definition "Spółdzielnia pracy."@pl , "A worker cooperative."@en ;
    skos:altLabel "SP"@pl ; skos:hiddenLabel "spoldzielnia pracownicza"@pl ;
    pg:legalFormWord "spółdzielnia pracy" .
"""
    return parse_schema(MODELS + extra)


def test_a_kind_added_only_in_models_ttl_is_known_with_its_synonyms() -> None:
    kinds = _with_work_cooperatives().vocabularies["OrganisationKinds"]
    for text in ("work_cooperative", "Spółdzielnia pracy", "WORKER COOPERATIVE", "sp", "Spółdzielnia pracownicza"):
        assert getattr(kinds.lookup(text), "name", None) == "work_cooperative", text
    assert kinds.by_legal_form("SPÓŁDZIELNIA PRACY") == kinds.concepts["work_cooperative"]
    assert "work_cooperative" not in load_schema().vocabularies["OrganisationKinds"].concepts


def test_kumu_recognises_a_kind_synonym_declared_only_in_models_ttl(tmp_path: Path) -> None:
    from partnergraph.graph.sqlite import SqliteStore
    from partnergraph.importers.run import run_import

    folder = tmp_path / "mapa"
    folder.mkdir()
    (folder / "elements.csv").write_text(
        "Label,Type\nSpółdzielnia Pracy Start,SP\nFundacja Razem,MOPS\nPiekarnia,firma\n", encoding="utf-8"
    )
    (folder / "connections.csv").write_text("From,To,Type\nFundacja Razem,Piekarnia,FUNDS\n", encoding="utf-8")
    with SqliteStore(tmp_path / "g.db", schema=_with_work_cooperatives()) as store:
        report = run_import(store, folder, format="kumu")
        assert report.notices == []
        assert {n.props["name"]: n.props["kind"] for n in store.iter_nodes(ORGANISATION)} == {
            "Spółdzielnia Pracy Start": "work_cooperative",
            "Fundacja Razem": "welfare_centre",
            "Piekarnia": "business",
        }


def test_krs_maps_a_legal_form_declared_only_in_models_ttl(tmp_path: Path) -> None:
    from partnergraph.importers.base import Located
    from partnergraph.importers.krs import kind_of, read_krs
    from partnergraph.importers.pkd import ActivityIndex
    from partnergraph.importers.teryt import MunicipalityIndex
    from partnergraph.records import Node

    schema = _with_work_cooperatives()
    assert kind_of("SPÓŁDZIELNIA PRACY", schema) == "work_cooperative"
    assert kind_of("SPÓŁDZIELNIA PRACY") == "other"  # the packaged models.ttl has no such kind
    extract = json.loads(
        (ROOT / "tests/importers/fixtures/registers/krs/0000999001_spoldzielnia_socjalna.json").read_text()
    )
    extract["odpis"]["dane"]["dzial1"]["danePodmiotu"]["formaPrawna"] = "SPÓŁDZIELNIA PRACY"
    (tmp_path / "odpis.json").write_text(json.dumps(extract, ensure_ascii=False), encoding="utf-8")
    items = read_krs(
        tmp_path / "odpis.json", municipalities=MunicipalityIndex(), activities=ActivityIndex(), schema=schema
    )
    nodes = [i.record for i in items if isinstance(i, Located) and isinstance(i.record, Node)]
    assert [n.props["kind"] for n in nodes] == ["work_cooperative"]


@pytest.mark.parametrize(
    ("form", "kind"),
    [
        ("SPÓŁDZIELNIA SOCJALNA OSÓB PRAWNYCH", "social_cooperative"),
        ("ZWIĄZEK STOWARZYSZEŃ", "ngo"),  # the word nearest the start wins: stowarzysz…, not a spółka
        ("FUNDACJA RODZINNA SPÓŁKA", "ngo"),
        ("SPÓŁKA JAWNA FUNDACJI", "business"),
        ("SPÓŁDZIELNIA", "other"),  # a hidden label of social cooperatives, but no legal form word
    ],
)
def test_legal_form_words_match_word_beginnings_nearest_the_start(form: str, kind: str) -> None:
    from partnergraph.importers.krs import kind_of

    assert kind_of(form) == kind


def test_sheet_titles_order_and_the_roles_of_terms_come_from_models_ttl() -> None:
    from partnergraph.importers.spreadsheet import TIES, sheet_kind, sheet_title

    schema = load_schema()
    assert schema.sheet_types()[:2] == (ORGANISATION, "Municipality")
    assert (schema.searched_by, schema.sorted_by, schema.place_tie, schema.place_type) == (
        ("name", "short_name"),
        "name",
        "LOCATED_IN",
        "Municipality",
    )
    assert sheet_kind("Organizations", schema) == ORGANISATION  # a title tagged en-US
    changed = parse_schema(
        MODELS.replace(
            '"Wydarzenia"@pl , "Events"@en ;\n    pg:sheetOrder 8',
            '"Spotkania"@pl , "Meetings"@en ;\n    pg:sheetOrder 0',
        ).replace('pg:sheetTitle "Powiązania"@pl , "Ties"@en', 'pg:sheetTitle "Relacje"@pl , "Relations"@en')
    )
    assert sheet_title("Event", changed, "en") == "Meetings" and sheet_kind("spotkania", changed) == "Event"
    assert sheet_title(TIES, changed) == "Relacje" and sheet_kind("Relations", changed) == TIES
    assert changed.sheet_types()[0] == "Event"


@pytest.mark.parametrize(
    ("old", "new", "error"),
    [
        (
            'skos:altLabel "firma"@pl',
            'skos:altLabel "PUP"@pl',
            r"business: 'PUP' also names labour_office|labour_office: 'PUP' also names business",
        ),
        ('skos:altLabel "szkoła"@pl', 'skos:altLabel "szkoła"', r"school: altLabel .* needs a language tag"),
        ("pg:placeTie pg:LOCATED_IN", "pg:placeTie pg:MEMBER_OFF", r"pg:placeTie must name a tie type"),
        (
            "pg:searchedBy ( pg:name pg:short_name )",
            "pg:searchedBy ( pg:name pg:nick )",
            r"names nick, which no node shape",
        ),
        ("pg:defaultConcept kind:other", "pg:defaultConcept sector:public", r"pg:defaultConcept must name a concept"),
    ],
)
def test_a_broken_synonym_or_role_is_one_clear_error(old: str, new: str, error: str) -> None:
    assert MODELS.count(old) == 1
    with pytest.raises(SchemaError, match=error):
        parse_schema(MODELS.replace(old, new))


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
