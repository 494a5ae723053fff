"""What the keys and names of an import denote: the nodes of the file and of the store.

:class:`References` is the part of pass 1 (:class:`~partnergraph.importers.check.Checker`)
that knows which node a key or name stands for. It keeps the type and kind of every node the
file has (and of the stored nodes looked up), the keys that merged into a stored
organisation, and the names of the file's nodes; it reconciles each identified node with
the store (:class:`~partnergraph.importers.identity.Reconciler`: same KRS, NIP or REGON) and
notes a probable duplicate (same name and place).

Readers may give a tie's end as a name (:func:`name_ref`) instead of a key — spreadsheets and
Kumu do. It resolves to the one node of that name (or short name) in the file, else in the
store; an ambiguous or unknown name is a problem at its cell (:func:`name_problem`).

    >>> name_ref(" Fundacja Las ")
    'name:Fundacja Las'
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from partnergraph.errors import Problem, ValidationError
from partnergraph.graph.base import GraphStore
from partnergraph.i18n import Msg, register_messages
from partnergraph.importers.base import Notice
from partnergraph.importers.identity import Reconciler
from partnergraph.records import Node, Tie
from partnergraph.text import slugify

__all__ = ["NAME_PREFIX", "References", "name_problem", "name_ref"]

NAME_PREFIX = "name:"

register_messages(
    {
        "imp.unknown_name": "no node named {name!r} in the file or the store",
        "imp.unknown_name.hint": "write the name exactly as in the nodes sheet, or a key (e.g. krs:0000123456, org:name)",
        "imp.ambiguous_name": "the name {name!r} fits several nodes: {keys}",
        "imp.ambiguous_name.hint": "write the key instead of the name",
        "imp.merged": "{key} has the same identifier ({ident}) as the stored organisation {stored} — merged into it",
        "imp.many_matches": "{key} shares identifiers with several stored organisations: {keys}",
        "imp.many_matches.hint": "check the KRS, NIP and REGON numbers",
        "imp.shares_identifier": "{key} has the same identifier ({ident}) as another stored organisation, {stored}",
        "imp.duplicate": "{key} is probably a duplicate of the stored organisation {stored} (same name and place) — not merged",
        "imp.duplicate.hint": "if it is the same organisation, write {stored} in the key column",
    }
)


def name_ref(text: str) -> str:
    """A tie end given by a node's name, for the checker to resolve to a key."""
    return NAME_PREFIX + text.strip()


def name_problem(ref: str, candidates: list[str], field: str) -> Problem:
    """The problem of name reference ``ref`` that resolved to several ``candidates``, or to none."""
    name = ref[len(NAME_PREFIX) :]
    if len(candidates) > 1:
        keys = ", ".join(candidates[:5])
        return Problem(Msg("imp.ambiguous_name", name=name, keys=keys), field, Msg("imp.ambiguous_name.hint"))
    return Problem(Msg("imp.unknown_name", name=name), field, Msg("imp.unknown_name.hint"))


class References:
    """The nodes an import's keys and names stand for; see the module docs.

    A node's type and kind is kept as a small number, its *profile* (:meth:`profile`), all
    that the endpoint checks need; :meth:`profile_node` gives it back as a node without a key.
    Notices (merges, probable duplicates) go to ``notice``.
    """

    def __init__(self, store: GraphStore, notice: Callable[[Problem], None]) -> None:
        self.store, self.notice = store, notice
        self.validator, schema = store.validator, store.schema
        self.empty_store = not store.count_nodes()
        schemes = sorted({t.kind_scheme for t in schema.tie_types.values() if t.kind_scheme})
        self.kind_props = {
            t: tuple(p for s in schemes if (p := schema.vocabulary_property(t, s))) for t in schema.node_types
        }
        self.slug_prefixes = [t.slug_prefix for t in schema.node_types.values() if t.slug_prefix]
        self.reconcilable = {t.name for t in schema.node_types.values() if t.identified_by and t.slug_prefix}
        self.place_tie, self.named = schema.place_tie, schema.searched_by  # for duplicate checks, name references
        self.profiles: list[Node] = []
        self.profile_ids: dict[tuple[str, tuple[tuple[str, str], ...]], int] = {}
        self.known: dict[str, int] = {}  # key of a node in the file → profile
        self.stored: dict[str, int] = {}  # key looked up in the store → profile (-1: not there)
        self.names: dict[str, str | tuple[str, ...]] = {}  # name slug → key of the file node so named (or several)
        self.refs: dict[str, str] = {}  # name reference → key, as first resolved
        self.renamed: dict[str, str] = {}  # key in the file → stored key it merged into
        self.reconcilers: dict[str, Reconciler | None] = {}
        self.unidentified: dict[str, tuple[str, str]] = {}  # file key → (type, name slug), for duplicate checks

    # -- nodes ---------------------------------------------------------------------------------
    def profile(self, node: Node) -> int:
        """A small id of the node's type and kind (all that endpoint checks need)."""
        kinds = tuple((p, str(node.props[p])) for p in self.kind_props[node.type] if p in node.props)
        profile = (node.type, kinds)
        if profile not in self.profile_ids:
            self.profile_ids[profile] = len(self.profiles)
            self.profiles.append(Node("", node.type, dict(kinds)))
        return self.profile_ids[profile]

    def profile_node(self, profile: int) -> Node:
        """The type and kind of ``profile``, as a node without a key."""
        return self.profiles[profile]

    def in_file(self, key: str) -> int | None:
        """The profile of the node of the file with ``key``, if the file has one so far."""
        return self.known.get(key)

    def add(self, node: Node, profile: int) -> None:
        """Node ``node`` of the file (of ``profile``) accepted: its key and names now resolve to it."""
        self.known[node.key] = profile
        for name in self.named:
            self._remember_name(node, name)

    def lookup(self, key: str) -> int | None:
        """The profile of the node with ``key`` in the file, else in the store (None: in neither)."""
        found = self.known.get(key)
        return found if found is not None else self._stored_profile(key)

    def rename(self, key: str, into: str) -> None:
        """Node ``key`` of the file merged into node ``into``: ties to ``key`` go to ``into``."""
        self.renamed[key] = into

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

    def _stored_profile(self, key: str) -> int | None:
        if self.empty_store:
            return None
        if key not in self.stored:
            node = self.store.get_node(key)
            self.stored[key] = self.profile(node) if node else -1
        found = self.stored[key]
        return None if found < 0 else found

    # -- reconciliation with the store ---------------------------------------------------------
    def reconcile(self, node: Node, where: str) -> tuple[Node, str | None] | list[Problem]:
        """``node`` (read at ``where``), merged into the stored organisation with one of its
        identifiers: the node to go on with and the stored key it merged into (None: not
        merged), or the problems that reject it (fields named, not yet placed)."""
        reconciler = self._reconciler(node.type)
        if reconciler is None:
            return node, None
        idents = reconciler.identifiers(node)
        if not idents:
            slug = slugify(str(node.props.get("name", "")))
            if reconciler.names and slug:
                self.unidentified[node.key] = (node.type, slug)
                city = slugify(str(node.props.get("city", "")))
                if city:
                    self._check_duplicate(where, node.key, slug, f"city:{city}", reconciler)
            return node, None
        hits = {reconciler.ids[i]: i for i in idents if reconciler.ids.get(i, node.key) != node.key}
        if not hits:
            return node, None
        if len(hits) > 1:
            return [
                Problem(
                    Msg("imp.many_matches", key=node.key, keys=", ".join(sorted(hits))),
                    "",
                    Msg("imp.many_matches.hint"),
                )
            ]
        stored, ident = next(iter(hits.items()))
        if self._stored_profile(node.key) is not None:
            self.notice(Notice(Msg("imp.shares_identifier", key=node.key, ident=ident, stored=stored), where))
            return node, None
        try:
            merged = self.validator.node(replace(node, key=stored))
        except ValidationError as exc:
            return exc.problems
        self.notice(Notice(Msg("imp.merged", key=node.key, ident=ident, stored=stored), where))
        self.rename(node.key, stored)
        return merged, stored

    def check_place(self, where: str, tie: Tie) -> None:
        """A notice when place tie ``tie`` (read at ``where``) makes its unidentified start node
        one of the same name and place as a stored organisation."""
        if tie.type != self.place_tie or tie.start not in self.unidentified:
            return
        node_type, slug = self.unidentified[tie.start]
        reconciler = self.reconcilers.get(node_type)
        if reconciler is not None:
            self._check_duplicate(where, tie.start, slug, tie.end, reconciler)

    def _reconciler(self, node_type: str) -> Reconciler | None:
        if node_type not in self.reconcilers:
            wanted = node_type in self.reconcilable and not self.empty_store and self.store.count_nodes().get(node_type)
            schema = self.store.schema
            self.reconcilers[node_type] = (
                Reconciler(self.store, schema.node_types[node_type], self.place_tie) if wanted else None
            )
        return self.reconcilers[node_type]

    def _check_duplicate(self, where: str, key: str, slug: str, place: str, reconciler: Reconciler) -> None:
        stored = reconciler.names.get((slug, place))
        if stored and stored != key:
            self.notice(
                Notice(Msg("imp.duplicate", key=key, stored=stored), where, Msg("imp.duplicate.hint", stored=stored))
            )

    # -- tie ends ------------------------------------------------------------------------------
    def end(self, key: str) -> str | list[str]:
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
            if any(slugify(str(node.props.get(name, ""))) == slug for name in self.named):
                self.stored[node.key] = self.profile(node)
                found.add(node.key)
        return found
