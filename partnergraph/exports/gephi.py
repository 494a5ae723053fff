"""GraphML and GEXF for Gephi, yEd, igraph and networkx: every node and tie with typed attributes.

Written streaming (nodes, then ties, straight from the store; memory stays flat), with the
attribute keys declared from models.ttl and their types: ``string``, ``int``/``integer``,
``double``, ``boolean``; dates are ISO strings (``2024-03-01``). Nodes carry ``type`` (the node
type), ``label`` (the name) and their properties (``kind``, ``sector`` …); ties carry ``type``,
``symmetric``, their properties (``since``, ``until``, ``strength``, ``amount``, ``count`` …) and
``count_suppressed``. Privacy as in :mod:`partnergraph.exports.common`: private properties only
with ``include_private``; a REFERS count from 1 to 4 is left out and ``count_suppressed`` is true.

A symmetric tie (COOPERATES_WITH) is written once, ends in key order: in GEXF as an edge of type
``mutual`` (Gephi and networkx read it both ways), in GraphML with ``symmetric`` true (networkx
refuses undirected edges in a directed GraphML graph, so the flag marks it).

networkx's own writers are not used: they need the whole graph in memory, infer each key's type
from the values they meet, and cannot mark single edges as mutual.

    >>> import io, networkx as nx
    >>> from partnergraph.graph.sqlite import SqliteStore
    >>> out = io.BytesIO()
    >>> write_graphml(SqliteStore(":memory:"), out)
    ExportCounts(nodes=0, ties=0)
    >>> nx.read_graphml(io.BytesIO(out.getvalue())).number_of_nodes()
    0
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO
from xml.sax.saxutils import XMLGenerator
from xml.sax.xmlreader import AttributesImpl

from partnergraph.exports.common import Column, node_columns, node_values, tie_columns, tie_values
from partnergraph.graph.base import GraphStore
from partnergraph.values import Value

__all__ = ["GEXF_TYPES", "GRAPHML_TYPES", "ExportCounts", "write_gexf", "write_graphml"]

GRAPHML_TYPES = {"string": "string", "integer": "int", "decimal": "double", "boolean": "boolean", "date": "string"}
GEXF_TYPES = {"string": "string", "integer": "integer", "decimal": "double", "boolean": "boolean", "date": "string"}
GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
GEXF_NS = "http://www.gexf.net/1.2draft"


@dataclass(frozen=True)
class ExportCounts:
    """How many nodes and ties were written."""

    nodes: int
    ties: int


def _text(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return repr(value) if isinstance(value, float) else str(value)


def _typed(values: Mapping[str, Value], columns: list[Column]) -> Iterator[tuple[Column, str]]:
    """(column, text) for each value present; a suppressed count (a string in a numeric column) is left out."""
    for column in columns:
        value = values.get(column.name)
        if value is None or (isinstance(value, str) and column.datatype in ("integer", "decimal")):
            continue
        yield column, _text(value)


class _Xml:
    """A small streaming XML writer (escaping by the standard library)."""

    def __init__(self, out: IO[bytes]) -> None:
        self.gen = XMLGenerator(out, encoding="utf-8", short_empty_elements=True)
        self.out = out

    @contextmanager
    def element(self, name: str, attrs: Mapping[str, str] | None = None) -> Iterator[None]:
        self.gen.startElement(name, AttributesImpl(dict(attrs or {})))
        yield
        self.gen.endElement(name)
        self.out.write(b"\n")

    def leaf(self, name: str, attrs: Mapping[str, str], text: str | None = None) -> None:
        self.gen.startElement(name, AttributesImpl(dict(attrs)))
        if text is not None:
            self.gen.characters(text)
        self.gen.endElement(name)


def write_graphml(store: GraphStore, out: IO[bytes], *, include_private: bool = False) -> ExportCounts:
    """Write the whole store as GraphML (directed, parallel edges kept) to the binary stream ``out``."""
    schema = store.schema
    ncols, tcols = node_columns(schema, include_private), tie_columns(schema, include_private)
    xml = _Xml(out)
    xml.gen.startDocument()
    nodes = ties = 0
    with xml.element("graphml", {"xmlns": GRAPHML_NS}):
        for domain, columns in (("node", ncols), ("edge", tcols)):
            for c in columns:
                xml.leaf(
                    "key",
                    {
                        "id": f"{domain[0]}_{c.name}",
                        "for": domain,
                        "attr.name": c.name,
                        "attr.type": GRAPHML_TYPES[c.datatype],
                    },
                )
        with xml.element("graph", {"id": "partnergraph", "edgedefault": "directed"}):
            for node in store.iter_nodes():
                with xml.element("node", {"id": node.key}):
                    for column, text in _typed(node_values(schema, node, include_private), ncols):
                        xml.leaf("data", {"key": f"n_{column.name}"}, text)
                nodes += 1
            for tie in store.iter_ties():
                with xml.element("edge", {"id": tie.id, "source": tie.start, "target": tie.end}):
                    for column, text in _typed(tie_values(schema, tie, include_private), tcols):
                        xml.leaf("data", {"key": f"e_{column.name}"}, text)
                ties += 1
    xml.gen.endDocument()
    return ExportCounts(nodes, ties)


def _attvalues(xml: _Xml, values: Mapping[str, Value], columns: list[Column]) -> None:
    with xml.element("attvalues"):
        for column, text in _typed(values, columns):
            xml.leaf("attvalue", {"for": column.name, "value": text})


def write_gexf(store: GraphStore, out: IO[bytes], *, include_private: bool = False) -> ExportCounts:
    """Write the whole store as GEXF 1.2 (directed; symmetric ties as ``mutual`` edges) to ``out``."""
    schema = store.schema
    ncols = [c for c in node_columns(schema, include_private) if c.name != "label"]
    tcols = tie_columns(schema, include_private)
    xml = _Xml(out)
    xml.gen.startDocument()
    nodes = ties = 0
    with xml.element("gexf", {"xmlns": GEXF_NS, "version": "1.2"}):
        with xml.element("meta"):
            xml.leaf("creator", {}, "partnergraph")
        with xml.element("graph", {"mode": "static", "defaultedgetype": "directed"}):
            for domain, columns in (("node", ncols), ("edge", tcols)):
                with xml.element("attributes", {"class": domain}):
                    for c in columns:
                        xml.leaf("attribute", {"id": c.name, "title": c.name, "type": GEXF_TYPES[c.datatype]})
            with xml.element("nodes"):
                for node in store.iter_nodes():
                    values = node_values(schema, node, include_private)
                    with xml.element("node", {"id": node.key, "label": str(values["label"])}):
                        _attvalues(xml, values, ncols)
                    nodes += 1
            with xml.element("edges"):
                for tie in store.iter_ties():
                    values = tie_values(schema, tie, include_private)
                    kind = "mutual" if values["symmetric"] else "directed"
                    with xml.element(
                        "edge", {"id": tie.id, "source": tie.start, "target": tie.end, "type": kind, "label": tie.type}
                    ):
                        _attvalues(xml, values, tcols)
                    ties += 1
    xml.gen.endDocument()
    return ExportCounts(nodes, ties)
