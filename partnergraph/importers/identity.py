"""One identifier, one node: the stored nodes a record may be, and single-record writes.

:class:`Reconciler` finds, for an import, the stored organisation that holds a record's KRS,
NIP or REGON (or its name and place); the messages of repeats inside one file live here too
(the checks themselves are :class:`~partnergraph.importers.check.Checker`'s).
:func:`resolve_node` turns a record typed by hand into the record to write, as an import
would: a key (given, or derived from an identifier or the name) that is stored already
merges — the stored properties stay, the given ones replace theirs, so the required ones need
not be typed again; an identifier (KRS, NIP, REGON) stored under another key merges into
that node (with a notice); an identifier of another stored node given to an existing one, or
one shared by several stored nodes, is refused.

    >>> from partnergraph.graph import open_store
    >>> store = open_store("sqlite:///:memory:")
    >>> _ = store.upsert([Node("org:a", "Organisation", {"name": "A", "kind": "ngo", "nip": "7770000206"})], source="doc")
    >>> node, notices = resolve_node(store, Node("", "Organisation", {"nip": "777-000-02-06", "city": "Kwilcz"}))
    >>> node.key, node.props["name"], node.props["city"]
    ('org:a', 'A', 'Kwilcz')
    >>> [str(n.message) for n in notices]
    ['nip:7770000206 ma ten sam identyfikator (nip:7770000206) co zapisana organizacja org:a — scalono z nią']
"""

from __future__ import annotations

from partnergraph.errors import Problem, ValidationError
from partnergraph.graph.base import GraphStore
from partnergraph.i18n import Msg, register_messages
from partnergraph.importers.base import Notice
from partnergraph.records import Node
from partnergraph.schema import NodeType
from partnergraph.text import slugify

__all__ = ["Reconciler", "resolve_node"]

register_messages(
    {
        "imp.repeated": "{key} is in the file twice (first: {first}) — merged; the values here replace the earlier ones",
        "imp.repeated_kind": "{key} is already in {first} as {was}, and here as {now}",
        "imp.repeated_kind.hint": "one key is one node: correct the type or kind, or give another key",
        "imp.merged_in_file": "{key} has the same identifier ({ident}) as {first} from {where} — merged into it",
        "imp.many_in_file": "{key} shares identifiers with several nodes of the file: {keys}",
        "ident.taken": "{key} would get the identifier {ident} of the stored node {other}; one identifier is one organisation",
        "ident.taken.hint": "correct the number, or add the data to {other}: partnergraph add node {type} {other} …",
        "ident.other_type": "{key} is stored as {stored}, not {type}",
        "ident.other_type.hint": "give the type {stored} or another key",
    }
)


def resolve_node(store: GraphStore, record: Node) -> tuple[Node, list[Notice]]:
    """The record to upsert for ``record`` (merged with the stored node it is), and the notices."""
    node_type = store.schema.node_types.get(record.type)
    if node_type is None:
        return record, []  # the store's validator reports the unknown type
    idents = _identifiers(store, node_type, record)
    key = _canonical(store, node_type, record.key.strip()) or _derived(node_type, record, idents)
    holders = _holders(store, node_type, idents)
    stored = store.get_node(key) if key else None
    others = {k: i for k, i in holders.items() if k != key}
    notices: list[Notice] = []
    if stored is None and len(others) == 1:
        other, ident = next(iter(others.items()))
        notices.append(Notice(Msg("imp.merged", key=key or record.type, ident=ident, stored=other)))
        key, stored, others = other, store.get_node(other), {}
    if others and (stored is not None or len(others) > 1):
        other, ident = sorted(others.items())[0]
        hint = Msg("ident.taken.hint", other=other, type=record.type)
        raise ValidationError(
            [Problem(Msg("ident.taken", key=key or record.type, ident=ident, other=other), "key", hint)]
        )
    if stored is None:
        return record, notices
    if stored.type != record.type:
        hint = Msg("ident.other_type.hint", stored=stored.type)
        raise ValidationError(
            [Problem(Msg("ident.other_type", key=key, stored=stored.type, type=record.type), "key", hint)]
        )
    return Node(stored.key, record.type, {**stored.props, **record.props}), notices


def _identifiers(store: GraphStore, node_type: NodeType, record: Node) -> dict[str, str]:
    """``prefix:value`` of each valid identifier among the record's properties → the property name."""
    found: dict[str, str] = {}
    for prefix, name in node_type.key_prefixes().items():
        if name and record.props.get(name) not in (None, ""):
            value, problems = store.validator.value(node_type.properties[name], record.props[name])
            if value is not None and not problems:
                found[f"{prefix}:{value}"] = name
    return found


def _canonical(store: GraphStore, node_type: NodeType, key: str) -> str:
    """A given key with its identifier normalised (``nip:777-000-02-06`` → ``nip:7770000206``)."""
    prefix, sep, rest = key.partition(":")
    name = node_type.key_prefixes().get(prefix) if sep else None
    if name is None:
        return key
    value, problems = store.validator.value(node_type.properties[name], rest)
    return key if problems or value is None else f"{prefix}:{value}"


def _derived(node_type: NodeType, record: Node, idents: dict[str, str]) -> str:
    """The key the validator would derive: the first identifier, else the name's slug."""
    if idents:
        return next(iter(idents))
    slug = slugify(str(record.props.get("name", "")))
    return f"{node_type.slug_prefix}:{slug}" if node_type.slug_prefix and slug else ""


def _holders(store: GraphStore, node_type: NodeType, idents: dict[str, str]) -> dict[str, str]:
    """Stored nodes holding one of the identifiers: key → the identifier."""
    found: dict[str, str] = {}
    for ident, name in idents.items():
        value = ident.partition(":")[2]
        for node in store.find_nodes(type=node_type.name, where={name: value}, limit=5):
            found.setdefault(node.key, ident)
    return found


class Reconciler:
    """The stored nodes of one type that a new record may be, read once when first needed."""

    def __init__(self, store: GraphStore, node_type: NodeType, place_tie: str | None) -> None:
        self.prefixes = [(prefix, name) for prefix, name in node_type.key_prefixes().items() if name]
        self.ids: dict[str, str] = {}
        """``prefix:value`` of every stored identifier → the stored node's key."""
        self.names: dict[tuple[str, str], str] = {}
        """(name slug, place) of stored nodes without identifiers → key; a place is a municipality key or ``city:slug``."""
        unidentified: dict[str, str] = {}
        for node in store.iter_nodes(node_type.name):
            found = self.identifiers(node)
            for ident in found:
                self.ids.setdefault(ident, node.key)
            if not found and node.props.get("name"):
                slug = slugify(str(node.props["name"]))
                unidentified[node.key] = slug
                if node.props.get("city"):
                    self.names.setdefault((slug, "city:" + slugify(str(node.props["city"]))), node.key)
        if place_tie and unidentified:
            for tie in store.iter_ties(place_tie):
                if tie.start in unidentified:
                    self.names.setdefault((unidentified[tie.start], tie.end), tie.start)

    def identifiers(self, node: Node) -> list[str]:
        """The node's identifiers as ``prefix:value`` (``nip:5260202394``)."""
        return [f"{prefix}:{node.props[name]}" for prefix, name in self.prefixes if name in node.props]
