"""Spreadsheets out: the empty template and the export of a store (rejected rows: :mod:`~partnergraph.importers.rejected`).

The layout is the one :mod:`partnergraph.importers.spreadsheet` reads, so an export imports
back into the same graph. A workbook has a sheet per node type, one of ties and one listing
the allowed values (vocabularies and tie types from models.ttl, labels in Polish and English);
CSV is one ``;``-separated UTF-8 file per sheet (with a byte-order mark, so Polish Excel opens
it right). Text that a spreadsheet would run as a formula (=, +, -, @ first) gets a leading
quote (OWASP CSV injection guidance); the importer removes it again.

    >>> rows = allowed_values(load_schema())
    >>> rows[0][:2]
    ('Działalność (PKD) → poziom PKD', 'class')
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import IO, Any

from partnergraph.errors import ConfigError
from partnergraph.files import atomic_file, atomic_folder
from partnergraph.graph.base import GraphStore
from partnergraph.i18n import Msg, Plural, register_messages
from partnergraph.importers.spreadsheet import TIES, VALUES, column_headers, sheet_title
from partnergraph.records import Node, Tie, tie_id
from partnergraph.schema import NodeType, Schema, TieType, load_schema
from partnergraph.text import slugify
from partnergraph.values import Value, csv_safe, datatype_of, text

__all__ = ["allowed_values", "export_tables", "sheet_order", "write_records", "write_template"]

XLSX_CELL = 32_767
"""The most characters one XLSX cell holds (Excel's limit)."""

register_messages(
    {
        "tpl.xlsx_too_long": Plural(
            "sheet {sheet}, row {row} ({first}): a value has {length} character, an XLSX cell holds at most {limit}; nothing was written",
            "sheet {sheet}, row {row} ({first}): a value has {length} characters, an XLSX cell holds at most {limit}; nothing was written",
            n="length",
        ),
        "tpl.xlsx_too_long.hint": "export to JSON Lines (export jsonl) or CSV, which hold every value, or shorten that value",
        "tpl.vocabulary": "vocabulary",
        "tpl.value": "value",
        "tpl.label_pl": "label (pl)",
        "tpl.label_en": "label (en)",
        "tpl.comment": "description",
        "tpl.tie_types": "tie types",
        "tpl.ends": "from: {domain} → to: {range}",
        "tpl.required": "required",
        "tpl.see_values": "allowed values: sheet {sheet}",
    }
)


def sheet_order(schema: Schema) -> list[str]:
    """Sheets in the order a coordinator needs them: organisations, ties, other node types, values."""
    others = list(schema.sheet_types())
    return [others[0], TIES, *others[1:], VALUES]


def allowed_values(schema: Schema, language: str = "pl") -> list[tuple[str, str, str, str, str]]:
    """Rows of the allowed-values sheet: (where used, value, Polish label, English label, comment)."""
    rows = []
    for node_type in schema.node_types.values():
        for prop in node_type.properties.values():
            if prop.vocabulary is not None:
                used = f"{node_type.label(language)} → {prop.label(language)}"
                rows += [
                    (used, c.name, c.label("pl"), c.label("en"), c.comment(language))
                    for c in prop.vocabulary.concepts.values()
                ]
    seen = set()
    for tie_type in schema.tie_types.values():
        for prop in tie_type.properties.values():
            if prop.vocabulary is not None and prop.name not in seen:
                seen.add(prop.name)
                used = f"{Msg('tpl.tie_types').render(language)} → {prop.label(language)}"
                rows += [
                    (used, c.name, c.label("pl"), c.label("en"), c.comment(language))
                    for c in prop.vocabulary.concepts.values()
                ]
    title = Msg("tpl.tie_types").render(language)
    for tie_type in schema.tie_types.values():
        ends = Msg("tpl.ends", domain=", ".join(tie_type.domain), range=", ".join(tie_type.range)).render(language)
        rows.append(
            (title, tie_type.name, tie_type.label("pl"), tie_type.label("en"), f"{tie_type.comment(language)} ({ends})")
        )
    return rows


def _values_header(language: str) -> list[str]:
    return [Msg(f"tpl.{n}").render(language) for n in ("vocabulary", "value", "label_pl", "label_en", "comment")]


def _xlsx_value(value: Value) -> Any:
    datatype = datatype_of(value)
    return datatype.cell(value) if datatype else value


def _row(record: Node | Tie, targets: Sequence[str]) -> list[Value | None]:
    """A record as a row of its table (a tie's id only when it is its own, not the derived one)."""
    if isinstance(record, Node):
        return [record.key if t == "@key" else record.props.get(t) for t in targets]
    own_id = (
        record.id
        if record.id and record.id != tie_id(record.start, record.type, record.end, record.props.get("since"))
        else ""
    )
    fixed: dict[str, Value] = {"@start": record.start, "@end": record.end, "@type": record.type, "@id": own_id}
    return [fixed[t] if t in fixed else record.props.get(t) for t in targets]


def export_tables(store: GraphStore, out: Path, *, fmt: str = "csv", language: str = "pl") -> dict[str, int]:
    """Write the store as the template's tables (a folder of CSV files, or an XLSX workbook)."""
    return write_records(out, store.iter_nodes(), store.iter_ties(), fmt=fmt, schema=store.schema, language=language)


def write_records(
    out: Path,
    nodes: Iterable[Node],
    ties: Iterable[Tie],
    *,
    fmt: str = "csv",
    schema: Schema | None = None,
    language: str = "pl",
) -> dict[str, int]:
    """Write records (as the validator returns them) as the template's tables; rows per sheet.

    Streams: memory stays flat however many records there are.
    """
    schema = schema or load_schema()
    kinds = sheet_order(schema)[:-1]
    columns = {kind: column_headers(kind, schema, language) for kind in kinds}
    titles = {kind: sheet_title(kind, schema, language) for kind in kinds}
    values = [tuple(_values_header(language)), *allowed_values(schema, language)]
    with _atomic(out, fmt) as target, _CsvTables(target) if fmt == "csv" else _XlsxTables(target) as sink:
        for kind in kinds:
            sink.open(kind, titles[kind], [h for _, h in columns[kind]])
        targets = {kind: [t for t, _ in columns[kind]] for kind in kinds}
        for node in nodes:
            sink.row(node.type, _row(node, targets[node.type]), language)
        for tie in ties:
            sink.row(TIES, _row(tie, targets[TIES]), language)
        sink.open(VALUES, sheet_title(VALUES, schema, language), values[0])
        for texts in values[1:]:
            sink.row(VALUES, list(texts), language)
    return {titles[kind]: sink.counts[kind] for kind in kinds}


def _atomic(out: Path, fmt: str) -> AbstractContextManager[Path]:
    """Where to write so that a failure leaves no partial file: a temporary folder whose CSV
    files are moved into ``out`` at the end, or a temporary workbook renamed to ``out``."""
    return atomic_folder(out, force=True, merge=True) if fmt == "csv" else atomic_file(out)


def write_template(out: Path, *, fmt: str = "xlsx", schema: Schema | None = None, language: str = "pl") -> None:
    """Write an empty template: a header row per sheet, and the allowed values."""
    schema = schema or load_schema()
    if fmt == "csv":
        write_records(out, (), (), fmt=fmt, schema=schema, language=language)
        return
    tables = [
        (kind, sheet_title(kind, schema, language), column_headers(kind, schema, language))
        for kind in sheet_order(schema)[:-1]
    ]
    with atomic_file(out) as target:
        _template_workbook(target, schema, language, tables)


class _CsvTables:
    """One ``;``-separated UTF-8 (BOM) file per sheet in a folder, written as rows come."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.files: dict[str, IO[str]] = {}
        self.writers: dict[str, Any] = {}
        self.counts: dict[str, int] = {}

    def __enter__(self) -> _CsvTables:
        self.out.mkdir(parents=True, exist_ok=True)
        return self

    def open(self, kind: str, title: str, header: Sequence[str]) -> None:
        self.files[kind] = (self.out / f"{slugify(title)}.csv").open("w", encoding="utf-8-sig", newline="")
        self.writers[kind] = csv.writer(self.files[kind], delimiter=";", lineterminator="\r\n")
        self.writers[kind].writerow(header)
        self.counts[kind] = 0

    def row(self, kind: str, values: Sequence[Value | None], language: str) -> None:
        self.writers[kind].writerow([csv_safe(v, lambda x: text(x, language)) for v in values])
        self.counts[kind] += 1

    def __exit__(self, *exc: object) -> None:
        for file in self.files.values():
            file.close()


class _XlsxTables(_CsvTables):
    """A write-only workbook (streamed to temporary files by openpyxl), a sheet per table."""

    def __enter__(self) -> _XlsxTables:
        import openpyxl  # type: ignore[import-untyped, unused-ignore]

        self.book = openpyxl.Workbook(write_only=True)
        return self

    def open(self, kind: str, title: str, header: Sequence[str]) -> None:
        self.writers[kind] = self.book.create_sheet(title)
        self.writers[kind].append(list(header))
        self.counts[kind] = 0

    def row(self, kind: str, values: Sequence[Value | None], language: str) -> None:
        cells = [_xlsx_value(v) if v is not None else None for v in values]
        for cell in cells:
            if isinstance(cell, str) and len(cell) > XLSX_CELL:  # a store written before the limit: never cut silently
                raise ConfigError(
                    Msg(
                        "tpl.xlsx_too_long",
                        sheet=self.writers[kind].title,
                        row=self.counts[kind] + 2,
                        first=values[0],
                        length=len(cell),
                        limit=XLSX_CELL,
                    ),
                    hint=Msg("tpl.xlsx_too_long.hint"),
                )
        self.writers[kind].append(cells)
        self.counts[kind] += 1

    def __exit__(self, *exc: object) -> None:
        if not exc or exc[0] is None:
            self.book.save(self.out)


def _template_workbook(
    out: Path, schema: Schema, language: str, tables: list[tuple[str, str, list[tuple[str, str]]]]
) -> None:
    """An empty workbook with bold frozen headers, a comment on each, and value lists as drop-downs."""
    import openpyxl  # type: ignore[import-untyped, unused-ignore]
    from openpyxl.comments import Comment  # type: ignore[import-untyped, unused-ignore]
    from openpyxl.styles import Font  # type: ignore[import-untyped, unused-ignore]
    from openpyxl.worksheet.datavalidation import DataValidation  # type: ignore[import-untyped, unused-ignore]

    from partnergraph.importers.sheets import column_letter

    book = openpyxl.Workbook()
    book.remove(book.active)
    values_title = sheet_title(VALUES, schema, language)
    rows = allowed_values(schema, language)
    ranges = _ranges(rows)
    for kind, title, columns in tables:
        sheet = book.create_sheet(title)
        sheet.append([h for _, h in columns])
        sheet.freeze_panes = "A2"
        props = _column_props(schema, kind, language)
        for index, (target, header) in enumerate(columns, start=1):
            cell = sheet.cell(row=1, column=index)
            cell.font = Font(bold=True)
            sheet.column_dimensions[column_letter(index)].width = max(12, len(header) + 4)
            used = props.get(target)
            if used:
                cell.comment = Comment(used[0], "partnergraph")
            listed = ranges.get(used[1] if used else "")
            if listed:
                label_column = "C" if language == "pl" else "D"
                check = DataValidation(
                    type="list",
                    formula1=f"'{values_title}'!${label_column}${listed[0]}:${label_column}${listed[1]}",
                    allow_blank=True,
                    showErrorMessage=False,
                )
                check.add(f"{column_letter(index)}2:{column_letter(index)}5000")
                sheet.add_data_validation(check)
    values = book.create_sheet(values_title)
    values.append(_values_header(language))
    for row in rows:
        values.append(list(row))
    book.save(out)


def _column_props(schema: Schema, kind: str, language: str) -> dict[str, tuple[str, str]]:
    """Target → (comment for the header, the 'where used' of its value list)."""
    found: dict[str, tuple[str, str]] = {}
    ties = Msg("tpl.tie_types").render(language)
    owners: list[NodeType | TieType] = [schema.node_types[kind]] if kind != TIES else list(schema.tie_types.values())
    for owner in owners:
        for prop in owner.properties.values():
            used = f"{ties if kind == TIES else owner.label(language)} → {prop.label(language)}"
            found.setdefault(prop.name, (prop.comment(language), used if prop.vocabulary else ""))
    if kind == TIES:
        found["@type"] = (Msg("tpl.see_values", sheet=sheet_title(VALUES, schema, language)).render(language), ties)
    return found


def _ranges(rows: Sequence[tuple[str, ...]]) -> dict[str, tuple[int, int]]:
    """'Where used' → first and last row of its values in the allowed-values sheet."""
    ranges: dict[str, tuple[int, int]] = {}
    for number, row in enumerate(rows, start=2):
        ranges[row[0]] = (ranges.get(row[0], (number, number))[0], number)
    return ranges
