"""Spreadsheets: the template's XLSX workbook, or the same tables as CSV files.

The layout (``partnergraph template`` writes it empty, ``partnergraph export csv|xlsx`` full):

* one sheet per node type — Organizacje/Organisations, Gminy/Municipalities, Powiaty/Counties,
  Województwa/Voivodeships, Partnerstwa/Partnerships, Usługi/Services, Działalności/Activities,
  Wydarzenia/Events — whose header row names properties of models.ttl by their Polish or
  English label or their name (case, Polish letters, blanks and a trailing ``*`` do not
  matter), plus an optional key column (klucz/key); without a key, the key comes from KRS,
  NIP, REGON, TERYT or the name;
* one sheet of ties, Powiązania/Ties: from/to (od/do: a key such as ``krs:0000123456`` or the
  name of a node), type (typ: a tie type's name or label) and the tie properties — in Polish
  ``od dnia``/``do dnia`` for since/until, as ``od``/``do`` name the ends;
* Słowniki/Allowed values lists the vocabularies; it is skipped on import.

As CSV, one file per sheet (organizacje.csv, powiazania.csv …) or a folder of them. A CSV is a
ties table when its header has from/to columns; otherwise a node table of the type its file
name names, or whose properties its header fits best. CSV from Polish Excel works: ``;``, ``,``
or tab separators (sniffed), UTF-8 with or without BOM or Windows-1250, dates as 2024-03-01 or
01.03.2024, decimal commas. A cell ``'=…`` (a quote before =, +, -, @) is read without the
quote: that is how exports keep spreadsheets from running values as formulas.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from partnergraph.errors import Problem, ValidationError
from partnergraph.i18n import Msg, current_language, register_messages
from partnergraph.importers.base import Located, register_reader
from partnergraph.importers.check import Notice
from partnergraph.importers.references import name_ref
from partnergraph.importers.sheets import Places, Source, cell_text, cell_value, open_sources
from partnergraph.records import Node, Tie
from partnergraph.schema import PropertyDef, Schema, load_schema
from partnergraph.text import fold, slugify

__all__ = [
    "TIES",
    "TITLES",
    "VALUES",
    "Layout",
    "column_headers",
    "header_lookup",
    "layout",
    "match_header",
    "norm",
    "read_csv",
    "read_xlsx",
    "sheet_kind",
    "sheet_title",
    "table_records",
]

TIES, VALUES = "ties", "values"
TITLES = {VALUES: ("Słowniki", "Allowed values")}
"""The sheet that lists allowed values (Polish, English); node types and ties take theirs from
models.ttl (pg:sheetTitle)."""
SPECIAL = {
    "@key": ("klucz", "key"),
    "@start": ("od", "from"),
    "@end": ("do", "to"),
    "@type": ("typ", "type"),
    "@id": ("id", "id"),
}
"""Columns that are not properties: target → (Polish, English) header; more spellings below."""
ALIASES = {
    "@key": ("id", "identyfikator"),
    "@start": ("z", "start", "source key"),
    "@end": ("end", "target"),
    "@type": ("typ powiazania", "tie type", "relacja", "relation"),
    "@id": ("identyfikator", "tie id"),
}

register_messages(
    {
        "sheet.duplicate_column": "column {header!r} repeats column {other!r} ({name})",
        "sheet.duplicate_column.hint": "keep one of them",
        "sheet.missing_column": "required column {label!r} ({name}) is missing",
        "sheet.missing_column.hint": "add a column headed {label!r}",
        "sheet.unknown_column": "column {header!r} is not a property ({kind}) — skipped",
        "sheet.unknown_column.hint": "known columns: {known}",
        "sheet.unknown_sheet": "sheet {name!r} is not known — skipped",
        "sheet.unknown_sheet.hint": "sheet names: {names}",
        "sheet.no_match": "the header fits no partnergraph table; the file's columns: {found}",
        "sheet.no_match.hint": "expected columns — {expected}; 'partnergraph template' writes an empty template with the headers",
        "sheet.no_tables": "{name} has no sheet to import",
        "sheet.extra_cells.hint": "check the separator: quote numbers with a decimal comma, or separate fields with semicolons",
        "sheet.empty_cell": "empty cell in column {column!r}",
        "sheet.ties": "ties",
    }
)


def norm(text: str) -> str:
    """A header or title as compared: folded, ``_`` as a blank, blanks evened, ``*`` and ``:`` dropped."""
    return " ".join(fold(text).replace("_", " ").replace("*", " ").split()).strip(" :")


def sheet_title(kind: str, schema: Schema, language: str = "pl") -> str:
    """The sheet (and, slugified, CSV file) name of a node type, TIES or VALUES."""
    if kind in TITLES:
        return TITLES[kind][language == "en"]
    return schema.tie_sheet_title(language) if kind == TIES else schema.node_types[kind].sheet_title(language)


def sheet_kind(title: str, schema: Schema) -> str | None:
    """The node type, TIES or VALUES a sheet or file name stands for, if any."""
    wanted = slugify(title)
    for kind in [*schema.node_types, TIES, VALUES]:
        labels = list(schema.node_types[kind].labels.values()) if kind in schema.node_types else []
        titles = schema.node_types[kind].sheet_titles if kind in schema.node_types else schema.tie_sheet_titles
        if wanted in {slugify(n) for n in (kind, *labels, *(TITLES.get(kind) or titles.values()))}:
            return kind
    return None


def _properties(kind: str, schema: Schema) -> dict[str, PropertyDef]:
    if kind in schema.node_types:
        return schema.node_types[kind].properties
    found: dict[str, PropertyDef] = {}
    for tie_type in schema.tie_types.values():
        for name, prop in tie_type.properties.items():
            found.setdefault(name, prop)
    return found


def _specials(kind: str) -> list[str]:
    return ["@key"] if kind != TIES else ["@start", "@end", "@type", "@id"]


def column_headers(kind: str, schema: Schema, language: str = "pl") -> list[tuple[str, str]]:
    """The template's columns of a sheet: (target, header), target a property or ``@key`` …"""
    reserved = {norm(SPECIAL[s][language == "en"]) for s in _specials(kind)}
    columns = [(s, SPECIAL[s][language == "en"]) for s in _specials(kind) if s != "@id"]
    props = _properties(kind, schema)
    for name, prop in sorted(
        props.items(), key=lambda item: kind != TIES and not item[1].required
    ):  # required columns first
        label = prop.label(language)
        if norm(label) in reserved:
            label = f"{label} dnia" if prop.datatype == "date" and language == "pl" else name
        columns.append((name, label + (" *" if prop.required and kind != TIES else "")))
    return columns + ([("@id", SPECIAL["@id"][language == "en"])] if kind == TIES else [])


def header_lookup(kind: str, schema: Schema) -> dict[str, str]:
    found: dict[str, str] = {}
    for name, prop in _properties(kind, schema).items():
        labels = [*prop.labels.values(), *(re.sub(r"\s*\(.*\)$", "", label) for label in prop.labels.values())]
        for text in (name, *labels, *(f"{p}{prop.label('pl')}{s}" for p, s in (("", " dnia"), ("data ", "")))):
            found.setdefault(norm(text), name)
    for language in ("pl", "en"):
        found.update({norm(header): target for target, header in column_headers(kind, schema, language)})
    for special in _specials(kind):
        found.update({norm(text): special for text in (*SPECIAL[special], *ALIASES[special])})
    return found


def match_header(header: str, lookup: Mapping[str, str]) -> str | None:
    text = norm(header)
    if text in lookup:
        return lookup[text]
    inner = re.match(r"^(.*?)\s*\((.*)\)$", text)
    return (lookup.get(inner.group(2)) or lookup.get(inner.group(1))) if inner else None


@dataclass
class Layout:
    """What each column of a table means."""

    kind: str
    columns: dict[str, int] = field(default_factory=dict)
    """Target (property, ``@key``, ``@start``, ``@end``, ``@type``, ``@id``) → column."""
    props: list[tuple[str, int, PropertyDef]] = field(default_factory=list)
    fields: dict[str, int] = field(default_factory=dict)
    """Record field (property, key, start, end, type) → column, for placing problems."""
    width: int = 0
    headers: list[str] = field(default_factory=list)
    ends: tuple[int, ...] = ()
    """Columns of from, to, type and id (-1 when absent), for tie tables."""


def layout(source: Source, kind: str, header: Sequence[Any], row: int, schema: Schema) -> tuple[Layout, list[Problem]]:
    """The layout of a table from its header row; problems for duplicate and missing columns."""
    lookup, props = header_lookup(kind, schema), _properties(kind, schema)
    result = Layout(kind, width=len(header), headers=["" if h is None else str(h).strip() for h in header])
    problems: list[Problem] = []
    unknown = []
    for index, text in enumerate(result.headers):
        target = match_header(text, lookup) if text else None
        if target is None:
            unknown += [index] if text else []
        elif target in result.columns:
            other = result.headers[result.columns[target]]
            msg = Msg("sheet.duplicate_column", header=text, other=other, name=target.lstrip("@"))
            problems.append(Problem(msg, source.place(row, index), Msg("sheet.duplicate_column.hint")))
        else:
            result.columns[target] = index
    problems += _missing(source, result, kind, schema, row)
    for index in unknown:
        known = ", ".join(h for _, h in column_headers(kind, schema))
        kind_label = str(Msg("sheet.ties")) if kind == TIES else kind
        msg = Msg("sheet.unknown_column", header=result.headers[index], kind=kind_label)
        problems.append(Notice(msg, source.place(row, index), Msg("sheet.unknown_column.hint", known=known)))
    result.props = [(n, i, props[n]) for n, i in result.columns.items() if not n.startswith("@")]
    renames = {"@key": "key", "@start": "start", "@end": "end", "@type": "type", "@id": "id"}
    result.fields = {renames.get(n, n): i for n, i in result.columns.items()}
    result.ends = tuple(result.columns.get(t, -1) for t in ("@start", "@end", "@type", "@id"))
    return result, problems


def _missing(source: Source, table: Layout, kind: str, schema: Schema, row: int) -> list[Problem]:
    if kind == TIES:
        wanted = ["@start", "@end", "@type"]
    else:
        node_type = schema.node_types[kind]
        keyed = "@key" in table.columns
        wanted = [
            p.name
            for p in node_type.properties.values()
            if p.required and not (keyed and p.name in node_type.identified_by)
        ]
    headers = dict(column_headers(kind, schema))
    problems = []
    for target in wanted:
        if target not in table.columns:
            label = headers[target].rstrip(" *")
            msg = Msg("sheet.missing_column", label=label, name=target.lstrip("@"))
            problems.append(Problem(msg, source.row_place(row), Msg("sheet.missing_column.hint", label=label)))
    return problems


# -- reading ----------------------------------------------------------------------------------
@register_reader("csv")
def read_csv(path: Path) -> Iterator[Located | Problem]:
    """Records of a CSV file, or of a folder of CSV files (one per sheet)."""
    return _read(path, xlsx=False)


@register_reader("xlsx")
def read_xlsx(path: Path) -> Iterator[Located | Problem]:
    """Records of an XLSX workbook in the template's layout."""
    return _read(path, xlsx=True)


def _read(path: Path, *, xlsx: bool) -> Iterator[Located | Problem]:
    schema = load_schema()
    with open_sources(path, xlsx=xlsx) as sources:
        yield from table_records(path, sources, schema)


def table_records(path: Path, sources: Sequence[Source], schema: Schema) -> Iterator[Located | Problem]:
    """The records of a workbook's or folder's tables: node tables first, then ties.

    Raises ValidationError for what makes a table unreadable (duplicate or missing columns,
    no table at all); yields notices for skipped sheets and columns."""
    tables: list[tuple[Source, str, int, Sequence[Any]]] = []
    for source in sources:
        row, header = _header(source)
        kind = _kind(source, header, schema) if header else VALUES
        if kind is None and not source.xlsx and not path.is_dir():
            raise ValidationError([unmatched_header(source, row, header, schema)])
        if kind is None:
            names = ", ".join(sheet_title(k, schema) for k in [*schema.node_types, TIES])
            yield Notice(
                Msg("sheet.unknown_sheet", name=source.title), source.name, Msg("sheet.unknown_sheet.hint", names=names)
            )
        elif kind != VALUES:
            tables.append((source, kind, row, header))
    if not tables:
        names = ", ".join(sheet_title(k, schema) for k in [*schema.node_types, TIES])
        raise ValidationError(
            [Problem(Msg("sheet.no_tables", name=path.name), path.name, Msg("sheet.unknown_sheet.hint", names=names))]
        )
    tables.sort(key=lambda table: table[1] == TIES)
    layouts, problems = [], []
    for source, kind, row, header in tables:
        table, found = layout(source, kind, header, row, schema)
        layouts.append((source, table, row))
        problems += [p for p in found if not isinstance(p, Notice)]
        yield from (p for p in found if isinstance(p, Notice))
    if problems:
        raise ValidationError(problems)
    for source, table, row in layouts:
        yield from _rows(source, table, row, schema)


def unmatched_header(source: Source, row: int, header: Sequence[Any], schema: Schema) -> Problem:
    """A table whose name and header fit no sheet: the columns found and the ones expected."""
    found = ", ".join(text for cell in header if (text := cell_text(cell)))
    lang = current_language()
    expected = "; ".join(
        f"{sheet_title(kind, schema, lang)}: {', '.join(h for _, h in column_headers(kind, schema, lang)[:3])} …"
        for kind in ("Organisation", "Municipality", TIES)
    )
    hint = Msg("sheet.no_match.hint", expected=expected)
    return Problem(Msg("sheet.no_match", found=found), source.row_place(row), hint)


def _header(source: Source) -> tuple[int, Sequence[Any]]:
    for row, cells in source.rows():
        if any(cell_text(c) for c in cells):
            return row, cells
    return 0, ()


def _kind(source: Source, header: Sequence[Any], schema: Schema) -> str | None:
    """What a table holds: by its name, else by its header (from/to → ties, else the best-fitting node type)."""
    kind = sheet_kind(source.title, schema)
    if kind is not None:
        return kind
    texts = [cell_text(h) for h in header]
    tie_lookup = header_lookup(TIES, schema)
    if {"@start", "@end"} <= {match_header(t, tie_lookup) for t in texts}:
        return TIES
    scores = {}
    for name in schema.node_types:
        lookup = header_lookup(name, schema)
        scores[name] = sum(1 for t in texts if match_header(t, lookup) not in (None, "@key"))
    best = max(scores, key=lambda name: (scores[name], name == "Organisation"))
    return best if scores[best] else None


class _TieTypes(dict[str, str]):
    """Cell text → tie type name (by name or label), remembered per distinct text."""

    def __init__(self, schema: Schema) -> None:
        super().__init__()
        self.names = {
            norm(t): name for name, tie_type in schema.tie_types.items() for t in (name, *tie_type.labels.values())
        }

    def __missing__(self, text: str) -> str:
        self[text] = self.names.get(norm(text), text)
        return self[text]


def _rows(source: Source, table: Layout, header_row: int, schema: Schema) -> Iterator[Located | Problem]:
    types = _TieTypes(schema)
    prefixes = frozenset(p for t in schema.node_types.values() for p in t.key_prefixes())
    for row, cells in source.rows():
        if row <= header_row:
            continue
        if not source.xlsx and len(cells) > table.width and any(c.strip() for c in cells[table.width :]):
            msg = Msg("reader.fields", found=len(cells), expected=table.width)
            yield Problem(msg, source.place(row, table.width), Msg("sheet.extra_cells.hint"))
            continue
        record = (
            tie_record(source, table, types, prefixes, row, cells)
            if table.kind == TIES
            else node_record(source, table, row, cells)
        )
        if record is not None:
            yield record


def is_key(text: str, prefixes: frozenset[str]) -> bool:
    """Whether ``text`` is a key (``krs:0000123456``) rather than a name."""
    prefix, sep, rest = text.partition(":")
    return bool(sep and rest.strip()) and prefix.lower() in prefixes


def end_value(text: str, prefixes: frozenset[str]) -> str:
    """A tie end from a cell: the key, or a reference to the node of that name."""
    if is_key(text, prefixes):
        prefix, _, rest = text.partition(":")
        return f"{prefix.lower()}:{rest.strip()}"
    return name_ref(text)


def _props(table: Layout, cells: Sequence[Any]) -> dict[str, Any]:
    size = len(cells)
    props = {}
    for name, index, prop in table.props:
        if index < size and (raw := cells[index]) is not None and raw != "":
            value = cell_value(raw, prop)
            if value is not None:
                props[name] = value
    return props


def node_record(source: Source, table: Layout, row: int, cells: Sequence[Any]) -> Located | None:
    """The node in a row (None for an empty row)."""
    size = len(cells)
    props = _props(table, cells)
    key_at = table.columns.get("@key")
    key = cell_text(cells[key_at]) if key_at is not None and key_at < size else ""
    if not props and not key:
        return None
    return Located(Node(key, table.kind, props), source.row_place(row), Places(source, row, table.fields))


def tie_record(
    source: Source, table: Layout, types: Mapping[str, str], prefixes: frozenset[str], row: int, cells: Sequence[Any]
) -> Located | Problem | None:
    """The tie in a row (None for an empty row, a problem when an end or the type is empty)."""
    size = len(cells)
    start, end, kind, own_id = (cell_text(cells[i]) if 0 <= i < size else "" for i in table.ends)
    props = _props(table, cells)
    if not props and not (start or end or kind or own_id):
        return None
    for text, column in zip((start, end, kind), table.ends, strict=False):
        if not text:
            return Problem(Msg("sheet.empty_cell", column=table.headers[column]), source.place(row, column))
    tie = Tie(types[kind], end_value(start, prefixes), end_value(end, prefixes), props, own_id)
    return Located(tie, source.row_place(row), Places(source, row, table.fields))
