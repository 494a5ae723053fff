"""A read-only JSON API under ``/api``: organisations, nodes with their ties, analyses.

The same data as the pages, for scripts: ``/api/organisations`` (the list's search and filters,
``page``), ``/api/nodes/KEY`` (a node and its ties), ``/api/analyses`` (every analysis and its
parameters) and ``/api/analyses/NAME?…`` (a result: columns, labels, rows, notes, algorithm).
Reading needs what the pages need (a login, or the public mode); without it the answer is 401.
Errors are JSON too: ``{"error": message, "problems": [...]}`` with the HTTP status.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from flask import Blueprint, current_app, jsonify, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException

from partnergraph.errors import PartnergraphError, ValidationError
from partnergraph.i18n import current_language, t
from partnergraph.queries import analyses
from partnergraph.records import Node
from partnergraph.web.handlers import status_of
from partnergraph.web.organisations import search
from partnergraph.web.params import parse_form
from partnergraph.web.store import cached_result, get_store

__all__ = ["bp"]

bp = Blueprint("api", __name__, url_prefix="/api")


def _node(node: Node) -> dict[str, Any]:
    return {**node.as_json(), "version": node.version, "updated": node.updated}


@bp.route("/organisations")
def organisations() -> ResponseReturnValue:
    """A page of organisations matching ``q``, ``kind``, ``sector``, ``municipality``."""
    size = int(current_app.config["PAGE_SIZE"])
    filters = {name: request.args.get(name, "").strip() for name in ("q", "kind", "sector", "municipality")}
    try:
        page = max(1, int(request.args.get("page", "1")))
    except ValueError:
        page = 1
    found = search(get_store(), filters, (page - 1) * size, size + 1)
    return jsonify({"page": page, "more": len(found) > size, "items": [_node(n) for n in found[:size]]})


@bp.route("/nodes/<path:key>")
def node(key: str) -> ResponseReturnValue:
    """One node and its ties (each with the node at its other end)."""
    store = get_store()
    found = store.get_node(key)
    if found is None:
        return jsonify({"error": t("web.error.no_node", key=key), "problems": []}), 404
    ties = [{"tie": tie.as_json(), "other": {"key": other.key, "type": other.type, "name": other.props.get("name")}}
            for tie, other in store.neighbours(key)]  # fmt: skip
    return jsonify({"node": _node(found), "ties": ties})


@bp.route("/analyses")
def analysis_list() -> ResponseReturnValue:
    """Every analysis with its parameters (kind, default, choices, help in the current language)."""
    items = [{"name": a.name, "title": a.title(), "help": a.help(),
              "params": [{"name": p.name, "kind": p.kind, "default": _json(p.default), "choices": list(p.choices),
                          "required": p.required, "help": p.help()} for p in a.params]}
             for a in analyses().values()]  # fmt: skip
    return jsonify(items)


@bp.route("/analyses/<name>")
def analysis(name: str) -> ResponseReturnValue:
    """The result of analysis ``name`` with the query's parameters."""
    found = analyses().get(name)
    if found is None:
        return jsonify({"error": t("web.error.no_analysis", name=name), "problems": []}), 404
    params = parse_form(found.params, request.args)
    key = (found.name, *sorted((k, repr(v)) for k, v in params.items()))
    result = cached_result(key, lambda store: found.run(store, **params))
    return jsonify({"analysis": result.analysis, "algorithm": result.algorithm, "params": _json(result.params),
                    "language": current_language(), "columns": result.columns(), "labels": result.labels(),
                    "rows": [dataclasses.asdict(row) for row in result.rows], "notes": result.notes})  # fmt: skip


def _json(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    return value if value is None or isinstance(value, str | int | float | bool) else str(value)


@bp.errorhandler(PartnergraphError)
def _error(exc: PartnergraphError) -> ResponseReturnValue:
    problems = [str(p) for p in exc.problems] if isinstance(exc, ValidationError) else []
    return jsonify({"error": str(exc), "problems": problems}), status_of(exc)


@bp.errorhandler(HTTPException)
def _http(exc: HTTPException) -> ResponseReturnValue:
    code = exc.code or 500
    return jsonify({"error": t(f"web.error.{code}" if code in (400, 403, 404, 405) else "web.error.500"), "problems": []}), code
