"""Writing to Neo4j: the storage primitives of one write transaction, and the change-log layout.

Split from :mod:`partnergraph.graph.neo4j` (connection, schema, reads), which opens the
transaction and hands a :class:`Neo4jTransaction` to the shared :class:`~partnergraph.graph.base.Writer`.
"""

from __future__ import annotations

import json
import re
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

import neo4j

from partnergraph.errors import SchemaError
from partnergraph.graph.base import Change, Transaction
from partnergraph.graph.neo4j_layout import LOCK, NODE, SCHEMA_VERSION, TIE, Neo4jLayout
from partnergraph.i18n import Msg
from partnergraph.records import Node, Tie

__all__ = ["Neo4jTransaction", "log_batch", "log_entries"]

PENDING = 16  # writes a transaction may have sent and not yet seen finish
CACHE = 100_000  # nodes a write keeps at hand, so that ties need not fetch the endpoints it just wrote
T = TypeVar("T")
_TYPED = re.compile(r"-\[([A-Za-z][A-Za-z0-9_]*)\]->")  # the tie type inside a default tie id (records.tie_id)


def _grouped(rows: Iterable[tuple[Any, T]]) -> dict[Any, list[T]]:
    groups: dict[Any, list[T]] = {}
    for name, row in rows:
        groups.setdefault(name, []).append(row)
    return groups


OPS = {"create": "c", "update": "u", "delete": "d"}
ENTITIES = {"node": "n", "tie": "t"}


def log_batch(changes: Sequence[Change]) -> dict[str, Any]:
    """The ``PGChanges`` node of ``changes`` (one version): compact, since a bulk load logs every record.

    ``keys`` lists each change's key (the ``pg_changes_keys`` index finds a key's batches),
    ``ops`` and ``entities`` hold a letter per change, ``first`` the first sequence number when
    they follow one another (else ``seqs`` lists them), and ``changed`` the positions of the
    changes with previous or new values, which ``befores`` and ``afters`` hold as JSON.
    """
    first = changes[0]
    batch: dict[str, Any] = {
        "version": first.version,
        "at": first.at,
        "user": first.user,
        "source": first.source,
        "keys": [c.key for c in changes],
        "ops": "".join(OPS[c.op] for c in changes),
        "entities": "".join(ENTITIES[c.entity] for c in changes),
    }
    if all(c.seq == first.seq + i for i, c in enumerate(changes)):
        batch["first"] = first.seq
    else:
        batch["seqs"] = [c.seq for c in changes]
    changed = [i for i, c in enumerate(changes) if c.before or c.after]
    if changed:
        batch["changed"] = changed
        batch["befores"] = [
            json.dumps(changes[i].before, ensure_ascii=False) if changes[i].before else "" for i in changed
        ]
        batch["afters"] = [
            json.dumps(changes[i].after, ensure_ascii=False) if changes[i].after else "" for i in changed
        ]
    return batch


def log_entries(batch: Mapping[str, Any]) -> Iterator[Change]:
    """The changes of a ``PGChanges`` node; also reads the first layout (every field a list, one item per change)."""
    keys, ops, entities = batch["keys"], batch["ops"], batch["entities"]
    seqs = batch.get("seqs") or range(batch["first"], batch["first"] + len(keys))
    positions = batch.get("changed", range(len(keys)) if isinstance(ops, list) else ())
    values = dict(zip(positions, zip(batch.get("befores", ()), batch.get("afters", ()), strict=True), strict=True))
    names = {letter: op for op, letter in (OPS | ENTITIES).items()}
    for i, key in enumerate(keys):
        before, after = values.get(i, ("", ""))
        yield Change(
            batch["version"],
            seqs[i],
            batch["at"],
            batch["user"],
            batch["source"],
            names.get(ops[i], ops[i]),
            names.get(entities[i], entities[i]),
            key,
            json.loads(before) if before else None,
            json.loads(after) if after else None,
        )


class Neo4jTransaction(Transaction):
    """The storage primitives inside one explicit Neo4j transaction.

    The server works while the Writer prepares the next batch: queries run on a worker thread, in
    order, and a write returns once it is queued (at most ``PENDING`` at a time). Reads are the
    only points where the Writer waits for the server, so the transaction remembers what it
    learnt: whether the store held any node when it began, which tie types held ties, every key
    and tie id it wrote. A bulk load into an empty store then never waits for a read (nothing it
    asks for can be stored but what it wrote itself), and records the Writer found to be new are
    CREATEd, not MERGEd (the uniqueness constraints still guard keys and ids).
    """

    def __init__(self, layout: Neo4jLayout, kind_properties: Sequence[str], tx: neo4j.Transaction) -> None:
        self.layout, self.tx = layout, tx
        self.worker = ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="partnergraph-neo4j"
        )  # runs every query, in order
        self.sent: deque[Future[neo4j.Result]] = deque()  # writes handed to the worker, not yet known to have finished
        self.nodes: dict[str, Node] = {}  # stored nodes this transaction has read or written (a cache)
        self.written: set[str] = set()  # keys of the nodes this transaction wrote and has not removed
        self.ends: dict[str, Node] = {}  # key -> type and kind of every node read or written (small: kept whole)
        self.kind_properties = tuple(kind_properties)
        self.had_nodes = True  # whether the store held any node when the transaction began
        self.seen: dict[str, tuple[str, str, str]] = {}  # tie id -> (type, start, end) of a tie known to be stored
        self.had_ties: set[str] = set()  # tie types that held ties when the transaction began
        # Element ids of the records read (valid inside this transaction): a delete by element id is a direct
        # seek, while one by key or id through an index slows down with every record this transaction deleted
        # (a revert of 75k records spent 40 s deleting 60k ties by id).
        self.node_eids: dict[str, str] = {}
        self.tie_eids: dict[str, str] = {}

    def read(self, query: str, **params: Any) -> list[neo4j.Record]:
        """The records of ``query``, after every write sent before it."""
        self.drain()
        return self.worker.submit(lambda: list(self.tx.run(query, params))).result()

    def write(self, statement: str, data: Any) -> None:
        """Send an updating ``statement`` reading its input from ``$data``; it runs while the caller goes on.

        The worker does not wait for a write to finish before sending the next (the driver waits
        only until the server has begun it), so the server always has the next query at hand.
        A failed write fails the transaction: its error comes from a later query or from drain.
        """
        while self.sent and (self.sent[0].done() or len(self.sent) >= PENDING):
            self.sent.popleft().result()  # raises the error of a failed write; bounds the memory held by queued rows
        self.sent.append(self.worker.submit(lambda: self.tx.run(statement, {"data": data})))

    def drain(self) -> None:
        """Wait until every write sent so far has finished; raise the first error among them."""
        last = None
        while self.sent:
            last = self.sent.popleft().result()
        if last is not None:
            self.worker.submit(last.consume).result()

    def close(self) -> None:
        """Stop the worker: queued writes that have not started are dropped, a running one is waited for."""
        self.worker.shutdown(wait=True, cancel_futures=True)

    def next_version(self) -> int:
        version = int(self.read(LOCK, schema=SCHEMA_VERSION)[0]["version"]) + 1
        counts = {
            r["type"]: r["n"]
            for r in self.read(self.layout.count_query({"(nodes)": "(:PGNode)", **self.layout.tie_patterns}))
        }
        self.had_nodes, self.had_ties = bool(counts.pop("(nodes)", 0)), set(counts)
        return version

    def set_version(self, version: int) -> None:
        self.write("MATCH (m:PGMeta {name: 'store'}) SET m.version = $data", version)
        self.drain()

    def get_nodes(self, keys: Sequence[str]) -> dict[str, Node]:
        found = {k: self.nodes[k] for k in keys if k in self.nodes}
        missing = [k for k in keys if k not in found and (self.had_nodes or k in self.written)]
        if missing:
            if len(self.nodes) + len(missing) > CACHE:
                self.nodes.clear()
            records = self.read(
                f"UNWIND $keys AS k MATCH (n:PGNode {{key: k}}) RETURN {NODE}, elementId(n) AS eid", keys=missing
            )
            self.node_eids.update((r["p"]["key"], r["eid"]) for r in records)
            found.update((r["p"]["key"], self.layout.node_of(r)) for r in records)
            self.nodes.update(found)
            self._remember(found.values())
        return found

    def get_endpoints(self, keys: Sequence[str], props: Sequence[str]) -> dict[str, Node]:
        found = {k: self.ends[k] for k in keys if k in self.ends} if tuple(props) == self.kind_properties else {}
        missing = [k for k in keys if k not in found]
        return found | super().get_endpoints(missing, props) if missing else found

    def _remember(self, nodes: Iterable[Node]) -> None:
        props = self.kind_properties
        self.ends.update((n.key, Node(n.key, n.type, {p: n.props[p] for p in props if p in n.props})) for n in nodes)

    def get_ties(self, ids: Sequence[str]) -> dict[str, Tie]:
        """Ties known to be stored are looked for in their own type, ids of the default form (``a-[TYPE]->b``) in
        that type, and what is still not found in every type that held ties."""
        by_type = _grouped((self.seen[i][0], i) for i in ids if i in self.seen)
        unknown = [i for i in ids if i not in self.seen]
        for name, group in _grouped(
            (m[1], i) for i in unknown if (m := _TYPED.search(i)) and m[1] in self.had_ties
        ).items():
            by_type.setdefault(name, []).extend(group)
        found = self._ties_of(by_type)
        unknown = [i for i in unknown if i not in found]
        return found | (self._ties_of({name: unknown for name in self.had_ties}) if unknown else {})

    def _ties_of(self, ids: Mapping[str, list[str]]) -> dict[str, Tie]:
        """The stored ties among ``ids`` (tie type -> ids), in one query whose text never changes (planned once:
        a union of the types at hand took the server longer to plan than to run, batch after batch)."""
        if not any(ids.values()):
            return {}
        names = sorted(self.layout.types)
        query = " UNION ALL ".join(self.layout.ties_by_id(name, f"ids{n}") for n, name in enumerate(names))
        records = self.read(query, **{f"ids{n}": ids.get(name, []) for n, name in enumerate(names)})
        found = {r["p"]["id"]: self.layout.tie_of(r) for r in records}
        self.tie_eids.update((r["p"]["id"], r["eid"]) for r in records)
        self.seen.update({i: (t.type, t.start, t.end) for i, t in found.items()})
        return found

    def put_nodes(self, created: Sequence[Node], updated: Sequence[Node]) -> None:
        if len(self.nodes) + len(created) + len(updated) > CACHE:
            self.nodes.clear()  # memory stays bounded; what was forgotten is fetched again if asked for
        self.nodes.update((n.key, n) for n in (*created, *updated))
        self.written.update(n.key for n in created)
        self._remember((*created, *updated))
        for name, rows in _grouped((n.type, self.layout.node_row(n)) for n in created).items():
            label, dates = self.layout.labels[name], self.layout.set_dates(name, "n", "r")
            self.write(f"UNWIND $data AS r CREATE (n:PGNode:{label}) SET n = r{dates}", rows)
        if updated:  # a node never changes its type (the Writer refuses it), so its labels stay
            rows = [self.layout.node_row(n) for n in updated]
            self.write(
                f"UNWIND $data AS r MATCH (n:PGNode {{key: r.key}}) SET n = r{self.layout.set_dates('*', 'n', 'r')}",
                rows,
            )

    def put_ties(self, created: Sequence[Tie], updated: Sequence[Tie]) -> None:
        self.get_ties([t.id for t in updated if t.id not in self.seen])
        moved = [t for t in updated if self.seen.get(t.id) not in (None, (t.type, t.start, t.end))]
        self._delete_ties([t.id for t in moved])  # a tie that changes its type or ends is deleted and created again
        new = (*created, *moved)
        if new:  # one query for every type (a query per type and batch left the server waiting for the client)
            if unknown := {t.type for t in new} - self.layout.types.keys():  # the Writer refuses them first
                raise SchemaError(Msg("schema.term", term=min(unknown), detail="not a tie type of models.ttl"))
            dates = self.layout.set_dates("*tie", "t", "r.p")
            self.write(
                f"UNWIND $data AS r MATCH (a:PGNode {{key: r.start}}) MATCH (b:PGNode {{key: r.end}}) "
                f"CREATE (a)-[t:$(r.type)]->(b) SET t = r.p{dates}",
                [self.layout.tie_row(t) for t in new],
            )
        in_place = (t for t in updated if t.id in self.seen)
        for name, rows in _grouped((t.type, self.layout.tie_row(t)) for t in in_place).items():
            label, dates = self.layout.types[name], self.layout.set_dates(name, "t", "r.p")
            self.write(
                f"UNWIND $data AS r MATCH ()-[t:{label} {{id: r.p.id}}]->() USING INDEX SEEK t:{label}(id) SET t = r.p{dates}",
                rows,
            )
        self.seen.update({t.id: (t.type, t.start, t.end) for t in (*created, *updated)})

    def _delete_ties(self, ids: Sequence[str]) -> None:
        self.get_ties([i for i in ids if i not in self.seen])
        for label, group in _grouped((self.layout.types[self.seen[i][0]], i) for i in ids if i in self.seen).items():
            if known := [self.tie_eids[i] for i in group if i in self.tie_eids]:
                self.write(f"UNWIND $data AS e MATCH ()-[t:{label}]->() WHERE elementId(t) = e DELETE t", known)
            if others := [i for i in group if i not in self.tie_eids]:
                self.write(
                    f"UNWIND $data AS id MATCH ()-[t:{label} {{id: id}}]->() USING INDEX SEEK t:{label}(id) DELETE t",
                    others,
                )
        for tie_id in ids:
            self.seen.pop(tie_id, None)
            self.tie_eids.pop(tie_id, None)

    def ties_touching(self, keys: Sequence[str]) -> list[Tie]:
        query = (
            "UNWIND $keys AS k MATCH (:PGNode {key: k})-[t]-() WHERE type(t) IN $types "
            f"WITH DISTINCT t RETURN {TIE}, elementId(t) AS e"
        )
        records = self.read(query, keys=list(keys), types=list(self.layout.types))
        self.tie_eids.update((r["p"]["id"], r["e"]) for r in records)
        ties = sorted((self.layout.tie_of(r) for r in records), key=lambda t: t.id)
        self.seen.update({t.id: (t.type, t.start, t.end) for t in ties})
        return ties

    def tie_ends_from(self, keys: Sequence[str], tie_type: str) -> list[tuple[str, str]]:
        query = f"UNWIND $keys AS k MATCH (a:PGNode {{key: k}})-[:{self.layout.types[tie_type]}]->(b:PGNode) RETURN a.key AS a, b.key AS b"
        return [(r["a"], r["b"]) for r in self.read(query, keys=list(keys))]

    def remove(self, node_keys: Sequence[str], tie_ids: Sequence[str]) -> None:
        self._delete_ties(tie_ids)
        for key in node_keys:
            self.nodes.pop(key, None)
            self.ends.pop(key, None)
            self.written.discard(key)
        if known := [self.node_eids[k] for k in node_keys if k in self.node_eids]:
            self.write("UNWIND $data AS e MATCH (n) WHERE elementId(n) = e DELETE n", known)
        if others := [k for k in node_keys if k not in self.node_eids]:
            self.write("UNWIND $data AS k MATCH (n:PGNode {key: k}) DELETE n", others)
        for key in node_keys:
            self.node_eids.pop(key, None)

    def log(self, changes: Sequence[Change]) -> None:
        """Log the changes: a node per batch and write version (see :func:`log_batch`)."""
        for group in _grouped(((c.version, c.at, c.user, c.source), c) for c in changes).values():
            self.write("CREATE (b:PGChanges) SET b = $data", log_batch(group))
