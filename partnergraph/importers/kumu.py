"""Kumu's spreadsheet layout, so Kumu users can move their maps in.

A workbook with the sheets Elements (Label, Type, Description, Tags, …) and Connections (From,
To, Type, Direction, …), or the same as CSV files (elements.csv, connections.csv, or a folder).
How Kumu's free-form values map to models.ttl — every default applied is reported:

* an element's Type is a node type (by name, label or sheet title: "Partnership",
  "Wydarzenie", "Events" …) or an organisation kind (by notation, label or synonym —
  skos:altLabel / skos:hiddenLabel in models.ttl: "Social cooperative", "Spółdzielnia
  socjalna", ``ngo``, "Fundacja", "MOPS", "firma" …); a tag that is a kind counts when the Type
  does not. Otherwise the element becomes an organisation of the kinds' pg:defaultConcept
  (``other``).
  Elements typed as people (Person, Osoba …) are rejected: partnergraph holds no personal data.
* an element's key is the slug of its Label (``org:spoldzielnia-socjalna-laka``); its
  Description is the description; other columns named like properties (KRS, NIP, Website …)
  are read as those properties, and the rest are skipped.
* a connection's From and To are element Labels; its Type is a tie type by name or label
  ("TRADES_WITH", "sprzedaje", "trades with"), else :data:`DEFAULT_TIE`; its Label and
  Description become the tie's note. Direction "mutual" on a directed tie type gives a tie each
  way; "undirected" gives one tie From → To.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from partnergraph.errors import Problem, ValidationError
from partnergraph.graph.base import GraphStore
from partnergraph.i18n import Msg, register_messages
from partnergraph.importers.base import Located, register_reader
from partnergraph.importers.check import Notice
from partnergraph.importers.references import name_ref
from partnergraph.importers.sheets import Places, Source, cell_text, cell_value, open_sources
from partnergraph.importers.spreadsheet import TIES, header_lookup, match_header, norm
from partnergraph.records import Node, Tie
from partnergraph.schema import ORGANISATION, Schema, load_schema

__all__ = ["DEFAULT_TIE", "read_kumu"]

DEFAULT_TIE = "COOPERATES_WITH"

register_messages(
    {
        "kumu.person": "element {label!r} is a person (type {type!r}); partnergraph holds no personal data",
        "kumu.person.hint": "remove it or replace it by an organisation",
        "kumu.default_kind": "element type {type!r} is not an organisation kind — kind {kind!r} assumed",
        "kumu.default_tie": "connection type {type!r} is not a tie type — {tie} assumed",
        "kumu.mutual": "direction {direction!r} on {tie}: {result}",
        "kumu.both_ways": "one tie each way",
        "kumu.one_way": "one tie from From to To",
        "kumu.no_type": "a connection without a type (empty column {column!r}) — {tie} assumed",
        "kumu.no_type_column": "no Type column — {tie} assumed for connections without a type",
        "kumu.refused_end": "a connection to the element {label!r}, which was refused as a person ({where})",
        "kumu.refused_end.hint": "remove this connection, or replace the element by an organisation",
        "kumu.skipped_column": "column {header!r} skipped",
        "kumu.no_sheets": "no Elements or Connections sheet",
        "kumu.no_sheets.hint": "Kumu exports the sheets Elements and Connections",
        "kumu.no_label": "an element without a Label",
    }
)

ELEMENTS, CONNECTIONS = "elements", "connections"
_FIXED = {
    ELEMENTS: {"label": "@label", "type": "@type", "description": "@description", "tags": "@tags"},
    CONNECTIONS: {
        "from": "@start",
        "to": "@end",
        "type": "@type",
        "direction": "@direction",
        "label": "@label",
        "description": "@description",
        "tags": "@tags",
    },
}


@dataclass
class _State:
    """Defaults applied (reported once each) and the mappings of one read."""

    schema: Schema
    told: set[tuple[str, str]] = field(default_factory=set)
    refused: dict[str, str] = field(default_factory=dict)
    """Elements refused as people: folded label → where."""

    def default_kind(self) -> dict[str, str]:
        """The properties of an element whose type is nothing known: the kinds' default concept."""
        found = self.schema.kinds(ORGANISATION)
        default = found[1].default_concept if found else None
        return {found[0]: default.name} if found and default else {}

    def tell(self, key: tuple[str, str], notice: Notice) -> Iterator[Notice]:
        if key not in self.told:
            self.told.add(key)
            yield notice


@register_reader("kumu")
def read_kumu(path: Path, *, store: GraphStore | None = None) -> Iterator[Located | Problem]:
    """Elements as nodes, then connections as ties, from a Kumu workbook or CSV files (read by the
    schema of ``store``, else the packaged one)."""
    state = _State(store.schema if store is not None else load_schema())
    xlsx = path.suffix.lower() in (".xlsx", ".xlsm")
    with open_sources(path, xlsx=xlsx) as sources:
        tables = [(kind, source) for source in sources if (kind := _kind(source))]
        if not tables:
            raise ValidationError([Problem(Msg("kumu.no_sheets"), path.name, Msg("kumu.no_sheets.hint"))])
        for kind, source in sorted(tables, key=lambda table: table[0] == CONNECTIONS):
            yield from _table(kind, source, state)


def _kind(source: Source) -> str | None:
    title = norm(source.title)
    if title in (ELEMENTS, CONNECTIONS):
        return title
    header = next((cells for _, cells in source.rows() if any(cell_text(c) for c in cells)), ())
    names = {norm(cell_text(c)) for c in header}
    return CONNECTIONS if {"from", "to"} <= names else ELEMENTS if "label" in names else None


def _table(kind: str, source: Source, state: _State) -> Iterator[Located | Problem]:
    rows = source.rows()
    header_row, header = next(((n, c) for n, c in rows if any(cell_text(v) for v in c)), (0, ()))
    columns, props = _columns(kind, source, header, header_row, state)
    yield from columns.notices
    for row, cells in rows:
        texts = {target: cell_text(cells[i]) if i < len(cells) else "" for target, i in columns.fixed.items()}
        values = {name: cell_value(cells[i], props[name]) for name, i in columns.props.items() if i < len(cells)}
        values = {name: value for name, value in values.items() if value is not None}
        if not any(texts.values()) and not values:
            continue
        where, places = source.row_place(row), Places(source, row, columns.fields)
        if kind == ELEMENTS:
            yield from _element(texts, values, where, places, state)
        else:
            yield from _connection(texts, values, where, places, state, columns.headers)


@dataclass
class _Columns:
    fixed: dict[str, int] = field(default_factory=dict)
    props: dict[str, int] = field(default_factory=dict)
    fields: dict[str, int] = field(default_factory=dict)
    notices: list[Notice] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    """Fixed target (``@start`` …) → its header as written."""


def _columns(
    kind: str, source: Source, header: Sequence[Any], row: int, state: _State
) -> tuple[_Columns, dict[str, Any]]:
    schema = state.schema
    owners = [TIES] if kind == CONNECTIONS else list(schema.node_types)
    lookups = [header_lookup(owner, schema) for owner in owners]
    props: dict[str, Any] = {}
    for owner in owners:
        owned = schema.tie_types.values() if owner == TIES else [schema.node_types[owner]]
        for owner_type in owned:
            props.update({n: p for n, p in owner_type.properties.items() if n not in props})
    columns = _Columns()
    for index, cell in enumerate(header):
        text = cell_text(cell)
        fixed = _FIXED[kind].get(norm(text))
        matched = next((m for lookup in lookups if (m := match_header(text, lookup)) and not m.startswith("@")), None)
        if fixed and fixed not in columns.fixed:
            columns.fixed[fixed] = index
            columns.headers[fixed] = text
        elif matched and matched not in columns.props:
            columns.props[matched] = index
        elif text:
            columns.notices.append(Notice(Msg("kumu.skipped_column", header=text), source.place(row, index)))
    renames = {"@label": "name", "@type": "kind" if kind == ELEMENTS else "type", "@description": "description"}
    columns.fields = {**columns.props, **{renames.get(t, t.lstrip("@")): i for t, i in columns.fixed.items()}}
    if kind == CONNECTIONS:
        columns.fields.update({"note": columns.fixed.get("@description", columns.fixed.get("@label", 0))})
    return columns, props


def _element_type(text: str, tags: list[str], schema: Schema) -> tuple[str, dict[str, str]] | None:
    """The node type and properties (the kind) a Kumu element type stands for."""
    kinds = schema.kinds(ORGANISATION)
    for candidate in [text, *tags]:
        folded = norm(candidate)
        for name, node_type in schema.node_types.items():
            names = (name, *node_type.labels.values(), *node_type.sheet_titles.values())
            if folded and folded in {norm(n) for n in names}:
                return name, {}
        concept = kinds[1].lookup(norm(candidate)) if kinds and folded else None
        if kinds and concept is not None:
            return ORGANISATION, {kinds[0]: concept.name}
    return None


def _element(
    texts: Mapping[str, str], values: dict[str, Any], where: str, places: Places, state: _State
) -> Iterator[Located | Problem]:
    label, kind_text = texts.get("@label", ""), texts.get("@type", "")
    if not label:
        yield Problem(Msg("kumu.no_label"), where)
        return
    if state.schema.is_person(kind_text):
        yield Problem(
            Msg("kumu.person", label=label, type=kind_text), places.get("kind", where), Msg("kumu.person.hint")
        )
        state.refused[norm(label)] = where
        return
    tags = [t.strip() for t in texts.get("@tags", "").split("|") if t.strip()]
    found = _element_type(kind_text, tags, state.schema)
    if found is None:
        default = state.default_kind()
        kind = next(iter(default.values()), "")
        notice = Notice(Msg("kumu.default_kind", type=kind_text, kind=kind), places.get("kind", where))
        yield from state.tell(("kind", kind_text), notice)
        found = ORGANISATION, default
    node_type, extra = found
    allowed = state.schema.node_types[node_type].properties
    props = {n: v for n, v in values.items() if n in allowed} | extra | {"name": label}
    if texts.get("@description") and "description" in allowed:
        props["description"] = texts["@description"]
    yield Located(Node("", node_type, props), where, places)


def _connection(
    texts: Mapping[str, str],
    values: dict[str, Any],
    where: str,
    places: Places,
    state: _State,
    headers: Mapping[str, str],
) -> Iterator[Located | Problem]:
    start, end, type_text = texts.get("@start", ""), texts.get("@end", ""), texts.get("@type", "")
    for name, text, target in (("start", start, "@start"), ("end", end, "@end")):
        if not text:
            yield Problem(Msg("sheet.empty_cell", column=headers.get(target, target[1:])), places.get(name, where))
            return
    refused = [(name, text) for name, text in (("start", start), ("end", end)) if norm(text) in state.refused]
    for name, text in refused:
        msg = Msg("kumu.refused_end", label=text, where=state.refused[norm(text)])
        yield Problem(msg, places.get(name, where), Msg("kumu.refused_end.hint"))
    if refused:
        return
    tie_types = state.schema.tie_types
    tie_type = next(
        (n for n, t in tie_types.items() if norm(type_text) in {norm(n), *(norm(v) for v in t.labels.values())}), None
    )
    if tie_type is None:
        yield from state.tell(
            ("tie", type_text), _default_tie(type_text, headers.get("@type"), places.get("type", where))
        )
        tie_type = DEFAULT_TIE
    note = " — ".join(t for t in (texts.get("@label", ""), texts.get("@description", "")) if t)
    props = dict(values) | ({"note": note} if note else {})
    yield Located(Tie(tie_type, name_ref(start), name_ref(end), props), where, places)
    direction = norm(texts.get("@direction", ""))
    if direction in ("mutual", "undirected") and not tie_types[tie_type].symmetric:
        result = Msg("kumu.both_ways" if direction == "mutual" else "kumu.one_way")
        yield from state.tell(
            ("direction", direction + tie_type),
            Notice(Msg("kumu.mutual", direction=direction, tie=tie_type, result=result), where),
        )
        if direction == "mutual":
            yield Located(Tie(tie_type, name_ref(end), name_ref(start), props), where, places)


def _default_tie(type_text: str, column: str | None, where: str) -> Notice:
    """The notice for a connection whose type is no tie type: unknown, empty, or without a Type column."""
    if type_text:
        return Notice(Msg("kumu.default_tie", type=type_text, tie=DEFAULT_TIE), where)
    if column is None:
        return Notice(Msg("kumu.no_type_column", tie=DEFAULT_TIE), where)
    return Notice(Msg("kumu.no_type", column=column, tie=DEFAULT_TIE), where)
