"""CSV tables for researchers: nodes, ties and metrics, with a codebook that explains every column.

One folder, four files, each ``;``-separated UTF-8 with a BOM (Polish Excel opens them right;
R ``read.csv2`` and pandas ``sep=";", decimal=","`` read them too):

* ``nodes.csv`` — one row per node, all node types, a ``type`` column and one column per node
  property of models.ttl (empty where a type lacks it);
* ``ties.csv`` — one row per tie: ``id``, ``type``, ``start``, ``end``, ``symmetric``, one
  column per tie property, ``count_suppressed``;
* ``metrics.csv`` — per organisation the node metrics of :mod:`partnergraph.queries.metrics`;
* ``codebook.csv`` — per file and column: Polish and English label, datatype, allowed values
  (the vocabulary's codes with their labels), description, and for metrics the method.

Values: dates ISO (``2024-03-01``), decimals with a comma (``36500,5``), booleans ``true`` /
``false``, text that a spreadsheet would run as a formula gets a leading quote
(:func:`partnergraph.values.csv_safe`; numbers stay numbers). Privacy as in :mod:`partnergraph.exports.common`:
private properties only with ``include_private``; a referral count from 1 to 4 is ``<5``.

    >>> from partnergraph.graph.sqlite import SqliteStore
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> write_tables(SqliteStore(":memory:"), folder)
    {'nodes.csv': 0, 'ties.csv': 0, 'metrics.csv': 0, 'codebook.csv': 64}
"""

from __future__ import annotations

import csv
import dataclasses
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from partnergraph.exports.common import Column, node_columns, node_values, tie_columns, tie_values
from partnergraph.graph.base import GraphStore
from partnergraph.i18n import Msg, register_messages
from partnergraph.queries.base import Result, row_labels
from partnergraph.queries.metrics import MetricRow, metrics
from partnergraph.schema import Schema
from partnergraph.values import DECIMAL, csv_safe, lexical

__all__ = ["CODEBOOK_COLUMNS", "FILES", "cell", "codebook_rows", "metrics_result", "write_tables"]

FILES = ("nodes.csv", "ties.csv", "metrics.csv", "codebook.csv")
CODEBOOK_COLUMNS = (
    "file",
    "column",
    "label_pl",
    "label_en",
    "datatype",
    "values",
    "description_pl",
    "description_en",
    "method",
)

register_messages(
    {
        "exp.tables.count_values": "a whole number, or <5 (a count from 1 to 4, hidden to protect people)",
        "exp.tables.metric": "A network metric of the organisation (see the method column).",
    }
)


def cell(value: Any) -> str:
    """A value as CSV text for R and pandas: ISO dates, decimal comma, true/false (the XSD forms of
    :func:`partnergraph.values.lexical`, but a decimal comma), formulas quoted by :func:`~partnergraph.values.csv_safe`.

    >>> import datetime as dt
    >>> cell(36500.5), cell(True), cell(dt.date(2024, 3, 1)), cell("=SUM(A1)"), cell(None), cell(-5)
    ('36500,5', 'true', '2024-03-01', "'=SUM(A1)", '', '-5')
    """
    return csv_safe(value, _research_text)


def _research_text(value: Any) -> str:
    return DECIMAL.text(value, "pl") if isinstance(value, float) else lexical(value)


def _write(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream, delimiter=";", lineterminator="\r\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow([cell(v) for v in row])
            count += 1
    return count


def _node_columns(schema: Schema, include_private: bool) -> list[Column]:
    return [c for c in node_columns(schema, include_private) if c.name != "label"]


def _nodes(store: GraphStore, columns: list[Column], include_private: bool) -> Iterable[list[Any]]:
    for node in store.iter_nodes():
        values = node_values(store.schema, node, include_private)
        yield [node.key, *(values.get(c.name) for c in columns)]


def _ties(store: GraphStore, columns: list[Column], include_private: bool) -> Iterable[list[Any]]:
    for tie in store.iter_ties():
        values = tie_values(store.schema, tie, include_private)
        yield [tie.id, values["type"], tie.start, tie.end, *(values.get(c.name) for c in columns[1:])]


def metrics_result(store: GraphStore) -> Result:
    """Every node metric of every organisation (all rows, exact up to the engine's threshold)."""
    return metrics(store, top=0)


_METRIC_COLUMNS = [f.name for f in dataclasses.fields(MetricRow) if f.name not in ("kind", "municipality")]

_FIELD_TYPES = {f.name: str(f.type) for f in dataclasses.fields(MetricRow)}


def write_tables(
    store: GraphStore, folder: Path, *, include_private: bool = False, result: Result | None = None
) -> dict[str, int]:
    """Write the four files into the existing ``folder``; rows written per file (codebook: its rows).

    ``result`` is a :func:`metrics_result` already computed (the bundle reuses it).
    """
    schema = store.schema
    ncols, tcols = _node_columns(schema, include_private), tie_columns(schema, include_private)
    result = result or metrics_result(store)
    counts = {
        "nodes.csv": _write(
            folder / "nodes.csv", ["key", *(c.name for c in ncols)], _nodes(store, ncols, include_private)
        ),
        "ties.csv": _write(
            folder / "ties.csv",
            ["id", "type", "start", "end", *(c.name for c in tcols[1:])],
            _ties(store, tcols, include_private),
        ),
        "metrics.csv": _write(
            folder / "metrics.csv",
            _METRIC_COLUMNS,
            ([getattr(row, c) for c in _METRIC_COLUMNS] for row in sorted(result.rows, key=lambda r: r.key)),
        ),
    }
    book = codebook_rows(schema, include_private, result)
    counts["codebook.csv"] = _write(
        folder / "codebook.csv", CODEBOOK_COLUMNS, ([r[c] for c in CODEBOOK_COLUMNS] for r in book)
    )
    return counts


def _values(column: Column) -> str:
    if column.name == "count":
        return Msg("exp.tables.count_values").render("pl") + " / " + Msg("exp.tables.count_values").render("en")
    prop = column.prop
    if prop is None:
        return ""
    if prop.vocabulary is not None:
        return " | ".join(f"{code} = {c.label('pl')} / {c.label('en')}" for code, c in prop.vocabulary.concepts.items())
    if prop.allowed:
        return " | ".join(prop.allowed)
    return prop.pattern or ""


def _entry(
    file: str, column: Column | None, name: str, datatype: str, method: str = "", **texts: str
) -> dict[str, str]:
    if column is not None:
        pl, en = column.labels()
        texts = {
            "label_pl": pl,
            "label_en": en,
            "description_pl": column.comment("pl"),
            "description_en": column.comment("en"),
            "values": _values(column),
            **texts,
        }
    return {
        "file": file,
        "column": name,
        "datatype": datatype,
        "method": method,
        **{k: texts.get(k, "") for k in _TEXTS},
    }


_TEXTS = ("label_pl", "label_en", "values", "description_pl", "description_en")


def codebook_rows(schema: Schema, include_private: bool, result: Result) -> list[dict[str, str]]:
    """One row per column of nodes.csv, ties.csv and metrics.csv (see :data:`CODEBOOK_COLUMNS`)."""
    key_col, id_col, start, end = (Column(n, "string") for n in ("key", "id", "start", "end"))
    rows = [_entry("nodes.csv", c, c.name, c.datatype) for c in [key_col, *_node_columns(schema, include_private)]]
    ties = tie_columns(schema, include_private)
    for c in [id_col, ties[0], start, end, *ties[1:]]:
        rows.append(_entry("ties.csv", c, c.name, "string or integer" if c.name == "count" else c.datatype))
    note = Msg("exp.tables.metric")
    polish, english = row_labels(MetricRow, "pl"), row_labels(MetricRow, "en")
    for name in _METRIC_COLUMNS:
        pl, en = polish[name], english[name]
        if name in ("key", "name"):
            rows.append(_entry("metrics.csv", None, name, "string", label_pl=pl, label_en=en))
            continue
        datatype = "integer" if _FIELD_TYPES[name] == "int" else "decimal"
        rows.append(
            _entry(
                "metrics.csv",
                None,
                name,
                datatype,
                result.algorithm,
                label_pl=pl,
                label_en=en,
                description_pl=note.render("pl"),
                description_en=note.render("en"),
            )
        )
    return rows
