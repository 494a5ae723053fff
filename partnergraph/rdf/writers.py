r"""Serializers of the exporter's light triples: streaming N-Triples, pyoxigraph for the rest.

N-Triples lines are formatted directly from the light terms and written in chunks of
:data:`CHUNK` lines, so memory does not grow with the graph. Turtle, JSON-LD and RDF/XML feed
the same chunks to pyoxigraph's parser and its streaming serializers (Turtle groups the
consecutive triples of a subject, which the exporter writes together). JSON-LD is pyoxigraph's
expanded form inside ``{"@context": …, "@graph": …}`` with the prefixes as context.

    >>> import io
    >>> from partnergraph.rdf.terms import Lit
    >>> out = io.BytesIO()
    >>> serialize([("https://ex.org/a", "https://ex.org/p", Lit("x"))], out, "turtle", {"ex": "https://ex.org/"})
    1
    >>> out.getvalue().decode()
    '@prefix ex: <https://ex.org/> .\nex:a ex:p "x" .\n'
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import IO, Any

from rdflib import Graph

from partnergraph.rdf.mapping import PREFIXES, prefixes
from partnergraph.rdf.terms import Triple, nt_line, to_rdflib
from partnergraph.schema import NodeType, Schema, TieType

__all__ = ["CHUNK", "jsonld_context", "serialize", "to_graph"]

CHUNK = 20_000
"""Triples formatted (and handed to pyoxigraph) at a time."""


def _chunks(items: Iterable[Triple], count: list[int]) -> Iterator[bytes]:
    """The triples as N-Triples, in UTF-8 chunks of :data:`CHUNK` lines."""
    lines: list[str] = []
    for s, p, o in items:
        lines.append(nt_line(s, p, o))
        if len(lines) >= CHUNK:
            count[0] += len(lines)
            yield "".join(lines).encode("utf-8")
            lines = []
    count[0] += len(lines)
    yield "".join(lines).encode("utf-8")


def _oxigraph_triples(items: Iterable[Triple], count: list[int]) -> Iterator[Any]:
    import pyoxigraph

    for chunk in _chunks(items, count):
        yield from pyoxigraph.parse(chunk, format=pyoxigraph.RdfFormat.N_TRIPLES)


_XSD = {
    "string": None,
    "date": "xsd:date",
    "integer": "xsd:integer",
    "decimal": "xsd:decimal",
    "boolean": "xsd:boolean",
}


def jsonld_context(schema: Schema) -> dict[str, Any]:
    """The published JSON-LD context: the prefixes, and a term for every node type, tie type and property.

    Built from models.ttl: ``"Organisation": "pg:Organisation"``, ``"founded": {"@id": "pg:founded",
    "@type": "xsd:date"}``, ``"FOUNDED": {"@id": "pg:FOUNDED", "@type": "@id"}``. An export
    compacted with it (``jsonld.compact``, rdflib's ``context=``) reads as plain JSON.

        >>> from partnergraph.schema import load_schema
        >>> terms = jsonld_context(load_schema())["@context"]
        >>> terms["Organisation"], terms["founded"], terms["FOUNDED"]["@type"]
        ('pg:Organisation', {'@id': 'pg:founded', '@type': 'xsd:date'}, '@id')
    """
    terms: dict[str, Any] = dict(prefixes(schema))
    terms.update({name: f"pg:{name}" for name in schema.node_types})
    terms.update({name: {"@id": f"pg:{name}", "@type": "@id"} for name in schema.tie_types})
    owners: list[NodeType | TieType] = [*schema.node_types.values(), *schema.tie_types.values()]
    for prop in sorted(
        {p.name: p for owner in owners for p in owner.properties.values()}.values(), key=lambda p: p.name
    ):
        datatype = _XSD[prop.datatype]
        terms[prop.name] = {"@id": f"pg:{prop.name}", **({"@type": datatype} if datatype else {})}
    return {"@context": terms}


def serialize(items: Iterable[Triple], out: IO[bytes], fmt: str, names: dict[str, str]) -> int:
    """Write ``items`` to ``out`` in ``fmt`` (turtle, jsonld, ntriples, rdfxml); returns the triples written."""
    count = [0]
    if fmt == "ntriples":
        for chunk in _chunks(items, count):
            out.write(chunk)
        return count[0]
    try:
        import pyoxigraph
    except ModuleNotFoundError:  # pragma: no cover - pyoxigraph is a dependency; rdflib is the slow fallback
        return _serialize_rdflib(items, out, fmt, names)
    formats = {
        "turtle": pyoxigraph.RdfFormat.TURTLE,
        "jsonld": pyoxigraph.RdfFormat.JSON_LD,
        "rdfxml": pyoxigraph.RdfFormat.RDF_XML,
    }
    if fmt == "jsonld":
        out.write(b'{"@context": ' + json.dumps(names).encode() + b', "@graph": ')
    pyoxigraph.serialize(
        _oxigraph_triples(items, count), out, formats[fmt], prefixes=None if fmt == "jsonld" else names
    )
    if fmt == "jsonld":
        out.write(b"}\n")
    return count[0]


def _serialize_rdflib(
    items: Iterable[Triple], out: IO[bytes], fmt: str, names: dict[str, str]
) -> int:  # pragma: no cover
    """The slow path, when pyoxigraph is not installed: an rdflib Graph, serialized."""
    graph = to_graph(items, names)
    syntax = {"turtle": "turtle", "jsonld": "json-ld", "rdfxml": "xml"}[fmt]
    extra: dict[str, Any] = {"context": {"@context": names}} if fmt == "jsonld" else {}
    out.write(graph.serialize(None, syntax, None, "utf-8", **extra))
    return len(graph)


def to_graph(items: Iterable[Triple], names: dict[str, str] | None = None) -> Graph:
    """An rdflib Graph of light triples (for validation and tests; holds everything in memory)."""
    graph = Graph()
    for prefix, iri in (names or PREFIXES).items():
        graph.bind(prefix, iri)
    for s, p, o in items:
        graph.add((to_rdflib(s), to_rdflib(p), to_rdflib(o)))
    return graph
