"""The Neo4j store: the GraphStore contract on a Neo4j 5.26+ server, official ``neo4j`` driver.

In the graph (labels and relationship types come from models.ttl only, as do the constraints)::

    (:PGNode:Organisation {key, name, …, _version, _search, _sort})
    (a)-[:SUPPORTS {id, service, …, _version}]->(b)   symmetric ties once
    (:PGMeta {name: 'store', version, schema})   the write version; every writer locks it first
    (:PGChanges {version, at, user, source, keys, ops, entities, first, …})   the change log

A record keeps only the version of the write that last changed it; its origin and time are that
version's ``source`` and ``at`` in the change log, joined when it is read (records written before
this layout still carry their own ``_origin`` and ``_updated``, which win). Three stamps on every
record cost the server a tenth to a quarter of its work in a bulk load.

The change log keeps a node per logged batch (a node per change cost a bulk load a quarter of its
time; the layout is :func:`~partnergraph.graph.neo4j_write.log_batch`'s), found by version or,
through a ``keyword`` full-text index on ``keys``, by key. Search answers as the embedded store:
``_search`` holds the folded words of name and short name, a ``whitespace`` full-text index finds
candidates and Cypher checks them (the ``standard-folding`` analyzer drops English stop words and
splits words differently, so it would not). Writing lives in :mod:`partnergraph.graph.neo4j_write`,
the labels, rows and Cypher fragments both use in :mod:`partnergraph.graph.neo4j_layout`.

>>> Neo4jStore("bolt://127.0.0.1:1", user="neo4j", password="x", database="neo4j")  # doctest: +ELLIPSIS
Traceback (most recent call last):
partnergraph.errors.StoreUnavailableError: magazyn bolt://127.0.0.1:1 jest niedostępny: ...
"""

from __future__ import annotations

import datetime as dt
import heapq
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from typing import Any, TypeVar

import neo4j
from neo4j import exceptions as nx

from partnergraph.errors import ConfigError, Problem, StoreError, StoreUnavailableError
from partnergraph.graph.base import Change, Direction, GraphStore, Transaction
from partnergraph.graph.neo4j_layout import LOCK, NODE, SCHEMA_VERSION, STAMP, TIE, WORD, Neo4jLayout
from partnergraph.graph.neo4j_write import Neo4jTransaction, log_entries
from partnergraph.i18n import Msg, Plural, register_messages
from partnergraph.records import Node, Tie
from partnergraph.schema import Schema
from partnergraph.text import search_terms
from partnergraph.values import Value

__all__ = ["SCHEMA_VERSION", "Neo4jStore"]

PAGE = 5000  # records per page of iter_nodes / iter_ties
NEEDED = (5, 26)  # dynamic relationship types in CREATE, COLLECT subqueries, CALL (n) { … }
T = TypeVar("T")
_LUCENE = re.compile(r'([+\-&|!(){}\[\]^"~*?:\\/])')
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
register_messages(
    {
        "neo4j.check.index": "index or constraint {name} is {state}",
        "neo4j.check.missing": "missing",
        "neo4j.check.no_key": Plural(
            "{count} node labelled PGNode has no key", "{count} nodes labelled PGNode have no key"
        ),
        "neo4j.check.types": Plural(
            "{count} node does not have exactly one node type", "{count} nodes do not have exactly one node type"
        ),
        "neo4j.check.no_id": Plural("{count} tie has no id", "{count} ties have no id"),
        "neo4j.check.outside": Plural(
            "{count} tie is at a node that is not a PGNode", "{count} ties are at a node that is not a PGNode"
        ),
        "neo4j.check.repeated_id": Plural(
            "{count} tie id is used more than once", "{count} tie ids are used more than once"
        ),
        "neo4j.check.meta": "there are {count} store meta nodes (PGMeta); there must be exactly 1",
        "neo4j.write_lost": "the connection to store {url} broke during the write ({detail}); nothing of this write was stored",
        "neo4j.write_lost.hint": "check that the server is running and repeat the write (re-importing is safe)",
        "neo4j.commit_unknown": "the connection to store {url} broke while committing; the write may or may not be stored",
        "neo4j.commit_unknown.hint": "check the store's version and change log, then repeat the write if needed",
        "neo4j.too_big": "the write does not fit in the transaction memory of the server {url} ({detail})",
        "neo4j.too_big.hint": "split the import into parts or give the server more JVM heap and dbms.memory.transaction.total.max",
        "neo4j.too_old": "store {url} is {agent}, and partnergraph needs Neo4j {needed} or newer",
        "neo4j.too_old.hint": "upgrade the server, e.g. to the Docker image neo4j:5.26, or use the embedded store",
        "neo4j.error": "Neo4j at {url} refused a query: {detail}",
    }
)


def _terms(text: str) -> list[str]:
    return list(dict.fromkeys(w for term in search_terms(text) for w in WORD.findall(term)))


def too_old(agent: str) -> bool:
    """Whether a server's agent string (``Neo4j/5.26.0``, ``Neo4j/5.27-aura``, ``Neo4j/2025.01.0``) names a Neo4j before 5.26."""
    found = re.match(r"Neo4j/(\d+)\.(\d+)", agent)
    return found is not None and (int(found[1]), int(found[2])) < NEEDED


def _detail(exc: Exception) -> str:
    """One short line from a driver exception."""
    text = str(getattr(exc, "message", None) or exc)
    reason = re.search(r"\[Errno -?\d+\] ([^)\n]+)", text)
    text = (
        reason.group(1) if reason else re.sub(r" \(?(Resolved)?IPv[46]Address\(\(.*?\)\)\)?", "", text)
    )  # the URL says where
    return " ".join(text.split())[:300]


class Neo4jStore(GraphStore):
    """A :class:`GraphStore` in a Neo4j database (``neo4j://host:7687``, ``bolt://…``, Aura).

    One driver per store. Reads are managed queries, retried on transient errors for up to
    ``retry_time`` seconds; each write is one explicit transaction. ``timeout`` bounds connecting.
    """

    def __init__(
        self,
        url: str,
        *,
        user: str = "neo4j",
        password: str = "",
        database: str = "neo4j",
        schema: Schema | None = None,
        timeout: float = 5.0,
        retry_time: float = 15.0,
    ) -> None:
        super().__init__(url, schema)
        self.user, self.database = user, database
        self.layout = Neo4jLayout(self.schema, self._datatypes)
        self.labels, self.types, self.tie_patterns = self.layout.labels, self.layout.types, self.layout.tie_patterns
        self.node_of, self.tie_of, self.ties_by_id, self.count_query = (
            self.layout.node_of,
            self.layout.tie_of,
            self.layout.ties_by_id,
            self.layout.count_query,
        )
        try:
            self.driver = neo4j.GraphDatabase.driver(
                url,
                auth=(user, password),
                connection_timeout=timeout,
                user_agent="partnergraph",
                max_transaction_retry_time=retry_time,
                notifications_min_severity="OFF",
            )
        except (nx.ConfigurationError, ValueError) as exc:
            raise ConfigError(Msg("config.bad_url", url=url), hint=Msg("config.bad_url.hint")) from exc
        try:
            with self._translated():
                self._connect()
        except BaseException:
            self.driver.close()
            raise

    # -- connection, errors, schema ------------------------------------------------------------
    def _connect(self) -> None:
        try:
            self.driver.verify_connectivity()
        except ValueError as exc:  # the driver's word for an address it cannot parse
            raise ConfigError(Msg("config.bad_url", url=self.url), hint=Msg("config.bad_url.hint")) from exc
        agent = self.driver.get_server_info().agent
        if too_old(agent):
            needed = ".".join(map(str, NEEDED))
            raise StoreError(
                Msg("neo4j.too_old", url=self.url, agent=agent, needed=needed), hint=Msg("neo4j.too_old.hint")
            )
        existing = {r["name"] for r in self._read("SHOW INDEXES YIELD name")}
        missing = [statement for name, statement in self._ddl().items() if name not in existing]
        for statement in missing:
            self.driver.execute_query(statement, database_=self.database)
        if missing:
            self.driver.execute_query("CALL db.awaitIndexes(300)", database_=self.database)
        found = self._read("MATCH (m:PGMeta {name: 'store'}) RETURN m.schema AS schema")
        if found and (found[0]["schema"] or 0) > SCHEMA_VERSION:
            raise StoreError(
                Msg("store.newer", url=self.url, found=found[0]["schema"], known=SCHEMA_VERSION),
                hint=Msg("store.newer.hint"),
            )
        if not found:
            self.driver.execute_query(LOCK, {"schema": SCHEMA_VERSION}, database_=self.database)

    def _ddl(self) -> dict[str, str]:
        """Constraint or index name -> the statement creating it, from models.ttl."""
        unique = {"pg_node_key": "(n:PGNode) REQUIRE n.key", "pg_meta_name": "(m:PGMeta) REQUIRE m.name"}
        unique.update({f"pg_node_{name}_key": f"(n:{label}) REQUIRE n.key" for name, label in self.labels.items()})
        unique.update({f"pg_tie_{name}_id": f"()-[t:{label}]-() REQUIRE t.id" for name, label in self.types.items()})
        ddl = {name: f"CREATE CONSTRAINT {name} IF NOT EXISTS FOR {body} IS UNIQUE" for name, body in unique.items()}
        ddl["pg_changes_version"] = "CREATE INDEX pg_changes_version IF NOT EXISTS FOR (b:PGChanges) ON (b.version)"
        for name, target, analyzer in (
            ("pg_search", "(n:PGNode) ON EACH [n._search]", "whitespace"),
            ("pg_changes_keys", "(b:PGChanges) ON EACH [b.keys]", "keyword"),
        ):
            options = f"{{indexConfig: {{`fulltext.analyzer`: '{analyzer}'}}}}"
            ddl[name] = f"CREATE FULLTEXT INDEX {name} IF NOT EXISTS FOR {target} OPTIONS {options}"
        return ddl

    @contextmanager
    def _translated(self, writing: bool = False) -> Iterator[None]:
        try:
            yield
        except nx.GqlError as exc:  # every exception of the driver
            raise self._error(exc, writing) from exc

    def _error(self, exc: nx.GqlError, writing: bool) -> StoreError:
        """The error a user sees for a driver exception: one line saying what happened and what to check."""
        url, code, detail = self.url, str(getattr(exc, "code", "") or ""), _detail(exc)
        if isinstance(exc, nx.AuthError):
            return StoreUnavailableError(Msg("store.auth", url=url, user=self.user), hint=Msg("store.auth.hint"))
        if isinstance(exc, nx.IncompleteCommit):
            return StoreError(Msg("neo4j.commit_unknown", url=url), hint=Msg("neo4j.commit_unknown.hint"))
        if "Memory" in code:  # the transaction outgrew the server's transaction memory
            return StoreError(Msg("neo4j.too_big", url=url, detail=detail), hint=Msg("neo4j.too_big.hint"))
        if isinstance(exc, nx.ServiceUnavailable | nx.SessionExpired) and writing:
            return StoreUnavailableError(
                Msg("neo4j.write_lost", url=url, detail=detail), hint=Msg("neo4j.write_lost.hint")
            )
        if isinstance(exc, nx.ServiceUnavailable | nx.SessionExpired):
            return StoreUnavailableError(
                Msg("store.unavailable", url=url, detail=detail), hint=Msg("store.unreachable.hint")
            )
        hint = (
            Msg("store.busy.hint") if isinstance(exc, nx.TransientError) else None
        )  # a deadlock, a timeout: try again
        return StoreError(Msg("neo4j.error", url=url, detail=f"{code}: {detail}" if code else detail), hint=hint)

    def _read(self, cypher: str, **params: Any) -> list[neo4j.Record]:
        with self._translated():
            result = self.driver.execute_query(
                cypher, params, database_=self.database, routing_=neo4j.RoutingControl.READ
            )
        return list(result.records)

    @contextmanager
    def _transaction(self) -> Iterator[Transaction]:
        # One explicit transaction for the whole write, not a managed (retried) one: the Writer
        # pulls the caller's iterables batch by batch, so after a failure the input is already
        # consumed and a retry could not replay it. A lost connection rolls the write back on
        # the server; the error says so, and re-running the import is safe.
        with self._translated(writing=True):
            session = self.driver.session(
                database=self.database, bookmark_manager=self.driver.execute_query_bookmark_manager
            )
            try:
                tx = session.begin_transaction()
                primitives = Neo4jTransaction(self.layout, self.validator.kind_properties, tx)
                try:
                    yield primitives
                    primitives.drain()
                    tx.commit()
                except BaseException:
                    primitives.close()
                    with suppress(nx.GqlError, OSError):
                        tx.close()  # rolls back unless committed
                    raise
                finally:
                    primitives.close()
            finally:
                with suppress(nx.GqlError, OSError):
                    session.close()

    # -- reading -------------------------------------------------------------------------------
    def get_node(self, key: str) -> Node | None:
        found = self._read(f"MATCH (n:PGNode {{key: $key}}) RETURN {NODE}", key=key)
        return self.node_of(found[0]) if found else None

    def get_tie(self, tie_id: str) -> Tie | None:
        found = self._read(" UNION ALL ".join(self.ties_by_id(name) for name in self.types), ids=[tie_id])
        return self.tie_of(found[0]) if found else None

    def find_nodes(
        self,
        *,
        type: str | None = None,
        text: str | None = None,
        where: Mapping[str, Value] | None = None,
        limit: int | None = 50,
        offset: int = 0,
    ) -> list[Node]:
        if (type is not None and type not in self.labels) or any(
            k in ("key", "id") or k.startswith("_") for k in where or {}
        ):
            return []
        match, conditions, params = f"MATCH (n:{self.labels[type] if type else 'PGNode'})", ["true"], dict[str, Any]()
        if text is not None:
            if not (terms := _terms(text)):
                return []
            match = "CALL db.index.fulltext.queryNodes('pg_search', $lucene) YIELD node AS n"
            params.update(lucene=" AND ".join(_LUCENE.sub(r"\\\1", t) + "*" for t in terms), terms=terms)
            conditions += ["all(t IN $terms WHERE any(w IN split(n._search, ' ') WHERE w STARTS WITH t))"]
            conditions += [f"n:{self.labels[type]}"] if type is not None else []
        if where:
            params["where"] = [[name, self._where_value(name, value)] for name, value in where.items()]
            conditions.append("all(w IN $where WHERE n[w[0]] = w[1])")
        query = f"{match} WHERE {' AND '.join(conditions)} RETURN {NODE} ORDER BY n._sort, n.key SKIP $offset"
        query += " LIMIT $limit" if limit is not None else ""
        return [self.node_of(r) for r in self._read(query, offset=offset, limit=limit, **params)]

    def _where_value(self, name: str, value: Value) -> Any:
        """``value`` as the embedded store compares it with property ``name`` (it compares JSON values)."""
        kind = self._datatypes.get(name)
        if isinstance(value, bool):
            return value if kind == "boolean" else int(value)
        if kind == "boolean" and isinstance(value, int | float) and value in (0, 1):
            return bool(value)
        if isinstance(value, dt.date) and kind != "date":
            return value.isoformat()
        if kind == "date" and isinstance(value, str) and _ISO_DATE.match(value):
            with suppress(ValueError):
                return dt.date.fromisoformat(value)
        return value

    def neighbours(
        self, key: str, *, tie_types: Sequence[str] | None = None, direction: Direction = "both"
    ) -> list[tuple[Tie, Node]]:
        types = list(self.types) if tie_types is None else [t for t in tie_types if t in self.types]
        if not types:
            return []
        other = f"n {{.*}} AS o_p, labels(n) AS o_labels, {STAMP.format('n', 'o_')}"
        query = f"MATCH (:PGNode {{key: $key}})-[t]-(n:PGNode) WHERE type(t) IN $types RETURN {TIE}, {other}"
        found: list[tuple[Tie, Node]] = []
        for record in self._read(query, key=key, types=types):
            tie = self.tie_of(record)
            if (
                direction == "both"
                or self.schema.tie_types[tie.type].symmetric
                or (tie.start == key) == (direction == "out")
            ):
                found.append((tie, self.node_of(record, "o_")))
        return sorted(found, key=lambda pair: (pair[0].type, pair[1].key, pair[0].id))

    def _pages(self, query: str, field: str, make: Callable[[neo4j.Record], T]) -> Iterator[T]:
        """Every record of ``query`` (keyset-paginated on ``field`` > $after), one managed read per page."""
        after = ""
        while True:
            records = self._read(query, after=after, page=PAGE)
            yield from (make(r) for r in records)
            if len(records) < PAGE:
                return
            after = records[-1]["p"][field]

    def iter_nodes(self, type: str | None = None) -> Iterator[Node]:
        if type is not None and type not in self.labels:
            return iter(())
        label = self.labels[type] if type else "PGNode"
        return self._pages(
            f"MATCH (n:{label}) WHERE n.key > $after RETURN {NODE} ORDER BY n.key LIMIT $page", "key", self.node_of
        )

    def iter_ties(self, type: str | None = None) -> Iterator[Tie]:
        """Every tie by id: one index-ordered stream per tie type, merged."""
        names = list(self.types) if type is None else [type] if type in self.types else []
        streams = [
            self._pages(
                f"MATCH ()-[t:{self.types[name]}]->() WHERE t.id > $after RETURN {TIE} ORDER BY t.id LIMIT $page",
                "id",
                self.tie_of,
            )
            for name in names
        ]
        return heapq.merge(*streams, key=lambda tie: tie.id)

    def _counts(self, patterns: Mapping[str, str]) -> dict[str, int]:
        return {
            r["type"]: r["n"]
            for r in sorted(self._read(self.count_query(patterns)), key=lambda r: str(r["type"]))
            if r["n"]
        }

    def count_nodes(self) -> dict[str, int]:
        return self._counts({name: f"(:{label})" for name, label in self.labels.items()})

    def count_ties(self) -> dict[str, int]:
        return self._counts(self.tie_patterns)

    def version(self) -> int:
        found = self._read("MATCH (m:PGMeta {name: 'store'}) RETURN m.version AS version")
        return int(found[0]["version"]) if found else 0

    def changes(self, *, version: int | None = None, key: str | None = None, limit: int | None = 100) -> list[Change]:
        if key == "":
            return []
        match, where, since = "MATCH (b:PGChanges)", "b.version = $version" if version is not None else "true", 0
        if key is not None:  # a phrase query: the keyword analyzer keeps each key whole
            match = "CALL db.index.fulltext.queryNodes('pg_changes_keys', $phrase) YIELD node AS b"
        elif version is None and limit is not None:
            where, since = "b.version >= $since", self._since(limit)  # only the newest batches, not the whole history
        phrase = '"' + (key or "").replace("\\", "\\\\").replace('"', '\\"') + '"'
        batches = self._read(f"{match} WHERE {where} RETURN b {{.*}} AS b", version=version, phrase=phrase, since=since)
        found = (c for r in batches for c in log_entries(r["b"]) if key is None or c.key == key)
        return sorted(found, key=lambda c: (c.version, c.seq), reverse=True)[:limit]

    def _since(self, count: int) -> int:
        """The oldest version among the newest ones that together hold ``count`` changes."""
        total = 0
        for record in self._read(
            "MATCH (b:PGChanges) WHERE b.version > 0 RETURN b.version AS v, size(b.keys) AS n ORDER BY v DESC"
        ):
            total += record["n"]
            if total >= count:
                return int(record["v"])
        return 0

    def _check_storage(self) -> list[Problem]:
        indexes = {r["name"]: r["state"] for r in self._read("SHOW INDEXES YIELD name, state")}
        problems = [
            Problem(Msg("neo4j.check.index", name=name, state=indexes.get(name) or Msg("neo4j.check.missing")), "neo4j")
            for name in self._ddl()
            if indexes.get(name) != "ONLINE"
        ]
        ties = "MATCH (a)-[t]->(b) WHERE type(t) IN $types"
        found_only = "WITH count(*) AS c WHERE c > 0 RETURN c AS n"  # a row only when something is wrong
        checks = {
            "neo4j.check.no_key": f"MATCH (n:PGNode) WHERE n.key IS NULL {found_only}",
            "neo4j.check.types": f"MATCH (n:PGNode) WHERE size([l IN labels(n) WHERE l IN $labels]) <> 1 {found_only}",
            "neo4j.check.no_id": f"{ties} AND t.id IS NULL {found_only}",
            "neo4j.check.outside": f"{ties} AND NOT (a:PGNode AND b:PGNode) {found_only}",
            "neo4j.check.repeated_id": f"{ties} WITH t.id AS id, count(*) AS k WHERE k > 1 {found_only}",
            "neo4j.check.meta": "MATCH (m:PGMeta {name: 'store'}) WITH count(m) AS c WHERE c <> 1 RETURN c AS n",
        }
        for message, query in checks.items():
            found = self._read(query, labels=list(self.labels), types=list(self.types))
            if found:  # the meta check reports 0 meta nodes too
                problems.append(Problem(Msg(message, count=int(found[0]["n"])), "neo4j"))
        return problems

    def close(self) -> None:
        self.driver.close()
