"""The GraphStore contract, and the write logic every backend shares.

A backend implements the reads of :class:`GraphStore` and the few storage primitives of
:class:`Transaction`; validation, merging, change detection, the change log, cascades and
reverts are written once here, so both backends behave the same by construction.

Writes happen in a transaction that is all-or-nothing::

    with store.write(source="import organisations.csv", user="anna") as w:
        w.upsert_nodes(nodes)      # any iterable, consumed in batches
        w.upsert_ties(ties)
    print(w.summary)               # created / updated / unchanged / deleted

Writing merges: a property a record leaves out keeps its stored value. Removing a stored value
is said explicitly, per record, by the key it is stored under (a tie's id)::

    w.upsert_nodes([Node("org:a", "Organisation", {"name": "A", "kind": "ngo"})], remove={"org:a": ["phone"]})

The removal is part of the record's update (one change-log entry holds the value before, so a
revert puts it back) and the summary counts the values removed (``node_value``/``tie_value``
``removed``). A required property cannot be removed, nor one the same record gives a value.

Each committed write that changed something gets the next write version; the change log
records, per version, who, from which source, when, and the previous values, so that
:meth:`GraphStore.revert` can undo it.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from itertools import islice
from typing import Any, Literal, TypeVar

from partnergraph.errors import IntegrityError, NotFoundError, Problem, StoreError, ValidationError
from partnergraph.graph.invariants import HIERARCHY_TIE, Invariants
from partnergraph.graph.revert import Revert
from partnergraph.i18n import Msg, register_messages
from partnergraph.records import Node, Tie
from partnergraph.schema import NodeType, Schema, TieType, load_schema
from partnergraph.validate import Validator
from partnergraph.values import PARSERS, Value, to_json

__all__ = ["BATCH_SIZE", "Change", "Direction", "GraphStore", "Removals", "Transaction", "WriteSummary", "Writer"]

BATCH_SIZE = 5000
Direction = Literal["out", "in", "both"]
T = TypeVar("T")
Removals = Mapping[str, Iterable[str]]
"""Property names whose stored values a write removes, by node key or tie id."""

register_messages(
    {
        "store.remove_required": "cannot remove the value of {name!r}: the property is required",
        "store.remove_required.hint": "give another value instead of removing it",
        "store.remove_given": "{name!r}: a new value and its removal are given at once; choose one",
        "store.remove_unmatched": "removing values ({names}) concerns {key}, which this write does not contain",
    }
)


R = TypeVar("R", Node, Tie)


def _ends(record: Node | Tie) -> tuple[str, ...]:
    """What besides its properties makes a record differ: a tie's type and ends (a node's type never changes)."""
    return (record.type, record.start, record.end) if isinstance(record, Tie) else ()


def now_utc() -> str:
    """The current time as ISO 8601 UTC with seconds."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Lists of up to ``size`` items, consuming ``items`` lazily."""
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


@dataclass(frozen=True)
class Change:
    """One entry of the change log."""

    version: int
    seq: int
    """Order of the change within its version."""
    at: str
    user: str
    source: str
    op: Literal["create", "update", "delete"]
    entity: Literal["node", "tie"]
    key: str
    before: dict[str, Any] | None = None
    """The previous record (JSON form) for updates and deletes."""
    after: dict[str, Any] | None = None
    """The new record (JSON form) for updates."""


@dataclass
class WriteSummary:
    """What a write did, by entity and outcome."""

    version: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, entity: str, outcome: str, n: int = 1) -> None:
        if n:
            self.counts[f"{entity}_{outcome}"] = self.counts.get(f"{entity}_{outcome}", 0) + n

    def get(self, entity: str, outcome: str) -> int:
        """How many ``entity`` ("node"/"tie") records had ``outcome`` (created, updated, unchanged, deleted);
        ``get("node_value", "removed")`` (or ``tie_value``): how many stored property values were removed."""
        return self.counts.get(f"{entity}_{outcome}", 0)

    @property
    def removed(self) -> int:
        """Stored property values the write removed, from nodes and ties."""
        return self.get("node_value", "removed") + self.get("tie_value", "removed")

    @property
    def changed(self) -> bool:
        return any(n for k, n in self.counts.items() if not k.endswith("_unchanged"))


class Transaction(ABC):
    """Storage primitives inside one backend transaction (all batch-sized)."""

    @abstractmethod
    def next_version(self) -> int:
        """Lock the store's version for this transaction and return the version it will commit as."""

    @abstractmethod
    def set_version(self, version: int) -> None:
        """Record ``version`` as the store's write version (called once, before commit)."""

    @abstractmethod
    def get_nodes(self, keys: Sequence[str]) -> dict[str, Node]:
        """Stored nodes among ``keys`` (as written so far in this transaction)."""

    def get_endpoints(self, keys: Sequence[str], props: Sequence[str]) -> dict[str, Node]:
        """Stored nodes among ``keys`` with only their type and ``props`` (for endpoint checks).

        Backends may override this with a lighter query than :meth:`get_nodes`.
        """
        return {
            k: Node(k, n.type, {p: n.props[p] for p in props if p in n.props}) for k, n in self.get_nodes(keys).items()
        }

    @abstractmethod
    def get_ties(self, ids: Sequence[str]) -> dict[str, Tie]:
        """Stored ties among ``ids``."""

    @abstractmethod
    def put_nodes(self, created: Sequence[Node], updated: Sequence[Node]) -> None:
        """Insert ``created`` and replace ``updated`` nodes (records carry origin/updated/version)."""

    @abstractmethod
    def put_ties(self, created: Sequence[Tie], updated: Sequence[Tie]) -> None:
        """Insert ``created`` and replace ``updated`` ties."""

    @abstractmethod
    def ties_touching(self, keys: Sequence[str]) -> list[Tie]:
        """Every stored tie that starts or ends at one of ``keys``."""

    def tie_ends_from(self, keys: Sequence[str], tie_type: str) -> list[tuple[str, str]]:
        """(start, end) of the stored ties of ``tie_type`` that start at one of ``keys`` (backends may do it lighter)."""
        wanted = set(keys)
        return [(t.start, t.end) for t in self.ties_touching(keys) if t.type == tie_type and t.start in wanted]

    @abstractmethod
    def remove(self, node_keys: Sequence[str], tie_ids: Sequence[str]) -> None:
        """Delete ties ``tie_ids`` and nodes ``node_keys`` (their ties are already gone)."""

    @abstractmethod
    def log(self, changes: Sequence[Change]) -> None:
        """Append ``changes`` to the change log."""


def record_json(record: Node | Tie) -> dict[str, Any]:
    """The change-log form of a record."""
    data = record.as_json()
    data.pop("key", None)
    data.pop("id", None)
    return data


def _label(record: Node | Tie) -> str:
    """How a record is named in error messages: key, tie id, or start-[TYPE]->end."""
    if isinstance(record, Node):
        return record.key
    return record.id or (f"{record.start}-[{record.type}]->{record.end}" if record.start and record.end else "")


class Writer:
    """The write API inside :meth:`GraphStore.write`; every method works in batches."""

    def __init__(
        self, tx: Transaction, validator: Validator, *, source: str, user: str, rules: Invariants | None = None
    ) -> None:
        self.tx, self.validator, self.source, self.user = tx, validator, source, user
        self.rules = rules or Invariants(validator.schema)
        self.version = tx.next_version()
        self.at = now_utc()
        self.summary = WriteSummary(self.version)
        self._seq = 0

    def _change(self, op: Any, entity: Any, key: str, before: Node | Tie | None, after: Node | Tie | None) -> Change:
        self._seq += 1
        return Change(
            self.version,
            self._seq,
            self.at,
            self.user,
            self.source,
            op,
            entity,
            key,
            record_json(before) if before else None,
            record_json(after) if after else None,
        )

    def _stamp(self, record: T) -> T:
        return replace(record, origin=self.source, updated=self.at, version=self.version)  # type: ignore[type-var]

    def _node(self, node: Node, props: dict[str, Any]) -> Node:
        """``node`` with ``props``, stamped with this write (direct construction: this is the hot path)."""
        return Node(node.key, node.type, props, self.source, self.at, self.version)

    def _tie(self, tie: Tie, props: dict[str, Any]) -> Tie:
        return Tie(tie.type, tie.start, tie.end, props, tie.id, self.source, self.at, self.version)

    def upsert_nodes(self, nodes: Iterable[Node], *, remove: Removals | None = None) -> None:
        """Create or update nodes; properties not given keep their stored values; a changed kind must fit the node's ties.

        ``remove`` maps keys of nodes among ``nodes`` to properties whose stored values go (see the module docs).
        """
        drop = _removals(remove)
        seen: set[str] = set()
        for number, chunk in enumerate(batched(nodes, BATCH_SIZE)):
            if drop:
                self._check_removals(chunk, drop, self.validator.schema.node_types, None)
            checked = self._validated(chunk, self.validator.node, number)
            if drop:
                self._check_removals(chunk, drop, self.validator.schema.node_types, checked, seen)
            stored = self.tx.get_nodes(list({n.key for n in checked}))
            types = {key: node.type for key, node in stored.items()}
            for node in checked:  # a key with another type (stored, or earlier in the chunk) is refused
                if (was := types.setdefault(node.key, node.type)) != node.type:
                    raise IntegrityError(Msg("store.type_change", key=node.key, old=was, new=node.type))
            created, updated, log = self._merge("node", checked, stored, self._node, drop)
            self.tx.put_nodes(list(created.values()), list(updated.values()))
            self._check_kinds(self.rules.rekinded(self.validator, stored, updated.values()))
            self.tx.log(log)
        _unmatched(drop, seen)

    def _check_removals(
        self,
        raw: Sequence[Node | Tie],
        drop: Mapping[str, frozenset[str]],
        owners: Mapping[str, NodeType] | Mapping[str, TieType],
        checked: Sequence[Node | Tie] | None,
        seen: set[str] | None = None,
    ) -> None:
        """Refuse removing required or unknown properties, or ones the same record gives a value.

        Called before validation with the keys as given (so that removing a required value is
        named as such, not as a missing one), then with the validated records, whose keys count.
        """
        problems: list[Problem] = []
        for index, record in enumerate(raw):
            found = checked[index] if checked is not None else record
            key = (found.key if isinstance(found, Node) else found.id).strip()
            names = drop.get(key)
            owner = owners.get(record.type)
            if names is None or owner is None:
                continue
            if seen is not None:
                seen.add(key)
            for name in sorted(names):
                prop = owner.properties.get(name)
                if prop is None:
                    hint = Msg("val.types_hint", allowed=", ".join(owner.properties))
                    problem = Problem(Msg("val.unknown_property", owner=owner.name, name=name), name, hint)
                elif prop.required:
                    problem = Problem(Msg("store.remove_required", name=name), name, Msg("store.remove_required.hint"))
                elif checked is not None and name in found.props and _given(record.props.get(name)):
                    problem = Problem(Msg("store.remove_given", name=name), name)
                else:
                    continue
                problems.append(problem.located(key))
        if problems:
            raise ValidationError(problems)

    def _merge(
        self,
        entity: Literal["node", "tie"],
        records: list[R],
        stored: Mapping[str, R],
        stamp: Callable[[R, dict[str, Any]], R],
        drop: Mapping[str, frozenset[str]] | None = None,
    ) -> tuple[dict[str, R], dict[str, R], list[Change]]:
        """Merge one chunk of nodes or ties into what is stored: the records to create and to update
        (properties not given keep their stored values, those in ``drop`` lose them; a key given twice
        merges in order) and their log."""
        created: dict[str, R] = {}
        updated: dict[str, R] = {}
        unchanged: set[str] = set()
        log: list[Change] = []
        for record in records:
            key = record.key if isinstance(record, Node) else record.id
            old = created.get(key) or updated.get(key) or stored.get(key)
            base = old.props if old else {}
            if drop and old and (names := drop.get(key)) and not names.isdisjoint(base):
                base = {k: v for k, v in base.items() if k not in names}
            merged = stamp(record, {**base, **record.props})
            changed = old is not None and (merged.props != old.props or _ends(merged) != _ends(old))
            if old is not None and base is not old.props:
                self.summary.add(f"{entity}_value", "removed", sum(k not in merged.props for k in old.props))
            self._count(entity, old, changed, key, unchanged)
            if old is None:
                created[key] = merged
                log.append(self._change("create", entity, key, None, None))
            elif changed:
                (created if key in created else updated)[key] = merged
                log.append(self._change("update", entity, key, stored.get(key, old), merged))
        return created, updated, log

    def _count(self, entity: str, old: Node | Tie | None, changed: bool, key: str, unchanged: set[str]) -> None:
        """Count a record once per write, though a file may give it twice.

        A record already written by this write (``old`` carries this write's version) was counted
        when it was; one found unchanged earlier in the chunk (``unchanged``) moves to updated if it
        changes now. A record repeated unchanged in two different chunks (``BATCH_SIZE`` records
        apart) counts as unchanged twice: remembering every unchanged key of a re-import would cost
        memory in proportion to the file.
        """
        if old is None:
            self.summary.add(entity, "created")
        elif old.version == self.version:
            return
        elif key in unchanged:
            if changed:
                unchanged.discard(key)
                self.summary.add(entity, "unchanged", -1)
                self.summary.add(entity, "updated")
        elif changed:
            self.summary.add(entity, "updated")
        else:
            unchanged.add(key)
            self.summary.add(entity, "unchanged")

    def _check_kinds(self, changed: dict[str, tuple[str, object]]) -> None:
        """Refuse kinds (already written in this transaction) that no longer fit the nodes' stored ties."""
        if changed and (problems := self.rules.blocked_kinds(self.tx, self.validator, changed)):
            raise ValidationError(problems)

    def upsert_ties(self, ties: Iterable[Tie], *, remove: Removals | None = None) -> None:
        """Create or update ties; both endpoints must exist and fit the tie type, PART_OF must go up.

        ``remove`` maps ids of ties among ``ties`` to properties whose stored values go (see the module docs).
        """
        drop = _removals(remove)
        seen: set[str] = set()
        for number, chunk in enumerate(batched(ties, BATCH_SIZE)):
            if drop:
                self._check_removals(chunk, drop, self.validator.schema.tie_types, None)
            checked = self._validated(chunk, self.validator.tie, number)
            if drop:
                self._check_removals(chunk, drop, self.validator.schema.tie_types, checked, seen)
            level = self._check_ties(checked)
            self._put_ties(checked, drop)
            self._check_cycles(level)
        _unmatched(drop, seen)

    def _check_ties(self, ties: Sequence[Tie]) -> list[Tie]:
        """Refuse ties with missing or unfitting endpoints, or PART_OF the wrong way; return PART_OF ties within one level."""
        ends = self.tx.get_endpoints(list({k for t in ties for k in (t.start, t.end)}), self.validator.kind_properties)
        problems = []
        for tie in ties:
            for key in (tie.start, tie.end):
                if key not in ends:
                    hint = Msg("store.endpoint_missing.hint", key=key)
                    raise IntegrityError(Msg("store.endpoint_missing", tie=tie.id, key=key), hint=hint)
            problems += [p.located(tie.id) for p in self.validator.endpoints(tie, ends[tie.start], ends[tie.end])]
        hierarchy = [t for t in ties if t.type == HIERARCHY_TIE] if not problems else []
        level: list[Tie] = []
        if hierarchy:
            codes = self.tx.get_endpoints(
                list({k for t in hierarchy for k in (t.start, t.end)}), self.rules.code_properties
            )
            for tie in hierarchy:
                found, same = self.rules.level_problems(tie, codes[tie.start], codes[tie.end])
                problems += found
                level += [tie] if same else []
        if problems:
            raise ValidationError(problems)
        return level

    def _check_cycles(self, ties: Sequence[Tie]) -> None:
        """Refuse PART_OF ``ties`` (already written) that close a cycle."""
        if ties and (problems := self.rules.cycles_closed(self.tx, ties)):
            raise ValidationError(problems)

    def _put_ties(self, checked: list[Tie], drop: Mapping[str, frozenset[str]] | None = None) -> None:
        stored = self.tx.get_ties(list({t.id for t in checked}))
        created, updated, log = self._merge("tie", checked, stored, self._tie, drop)
        self.tx.put_ties(list(created.values()), list(updated.values()))
        self.tx.log(log)

    def _validated(self, chunk: list[Any], check: Any, number: int) -> list[Any]:
        result, problems = [], []
        for index, record in enumerate(chunk, start=number * BATCH_SIZE + 1):
            try:
                result.append(check(record))
            except ValidationError as exc:
                label = _label(record) or (f"#{index}" if len(chunk) > 1 or number else "")
                problems += [p.located(label) for p in exc.problems]
        if problems:
            raise ValidationError(problems)
        return result

    def delete_node(self, key: str, *, cascade: bool = False) -> None:
        """Delete a node; with ``cascade`` its ties too, otherwise a node with ties is refused."""
        node = self.tx.get_nodes([key]).get(key)
        if node is None:
            raise NotFoundError(Msg("store.node_missing", key=key))
        ties = self.tx.ties_touching([key])
        if ties and not cascade:
            raise IntegrityError(Msg("store.has_ties", key=key, count=len(ties)), hint=Msg("store.has_ties.hint"))
        log = [self._change("delete", "tie", t.id, t, None) for t in ties]
        log.append(self._change("delete", "node", key, node, None))
        self.tx.remove([key], [t.id for t in ties])
        self.tx.log(log)
        self.summary.add("tie", "deleted", len(ties))
        self.summary.add("node", "deleted")

    def delete_tie(self, tie_id: str) -> None:
        """Delete one tie by its id."""
        tie = self.tx.get_ties([tie_id]).get(tie_id)
        if tie is None:
            raise NotFoundError(Msg("store.tie_missing", tie=tie_id))
        self.tx.remove([], [tie_id])
        self.tx.log([self._change("delete", "tie", tie_id, tie, None)])
        self.summary.add("tie", "deleted")

    def revert(self, changes: Sequence[Change], decode: Any) -> None:
        """Put every record that ``changes`` (one version's log) touched back as it was before (see :mod:`.revert`)."""
        Revert(self, decode).run(changes)


def _removals(remove: Removals | None) -> dict[str, frozenset[str]]:
    """``remove`` with its keys stripped and its names as sets (names given as one string are one name)."""
    found: dict[str, frozenset[str]] = {}
    for key, names in (remove or {}).items():
        named = frozenset([names] if isinstance(names, str) else names)
        if named:
            found[key.strip()] = found.get(key.strip(), frozenset()) | named
    return found


def _unmatched(drop: Mapping[str, frozenset[str]], seen: set[str]) -> None:
    """Refuse removals for records the write did not contain (a mistyped key must not pass in silence)."""
    if missing := sorted(set(drop) - seen):
        key = missing[0]
        raise NotFoundError(Msg("store.remove_unmatched", key=key, names=", ".join(sorted(drop[key]))))


def _given(value: object) -> bool:
    """Whether a raw value is a value (the validator takes None and blank text as 'not given')."""
    return value is not None and not (isinstance(value, str) and not value.strip())


class _DryRun(Exception):
    """Raised inside a dry-run write to roll it back."""


class GraphStore(ABC):
    """A property graph of partnership data, whatever holds it.

    Reads return :class:`Node` and :class:`Tie` records with typed values, in a
    deterministic order (nodes by key, ties by id, search hits by folded name then key), so
    that every backend gives the same answer to the same question.
    """

    url: str

    def __init__(self, url: str, schema: Schema | None = None) -> None:
        self.url = url
        self.schema = schema or load_schema()
        self.validator = Validator(self.schema)
        self.invariants = Invariants(self.schema)
        self._datatypes = self.schema.datatypes()

    # -- writing -------------------------------------------------------------------------------
    @abstractmethod
    def _transaction(self) -> Any:
        """A context manager yielding a :class:`Transaction`, committing on normal exit."""

    @contextmanager
    def write(self, *, source: str, user: str = "", dry_run: bool = False) -> Iterator[Writer]:
        """One all-or-nothing write; ``source`` and ``user`` go to the change log.

        With ``dry_run`` everything is checked and counted exactly as in a real write, then
        rolled back: the writer's summary tells what would change.
        """
        try:
            with self._transaction() as tx:
                writer = Writer(tx, self.validator, source=source, user=user, rules=self.invariants)
                yield writer
                if not writer.summary.changed:
                    writer.summary.version = self.version()
                elif dry_run:
                    raise _DryRun
                else:
                    tx.set_version(writer.version)
        except _DryRun:
            writer.summary.version = self.version()

    def upsert(
        self,
        nodes: Iterable[Node] = (),
        ties: Iterable[Tie] = (),
        *,
        source: str,
        user: str = "",
        dry_run: bool = False,
    ) -> WriteSummary:
        """Upsert ``nodes`` then ``ties`` in one transaction (or only count, with ``dry_run``)."""
        with self.write(source=source, user=user, dry_run=dry_run) as writer:
            writer.upsert_nodes(nodes)
            writer.upsert_ties(ties)
        return writer.summary

    def revert(self, version: int, *, source: str = "", user: str = "") -> WriteSummary:
        """Undo every change of write ``version`` as a new write (ConflictError if changed since)."""
        changes = self.changes(version=version, limit=None)
        if not changes:
            raise NotFoundError(Msg("store.no_version", version=version))
        with self.write(source=source or f"revert {version}", user=user) as writer:
            writer.revert(sorted(changes, key=lambda c: c.seq), self.decode)
        return writer.summary

    def decode(self, entity: str, key: str, data: Mapping[str, Any]) -> Node | Tie:
        """A record from its JSON form (change log, export) with typed values."""
        props = self.decode_props(data.get("props", {}))
        if entity == "node":
            return Node(key, data["type"], props)
        return Tie(data["type"], data["start"], data["end"], props, key)

    def decode_props(self, raw: Mapping[str, Any]) -> dict[str, Value]:
        """Typed values from JSON values (dates from ISO strings)."""
        return {
            k: (PARSERS["date"](v) if self._datatypes.get(k) == "date" and isinstance(v, str) else v)
            for k, v in raw.items()
        }

    @staticmethod
    def encode_props(props: Mapping[str, Value]) -> dict[str, Any]:
        """JSON values from typed values."""
        return {k: to_json(v) for k, v in props.items()}

    # -- reading -------------------------------------------------------------------------------
    @abstractmethod
    def get_node(self, key: str) -> Node | None:
        """The node with ``key``, or None."""

    @abstractmethod
    def get_tie(self, tie_id: str) -> Tie | None:
        """The tie with ``tie_id``, or None."""

    @abstractmethod
    def find_nodes(
        self,
        *,
        type: str | None = None,
        text: str | None = None,
        where: Mapping[str, Value] | None = None,
        limit: int | None = 50,
        offset: int = 0,
    ) -> list[Node]:
        """Nodes of ``type`` whose properties equal ``where`` and whose name or short name has
        words starting with every word of ``text`` (case and Polish diacritics folded),
        ordered by folded name, then key."""

    @abstractmethod
    def neighbours(
        self, key: str, *, tie_types: Sequence[str] | None = None, direction: Direction = "both"
    ) -> list[tuple[Tie, Node]]:
        """Ties at node ``key`` with the node at their other end, ordered by tie type, other
        node's key, tie id. Symmetric ties are found in every direction."""

    @abstractmethod
    def iter_nodes(self, type: str | None = None) -> Iterator[Node]:
        """Every node (of ``type``), by key, streamed."""

    @abstractmethod
    def iter_ties(self, type: str | None = None) -> Iterator[Tie]:
        """Every tie (of ``type``), by id, streamed."""

    @abstractmethod
    def count_nodes(self) -> dict[str, int]:
        """Number of nodes per node type (types with none left out), by type name."""

    @abstractmethod
    def count_ties(self) -> dict[str, int]:
        """Number of ties per tie type (types with none left out), by type name."""

    @abstractmethod
    def version(self) -> int:
        """The write version: grows by one with every committed write that changed something."""

    @abstractmethod
    def changes(self, *, version: int | None = None, key: str | None = None, limit: int | None = 100) -> list[Change]:
        """Change-log entries (of one ``version`` or one node/tie ``key``), newest first."""

    @abstractmethod
    def _check_storage(self) -> list[Problem]:
        """Backend-level integrity problems (files, indexes, dangling ties)."""

    def explain(self, exc: BaseException) -> StoreError | None:
        """The user's error for a failure of the storage underneath (a damaged file, a full disk),
        or None when ``exc`` is not one; the CLI and the web ask before calling it a bug."""
        return None

    def check(self) -> list[Problem]:
        """Every integrity problem: storage, each record against models.ttl, PART_OF inversions and cycles."""
        problems = self._check_storage()
        try:
            return problems + self._check_records()
        except Exception as exc:  # records the damaged file cannot give back
            explained = self.explain(exc)
            if explained is None:
                raise
            return [*problems, Problem(explained.message, "storage", explained.hint)]

    def _check_records(self) -> list[Problem]:
        problems: list[Problem] = []
        kinds: dict[str, Node] = {}
        for node in self.iter_nodes():
            try:
                self.validator.node(Node(node.key, node.type, node.props))
            except ValidationError as exc:
                problems += [p.located(node.key) for p in exc.problems]
            kinds[node.key] = Node(node.key, node.type, {k: v for k, v in node.props.items() if isinstance(v, str)})
        hierarchy = []
        for tie in self.iter_ties():
            start, end = kinds.get(tie.start), kinds.get(tie.end)
            if start and end:
                problems += [p.located(tie.id) for p in self.validator.endpoints(tie, start, end)]
            if tie.type == HIERARCHY_TIE:
                hierarchy.append(tie)
        return problems + self.invariants.store_problems(hierarchy, kinds)

    @abstractmethod
    def close(self) -> None:
        """Release connections."""

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
