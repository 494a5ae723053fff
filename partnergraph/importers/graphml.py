"""GraphML and GEXF (Gephi, igraph, yEd, Kumu exports) → nodes and ties, by a mapping.

Both are streamed through :func:`~partnergraph.importers.xmlfiles.iter_xml` (standard-library
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
the tie type its value names); the rest are dropped. The element's own ``id`` is an attribute
too when the mapping names it (``{"id": "key"}``, ``{"id": "krs"}``). Defaults: nodes are
Organisations of kind ``other`` named by their label (or id); edges are COOPERATES_WITH
(symmetric: a directed edge loses its direction, and A→B with B→A become one tie). Each
default applied and each attribute dropped is reported once, at the end, as a
:class:`~partnergraph.importers.check.Notice`: reported, never a reason to reject.

Keys: a node with a register identifier (KRS, NIP, REGON, TERYT) is keyed by it; a mapped
``key`` is used as given; any other node by its type's prefix, the file's stem and its id in
the file (``org:siec-n12``), so the same file always gives the same keys and nodes that share
a label stay apart (a repeated name is one probable-duplicate notice).

Tool dialects: yEd's ``y:NodeLabel``/``y:EdgeLabel`` and yFiles for HTML's ``y:Label.Text``
are the label; GEXF ``start``/``end`` and ``<spells>`` (``<slices>`` in 1.1) become since and
until (an edge with several spells: one tie each; times of day dropped; a node keeps its
first span only where its type has since/until); nesting (GEXF ``<nodes>`` in a node, ``pid``,
``<parents>``; GraphML graphs in a node, yEd groups) becomes PART_OF where models.ttl allows it
between the two types, else the nodes are imported flat with a counted notice; self-loops are
left out with a counted notice per tie type (the model lets no tie link a node to itself).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from partnergraph.errors import ConfigError, Problem, ValidationError
from partnergraph.graph.invariants import HIERARCHY_TIE
from partnergraph.i18n import Msg, Plural, register_messages
from partnergraph.importers.base import Located, clean_text, register_reader
from partnergraph.importers.check import Notice
from partnergraph.importers.xmlfiles import XmlElement, iter_xml
from partnergraph.records import Node, Tie
from partnergraph.schema import Schema, load_schema
from partnergraph.text import fold, slugify
from partnergraph.validate import Validator

__all__ = ["GraphMapping", "Side", "read_gexf", "read_graphml"]

_NODE_ALIASES = {
    "label": "name",
    "nazwa": "name",
    "opis": "description",
    "type": "type",
    "typ": "type",
    "rodzaj": "kind",
}
_EDGE_ALIASES = {
    "type": "type",
    "label": "type",
    "kind": "type",
    "relation": "type",
    "relationship": "type",
    "typ": "type",
}
_DIRECTED = {"true", "directed", "1"}

register_messages(
    {
        "graph.mapping": "bad attribute mapping: {detail}",
        "graph.unsupported": "{what} are not supported",
        "graph.no_node": "edge {source} → {target} points at node {missing}, which is not in the file",
        "graph.rejected_node": "edge {source} → {target} points at the rejected node {missing}",
        "graph.same_key": "nodes {first} and {second} get the same key {key}",
        "graph.same_key.hint": "correct the identifier or key of one of them, or merge them into one node",
        "graph.default": "{items} without {prop}: {value!r} assumed",
        "graph.direction": Plural(
            "{count} directed edge imported as symmetric {tie} (direction dropped; repeated pairs merged: {merged})",
            "{count} directed edges imported as symmetric {tie} (direction dropped; repeated pairs merged: {merged})",
        ),
        "graph.dropped": "attributes left out (no matching property): {names}",
        "graph.no_parent": "node {node} has the parent node {parent}, which is not in the file",
        "graph.self_loops": "{tie} self-loops (an edge from a node to itself) left out: {count}; the model does not let a tie "
        "link a node to itself",
        "graph.flattened": Plural(
            "{count} {child} node nested in a {parent} node imported flat: the model allows no {tie} between them",
            "{count} {child} nodes nested in a {parent} node imported flat: the model allows no {tie} between them",
        ),
        "graph.same_name": Plural(
            "{count} name is carried by several nodes (kept apart, each keyed by its id; probable duplicates): {names}",
            "{count} names are carried by several nodes (kept apart, each keyed by its id; probable duplicates): {names}",
        ),
        "graph.spells": Plural(
            "{count} edge has several spells: each became a tie of its own with since/until",
            "{count} edges have several spells: each became a tie of its own with since/until",
        ),
        "graph.undated": "{items} with times (start/end/spells) that are not dates: the times were left out",
        "graph.time_of_day": "{items} with times of day: only the dates were kept",
        "graph.node_spans": Plural(
            "{count} {type} node has time spans (start/end/spells), which the model does not keep for {type}: left out",
            "{count} {type} nodes have time spans (start/end/spells), which the model does not keep for {type}: left out",
        ),
        "graph.node_spells": Plural(
            "{count} {type} node has several spans: the first was kept as since/until",
            "{count} {type} nodes have several spans: the first was kept as since/until",
        ),
        "graph.dynamic_values": Plural(
            "in {count} node or edge attributes have values over time (attvalue start/end): the last one was kept",
            "in {count} nodes or edges attributes have values over time (attvalue start/end): the last one was kept",
        ),
        "graph.unknown_value": Plural(
            "{count} value of attribute {attribute!r} names no type or kind: {values}",
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
                sides.append(
                    Side(
                        dict(given.get("attributes") or {}),
                        dict(given.get("values") or {}),
                        {**default.defaults, **dict(given.get("defaults") or {})},
                    )
                )
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
    spans: list[tuple[str, str]] = field(default_factory=list)
    """GEXF time spans (start, end) as written."""


class _Graph:
    """Turns read nodes and edges into located records, counting the defaults it applies."""

    def __init__(self, path: Path, mapping: GraphMapping, schema: Schema) -> None:
        self.name, self.mapping, self.schema = path.name, mapping, schema
        self.stem = slugify(path.stem) or "graph"
        self.types: dict[str, str] = {}  # node id → node type
        self.names: dict[str, list[str]] = {}  # name slug → ids of the nodes keyed by id that carry it
        self.parents: list[tuple[str, str, str]] = []  # (node id, parent id, where)
        self.loops: Counter[str] = Counter()  # tie type → self-loops dropped
        self.flattened: Counter[tuple[str, str]] = Counter()  # (child type, parent type) → nestings not kept
        self.undated: Counter[str] = Counter()  # node/edge → records whose times are no dates
        self.times_dropped: Counter[str] = Counter()  # node/edge → records whose times of day were dropped
        self.node_spans: Counter[str] = Counter()  # node type ("+": several spans) → nodes whose spans were not kept
        self.spelled = 0  # edges with several spans, imported as several ties
        self.dynamic_values = 0  # records with attribute values over time (the last one kept)
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

    def props(
        self, record: _Record, side: Side, aliases: Mapping[str, str], kind: str
    ) -> tuple[dict[str, str], dict[str, str]]:
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
        key = key or self.file_key(type_, node_id, props)
        self.timed(record, props, type_, "node")
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
        self.keys[node_id], self.owners[checked.key], self.types[node_id] = checked.key, node_id, type_
        name = slugify(str(props.get("name", "")))
        if name and key.startswith(f"{self.schema.node_types[type_].slug_prefix}:{self.stem}-"):
            self.names.setdefault(name, []).append(node_id)
        yield Located(Node(checked.key, type_, props), where, {**places, "key": where, "type": where})

    def file_key(self, type_: str, node_id: str, props: Mapping[str, str]) -> str:
        """The key of a node that names no register identifier: its type's prefix, the file's
        stem and the node's id in the file (blanks, controls and ``%`` percent-escaped), so the
        same file gives the same keys every time and distinct nodes never share one."""
        node_type = self.schema.node_types.get(type_)
        if node_type is None or not node_type.slug_prefix or not node_id:
            return ""
        if any(props.get(name) for name in node_type.identified_by):
            return ""  # krs:, nip:, teryt: … from the identifier
        return f"{node_type.slug_prefix}:{self.stem}-{_ID_ESCAPE.sub(_escape, node_id)}"

    def parent(self, child: str, parent: str, where: str) -> None:
        """``child`` is nested in (or has ``pid``/``parent`` of) ``parent``; resolved at the end."""
        self.parents.append((child, parent, where))

    def timed(self, record: _Record, props: dict[str, str], type_: str, kind: str) -> list[tuple[str, str]]:
        """The record's time spans (GEXF ``start``/``end`` and ``<spells>``) as since/until dates;
        a node's first span goes into its properties when its type has them, else it is counted."""
        spans = [s for s in record.spans if s != ("", "")]
        if not spans:
            return []
        dates = [(_date(a), _date(b)) for a, b in spans]
        if any((a and not d1) or (b and not d2) for (a, b), (d1, d2) in zip(spans, dates, strict=True)):
            self.undated[kind] += 1
            return []
        if any(len(x) > 10 for span in spans for x in span):
            self.times_dropped[kind] += 1
        if kind == "edge":
            return [(d1 or "", d2 or "") for d1, d2 in dates]
        owner = self.schema.node_types.get(type_)
        kept = [p for p in ("since", "until") if owner is not None and p in owner.properties]
        if not kept:
            self.node_spans[type_] += 1
            return []
        for prop, value in zip(("since", "until"), dates[0], strict=True):
            if value and prop in kept:
                props.setdefault(prop, value)
        if len(dates) > 1:
            self.node_spans[f"{type_}+"] += 1
        return []

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
        if start == end:
            self.loops[type_] += 1
            return
        tie_type = self.schema.tie_types.get(type_)
        if tie_type is not None and tie_type.symmetric:
            self.directed[type_] += record.directed
            start, end = sorted((start, end))
        spans = self.timed(record, props, type_, "edge") or [(props.get("since", ""), props.get("until", ""))]
        if len(spans) > 1:
            self.spelled += 1
        fields = {**places, "start": where, "end": where, "type": where}
        for since, until in spans:
            timed = {**props, **({"since": since} if since else {}), **({"until": until} if until else {})}
            identity = (start, type_, end, timed.get("since", ""))
            if identity in self.seen_ties:
                self.merged += 1
                continue
            self.seen_ties.add(identity)
            yield Located(Tie(type_, start, end, timed), where, fields)

    def hierarchy(self) -> Iterator[Located | Problem]:
        """Nesting as PART_OF where models.ttl allows it between the two types, else counted as flattened."""
        part_of = self.schema.tie_types.get(HIERARCHY_TIE)
        for child, parent, where in self.parents:
            if parent not in self.keys:
                if parent not in self.rejected:
                    yield Problem(Msg("graph.no_parent", node=child, parent=parent), where)
                continue
            if child not in self.keys:
                continue
            types = (self.types[child], self.types[parent])
            if part_of is not None and types[0] in part_of.domain and types[1] in part_of.range:
                tie = Tie(HIERARCHY_TIE, self.keys[child], self.keys[parent], {})
                yield Located(tie, where, {"start": where, "end": where, "type": where})
            else:
                self.flattened[types] += 1

    def finish(self) -> Iterator[Located | Problem]:
        for record in self.waiting:
            yield from self.edge(record, final=True)
        yield from self.hierarchy()
        notes: list[Problem] = []
        for (kind, prop, value), count in sorted(self.defaults.items()):
            items = Msg("n.nodes" if kind == "node" else "n.edges", count=count)
            notes.append(Problem(Msg("graph.default", items=items, prop=prop, value=value), self.name))
        for tie, count in sorted(self.directed.items()):
            if count:
                notes.append(Problem(Msg("graph.direction", count=count, tie=tie, merged=self.merged), self.name))
        if self.dropped:
            notes.append(Problem(Msg("graph.dropped", names=", ".join(sorted(self.dropped))), self.name))
        for attribute, values in sorted(self.unknown.items()):
            listed = ", ".join(sorted(values))
            notes.append(
                Problem(
                    Msg("graph.unknown_value", count=sum(values.values()), attribute=attribute, values=listed),
                    self.name,
                )
            )
        notes += self.time_notes()
        for tie, count in sorted(self.loops.items()):
            notes.append(Problem(Msg("graph.self_loops", count=count, tie=tie), self.name))
        for (child, parent), count in sorted(self.flattened.items()):
            notes.append(
                Problem(Msg("graph.flattened", count=count, child=child, parent=parent, tie=HIERARCHY_TIE), self.name)
            )
        repeated = {name: ids for name, ids in self.names.items() if len(ids) > 1}
        if repeated:
            shown = "; ".join(
                f"{name} ({', '.join(ids[:SHOWN])}{', …' if len(ids) > SHOWN else ''})"
                for name, ids in sorted(repeated.items())[:SHOWN]
            )
            more = f"; … (+{len(repeated) - SHOWN})" if len(repeated) > SHOWN else ""
            notes.append(Problem(Msg("graph.same_name", count=len(repeated), names=shown + more), self.name))
        yield from (Notice(n.message, n.where) for n in notes)

    def time_notes(self) -> list[Problem]:
        notes = []
        if self.spelled:
            notes.append(Problem(Msg("graph.spells", count=self.spelled), self.name))
        for kind, count in sorted(self.undated.items()):
            items = Msg("n.nodes" if kind == "node" else "n.edges", count=count)
            notes.append(Problem(Msg("graph.undated", items=items), self.name))
        for kind, count in sorted(self.times_dropped.items()):
            items = Msg("n.nodes" if kind == "node" else "n.edges", count=count)
            notes.append(Problem(Msg("graph.time_of_day", items=items), self.name))
        for type_, count in sorted(self.node_spans.items()):
            key = "graph.node_spells" if type_.endswith("+") else "graph.node_spans"
            notes.append(Problem(Msg(key, count=count, type=type_.rstrip("+")), self.name))
        if self.dynamic_values:
            notes.append(Problem(Msg("graph.dynamic_values", count=self.dynamic_values), self.name))
        return notes


_ID_ESCAPE = re.compile(r"[\s%\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
SHOWN = 5
"""Repeated names listed in the notice about them."""


def _escape(match: re.Match[str]) -> str:
    return "".join(f"%{byte:02X}" for byte in match.group().encode("utf-8", "surrogatepass"))


def _date(value: str) -> str | None:
    """A GEXF time as an ISO date (``2009-03-01``, ``2012-04-28T16:15:36.000+0200`` → its day), or None."""
    if not value:
        return ""
    try:
        return dt.date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        return None


_LABELS = ("NodeLabel", "EdgeLabel", "Label.Text")
"""yEd (y:NodeLabel, y:EdgeLabel) and yFiles for HTML / yEd Live (y:Label.Text) label elements."""


def _label(element: XmlElement) -> str:
    """The first non-empty yEd label text below ``element`` (depth first), or ''."""
    for child in element.children:
        text = clean_text(child.text) if child.tag in _LABELS else ""
        if text or (text := _label(child)):
            return text
    return ""


def _data(
    element: XmlElement, names: Mapping[str, tuple[str, str]], name: str
) -> tuple[dict[str, str], dict[str, str]]:
    """GraphML attributes of a node or edge: key defaults, then its <data> children; the label of
    yEd graphics (``nodegraphics``/``edgegraphics`` data, yFiles ``NodeLabels``) as ``label``."""
    attrs = {attr: default for attr, default in names.values() if default}
    places: dict[str, str] = {}
    for data in element.find("data"):
        attr = names.get(data.attrs.get("key", ""), (data.attrs.get("key", ""), ""))[0]
        if data.children:
            label = _label(data)
            if label and not attrs.get("label"):
                attrs["label"], places["label"] = label, data.where(name)
            continue
        attrs[attr], places[attr] = clean_text(data.text), data.where(name)
    return {k: v for k, v in attrs.items() if v}, places


def _with_id(side: Side, element: XmlElement, attrs: dict[str, str], places: dict[str, str], name: str) -> None:
    """The element's own ``id`` as an attribute, when the mapping names it (``{"id": "key"}``)."""
    if "id" in side.attributes and element.attrs.get("id"):
        attrs["id"], places["id"] = element.attrs["id"], element.where(name)


def read_graphml(
    path: Path, *, mapping: GraphMapping | None = None, schema: Schema | None = None
) -> Iterator[Located | Problem]:
    """Nodes and ties of a GraphML file, then notices of the defaults applied."""
    graph = _Graph(path, mapping or GraphMapping(), schema or load_schema())
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
                keys[kind][element.attrs.get("id", "")] = (
                    element.attrs.get("attr.name") or element.attrs.get("id", ""),
                    default,
                )
        elif element.tag in ("node", "edge"):
            yield from _graphml_record(graph, element, keys, directed, "")
        elif element.tag == "hyperedge":
            yield Problem(Msg("graph.unsupported", what="hyperedges"), element.where(path.name))
    yield from graph.finish()


def _graphml_record(
    graph: _Graph, element: XmlElement, keys: Mapping[str, Mapping[str, tuple[str, str]]], directed: bool, parent: str
) -> Iterator[Located | Problem]:
    """A GraphML node (with the nodes and edges of its nested graphs: yEd groups) or edge."""
    attrs, places = _data(element, keys[element.tag], graph.name)
    if element.tag == "edge":
        is_directed = element.attrs.get("directed", str(directed)).lower() in _DIRECTED
        yield from graph.edge(
            _Record(
                element, attrs, places, element.attrs.get("source", ""), element.attrs.get("target", ""), is_directed
            )
        )
        return
    _with_id(graph.mapping.nodes, element, attrs, places, graph.name)
    yield from graph.node(_Record(element, attrs, places))
    node_id = element.attrs.get("id", "")
    if parent:
        graph.parent(node_id, parent, element.where(graph.name))
    for nested in element.find("graph"):
        inner = nested.attrs.get("edgedefault", "directed" if directed else "undirected") == "directed"
        for child in nested.children:
            if child.tag in ("node", "edge"):
                yield from _graphml_record(graph, child, keys, inner, node_id)
            elif child.tag == "hyperedge":
                yield Problem(Msg("graph.unsupported", what="hyperedges"), child.where(graph.name))


def read_gexf(
    path: Path, *, mapping: GraphMapping | None = None, schema: Schema | None = None
) -> Iterator[Located | Problem]:
    """Nodes and ties of a GEXF file (1.1–1.3), then notices of the defaults applied."""
    graph = _Graph(path, mapping or GraphMapping(), schema or load_schema())
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
                titles[element.attrs["class"]][attribute.attrs.get("id", "")] = (
                    attribute.attrs.get("title", ""),
                    default,
                )
        elif element.tag in ("node", "edge"):
            yield from _gexf_record(graph, element, titles, directed, "")
    yield from graph.finish()


def _spans(element: XmlElement) -> list[tuple[str, str]]:
    """A GEXF element's time spans: its ``start``/``end`` (open bounds taken as bounds), else its
    ``<spells>`` (1.2, 1.3) or ``<slices>`` (1.1)."""
    own = [
        (
            element.attrs.get("start") or element.attrs.get("startopen", ""),
            element.attrs.get("end") or element.attrs.get("endopen", ""),
        )
    ]
    listed = [
        (s.attrs.get("start") or s.attrs.get("startopen", ""), s.attrs.get("end") or s.attrs.get("endopen", ""))
        for group in (*element.find("spells"), *element.find("slices"))
        for s in group.children
    ]
    return [span for span in (*own, *listed) if span != ("", "")]


def _gexf_record(
    graph: _Graph, element: XmlElement, titles: Mapping[str, Mapping[str, tuple[str, str]]], directed: bool, parent: str
) -> Iterator[Located | Problem]:
    """A GEXF node (with its nested nodes and edges, its ``pid`` and ``<parents>``) or edge."""
    name = graph.name
    attrs = {title: default for title, default in titles[element.tag].values() if default}
    places = {}
    for own in ("label", "kind", "weight"):
        if element.attrs.get(own):
            attrs[own], places[own] = clean_text(element.attrs[own]), element.where(name)
    timed: set[str] = set()
    for values in element.find("attvalues"):
        for value in values.find("attvalue"):
            ref = value.attrs.get("for", value.attrs.get("id", ""))
            title = titles[element.tag].get(ref, (ref, ""))[0]
            if any(value.attrs.get(a) for a in ("start", "end", "startopen", "endopen")):
                timed.add(title)
            attrs[title], places[title] = clean_text(value.attrs.get("value", "")), value.where(name)
    graph.dynamic_values += bool(timed)
    attrs = {k: v for k, v in attrs.items() if v}
    if element.tag == "edge":
        is_directed = element.attrs.get("type", "directed" if directed else "undirected") == "directed"
        record = _Record(
            element, attrs, places, element.attrs.get("source", ""), element.attrs.get("target", ""), is_directed
        )
        record.spans = _spans(element)
        yield from graph.edge(record)
        return
    _with_id(graph.mapping.nodes, element, attrs, places, name)
    record = _Record(element, attrs, places)
    record.spans = _spans(element)
    yield from graph.node(record)
    node_id = element.attrs.get("id", "")
    parents = [parent] if parent else []
    parents += [element.attrs["pid"]] if element.attrs.get("pid") else []
    parents += [p.attrs.get("for", "") for group in element.find("parents") for p in group.find("parent")]
    for each in dict.fromkeys(p for p in parents if p):
        graph.parent(node_id, each, element.where(name))
    for group in (*element.find("nodes"), *element.find("edges")):
        for child in group.children:
            if child.tag in ("node", "edge"):
                yield from _gexf_record(graph, child, titles, directed, node_id if child.tag == "node" else "")


register_reader("graphml")(read_graphml)  # registered apart, so that mypy keeps the options in the signature
register_reader("gexf")(read_gexf)  # registered apart, so that mypy keeps the options in the signature
