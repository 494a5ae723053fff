"""Malformed files never crash an import and never half-write: a clean error, or a clean import.

Hypothesis builds CSV, XLSX and JSON Lines files from plausible and hostile pieces — wrong
encodings, truncation, random bytes, huge fields, missing and duplicate columns, cells that
start with =, +, -, @ — and feeds them through ``run_import`` into a store that already holds
a network. Every case must end in a PartnergraphError with the store exactly as it was, or in
an import that wrote at most one new version.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
from pathlib import Path
from typing import Any

import openpyxl  # type: ignore[import-untyped, unused-ignore]
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from partnergraph.errors import PartnergraphError
from partnergraph.graph.sqlite import SqliteStore
from partnergraph.importers.run import run_import

FIXTURES = Path(__file__).parent / "fixtures" / "spreadsheet"
SETTINGS = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)

HEADERS = [
    "nazwa",
    "Nazwa *",
    "rodzaj",
    "NIP",
    "KRS",
    "REGON",
    "klucz",
    "data założenia",
    "od",
    "do",
    "typ",
    "kwota (PLN)",
    "od dnia",
    "liczba skierowań",
    "Lp.",
    "",
    "Label",
    "Type",
    "From",
    "To",
    "Direction",
    "name",
    "kind",
]
VALUES = [
    "Łąka",
    "ngo",
    "spółdzielnia socjalna",
    "Social cooperative",
    "Person",
    "526-020-23-94",
    "7770000206",
    "0000123456",
    "01.03.2024",
    "2024-02-30",
    "org:laka",
    "org:ces-kwilcz",
    "teryt:3014022",
    "Kwilcz",
    "współpracuje z",
    "REFERS",
    "12 500,50",
    "mutual",
    "",
    " ",
]
FORMULA = st.tuples(
    st.sampled_from(["=", "+", "-", "@", "'=", "''+", "\t"]), st.sampled_from(["cmd|' /C calc'!A0", "1+2", "SUM(A1)"])
)
TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=12)
HUGE = "x" * 140_000  # over the csv module's field limit
CELL = st.one_of(st.sampled_from(VALUES), TEXT, FORMULA.map("".join), st.sampled_from([*VALUES, HUGE]))
TABLE = st.lists(st.lists(CELL, max_size=8), min_size=1, max_size=6)
KINDS = st.sampled_from(["ngo", "business", "spółdzielnia socjalna", "sklep", ""])
# Mostly valid organisation tables, so that hostile values also reach the store.
ORGANISATION = st.tuples(CELL, KINDS, st.lists(CELL, max_size=2)).map(lambda r: [r[0], r[1], *r[2]])
VALID = st.tuples(
    st.lists(st.sampled_from(HEADERS), max_size=2).map(lambda extra: ["nazwa", "rodzaj", *extra]),
    st.lists(ORGANISATION, min_size=1, max_size=5),
)


def seeded(tmp_path: Path) -> SqliteStore:
    store = SqliteStore(tmp_path / "store.db")
    folder = tmp_path / "siec"
    folder.mkdir()
    for name in ("organizacje.csv", "gminy.csv", "powiazania.csv"):
        shutil.copy(FIXTURES / name, folder / name)
    run_import(store, folder)
    return store


def mangle(data: bytes, cut: float | None, noise: bytes, at: float) -> bytes:
    """Truncate ``data`` at a fraction of its length, and splice ``noise`` in somewhere."""
    if cut is not None:
        data = data[: int(len(data) * cut)]
    where = int(len(data) * at)
    return data[:where] + noise + data[where:]


MANGLING = {"cut": st.none() | st.floats(0, 1), "noise": st.binary(max_size=24), "at": st.floats(0, 1)}


def healthy(store: SqliteStore) -> bool:
    """The store passes its own check."""
    return store.check() == []


def attempt(store: SqliteStore, path: Path, fmt: str, skip_invalid: bool) -> None:
    """The one property: a clean error with nothing written, or a clean import of one version."""
    before = (store.version(), store.count_nodes(), store.count_ties())
    try:
        report = run_import(store, path, format=fmt, skip_invalid=skip_invalid)
    except PartnergraphError as exc:
        event(f"error: {type(exc).__name__}")
        assert str(exc)  # renders in the user's language without failing
        assert (store.version(), store.count_nodes(), store.count_ties()) == before
        return
    event(
        f"imported {'with' if report.rejected else 'without'} rejects, {'new version' if store.version() > before[0] else 'no change'}"
    )
    assert store.version() in (before[0], before[0] + 1)
    assert report.problem_count == 0 or skip_invalid


def test_csv_files(tmp_path: Path) -> None:
    store = seeded(tmp_path)

    @SETTINGS
    @given(
        table=st.tuples(st.lists(st.sampled_from(HEADERS), min_size=1, max_size=7), TABLE) | VALID,
        separator=st.sampled_from([";", ",", "\t"]),
        encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1250", "utf-16"]),
        fmt=st.sampled_from(["csv", "kumu"]),
        name=st.sampled_from(["organizacje.csv", "powiazania.csv", "lista.csv", "elements.csv"]),
        skip=st.booleans(),
        broken=st.booleans(),
        **MANGLING,
    )
    def check(
        table: tuple[list[str], list[list[str]]],
        separator: str,
        encoding: str,
        fmt: str,
        name: str,
        skip: bool,
        broken: bool,
        cut: float | None,
        noise: bytes,
        at: float,
    ) -> None:
        header, rows = table
        data = "\n".join(separator.join(row) for row in [header, *rows]).encode(encoding, errors="replace")
        path = tmp_path / name
        path.write_bytes(mangle(data, cut, noise, at) if broken else data)
        attempt(store, path, fmt, skip)

    check()
    assert healthy(store)


def _xlsx(sheets: dict[str, list[list[Any]]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


XLSX_TEXT = st.text(alphabet=st.characters(codec="utf-8").filter(str.isprintable), max_size=12)  # no control characters
XLSX_CELL = st.one_of(
    st.sampled_from(VALUES),
    XLSX_TEXT,
    FORMULA.map("".join).filter(lambda t: "\t" not in t),
    st.none(),
    st.integers(-10, 10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.just(dt.datetime(2024, 3, 1)),
    st.just("y" * 40_000),
)
SHEET_NAMES = ["Organizacje", "Powiązania", "Gminy", "Arkusz1", "Słowniki", "Elements", "Connections", "Organisations"]


def test_xlsx_workbooks(tmp_path: Path) -> None:
    store = seeded(tmp_path)

    @SETTINGS
    @given(
        sheets=st.dictionaries(
            st.sampled_from(SHEET_NAMES),
            st.tuples(
                st.lists(st.sampled_from(HEADERS), max_size=6), st.lists(st.lists(XLSX_CELL, max_size=6), max_size=5)
            ),
            max_size=3,
        )
        | st.tuples(KINDS, XLSX_CELL, XLSX_CELL).map(
            lambda r: {"Organizacje": (["nazwa", "rodzaj", "opis"], [[r[1], r[0], r[2]]])}
        ),
        fmt=st.sampled_from(["xlsx", "kumu"]),
        skip=st.booleans(),
        broken=st.booleans(),
        **MANGLING,
    )
    def check(
        sheets: dict[str, tuple[list[str], list[list[Any]]]],
        fmt: str,
        skip: bool,
        broken: bool,
        cut: float | None,
        noise: bytes,
        at: float,
    ) -> None:
        data = _xlsx({title: [header, *rows] for title, (header, rows) in sheets.items()} or {"Arkusz1": []})
        path = tmp_path / "siec.xlsx"
        path.write_bytes(mangle(data, cut, noise, at) if broken else data)
        attempt(store, path, fmt, skip)

    check()
    assert healthy(store)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=6,
)
PROPS = st.dictionaries(
    st.sampled_from(["name", "kind", "nip", "founded", "count", "since", "amount", "teryt", "x"]),
    st.sampled_from(VALUES) | JSON,
    max_size=4,
)
RECORD = st.one_of(
    st.builds(
        lambda k, t, p: {"node": {"key": k, "type": t, "props": p}},
        st.sampled_from(["", "org:laka", "nip:1", 7]) | TEXT,
        st.sampled_from(["Organisation", "Municipality", "Person"]) | JSON,
        PROPS,
    ),
    st.builds(
        lambda t, s, e, p: {"tie": {"type": t, "start": s, "end": e, "props": p}},
        st.sampled_from(["COOPERATES_WITH", "REFERS", "LOCATED_IN"]) | JSON,
        st.sampled_from(["org:laka", "org:ces-kwilcz", "teryt:3014022", ""]),
        st.sampled_from(["org:gops-kwilcz", "x"]) | JSON,
        PROPS,
    ),
    JSON,
)


def test_json_lines(tmp_path: Path) -> None:
    store = seeded(tmp_path)

    @SETTINGS
    @given(
        lines=st.lists(RECORD.map(lambda r: json.dumps(r, ensure_ascii=False)) | TEXT, max_size=8),
        deep=st.booleans(),
        skip=st.booleans(),
        **MANGLING,
    )
    def check(lines: list[str], deep: bool, skip: bool, cut: float | None, noise: bytes, at: float) -> None:
        text = "\n".join(lines + (["[" * 50_000 + "]" * 50_000, '{"n": 1' + "0" * 5000 + "}"] if deep else []))
        path = tmp_path / "siec.jsonl"
        path.write_bytes(mangle(text.encode(), cut, noise, at))
        attempt(store, path, "jsonl", skip)

    check()
    assert healthy(store)
