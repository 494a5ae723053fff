"""PKD (Polish NACE) classifications → Activity nodes with their hierarchy.

Two GUS formats:

* the GUS classification export (CSV, ``;``, UTF-8 with BOM): ``symbol``, ``nazwa``,
  ``numerPoziomu`` (1–5), ``uuid`` and ``elementNadrzednyUuid`` (the parent); the HTML
  ``opis*`` columns are not read, so no HTML reaches a name. Classification PKD 2007, or PKD
  2025 when the file name says 2025 (or ``classification="PKD2025"``).
* the GUS structure sheet (``StrukturaPKD2025.xls``, or ``.xlsx``): a title row naming the
  edition, a header ``Dział | Grupa | Klasa | Podklasa | Nazwa grupowania``, ``SEKCJA A``
  rows, and rows giving one to four codes that share the row's name (``01.3 | 01.30 |
  01.30.Z | Rozmnażanie roślin``). Parents follow from the codes (``01.30.Z`` → ``01.30`` →
  ``01.3`` → ``01`` → the section above).

Every grouping becomes an Activity (``code``, ``name`` with blanks evened, ``level``,
``classification``) PART_OF its parent. PKD 2007 and 2025 share codes with different
meanings (section Q is health in 2007, education in 2025), so they are keyed apart: PKD 2007
as ``pkd:88.10.Z``, PKD 2025 as ``pkd2025:88.10.Z`` — the second needs models.ttl to know
the ``pkd2025`` key prefix (models.ttl has it); without it the reader refuses PKD 2025 with one problem rather
than overwrite PKD 2007 activities.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from partnergraph.errors import Problem
from partnergraph.graph.base import GraphStore
from partnergraph.i18n import Msg, register_messages
from partnergraph.importers.base import Located, clean_text, provenance, register_reader
from partnergraph.importers.encodings import detect_encoding
from partnergraph.records import Node, Tie
from partnergraph.schema import Schema, load_schema
from partnergraph.text import fold, slugify

__all__ = ["LEVELS", "PKD2025_SINCE", "ActivityIndex", "activity_key", "read_pkd"]

LEVELS = ("section", "division", "group", "class", "subclass")  # PkdLevels notations, level 1 … 5
PKD2025_SINCE = dt.date(2025, 1, 1)
_SHAPES = (r"[A-Z]", r"\d{2}", r"\d{2}\.\d", r"\d{2}\.\d{2}", r"\d{2}\.\d{2}\.[A-Z]")
_CSV_COLUMNS = ("symbol", "nazwa", "numerPoziomu", "uuid", "elementNadrzednyUuid")
_SHEET_COLUMNS = ("dzial", "grupa", "klasa", "podklasa", "nazwa")

register_messages(
    {
        "pkd.columns": "columns {missing} are missing",
        "pkd.columns.hint": "expected the GUS classification export (columns {expected})",
        "pkd.code": "{value!r} is not a PKD code of level {level}",
        "pkd.fields": "the record has {found} fields, the header {expected}",
        "pkd.fields.hint": "the file is cut short or damaged; download it again from GUS",
        "pkd.level": "level {value!r} is not a number 1–5",
        "pkd.parent": "grouping {code}: its parent {parent} is not in the file",
        "pkd.no_2025_key": "models.ttl has no pkd2025: key prefix, so PKD 2025 would overwrite PKD 2007 activities with the same codes",
        "pkd.no_2025_key.hint": 'add a pg:pkd2025 property with pg:keyPrefix "pkd2025" to models.ttl (see docs/importers/pkd.md)',
        "pkd.needs": "reading this sheet needs the package {package}",
        "pkd.sheet": "cannot read the sheet: {detail}",
        "pkd.no_header": "no header row Dział | Grupa | Klasa | Podklasa | Nazwa grupowania",
        "pkd.unknown": "PKD code {code} is not in {where}",
        "pkd.none": "PKD code {code} cannot be matched: the store has no PKD classification at all",
        "pkd.unknown.hint": "import the PKD classification (the GUS file) first, then the KRS extracts",
        "pkd.ambiguous": "PKD code {code} ({description}) is in PKD 2007 and PKD 2025 under different names, and the "
        "description fits neither",
    }
)


def _depth(code: str) -> int:
    """The level (1–5) a code's shape says, 0 when it is no PKD code."""
    return next((i + 1 for i, shape in enumerate(_SHAPES) if re.fullmatch(shape, code)), 0)


def activity_key(code: str, classification: str, schema: Schema | None = None) -> str | None:
    """The node key of a PKD code in ``classification`` ("PKD2007"/"PKD2025"), or None when
    models.ttl cannot key that classification apart (PKD 2025 before the pkd2025 prefix)."""
    activity = (schema or load_schema()).node_types["Activity"]
    prefixes = activity.key_prefixes()
    if classification == "PKD2025":
        return f"pkd2025:{code}" if "pkd2025" in prefixes else None
    prefix = next((p for p, name in prefixes.items() if name == "code"), "pkd")
    return f"{prefix}:{code}"


def _classification(path: Path, given: str | None, title: str = "") -> str:
    if given:
        return given
    for text in (path.name, title):
        years = [year for year in ("2007", "2025") if year in text]
        if len(years) == 1:
            return f"PKD{years[0]}"
    return "PKD2007"


def read_pkd(
    path: Path, *, classification: str | None = None, schema: Schema | None = None
) -> Iterator[Located | Problem]:
    """Activity nodes and PART_OF ties from a GUS PKD export (CSV) or structure sheet (XLS/XLSX)."""
    schema = schema or load_schema()
    if path.suffix.lower() in (".xls", ".xlsx"):
        yield from _read_sheet(path, classification, schema)
    else:
        yield from _read_csv(path, _classification(path, classification), schema)


def _node(code: str, name: str, classification: str, key: str, schema: Schema) -> Node:
    props = {"code": code, "name": name, "level": LEVELS[_depth(code) - 1], "classification": classification}
    return Node(key, "Activity", props | provenance(schema, "Activity", f"GUS, klasyfikacja {classification}"))


def _read_csv(path: Path, classification: str, schema: Schema) -> Iterator[Located | Problem]:
    encoding, problem = detect_encoding(path)
    if problem or encoding is None:
        yield problem or Problem(Msg("reader.empty"), path.name)
        return
    source = f"GUS, klasyfikacja {classification}"
    codes: dict[str, str] = {}  # uuid → key
    with path.open(encoding=encoding, newline="") as text:
        first = text.readline()
        reader = csv.reader(itertools.chain([first], text), delimiter=max(";,\t", key=first.count))
        header = [h.strip() for h in next(reader, [])]
        missing = [c for c in _CSV_COLUMNS if c not in header]
        if missing:
            hint = Msg("pkd.columns.hint", expected=", ".join(_CSV_COLUMNS))
            yield Problem(Msg("pkd.columns", missing=", ".join(missing)), f"{path.name}:1", hint)
            return
        if activity_key("A", classification, schema) is None:
            yield Problem(Msg("pkd.no_2025_key"), path.name, Msg("pkd.no_2025_key.hint"))
            return
        col = {name: header.index(name) for name in _CSV_COLUMNS}
        start = reader.line_num + 1
        for cells in reader:
            line, start = start, reader.line_num + 1
            if len(cells) != len(header) and any(c.strip() for c in cells):
                found = Msg("pkd.fields", found=len(cells), expected=len(header))
                yield Problem(found, f"{path.name}:{line}", Msg("pkd.fields.hint"))
                continue
            if len(cells) != len(header):
                continue
            yield from _csv_record(cells, col, f"{path.name}:{line}", classification, source, codes, schema)


def _csv_record(
    cells: Sequence[str],
    col: dict[str, int],
    where: str,
    classification: str,
    source: str,
    codes: dict[str, str],
    schema: Schema,
) -> Iterator[Located | Problem]:
    code, name, level = (
        cells[col["symbol"]].strip(),
        clean_text(cells[col["nazwa"]]),
        cells[col["numerPoziomu"]].strip(),
    )
    if level not in ("1", "2", "3", "4", "5"):
        yield Problem(Msg("pkd.level", value=level), f"{where}:{col['numerPoziomu'] + 1}")
        return
    if _depth(code) != int(level):
        yield Problem(Msg("pkd.code", value=code, level=level), f"{where}:{col['symbol'] + 1}")
        return
    key = str(activity_key(code, classification, schema))
    fields = {
        "code": f"{where}:{col['symbol'] + 1}",
        "key": f"{where}:{col['symbol'] + 1}",
        "name": f"{where}:{col['nazwa'] + 1}",
    }
    yield Located(_node(code, name, classification, key, schema), where, fields)
    codes[cells[col["uuid"]].strip()] = key
    parent_uuid = cells[col["elementNadrzednyUuid"]].strip()
    if parent_uuid:
        parent = codes.get(parent_uuid)
        if parent is None:
            yield Problem(
                Msg("pkd.parent", code=code, parent=parent_uuid), f"{where}:{col['elementNadrzednyUuid'] + 1}"
            )
        else:
            yield Located(Tie("PART_OF", key, parent, {"source": source}), where)


def _sheet_rows(path: Path) -> Iterator[list[str]]:
    """The rows of the first sheet as text (raises whatever the spreadsheet library raises)."""
    if path.suffix.lower() == ".xlsx":
        import openpyxl  # type: ignore[import-untyped, unused-ignore]

        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            for values in book.worksheets[0].iter_rows(values_only=True):
                yield [_cell(v) for v in values]
        finally:
            book.close()
        return
    import xlrd  # type: ignore[import-untyped, unused-ignore]

    sheet = xlrd.open_workbook(str(path), on_demand=True).sheet_by_index(0)
    for number in range(sheet.nrows):
        yield [_cell(v) for v in sheet.row_values(number)]


def _cell(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return f"{int(value):02d}"  # a division typed as a number: 1.0 → "01"
    return clean_text(str(value)) if value is not None else ""


def _read_sheet(path: Path, classification: str | None, schema: Schema) -> Iterator[Located | Problem]:
    rows = _sheet_rows(path)
    try:
        yield from _sheet_records(path, rows, classification, schema)
    except ModuleNotFoundError as exc:
        yield Problem(Msg("pkd.needs", package=exc.name), path.name, Msg("store.driver_missing.hint", package=exc.name))
    except Exception as exc:  # xlrd and openpyxl raise many unrelated types for damaged files
        detail = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
        yield Problem(Msg("pkd.sheet", detail=detail), path.name)


def _sheet_records(
    path: Path, rows: Iterator[list[str]], given: str | None, schema: Schema
) -> Iterator[Located | Problem]:
    title, header, line = "", None, 0
    for cells in rows:
        line += 1
        folded = [fold(c) for c in cells]
        if folded and folded[0] == "dzial":
            header = [next((i for i, c in enumerate(folded) if c.startswith(n)), -1) for n in _SHEET_COLUMNS]
            break
        title = title or " ".join(c for c in cells if c)
    if header is None or -1 in header:
        yield Problem(Msg("pkd.no_header"), f"{path.name}:{line}")
        return
    classification = _classification(path, given, title)
    if activity_key("A", classification, schema) is None:
        yield Problem(Msg("pkd.no_2025_key"), path.name, Msg("pkd.no_2025_key.hint"))
        return
    source, seen, section = f"GUS, klasyfikacja {classification}", set[str](), ""
    for number, cells in enumerate(rows, start=line + 1):
        cells = cells + [""] * (max(header) + 1 - len(cells))
        where = f"{path.name}:{number}"
        name_col = header[4]
        if fold(cells[0]).startswith("sekcja"):
            section = cells[0].split()[-1]
            name = cells[name_col] or next((c for c in cells[1:] if c), "")
            yield from _sheet_node(section, name, "", classification, schema, where, name_col, seen, source)
            continue
        for level, column in enumerate(header[:4], start=2):
            code = cells[column]
            if not code:
                continue
            if _depth(code) != level:
                yield Problem(Msg("pkd.code", value=code, level=level), f"{where}:{column + 1}")
                continue
            parent = section if level == 2 else code[: {3: 2, 4: 4, 5: 5}[level]]
            yield from _sheet_node(code, cells[name_col], parent, classification, schema, where, name_col, seen, source)


def _sheet_node(
    code: str,
    name: str,
    parent: str,
    classification: str,
    schema: Schema,
    where: str,
    name_col: int,
    seen: set[str],
    source: str,
) -> Iterator[Located | Problem]:
    key = str(activity_key(code, classification, schema))
    if _depth(code) != 1 and parent not in seen:
        yield Problem(Msg("pkd.parent", code=code, parent=parent or "?"), where)
        return
    seen.add(code)
    yield Located(
        _node(code, name, classification, key, schema),
        where,
        {"code": where, "key": where, "name": f"{where}:{name_col + 1}"},
    )
    if parent:
        yield Located(Tie("PART_OF", key, str(activity_key(parent, classification, schema)), {"source": source}), where)


class ActivityIndex:
    """Activities by code and classification, to resolve a PKD code from a register extract.

    A code that exists in one classification only resolves to it. A code in both resolves
    by the extract's date (before 2025-01-01 only PKD 2007 existed), then by its
    description (compared folded, punctuation ignored) against the two names; when both
    names are the same the grouping means the same in both and the current one (PKD 2025)
    is taken. Anything else is reported, never guessed.

        >>> old = "Pozostałe pozaszkolne formy edukacji, gdzie indziej niesklasyfikowane"
        >>> index = ActivityIndex.from_nodes([
        ...     Node("pkd:85.59.B", "Activity", {"code": "85.59.B", "classification": "PKD2007", "name": old}),
        ...     Node("pkd2025:85.59.B", "Activity", {"code": "85.59.B", "classification": "PKD2025",
        ...          "name": "Kursy i szkolenia związane ze zdobywaniem wiedzy …"})])
        >>> index.resolve("85.59.B", old.upper())[0]
        'pkd:85.59.B'
        >>> index.resolve("85.59.B", "", dt.date(2024, 12, 31))[0]
        'pkd:85.59.B'
    """

    def __init__(self) -> None:
        self.codes: dict[str, dict[str, tuple[str, str]]] = {}  # code → classification → (key, name slug)

    def __len__(self) -> int:
        return sum(len(found) for found in self.codes.values())

    @classmethod
    def from_nodes(cls, nodes: Iterable[Node]) -> ActivityIndex:
        """An index of the Activity nodes among ``nodes``."""
        index = cls()
        for node in nodes:
            if node.type == "Activity":
                found = index.codes.setdefault(str(node.props.get("code", "")), {})
                found[str(node.props.get("classification", "PKD2007"))] = (
                    node.key,
                    slugify(str(node.props.get("name", ""))),
                )
        return index

    @classmethod
    def from_store(cls, store: GraphStore) -> ActivityIndex:
        """An index of the activities already in ``store``."""
        return cls.from_nodes(store.iter_nodes("Activity"))

    def resolve(self, code: str, description: str = "", on: dt.date | None = None) -> tuple[str | None, Msg | None]:
        """The key of ``code``, or the message saying why it has none."""
        if not self.codes:
            return None, Msg("pkd.none", code=code)
        found = dict(self.codes.get(code, {}))
        if on is not None and on < PKD2025_SINCE:
            found.pop("PKD2025", None)
        if len(found) > 1:
            wanted = slugify(description)
            fitting = [key for key, name in found.values() if name == wanted]
            same = len({name for _, name in found.values()}) == 1
            if len(fitting) != 1 and not (same and "PKD2025" in found):
                return None, Msg("pkd.ambiguous", code=code, description=description)
            return (fitting[0] if len(fitting) == 1 else found["PKD2025"][0]), None
        if not found:
            return None, Msg(
                "pkd.unknown", code=code, where="PKD 2007" if on and on < PKD2025_SINCE else "PKD 2007 / PKD 2025"
            )
        return next(iter(found.values()))[0], None


register_reader("pkd")(read_pkd)  # registered apart, so that mypy keeps the options in the signature
