"""Pass 1 of an import: every record checked, placed at its cell, resolved and reconciled.

The :class:`Checker` keeps only what pass 2 needs to write exactly what pass 1 accepted: which
records were rejected, which merged into another node, and the few ties that point forward to
a node further down the file. What the keys and names denote — the nodes of the file and the
store, tie ends given by name, merges into stored organisations — is its
:class:`~partnergraph.importers.references.References`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Protocol

from partnergraph.errors import Problem, ValidationError
from partnergraph.graph.base import GraphStore
from partnergraph.i18n import Msg, register_messages
from partnergraph.importers.base import Located, Notice
from partnergraph.importers.personal import personal_findings
from partnergraph.importers.references import References, name_problem
from partnergraph.records import Node, Tie

if TYPE_CHECKING:
    from partnergraph.importers.base import ImportReport

__all__ = ["Checker", "Notice", "place"]

register_messages(
    {
        "imp.missing_end": "no node {key} in the file or the store",
        "imp.missing_end.hint": "add node {key} or correct the key",
    }
)


def place(item: Located, problem: Problem) -> Problem:
    """``problem`` (whose ``where`` names a field) at the cell the field came from."""
    where = item.fields.get(problem.where, "") if problem.where else ""
    return Problem(problem.message, where or item.where, problem.hint)


class Sink(Protocol):
    """Where rejected records go (the rejected file)."""

    def add(self, where: str, problems: Sequence[Problem], record: Node | Tie | None) -> None: ...


class Checker:
    """Pass 1 state; see the module docs."""

    def __init__(self, store: GraphStore, report: ImportReport, rejected: Sink | None) -> None:
        self.report, self.sink = report, rejected
        self.validator, schema = store.validator, store.schema
        self.refs = References(store, report.add_notice)
        self.first: dict[str, str] = {}  # key of a node in the file → the row it was first read at
        self.file_ids: dict[str, str] = {}  # ``prefix:value`` of an identifier in the file → key of its node
        self.ident_props = {
            t.name: [(p, n) for p, n in t.key_prefixes().items() if n]
            for t in schema.node_types.values()
            if t.name in self.refs.reconcilable
        }
        self.merged: dict[int, str] = {}  # ordinal → key of the node it merged into
        self.skipped: set[int] = set()  # ordinals rejected, or deferred to the end
        self.pending: list[tuple[int, Located]] = []  # ties whose ends may come later in the file
        self.deferred: list[Tie] = []

    # -- entry points --------------------------------------------------------------------------
    def reader_problem(self, problem: Problem) -> None:
        """A row the reader could not turn into a record (or a notice)."""
        if isinstance(problem, Notice):
            self.report.add_notice(problem)
            return
        self.report.add_problems([problem], self.report.records)
        self.report.rejected += 1
        if self.sink:
            self.sink.add(problem.where, [problem], None)

    def check(self, ordinal: int, item: Located) -> None:
        """Check record number ``ordinal`` of the file."""
        if isinstance(item.record, Node):
            self._node(ordinal, item, item.record)
        else:
            self._tie(ordinal, item, item.record, final=False)

    def finish(self) -> None:
        """Check the ties that waited for nodes further down the file."""
        pending, self.pending = self.pending, []
        for ordinal, item in pending:
            assert isinstance(item.record, Tie)
            self._tie(ordinal, item, item.record, final=True)

    def for_write(self, ordinal: int, record: Node | Tie) -> Node | Tie | None:
        """Record ``ordinal`` as pass 2 writes it (None: rejected, or written at the end)."""
        if ordinal in self.skipped:
            return None
        if isinstance(record, Node):
            key = self.merged.get(ordinal)
            return replace(record, key=key) if key else record
        start, end = self.refs.end(record.start), self.refs.end(record.end)
        assert isinstance(start, str) and isinstance(end, str)
        return Tie(record.type, start, end, record.props, record.id)

    def deferred_ties(self) -> list[Tie]:
        """Ties that pointed forward, resolved, written after every node."""
        return self.deferred

    # -- nodes ---------------------------------------------------------------------------------
    def _node(self, ordinal: int, item: Located, record: Node) -> None:
        try:
            node = self.validator.node(record)
        except ValidationError as exc:
            self._reject(ordinal, item, exc.problems)
            return
        reconciled = self.refs.reconcile(node, item.where)
        if isinstance(reconciled, list):
            self._reject(ordinal, item, reconciled)
            return
        node, stored = reconciled
        if stored is not None:
            self.merged[ordinal] = stored
        found = self._in_file(ordinal, item, node)
        if found is None:
            return
        node = found
        for prop, message in personal_findings(node.props):
            self.report.add_notice(Notice(message, item.fields.get(prop, item.where)))
        profile = self.refs.profile(node)
        earlier = self.refs.in_file(node.key)
        if earlier is not None and not self._repeated(ordinal, item, node.key, earlier, profile):
            return
        self.refs.add(node, profile)
        self.first.setdefault(node.key, item.where)

    def _in_file(self, ordinal: int, item: Located, node: Node) -> Node | None:
        """``node``, or the node of the file it merges into (same identifier), or None (rejected)."""
        prefixes = self.ident_props.get(node.type)
        if not prefixes:
            return node
        idents = [f"{prefix}:{node.props[name]}" for prefix, name in prefixes if name in node.props]
        hits = {self.file_ids[i]: i for i in idents if self.file_ids.get(i, node.key) != node.key}
        if len(hits) > 1:
            problem = Problem(
                Msg("imp.many_in_file", key=node.key, keys=", ".join(sorted(hits))), "", Msg("imp.many_matches.hint")
            )
            self._reject(ordinal, item, [problem])
            return None
        if hits:
            first, ident = next(iter(hits.items()))
            try:
                merged = self.validator.node(replace(node, key=first))
            except ValidationError as exc:
                self._reject(ordinal, item, exc.problems)
                return None
            notice = Msg("imp.merged_in_file", key=node.key, ident=ident, first=first, where=self.first.get(first, "?"))
            self.report.add_notice(Notice(notice, item.where))
            self.refs.rename(node.key, first)
            self.merged[ordinal] = first
            node = merged
        for ident in idents:
            self.file_ids.setdefault(ident, node.key)
        return node

    def _repeated(self, ordinal: int, item: Located, key: str, earlier: int, profile: int) -> bool:
        """A key read a second time (first as profile ``earlier``): merged with a notice (True),
        or rejected when its type or kind differs."""
        first = self.first.get(key, "?")
        if earlier != profile:
            was, now = (_describe(self.refs.profile_node(p)) for p in (earlier, profile))
            problem = Problem(
                Msg("imp.repeated_kind", key=key, first=first, was=was, now=now), "key", Msg("imp.repeated_kind.hint")
            )
            self._reject(ordinal, item, [problem])
            return False
        if ordinal not in self.merged:  # a merge has its own notice
            self.report.add_notice(Notice(Msg("imp.repeated", key=key, first=first), item.where))
        return True

    # -- ties ----------------------------------------------------------------------------------
    def _tie(self, ordinal: int, item: Located, record: Tie, *, final: bool) -> None:
        ends = (self.refs.end(record.start), self.refs.end(record.end))
        problems: list[Problem] = []
        for field, raw, end in zip(("start", "end"), (record.start, record.end), ends, strict=True):
            if isinstance(end, list) and (final or end):
                problems.append(name_problem(raw, end, field))
        if problems:
            self._reject(ordinal, item, problems)
            return
        if not isinstance(ends[0], str) or not isinstance(ends[1], str):
            self._wait(ordinal, item)
            return
        try:
            tie = self.validator.tie(Tie(record.type, ends[0], ends[1], record.props, record.id))
        except ValidationError as exc:
            self._reject(ordinal, item, exc.problems)
            return
        profiles = (self.refs.lookup(tie.start), self.refs.lookup(tie.end))
        if None in profiles and not final:
            self._wait(ordinal, item)
            return
        if profiles[0] is None or profiles[1] is None:
            missing = [
                (f, k) for f, k, p in zip(("start", "end"), (tie.start, tie.end), profiles, strict=True) if p is None
            ]
            self._reject(
                ordinal,
                item,
                [Problem(Msg("imp.missing_end", key=k), f, Msg("imp.missing_end.hint", key=k)) for f, k in missing],
            )
            return
        problems = self.validator.endpoints(
            tie, self.refs.profile_node(profiles[0]), self.refs.profile_node(profiles[1])
        )
        if problems:
            self._reject(ordinal, item, problems)
            return
        self.refs.check_place(item.where, tie)
        if final:
            self.deferred.append(Tie(record.type, ends[0], ends[1], record.props, record.id))

    def _wait(self, ordinal: int, item: Located) -> None:
        self.pending.append((ordinal, item))
        self.skipped.add(ordinal)

    def _reject(self, ordinal: int, item: Located, problems: Iterable[Problem]) -> None:
        placed = [place(item, p) for p in problems]
        self.report.add_problems(placed, ordinal)
        self.report.rejected += 1
        self.skipped.add(ordinal)
        if self.sink:
            self.sink.add(item.where, placed, item.record)


def _describe(profile: Node) -> str:
    """A node type with its kind, as ``Organisation (ngo)``."""
    kinds = ", ".join(str(v) for v in profile.props.values())
    return f"{profile.type} ({kinds})" if kinds else profile.type
