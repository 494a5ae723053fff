"""How partnergraph's records look inside Neo4j: labels, rows, the Cypher fragments that read them.

Shared by the store (:mod:`partnergraph.graph.neo4j`: connection, schema, reads) and the write
transaction (:mod:`partnergraph.graph.neo4j_write`), so neither imports the other for it::

    (:PGNode:Organisation {key, name, …, _version, _search, _sort})
    (a)-[:SUPPORTS {id, service, …, _version}]->(b)   symmetric ties once

Labels and relationship types come from models.ttl only, each checked before it is quoted into
Cypher; dates travel as ISO text and become Neo4j dates in the query (the driver's own date
conversion cost a bulk load about a tenth of the client's time).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import neo4j
from neo4j.time import Date as Neo4jDate

from partnergraph.errors import SchemaError
from partnergraph.i18n import Msg
from partnergraph.records import Node, Tie
from partnergraph.schema import NodeType, Schema, TieType, load_schema
from partnergraph.text import fold
from partnergraph.values import Value

__all__ = ["LOCK", "NODE", "SCHEMA_VERSION", "SEARCHED", "STAMP", "TIE", "WORD", "Neo4jLayout", "ident"]

SCHEMA_VERSION = 1
SEARCHED, SORTED = load_schema().searched_by, load_schema().sorted_by  # models.ttl: pg:searchedBy, pg:sortedBy
WORD = re.compile(r"[^\W_]+")  # letters and digits, as SQLite's unicode61 tokenizer
_IDENT = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
# A record keeps only its write version; who wrote it and when are that version's in the change log.
STAMP = "COLLECT {{ MATCH (b:PGChanges {{version: {0}._version}}) RETURN [b.source, b.at] LIMIT 1 }} AS {1}stamp"
NODE = "n {.*} AS p, labels(n) AS labels, " + STAMP.format("n", "")
TIE = "t {.*} AS p, type(t) AS type, startNode(t).key AS start, endNode(t).key AS end, " + STAMP.format("t", "")
LOCK = (
    "MERGE (m:PGMeta {name: 'store'}) ON CREATE SET m.version = 0, m.schema = $schema "
    "SET m.writes = coalesce(m.writes, 0) + 1 RETURN m.version AS version"
)


def ident(name: str) -> str:
    """``name`` (a type from models.ttl) quoted for a Cypher label or type, after checking it."""
    if not _IDENT.match(name):
        raise SchemaError(Msg("schema.term", term=name, detail="not usable as a Neo4j label or relationship type"))
    return f"`{name}`"


def _native(props: Mapping[str, Any]) -> dict[str, Value]:
    """Stored properties without the system ones, dates as ``datetime.date``."""
    return {
        k: (v.to_native() if isinstance(v, Neo4jDate) else v)
        for k, v in props.items()
        if k not in ("key", "id") and k[0] != "_"
    }


def _stamp(props: Mapping[str, Any], stamp: list[list[str]]) -> tuple[str | None, str | None]:
    """Origin and time of a record: its own (first layout) or its version's in the change log."""
    if "_origin" in props:
        return props["_origin"], props.get("_updated")
    return (stamp[0][0], stamp[0][1]) if stamp else (None, None)


class Neo4jLayout:
    """The labels, relationship types and row mapping of one schema."""

    def __init__(self, schema: Schema, datatypes: Mapping[str, str]) -> None:
        self.labels = {name: ident(name) for name in schema.node_types}
        self.types = {name: ident(name) for name in schema.tie_types}
        self.tie_patterns = {name: f"()-[:{label}]->()" for name, label in self.types.items()}
        self.dates = tuple(name for name, kind in datatypes.items() if kind == "date")
        owners: dict[str, NodeType | TieType] = {**schema.node_types, **schema.tie_types}
        self.date_props = {
            name: [ident(p.name) for p in owner.properties.values() if p.datatype == "date"]
            for name, owner in owners.items()
        }
        self.date_props["*"] = sorted({p for name in schema.node_types for p in self.date_props[name]})
        self.date_props["*tie"] = sorted({p for name in schema.tie_types for p in self.date_props[name]})
        reserved = sorted(p for p in datatypes if p in ("key", "id") or p.startswith("_"))
        if reserved:
            raise SchemaError(Msg("schema.term", term=reserved[0], detail="the name is reserved by the Neo4j store"))

    def set_dates(self, type_: str, var: str, row: str) -> str:
        """The SET items turning ``row``'s ISO dates into Neo4j dates on ``var``, for the date properties of
        node or tie type ``type_`` (``"*"``: of every node type, ``"*tie"``: of every tie type); empty when it has none."""
        return "".join(f", {var}.{p} = date({row}.{p})" for p in self.date_props[type_])

    def _iso(self, row: dict[str, Any]) -> dict[str, Any]:
        """``row`` with its dates as ISO text, in place."""
        for name in self.dates:
            if name in row:
                row[name] = row[name].isoformat()
        return row

    def node_row(self, node: Node) -> dict[str, Any]:
        folded = [fold(str(node.props[name])) for name in SEARCHED if name in node.props]
        sort = fold(str(node.props.get(SORTED, "")))
        return self._iso(
            {
                **node.props,
                "key": node.key,
                "_version": node.version,
                "_search": " ".join(w for text in folded for w in WORD.findall(text)),
                "_sort": sort,
            }
        )

    def tie_row(self, tie: Tie) -> dict[str, Any]:
        props = self._iso({**tie.props, "id": tie.id, "_version": tie.version})
        return {"start": tie.start, "end": tie.end, "type": tie.type, "p": props}

    def node_of(self, record: neo4j.Record, prefix: str = "") -> Node:
        p, labels = record[prefix + "p"], record[prefix + "labels"]
        type_ = next((label for label in labels if label in self.labels), "")
        return Node(p["key"], type_, _native(p), *_stamp(p, record[prefix + "stamp"]), p.get("_version", 0))

    def tie_of(self, record: neo4j.Record) -> Tie:
        p = record["p"]
        return Tie(
            record["type"],
            record["start"],
            record["end"],
            _native(p),
            p["id"],
            *_stamp(p, record["stamp"]),
            p.get("_version", 0),
        )

    def ties_by_id(self, name: str, param: str = "ids") -> str:
        """A query for the ties of type ``name`` with ids ``$param`` (an index seek each).

        The hint keeps it a seek: planned while a type held few ties, the query scanned the whole
        index for every id (a revert of 50k ties took minutes instead of seconds).
        """
        label = self.types[name]
        return f"UNWIND ${param} AS id MATCH ()-[t:{label} {{id: id}}]->() USING INDEX SEEK t:{label}(id) RETURN {TIE}, elementId(t) AS eid"

    def count_query(self, patterns: Mapping[str, str]) -> str:
        """A query counting each pattern (from the count store), as rows of (type, n); none for a pattern with no match."""
        return " UNION ALL ".join(
            f"MATCH {pattern} RETURN '{name}' AS type, count(*) AS n" for name, pattern in patterns.items()
        )
