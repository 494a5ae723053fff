"""GraphML and GEXF (Gephi, igraph, yEd, Kumu exports) → nodes and ties, by a mapping.

Both are streamed through :func:`~partnergraph.importers.names.iter_xml` (standard-library
expat, line and column of every element, any DOCTYPE refused). networkx's readers are not
used: they build the whole graph in memory and report no line numbers.

A :class:`GraphMapping` (a dict or JSON file) says how attributes become properties::

    {"nodes": {"attributes": {"Sector": "sector", "Rating": null},
               "values": {"sector": {"GOV": "public", "VOL": "social", "PVT": "private"}},
               "defaults": {"type": "Organisation", "kind": "other"}},
     "edges": {"attributes": {"relation": "type"}, "values": {"type": {"money": "FUNDS"}},
               "defaults": {"type": "COOPERATES_WITH"}}}

``attributes`` renames a file attribute to a property (``type`` is the node or tie type,
``key`` the node key, ``null`` drops it); ``values`` translates values of a property;
``defaults`` fill what a record lacks. Unmapped attributes are taken when their name is a
property of the type (any case) or a known alias (``label`` → name, Kumu's ``Type`` → the
node type or the organisation kind its value names, an edge's ``label``/``kind``/``type`` →
the tie type its value names); the rest are dropped. Defaults: nodes are Organisations of
kind ``other`` named by their label (or id); edges are COOPERATES_WITH (symmetric: a
directed edge loses its direction, and A→B with B→A become one tie). Each default applied
and each attribute dropped is reported once, at the end, as a
:class:`~partnergraph.importers.check.Notice`: reported, never a reason to reject.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from partnergraph.errors import ConfigError, Problem, ValidationError
from partnergraph.i18n import Msg, register_messages
from partnergraph.importers.base import Located, register_reader
from partnergraph.importers.check import Notice
from partnergraph.importers.names import XmlElement, clean_text, iter_xml
from partnergraph.records import Node, Tie
from partnergraph.schema import Schema, load_schema
from partnergraph.text import fold
from partnergraph.validate import Validator

__all__ = ["GraphMapping", "Side", "read_gexf", "read_graphml"]

_NODE_ALIASES = {"label": "name", "nazwa": "name", "opis": "description", "type": "type", "typ": "type", "rodzaj": "kind"}
_EDGE_ALIASES = {"type": "type", "label": "type", "kind": "type", "relation": "type", "relationship": "type", "typ": "type"}
_DIRECTED = {"true", "directed", "1"}

register_messages(
    {
        "graph.mapping": ("zła mapa atrybutów: {detail}", "bad attribute mapping: {detail}"),
        "graph.unsupported": ("{what} nie są obsługiwane", "{what} are not supported"),
        "graph.no_node": (
            "krawędź {source} → {target} wskazuje na węzeł {missing}, którego nie ma w pliku",
            "edge {source} → {target} points at node {missing}, which is not in the file",
        ),
        "graph.rejected_node": (
            "krawędź {source} → {target} wskazuje na odrzucony węzeł {missing}",
            "edge {source} → {target} points at the rejected node {missing}",
        ),
        "graph.same_key": (
            "węzły {first} i {second} dostają ten sam klucz {key}",
            "nodes {first} and {second} get the same key {key}",
        ),
        "graph.same_key.hint": ("nadaj im różne nazwy albo identyfikatory", "give them different names or identifiers"),
        "graph.default": (
            "{count} {what} bez {prop}: przyjęto {value!r}",
            "{count} {what} without {prop}: {value!r} assumed",
        ),
        "graph.nodes": ("węzłów", "nodes"),
        "graph.edges": ("krawędzi", "edges"),
        "graph.direction": (
            "{count} krawędzi skierowanych zaimportowano jako symetryczne {tie} (kierunek pominięty; scalono powtórzenia: {merged})",
            "{count} directed edges imported as symmetric {tie} (direction dropped; repeated pairs merged: {merged})",
        ),
        "graph.dropped": (
            "atrybuty pominięte (brak pasującej właściwości): {names}",
            "attributes left out (no matching property): {names}",
        ),
        "graph.unknown_value": (
            "{count} wartości atrybutu {attribute!r} nie wskazuje typu ani rodzaju: {values}",
            "{count} values of attribute {attribute!r} name no type or kind: {values}",
        ),
    }
)


@dataclass(frozen=True)
class Side:
    """How the attributes of nodes (or of edges) become properties."""

    attributes: Mapping[str, str | None] = field(default_factory=dict)
    values: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    defaults: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class GraphMapping:
    """The attribute mapping of a GraphML/GEXF import (see the module docstring)."""

    nodes: Side = Side(defaults={"type": "Organisation", "kind": "other"})
    edges: Side = Side(defaults={"type": "COOPERATES_WITH"})

    @classmethod
    def load(cls, data: Mapping[str, Any] | Path) -> GraphMapping:
        """A mapping from a dict or a JSON file; raises ConfigError when it is malformed."""
        try:
            raw = json.loads(data.read_text(encoding="utf-8")) if isinstance(data, Path) else data
            base = cls()
            sides = []
            for name, default in (("nodes", base.nodes), ("edges", base.edges)):
                given = dict(raw.get(name) or {})
                unknown = set(given) - {"attributes", "values", "defaults"}
                if unknown:
                    raise ValueError(f"{name}: {', '.join(sorted(unknown))}")
                sides.append(Side(dict(given.get("attributes") or {}), dict(given.get("values") or {}),
                                  {**default.defaults, **dict(given.get("defaults") or {})}))  # fmt: skip
        except (OSError, ValueError, TypeError, AttributeError) as exc:
            raise ConfigError(Msg("graph.mapping", detail=exc)) from exc
        return cls(*sides)


@dataclass
class _Record:
    """A node or edge as read: its id (or endpoints), attributes and where each came from."""

    element: XmlElement
    attrs: dict[str, str]
    places: dict[str, str]
    source: str = ""
    target: str = ""
    directed: bool = False


class _Graph:
    """Turns read nodes and edges into located records, counting the defaults it applies."""

    def __init__(self, name: str, mapping: GraphMapping, schema: Schema) -> None:
        self.name, self.mapping, self.schema = name, mapping, schema
        self.validator = Validator(schema)
        self.keys: dict[str, str] = {}  # node id → key
        self.rejected: set[str] = set()  # ids of nodes with problems
        self.owners: dict[str, str] = {}  # key → node id
        self.waiting: list[_Record] = []
        self.seen_ties: set[tuple[str, str, str, str]] = set()
        self.defaults: Counter[tuple[str, str, str]] = Counter()
        self.dropped: set[str] = set()
        self.unknown: dict[str, Counter[str]] = {}
        self.directed: Counter[str] = Counter()  # symmetric tie type → directed edges given to it
        self.merged = 0

    def props(self, record: _Record, side: Side, aliases: Mapping[str, str], kind: str) -> tuple[dict[str, str], dict[str, str]]:
        """Properties of a record (guessed ones not of its type dropped), and their places."""
        props, places, guessed = {}, {}, {}
        for attribute, value in record.attrs.items():
            prop = side.attributes[attribute] if attribute in side.attributes else self.guess(attribute, aliases, kind)
            if prop is None:
                self.dropped.add(attribute)
                continue
            if attribute not in side.attributes:
                guessed[prop] = attribute
            table = side.values.get(prop, {})
            value = table.get(value, next((v for k, v in table.items() if k.casefold() == value.casefold()), value))
            if prop == "type" and side.attributes.get(attribute) != "type":
                prop, value = self.type_value(attribute, value, kind)
                if not prop:
                    continue
            props[prop], places[prop] = value, record.places.get(attribute, record.element.where(self.name))
        props = self.with_defaults(props, side, kind, record.element.attrs.get("id", ""))
        owner = (self.schema.node_types if kind == "node" else self.schema.tie_types).get(props.get("type", ""))
        for prop, attribute in guessed.items():
            if owner is not None and prop not in (*owner.properties, "type"):
                self.dropped.add(attribute)
                del props[prop]
        return props, places

    def guess(self, attribute: str, aliases: Mapping[str, str], kind: str) -> str | None:
        """The property an unmapped attribute stands for: an alias, or a property's name."""
        wanted = fold(attribute)
        if wanted in aliases:
            return aliases[wanted]
        owners = self.schema.node_types if kind == "node" else self.schema.tie_types
        return next((p for o in owners.values() for p in o.properties if p.casefold() == wanted), None)

    def type_value(self, attribute: str, value: str, kind: str) -> tuple[str, str]:
        """What an alias-mapped type attribute's value names: a node/tie type, or a kind."""
        types = self.schema.node_types if kind == "node" else self.schema.tie_types
        for name, type_ in types.items():
            if fold(value) in (fold(name), *(fold(label) for label in type_.labels.values())):
                return "type", name
        kinds = self.schema.node_types["Organisation"].properties["kind"].vocabulary if kind == "node" else None
        concept = kinds.lookup(value.replace("_", " ")) or kinds.lookup(value) if kinds else None
        if concept is not None:
            return "kind", concept.name
        self.unknown.setdefault(attribute, Counter())[value] += 1
        return "", ""

    def with_defaults(self, props: dict[str, str], side: Side, kind: str, fallback_name: str) -> dict[str, str]:
        for prop, value in side.defaults.items():
            if prop not in props and (prop == "type" or self.has_property(props, side, prop, kind)):
                props[prop] = value
                self.defaults[(kind, prop, value)] += 1
        if kind == "node" and not props.get("name") and not props.get("key"):
            props["name"] = fallback_name
            self.defaults[(kind, "name", "id")] += 1
        return props

    def has_property(self, props: dict[str, str], side: Side, prop: str, kind: str) -> bool:
        type_name = props.get("type", side.defaults.get("type", ""))
        owner = (self.schema.node_types if kind == "node" else self.schema.tie_types).get(type_name)
        return owner is not None and prop in owner.properties

    def node(self, record: _Record) -> Iterator[Located | Problem]:
        node_id = record.element.attrs.get("id", "")
        props, places = self.props(record, self.mapping.nodes, _NODE_ALIASES, "node")
        type_, key = props.pop("type", ""), props.pop("key", "")
        where = record.element.where(self.name)
        try:
            checked = self.validator.node(Node(key, type_, props))
        except ValidationError as exc:
            self.rejected.add(node_id)
            yield from (Problem(p.message, places.get(p.where, where), p.hint) for p in exc.problems)
            return
        if checked.key in self.owners:
            self.rejected.add(node_id)
            msg = Msg("graph.same_key", first=self.owners[checked.key], second=node_id, key=checked.key)
            yield Problem(msg, where, Msg("graph.same_key.hint"))
            return
        self.keys[node_id], self.owners[checked.key] = checked.key, node_id
        yield Located(Node(checked.key, type_, props), where, {**places, "key": where, "type": where})

    def edge(self, record: _Record, final: bool = False) -> Iterator[Located | Problem]:
        ends = [self.keys.get(record.source), self.keys.get(record.target)]
        where = record.element.where(self.name)
        if None in ends:
            if final or {record.source, record.target} & self.rejected:
                missing = record.source if ends[0] is None else record.target
                msg = "graph.rejected_node" if missing in self.rejected else "graph.no_node"
                yield Problem(Msg(msg, source=record.source, target=record.target, missing=missing), where)
            else:
                self.waiting.append(record)
            return
        props, places = self.props(record, self.mapping.edges, _EDGE_ALIASES, "edge")
        type_ = props.pop("type", "")
        start, end = str(ends[0]), str(ends[1])
        tie_type = self.schema.tie_types.get(type_)
        if tie_type is not None and tie_type.symmetric:
            self.directed[type_] += record.directed
            start, end = sorted((start, end))
        identity = (start, type_, end, props.get("since", ""))
        if identity in self.seen_ties:
            self.merged += 1
            return
        self.seen_ties.add(identity)
        fields = {**places, "start": where, "end": where, "type": where}
        yield Located(Tie(type_, start, end, props), where, fields)

    def finish(self) -> Iterator[Located | Problem]:
        for record in self.waiting:
            yield from self.edge(record, final=True)
        notes: list[Problem] = []
        for (kind, prop, value), count in sorted(self.defaults.items()):
            what = Msg("graph.nodes" if kind == "node" else "graph.edges")
            notes.append(Problem(Msg("graph.default", count=count, what=what, prop=prop, value=value), self.name))
        for tie, count in sorted(self.directed.items()):
            if count:
                notes.append(Problem(Msg("graph.direction", count=count, tie=tie, merged=self.merged), self.name))
        if self.dropped:
            notes.append(Problem(Msg("graph.dropped", names=", ".join(sorted(self.dropped))), self.name))
        for attribute, values in sorted(self.unknown.items()):
            listed = ", ".join(sorted(values))
            notes.append(Problem(Msg("graph.unknown_value", count=sum(values.values()), attribute=attribute, values=listed), self.name))
        yield from (Notice(n.message, n.where) for n in notes)


def _data(element: XmlElement, names: Mapping[str, tuple[str, str]], name: str) -> tuple[dict[str, str], dict[str, str]]:
    """GraphML attributes of a node or edge: key defaults, then its <data> children."""
    attrs = {attr: default for attr, default in names.values() if default}
    places: dict[str, str] = {}
    for data in element.find("data"):
        attr = names.get(data.attrs.get("key", ""), (data.attrs.get("key", ""), ""))[0]
        attrs[attr], places[attr] = clean_text(data.text), data.where(name)
    return {k: v for k, v in attrs.items() if v}, places


def read_graphml(path: Path, *, mapping: GraphMapping | None = None, schema: Schema | None = None) -> Iterator[Located | Problem]:
    """Nodes and ties of a GraphML file, then notices of the defaults applied."""
    graph = _Graph(path.name, mapping or GraphMapping(), schema or load_schema())
    keys: dict[str, dict[str, tuple[str, str]]] = {"node": {}, "edge": {}}
    directed = False
    for element in iter_xml(path, frozenset({"key", "node", "edge", "hyperedge"})):
        if isinstance(element, Problem):
            yield element
            return
        if element.tag == "graph":
            directed = element.attrs.get("edgedefault", "directed") == "directed"
        elif element.tag == "key":
            default = clean_text(next((d.text for d in element.find("default")), ""))
            domain = element.attrs.get("for", "all")
            for kind in ("node", "edge") if domain == "all" else (domain,) if domain in keys else ():
                keys[kind][element.attrs.get("id", "")] = (element.attrs.get("attr.name") or element.attrs.get("id", ""), default)
        elif element.tag == "node":
            if any(True for _ in element.find("graph")):
                yield Problem(Msg("graph.unsupported", what="nested graphs"), element.where(path.name))
            yield from graph.node(_Record(element, *_data(element, keys["node"], path.name)))
        elif element.tag == "edge":
            attrs, places = _data(element, keys["edge"], path.name)
            is_directed = element.attrs.get("directed", str(directed)).lower() in _DIRECTED
            record = _Record(element, attrs, places, element.attrs.get("source", ""), element.attrs.get("target", ""), is_directed)
            yield from graph.edge(record)
        elif element.tag == "hyperedge":
            yield Problem(Msg("graph.unsupported", what="hyperedges"), element.where(path.name))
    yield from graph.finish()


def read_gexf(path: Path, *, mapping: GraphMapping | None = None, schema: Schema | None = None) -> Iterator[Located | Problem]:
    """Nodes and ties of a GEXF file (1.1–1.3), then notices of the defaults applied."""
    graph = _Graph(path.name, mapping or GraphMapping(), schema or load_schema())
    titles: dict[str, dict[str, tuple[str, str]]] = {"node": {}, "edge": {}}
    directed = True
    for element in iter_xml(path, frozenset({"attributes", "node", "edge"})):
        if isinstance(element, Problem):
            yield element
            return
        if element.tag == "graph":
            directed = element.attrs.get("defaultedgetype", "undirected") == "directed"
        elif element.tag == "attributes" and element.attrs.get("class") in titles:
            for attribute in element.find("attribute"):
                default = clean_text(next((d.text for d in attribute.find("default")), ""))
                titles[element.attrs["class"]][attribute.attrs.get("id", "")] = (attribute.attrs.get("title", ""), default)
        elif element.tag in ("node", "edge"):
            yield from _gexf_record(graph, element, titles[element.tag], directed, path.name)
    yield from graph.finish()


def _gexf_record(graph: _Graph, element: XmlElement, titles: Mapping[str, tuple[str, str]], directed: bool,
                 name: str) -> Iterator[Located | Problem]:  # fmt: skip
    attrs = {title: default for title, default in titles.values() if default}
    places = {}
    for own in ("label", "kind", "weight"):
        if element.attrs.get(own):
            attrs[own], places[own] = clean_text(element.attrs[own]), element.where(name)
    for values in element.find("attvalues"):
        for value in values.find("attvalue"):
            ref = value.attrs.get("for", value.attrs.get("id", ""))
            title = titles.get(ref, (ref, ""))[0]
            attrs[title], places[title] = clean_text(value.attrs.get("value", "")), value.where(name)
    attrs = {k: v for k, v in attrs.items() if v}
    if element.tag == "node":
        yield from graph.node(_Record(element, attrs, places))
        return
    is_directed = element.attrs.get("type", "directed" if directed else "undirected") == "directed"
    yield from graph.edge(_Record(element, attrs, places, element.attrs.get("source", ""), element.attrs.get("target", ""), is_directed))


register_reader("graphml")(read_graphml)  # registered apart, so that mypy keeps the options in the signature
register_reader("gexf")(read_gexf)  # registered apart, so that mypy keeps the options in the signature
