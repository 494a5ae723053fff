"""What every research export shares: which columns exist, what privacy leaves out.

Columns come from models.ttl: every property of every node type (or tie type), in the order the
schema lists them, each with its one datatype. Privacy is applied here, once, for every export:

* properties marked ``pg:private`` (e-mail, phone, contact role) are left out unless
  ``include_private`` is given;
* referral counts (REFERS ``count``; the tie properties named in
  :data:`partnergraph.rdf.mapping.SUPPRESSED_COUNTS`, so the RDF export follows the same list)
  from 1 to 4 become ``<5``
  (:func:`partnergraph.queries.privacy.suppress`); typed formats (GraphML, GEXF) drop such a
  value and set the boolean ``count_suppressed`` instead, so the column stays an integer.

    >>> from partnergraph.schema import load_schema
    >>> [c.name for c in node_columns(load_schema())][:4]
    ['type', 'label', 'source', 'name']
    >>> "email" in [c.name for c in node_columns(load_schema())]
    False
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from partnergraph.i18n import Msg, register_messages
from partnergraph.queries.privacy import is_suppressed, suppress
from partnergraph.rdf.mapping import SUPPRESSED_COUNTS
from partnergraph.records import Node, Tie
from partnergraph.schema import PropertyDef, Schema
from partnergraph.values import Value

__all__ = [
    "Column",
    "node_columns",
    "node_values",
    "public_url",
    "tie_columns",
    "tie_values",
]


register_messages(
    {
        "exp.col.type": "type",
        "exp.col.type.comment": "The node type or tie type from models.ttl.",
        "exp.col.label": "label",
        "exp.col.label.comment": "The node's name (or its key), for Gephi.",
        "exp.col.key": "key",
        "exp.col.key.comment": "The node's stable natural key (krs:…, teryt:…, org:…).",
        "exp.col.id": "id",
        "exp.col.id.comment": "The tie's id (start, type, end, since).",
        "exp.col.start": "start",
        "exp.col.start.comment": "Key of the node the tie starts at.",
        "exp.col.end": "end",
        "exp.col.end.comment": "Key of the node the tie ends at.",
        "exp.col.symmetric": "symmetric",
        "exp.col.symmetric.comment": "True for ties without direction (COOPERATES_WITH), written once, ends in key order.",
        "exp.col.count_suppressed": "count suppressed",
        "exp.col.count_suppressed.comment": "True when a referral count from 1 to 4 was hidden (to protect people).",
    }
)


@dataclass(frozen=True)
class Column:
    """One exported column: its name, datatype (string, integer, decimal, boolean, date) and property."""

    name: str
    datatype: str
    prop: PropertyDef | None = None
    """The models.ttl property, None for the columns every export adds (type, label, symmetric …)."""

    def labels(self) -> tuple[str, str]:
        """(Polish, English) label."""
        if self.prop is not None:
            return self.prop.label("pl"), self.prop.label("en")
        msg = Msg(f"exp.col.{self.name}")
        return msg.render("pl"), msg.render("en")

    def comment(self, language: str) -> str:
        if self.prop is not None:
            return self.prop.comment(language)
        return Msg(f"exp.col.{self.name}.comment").render(language)


def _union(owners: list[dict[str, PropertyDef]], include_private: bool) -> list[Column]:
    found: dict[str, Column] = {}
    for props in owners:
        for prop in props.values():
            if prop.name not in found and (include_private or not prop.private):
                found[prop.name] = Column(prop.name, prop.datatype, prop)
    return list(found.values())


def node_columns(schema: Schema, include_private: bool = False) -> list[Column]:
    """``type``, ``label``, then every node property of models.ttl (private ones only if asked)."""
    owners = sorted(
        schema.node_types.values(), key=lambda t: -len(t.properties)
    )  # the richest type (Organisation) first
    props = _union([t.properties for t in owners], include_private)
    return [Column("type", "string"), Column("label", "string"), *props]


def tie_columns(schema: Schema, include_private: bool = False) -> list[Column]:
    """``type``, ``symmetric``, every tie property, and ``count_suppressed``."""
    props = _union([t.properties for t in schema.tie_types.values()], include_private)
    return [Column("type", "string"), Column("symmetric", "boolean"), *props, Column("count_suppressed", "boolean")]


def node_values(schema: Schema, node: Node, include_private: bool = False) -> dict[str, Value]:
    """The node's exported values: type, label and its properties, private ones left out unless asked."""
    known = schema.node_types[node.type].properties
    values: dict[str, Value] = {"type": node.type, "label": str(node.props.get("name") or node.key)}
    for name, value in node.props.items():
        prop = known.get(name)
        if prop is not None and (include_private or not prop.private):
            values[name] = value
    return values


def tie_values(schema: Schema, tie: Tie, include_private: bool = False) -> dict[str, Value]:
    """The tie's exported values; a suppressed count is the string ``<5`` and ``count_suppressed`` is set."""
    tie_type = schema.tie_types[tie.type]
    values: dict[str, Value] = {"type": tie.type, "symmetric": tie_type.symmetric}
    hidden = [name for name in SUPPRESSED_COUNTS if name in tie_type.properties]
    for name, value in tie.props.items():
        prop = tie_type.properties.get(name)
        if prop is None or (prop.private and not include_private):
            continue
        if name in hidden and isinstance(value, int) and not isinstance(value, bool):
            shown = suppress(value)
            values[name] = shown
            if is_suppressed(shown):
                values["count_suppressed"] = True
            continue
        values[name] = value
    if hidden:
        values.setdefault("count_suppressed", False)
    return values


def public_url(url: str) -> str:
    """A store URL without user name, password or query (safe to publish).

    >>> public_url("neo4j://anna:tajne@db.example.org:7687?x=1")
    'neo4j://db.example.org:7687'
    >>> public_url("sqlite:///tmp/partnergraph.db")
    'sqlite:///tmp/partnergraph.db'
    """
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return f"{parts.scheme}://{netloc}{parts.path}"
