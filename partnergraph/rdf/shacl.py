"""SHACL validation of an exported graph against the shapes of models.ttl (with pyshacl).

Each violation becomes a :class:`~partnergraph.errors.Problem` located at the node's IRI and
the property (``<https://…/org/krs/000012345> pg:krs``), naming the rule in Polish or English:

    >>> from rdflib import Graph, Literal, URIRef
    >>> from partnergraph.schema import PG
    >>> from rdflib.namespace import RDF
    >>> g = Graph()
    >>> org = URIRef("https://example.org/org/a")
    >>> for t in [(org, RDF.type, PG.Organisation), (org, PG.name, Literal("A")), (org, PG.kind, Literal("ngo")),
    ...           (org, PG.krs, Literal("123456789"))]:
    ...     _ = g.add(t)
    >>> print(validate_graph(g)[0].where)
    <https://example.org/org/a> pg:krs
    >>> print(validate_graph(g)[0].message)
    wartość "123456789" nie pasuje do wzorca ^[0-9]{10}$ (reguła sh:pattern kształtu pg:OrganisationShape)
"""

from __future__ import annotations

from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import SH
from rdflib.term import Node as RdfNode

from partnergraph.errors import Problem
from partnergraph.i18n import Msg, register_messages
from partnergraph.schema import Schema, load_schema

__all__ = ["validate_graph"]

register_messages(
    {
        "rdf.shacl.pattern": "the value {value} does not match the pattern {detail} (rule {rule} of shape {shape})",
        "rdf.shacl.datatype": "the value {value} is not of type {detail} (rule {rule} of shape {shape})",
        "rdf.shacl.minCount": "a required property is missing (rule {rule} {detail} of shape {shape})",
        "rdf.shacl.maxCount": "too many values (rule {rule} {detail} of shape {shape})",
        "rdf.shacl.other": "the value {value} breaks the rule {rule} {detail} of shape {shape}",
        "rdf.shacl.hint": "fix this record in the source data and export again",
    }
)

_RULES = {
    "Pattern": SH.pattern,
    "Datatype": SH.datatype,
    "MinCount": SH.minCount,
    "MaxCount": SH.maxCount,
    "MinInclusive": SH.minInclusive,
    "MaxInclusive": SH.maxInclusive,
    "MinLength": SH.minLength,
    "LessThanOrEquals": SH.lessThanOrEquals,
    "In": SH["in"],
}
_MESSAGES = {
    "Pattern": "rdf.shacl.pattern",
    "Datatype": "rdf.shacl.datatype",
    "MinCount": "rdf.shacl.minCount",
    "MaxCount": "rdf.shacl.maxCount",
}


def _short(graph: Graph, term: RdfNode | None) -> str:
    if term is None:
        return ""
    if not isinstance(term, URIRef):
        return str(term)
    try:
        return graph.namespace_manager.normalizeUri(term)
    except Exception:  # not an IRI rdflib can shorten
        return str(term)


def _value(term: RdfNode | None) -> str:
    return "" if term is None else f'"{term}"' if not str(term).startswith("http") else f"<{term}>"


def _problem(results: Graph, shapes: Graph, result: RdfNode) -> Problem:
    one: Any = lambda p: results.value(result, p)  # noqa: E731
    focus, path, component, shape = (
        one(SH.focusNode),
        one(SH.resultPath),
        one(SH.sourceConstraintComponent),
        one(SH.sourceShape),
    )
    name = str(component).rsplit("#", 1)[-1].removesuffix("ConstraintComponent")
    rule_term = _RULES.get(name)
    detail = shapes.value(shape, rule_term) if rule_term is not None else None
    owner = next(iter(shapes.subjects(SH.property, shape)), shape)
    shown = _short(shapes, detail) if detail is not None else ""
    message = Msg(
        _MESSAGES.get(name, "rdf.shacl.other"),
        value=_value(one(SH.value)),
        detail=shown,
        rule=f"sh:{name[0].lower()}{name[1:]}",
        shape=_short(shapes, owner),
    )
    return Problem(message, f"<{focus}> {_short(shapes, path)}".rstrip(), Msg("rdf.shacl.hint"))


def validate_graph(graph: Graph, schema: Schema | None = None) -> list[Problem]:
    """Every SHACL violation of ``graph`` against models.ttl's shapes, ordered by node and property."""
    import pyshacl

    shapes = (schema or load_schema()).graph
    conforms, results, _ = pyshacl.validate(
        graph, shacl_graph=shapes, advanced=False, inference="none", allow_warnings=True
    )
    if conforms:
        return []
    assert isinstance(results, Graph)
    found = [_problem(results, shapes, r) for r in results.subjects(SH.resultSeverity, SH.Violation)]
    return sorted(found, key=lambda p: (p.where, str(p.message)))
