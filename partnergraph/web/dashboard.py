"""The dashboard: what the store holds, partnership composition and KPIs, coverage gaps at a glance.

Everything comes from the library: :func:`~partnergraph.queries.summary.summary`,
:func:`~partnergraph.queries.partnership.partnership`, :func:`~partnergraph.queries.partnership.kpi`
and :func:`~partnergraph.queries.coverage.coverage` with ``missing_only``. The page's content is
computed once per write version of the store and language (:class:`Dashboard`), the table of
municipalities — a row and a link for each of up to 2,477 gminas — rendered into HTML then too;
a request only puts it in the page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue
from markupsafe import Markup

from partnergraph.graph.base import GraphStore
from partnergraph.queries.base import Result
from partnergraph.queries.coverage import coverage
from partnergraph.queries.partnership import KpiRow, kpi, partnership
from partnergraph.queries.summary import summary
from partnergraph.web.lists import link_maker, render
from partnergraph.web.store import cached

__all__ = ["GAPS_SHOWN", "Dashboard", "bp", "dashboard"]

bp = Blueprint("dashboard", __name__)
GAPS_SHOWN = 12
"""Coverage gaps listed on the dashboard (the analysis page lists all)."""
GROUPS = ("node_type", "tie_type", "municipality")


@dataclass(frozen=True)
class Dashboard:
    """What the dashboard shows, for one write version and language (shared: do not change)."""

    groups: dict[str, list[Any]]
    empty: bool
    composition: Result | None
    kpi_matrix: tuple[dict[str, str], list[tuple[str, dict[str, KpiRow]]]]
    gaps: Sequence[Any]
    gap_count: int
    municipality_rows: Markup
    """The rows of the municipalities' table, with their links to the filtered organisation list."""


def _build(store: GraphStore) -> Dashboard:
    counts = cached("summary", summary, by_language=True)
    groups = {group: [row for row in counts if row.group == group] for group in GROUPS}
    empty = not groups["node_type"]
    composition: Result | None = None if empty else cached("partnership", partnership, by_language=True)
    kpis: Result | None = None if empty else cached("kpi", kpi, by_language=True)
    gaps: Sequence[Any] = (
        [] if empty else cached("gaps", lambda s: coverage(s, missing_only=True), by_language=True).rows
    )
    link = link_maker("organisations.index", "municipality")
    places = groups["municipality"]
    return Dashboard(
        groups=groups,
        empty=empty,
        composition=composition,
        kpi_matrix=_matrix(kpis),
        gaps=gaps[:GAPS_SHOWN],
        gap_count=len(gaps),
        municipality_rows=render("municipality_rows", places, [link(row.name) for row in places]),
    )


def dashboard() -> Dashboard:
    """The dashboard of the request's store and language, built once per write version."""
    return cached(f"dashboard{request.script_root}", _build, by_language=True)  # links hold the script root


@bp.route("/")
def index() -> ResponseReturnValue:
    """Counts, partnerships, KPIs and the first coverage gaps."""
    view = dashboard()
    return render_template(
        "dashboard.html",
        groups=view.groups,
        empty=view.empty,
        composition=view.composition,
        kpi_matrix=view.kpi_matrix,
        gaps=view.gaps,
        gap_count=view.gap_count,
        municipality_rows=view.municipality_rows,
    )


def _matrix(result: Result | None) -> tuple[dict[str, str], list[tuple[str, dict[str, KpiRow]]]]:
    """KPI rows as a table: one line per partnership, one column per KPI (KPI name → label)."""
    columns: dict[str, str] = {}
    lines: dict[str, tuple[str, dict[str, KpiRow]]] = {}
    for row in result.rows if result is not None else ():
        columns.setdefault(row.kpi, row.label)
        lines.setdefault(row.partnership, (row.partnership_name, {}))[1][row.kpi] = row
    return columns, list(lines.values())
