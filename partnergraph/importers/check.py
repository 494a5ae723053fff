"""Pass 1 of an import: every record checked, placed at its cell, resolved and reconciled.

The :class:`Checker` keeps only what pass 2 needs to write exactly what pass 1 accepted: the
keys seen (with their type and kind, for endpoint checks), which records were rejected, which
merged into a stored organisation, how tie ends given by name resolved, and the few ties that
point forward to a node further down the file.

Readers may give a tie's end as a name (:func:`name_ref`) instead of a key — spreadsheets and
Kumu do. It resolves to the one node of that name (or short name) in the file, else in the
store; an ambiguous or unknown name is a problem at its cell.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Protocol

from partnergraph.errors import Problem, ValidationError
from partnergraph.graph.base import GraphStore
from partnergraph.i18n import Msg, register_messages
from partnergraph.importers.base import Located, Notice
from partnergraph.importers.identity import Reconciler
from partnergraph.importers.personal import personal_findings
from partnergraph.records import Node, Tie
from partnergraph.text import slugify

if TYPE_CHECKING:
    from partnergraph.importers.base import ImportReport

__all__ = ["NAMED", "NAME_PREFIX", "PLACE_TYPE", "Checker", "Notice", "Reconciler", "name_ref", "place"]

NAME_PREFIX = "name:"
NAMED = ("name", "short_name")
"""Properties by which a tie's end may name a node."""
PLACE_TYPE = "Municipality"
"""The node type whose ties (LOCATED_IN) give an organisation's place, for duplicate checks."""

register_messages(
    {
        "imp.unknown_name": (
            "nie ma węzła o nazwie {name!r} ani w pliku, ani w magazynie",
            "no node named {name!r} in the file or the store",
        ),
        "imp.unknown_name.hint": (
            "wpisz nazwę dokładnie jak w arkuszu węzłów albo klucz (np. krs:0000123456, org:nazwa)",
            "write the name exactly as in the nodes sheet, or a key (e.g. krs:0000123456, org:name)",
        ),
        "imp.ambiguous_name": (
            "nazwa {name!r} pasuje do kilku węzłów: {keys}",
            "the name {name!r} fits several nodes: {keys}",
        ),
        "imp.ambiguous_name.hint": ("wpisz klucz zamiast nazwy", "write the key instead of the name"),
        "imp.missing_end": (
            "nie ma węzła {key} ani w pliku, ani w magazynie",
            "no node {key} in the file or the store",
        ),
        "imp.missing_end.hint": ("dodaj węzeł {key} albo popraw klucz", "add node {key} or correct the key"),
        "imp.merged": (
            "{key} ma ten sam identyfikator ({ident}) co zapisana organizacja {stored} — scalono z nią",
            "{key} has the same identifier ({ident}) as the stored organisation {stored} — merged into it",
        ),
        "imp.many_matches": (
            "{key} ma wspólne identyfikatory z kilkoma zapisanymi organizacjami: {keys}",
            "{key} shares identifiers with several stored organisations: {keys}",
        ),
        "imp.many_matches.hint": ("sprawdź numery KRS, NIP i REGON", "check the KRS, NIP and REGON numbers"),
        "imp.shares_identifier": (
            "{key} ma ten sam identyfikator ({ident}) co inna zapisana organizacja, {stored}",
            "{key} has the same identifier ({ident}) as another stored organisation, {stored}",
        ),
        "imp.duplicate": (
            "{key} to prawdopodobnie duplikat zapisanej organizacji {stored} (ta sama nazwa i miejsce) — nie scalono",
            "{key} is probably a duplicate of the stored organisation {stored} (same name and place) — not merged",
        ),
        "imp.duplicate.hint": (
            "jeśli to ta sama organizacja, wpisz w kolumnie klucza {stored}",
            "if it is the same organisation, write {stored} in the key column",
        ),
    }
)


def name_ref(text: str) -> str:
    """A tie end given by a node's name, for the checker to resolve to a key."""
    return NAME_PREFIX + text.strip()


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
        self.store, self.report, self.sink = store, report, rejected
        self.validator, schema = store.validator, store.schema
        self.empty_store = not store.count_nodes()
        schemes = sorted({t.kind_scheme for t in schema.tie_types.values() if t.kind_scheme})
        self.kind_props = {
            t: tuple(p for s in schemes if (p := schema.vocabulary_property(t, s))) for t in schema.node_types
        }
        self.slug_prefixes = [t.slug_prefix for t in schema.node_types.values() if t.slug_prefix]
        self.reconcilable = {t.name for t in schema.node_types.values() if t.identified_by and t.slug_prefix}
        self.place_tie = next((t.name for t in schema.tie_types.values() if t.range == (PLACE_TYPE,)), None)
        self.profiles: list[Node] = []
        self.profile_ids: dict[tuple[str, tuple[tuple[str, str], ...]], int] = {}
        self.known: dict[str, int] = {}  # key of a node in the file → profile
        self.first: dict[str, str] = {}  # key of a node in the file → the row it was first read at
        self.file_ids: dict[str, str] = {}  # ``prefix:value`` of an identifier in the file → key of its node
        self.ident_props = {
            t.name: [(p, n) for p, n in t.key_prefixes().items() if n]
            for t in schema.node_types.values()
            if t.name in self.reconcilable
        }
        self.stored: dict[str, int] = {}  # key looked up in the store → profile (-1: not there)
        self.names: dict[str, str | tuple[str, ...]] = {}  # name slug → key of the file node so named (or several)
        self.refs: dict[str, str] = {}  # name reference → key, as first resolved
        self.renamed: dict[str, str] = {}  # key in the file → stored key it merged into
        self.merged: dict[int, str] = {}  # ordinal → stored key
        self.skipped: set[int] = set()  # ordinals rejected, or deferred to the end
        self.pending: list[tuple[int, Located]] = []  # ties whose ends may come later in the file
        self.deferred: list[Tie] = []
        self.reconcilers: dict[str, Reconciler | None] = {}
        self.unidentified: dict[str, tuple[str, str]] = {}  # file key → (type, name slug), for duplicate checks

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
        start, end = self._end(record.start), self._end(record.end)
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
        reconciler = self._reconciler(node.type)
        if reconciler is not None:
            merged = self._reconcile(ordinal, item, node, reconciler)
            if merged is None:
                return
            node = merged
        found = self._in_file(ordinal, item, node)
        if found is None:
            return
        node = found
        for prop, message in personal_findings(node.props):
            self.report.add_notice(Notice(message, item.fields.get(prop, item.where)))
        profile = self._profile(node)
        if node.key in self.known and not self._repeated(ordinal, item, node.key, profile):
            return
        self.known[node.key] = profile
        self.first.setdefault(node.key, item.where)
        for name in NAMED:
            self._remember_name(node, name)

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
            self.renamed[node.key] = self.merged[ordinal] = first
            node = merged
        for ident in idents:
            self.file_ids.setdefault(ident, node.key)
        return node

    def _repeated(self, ordinal: int, item: Located, key: str, profile: int) -> bool:
        """A key read a second time: merged with a notice (True), or rejected when its type or kind differs."""
        first = self.first.get(key, "?")
        if self.known[key] != profile:
            was, now = (_describe(self.profiles[p]) for p in (self.known[key], profile))
            problem = Problem(
                Msg("imp.repeated_kind", key=key, first=first, was=was, now=now), "key", Msg("imp.repeated_kind.hint")
            )
            self._reject(ordinal, item, [problem])
            return False
        if ordinal not in self.merged:  # a merge has its own notice
            self.report.add_notice(Notice(Msg("imp.repeated", key=key, first=first), item.where))
        return True

    def _remember_name(self, node: Node, name: str) -> None:
        slug = slugify(str(node.props.get(name, "")))
        prefix = self.store.schema.node_types[node.type].slug_prefix
        if not slug or (prefix and node.key == f"{prefix}:{slug}"):
            return  # found through its slug key anyway
        found = self.names.setdefault(slug, node.key)
        if isinstance(found, str) and found != node.key:
            self.names[slug] = (found, node.key)
        elif isinstance(found, tuple) and node.key not in found and len(found) < 5:
            self.names[slug] = (*found, node.key)

    def _profile(self, node: Node) -> int:
        """A small id of the node's type and kind (all that endpoint checks need)."""
        kinds = tuple((p, str(node.props[p])) for p in self.kind_props[node.type] if p in node.props)
        profile = (node.type, kinds)
        if profile not in self.profile_ids:
            self.profile_ids[profile] = len(self.profiles)
            self.profiles.append(Node("", node.type, dict(kinds)))
        return self.profile_ids[profile]

    def _reconciler(self, node_type: str) -> Reconciler | None:
        if node_type not in self.reconcilers:
            wanted = node_type in self.reconcilable and not self.empty_store and self.store.count_nodes().get(node_type)
            schema = self.store.schema
            self.reconcilers[node_type] = (
                Reconciler(self.store, schema.node_types[node_type], self.place_tie) if wanted else None
            )
        return self.reconcilers[node_type]

    def _reconcile(self, ordinal: int, item: Located, node: Node, reconciler: Reconciler) -> Node | None:
        idents = reconciler.identifiers(node)
        if not idents:
            slug = slugify(str(node.props.get("name", "")))
            if reconciler.names and slug:
                self.unidentified[node.key] = (node.type, slug)
                city = slugify(str(node.props.get("city", "")))
                if city:
                    self._check_duplicate(item.where, node.key, slug, f"city:{city}", reconciler)
            return node
        hits = {reconciler.ids[i]: i for i in idents if reconciler.ids.get(i, node.key) != node.key}
        if not hits:
            return node
        if len(hits) > 1:
            problem = Problem(
                Msg("imp.many_matches", key=node.key, keys=", ".join(sorted(hits))), "", Msg("imp.many_matches.hint")
            )
            self._reject(ordinal, item, [problem])
            return None
        stored, ident = next(iter(hits.items()))
        if self._stored_profile(node.key) is not None:
            self.report.add_notice(
                Notice(Msg("imp.shares_identifier", key=node.key, ident=ident, stored=stored), item.where)
            )
            return node
        try:
            merged = self.validator.node(replace(node, key=stored))
        except ValidationError as exc:
            self._reject(ordinal, item, exc.problems)
            return None
        self.report.add_notice(Notice(Msg("imp.merged", key=node.key, ident=ident, stored=stored), item.where))
        self.renamed[node.key] = self.merged[ordinal] = stored
        return merged

    def _check_duplicate(self, where: str, key: str, slug: str, place: str, reconciler: Reconciler) -> None:
        stored = reconciler.names.get((slug, place))
        if stored and stored != key:
            notice = Notice(
                Msg("imp.duplicate", key=key, stored=stored), where, Msg("imp.duplicate.hint", stored=stored)
            )
            self.report.add_notice(notice)

    # -- ties ----------------------------------------------------------------------------------
    def _end(self, key: str) -> str | list[str]:
        """A tie end as a key (merges applied), or the candidates of an unresolved name."""
        if key.startswith(NAME_PREFIX):
            found = self._resolve(key)
            if isinstance(found, list):
                return found
            key = found
        return self.renamed.get(key, key)

    def _resolve(self, ref: str) -> str | list[str]:
        if ref in self.refs:
            return self.refs[ref]
        text = ref[len(NAME_PREFIX) :]
        slug = slugify(text)
        named = self.names.get(slug, "")
        if isinstance(named, tuple):
            return list(named)  # several nodes of the file have this name
        found = {k for k in [named, *(f"{p}:{slug}" for p in self.slug_prefixes)] if k and k in self.known}
        if not found and not self.empty_store and slug:
            found = self._stored_names(text, slug)
        if len(found) == 1:
            self.refs[ref] = found.pop()
            return self.refs[ref]
        return sorted(found)

    def _stored_names(self, text: str, slug: str) -> set[str]:
        found = set()
        for node in self.store.find_nodes(text=text, limit=20):
            if any(slugify(str(node.props.get(name, ""))) == slug for name in NAMED):
                self.stored[node.key] = self._profile(node)
                found.add(node.key)
        return found

    def _tie(self, ordinal: int, item: Located, record: Tie, *, final: bool) -> None:
        ends = (self._end(record.start), self._end(record.end))
        problems: list[Problem] = []
        for field, raw, end in zip(("start", "end"), (record.start, record.end), ends, strict=True):
            if isinstance(end, list) and (final or end):
                problems.append(_name_problem(raw[len(NAME_PREFIX) :], end, field))
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
        profiles = (self._lookup(tie.start), self._lookup(tie.end))
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
        problems = self.validator.endpoints(tie, self.profiles[profiles[0]], self.profiles[profiles[1]])
        if problems:
            self._reject(ordinal, item, problems)
            return
        self._check_place(item.where, tie)
        if final:
            self.deferred.append(Tie(record.type, ends[0], ends[1], record.props, record.id))

    def _wait(self, ordinal: int, item: Located) -> None:
        self.pending.append((ordinal, item))
        self.skipped.add(ordinal)

    def _check_place(self, where: str, tie: Tie) -> None:
        if tie.type != self.place_tie or tie.start not in self.unidentified:
            return
        node_type, slug = self.unidentified[tie.start]
        reconciler = self.reconcilers.get(node_type)
        if reconciler is not None:
            self._check_duplicate(where, tie.start, slug, tie.end, reconciler)

    def _lookup(self, key: str) -> int | None:
        found = self.known.get(key)
        return found if found is not None else self._stored_profile(key)

    def _stored_profile(self, key: str) -> int | None:
        if self.empty_store:
            return None
        if key not in self.stored:
            node = self.store.get_node(key)
            self.stored[key] = self._profile(node) if node else -1
        found = self.stored[key]
        return None if found < 0 else found

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


def _name_problem(name: str, candidates: list[str], field: str) -> Problem:
    if len(candidates) > 1:
        keys = ", ".join(candidates[:5])
        return Problem(Msg("imp.ambiguous_name", name=name, keys=keys), field, Msg("imp.ambiguous_name.hint"))
    return Problem(Msg("imp.unknown_name", name=name), field, Msg("imp.unknown_name.hint"))
