"""The dashboard: what the store holds, partnership composition and KPIs, coverage gaps at a glance.

Each part is computed once per write version of the store (and language), then reused. Everything
comes from the library: :func:`~partnergraph.queries.summary.summary`,
:func:`~partnergraph.queries.partnership.partnership`, :func:`~partnergraph.queries.partnership.kpi`
and :func:`~partnergraph.queries.coverage.coverage` with ``missing_only``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue

from partnergraph.queries.base import Result
from partnergraph.queries.coverage import coverage
from partnergraph.queries.partnership import KpiRow, kpi, partnership
from partnergraph.queries.summary import summary
from partnergraph.web.store import cached

__all__ = ["GAPS_SHOWN", "bp"]

bp = Blueprint("dashboard", __name__)
GAPS_SHOWN = 12
"""Coverage gaps listed on the dashboard (the analysis page lists all)."""


@bp.route("/")
def index() -> ResponseReturnValue:
    """Counts, partnerships, KPIs and the first coverage gaps."""
    counts = cached("summary", summary, by_language=True)
    groups = {
        group: [row for row in counts if row.group == group] for group in ("node_type", "tie_type", "municipality")
    }
    empty = not groups["node_type"]
    composition: Result | None = None if empty else cached("partnership", partnership, by_language=True)
    kpis: Result | None = None if empty else cached("kpi", kpi, by_language=True)
    gaps: Sequence[Any] = (
        [] if empty else cached("gaps", lambda s: coverage(s, missing_only=True), by_language=True).rows
    )
    return render_template(
        "dashboard.html",
        groups=groups,
        empty=empty,
        composition=composition,
        kpi_matrix=_matrix(kpis),
        gaps=gaps[:GAPS_SHOWN],
        gap_count=len(gaps),
    )


def _matrix(result: Result | None) -> tuple[dict[str, str], list[tuple[str, dict[str, KpiRow]]]]:
    """KPI rows as a table: one line per partnership, one column per KPI (KPI name → label)."""
    columns: dict[str, str] = {}
    lines: dict[str, tuple[str, dict[str, KpiRow]]] = {}
    for row in result.rows if result is not None else ():
        columns.setdefault(row.kpi, row.label)
        lines.setdefault(row.partnership, (row.partnership_name, {}))[1][row.kpi] = row
    return columns, list(lines.values())
