"""One page per analysis, generated from the registry :func:`partnergraph.queries.analyses`.

Each analysis's :class:`~partnergraph.queries.base.Param` declarations become a GET form; the
result is a table with the row type's labels, its notes and method, a CSV download and (when
the analysis has one) its chart, served as ``image/svg+xml`` from its own URL so that the
pages keep a strict Content-Security-Policy. Results are kept per parameters until the store's
write version changes (:func:`~partnergraph.web.store.cached_result`). An analysis runs when every required parameter
has a value; a bad value is shown next to the form, not as an error page.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, render_template, request
from flask.typing import ResponseReturnValue

from partnergraph.errors import PartnergraphError, ValidationError
from partnergraph.queries import analyses
from partnergraph.queries.base import Analysis, Result
from partnergraph.web.handlers import status_of
from partnergraph.web.params import form_value, missing_required, parse_form
from partnergraph.web.store import cached_result
from partnergraph.web.tables import csv_text

__all__ = ["bp"]

bp = Blueprint("analyses", __name__, url_prefix="/analyses")


def _analysis(name: str) -> Analysis:
    found = analyses().get(name)
    if found is None:
        abort(404)
    return found


def _run(analysis: Analysis) -> Result:
    """The result for the request's parameters (shared by the page, its CSV and its chart)."""
    params = parse_form(analysis.params, request.args)
    key = (analysis.name, *sorted((k, repr(v)) for k, v in params.items()))
    return cached_result(key, lambda store: analysis.run(store, **params))


@bp.route("/")
def index() -> ResponseReturnValue:
    """Every analysis with its title and help."""
    return render_template("analyses.html", analyses=list(analyses().values()))


@bp.route("/<name>")
def show(name: str) -> ResponseReturnValue:
    """The form and, once the required parameters are given, the result."""
    analysis = _analysis(name)
    missing = missing_required(analysis.params, request.args)
    result: Result | None = None
    errors: list[str] = []
    status = 200
    if not missing:
        try:
            result = _run(analysis)
        except ValidationError as exc:
            errors, status = [str(p) for p in exc.problems], 400
        except PartnergraphError as exc:
            errors, status = [str(exc)], status_of(exc)
        if "run" not in request.args:  # the first visit ran on defaults: a refusal is advice, not a failed request
            status = 200
    values = {p.name: form_value(p, request.args) for p in analysis.params}
    query: dict[str, Any] = request.args.to_dict(flat=True)
    query.pop("lang", None)
    return render_template(
        "analysis.html",
        analysis=analysis,
        result=result,
        errors=errors,
        missing=missing,
        values=values,
        query=query,
        chart=analysis.chart is not None and bool(result and result.rows),
    ), status


@bp.route("/<name>.csv")
def download(name: str) -> ResponseReturnValue:
    """The result as CSV (``;``, UTF-8 with BOM), with the same parameters as the page."""
    analysis = _analysis(name)
    result = _run(analysis)
    headers = {"Content-Disposition": f'attachment; filename="{analysis.name}.csv"'}
    return Response(csv_text(result.columns(), result.records()), mimetype="text/csv", headers=headers)


@bp.route("/<name>/chart.svg")
def chart(name: str) -> ResponseReturnValue:
    """The analysis's chart (SVG), shown by the page as an image."""
    analysis = _analysis(name)
    if analysis.chart is None:
        abort(404)
    svg = analysis.chart(_run(analysis))
    return Response(
        svg,
        mimetype="image/svg+xml",
        headers={"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'"},
    )
