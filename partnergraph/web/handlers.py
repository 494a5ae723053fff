"""Errors as one readable page, the language of each request, and security headers on every response.

:mod:`partnergraph.errors` exceptions become their message (and hint) on an error page with a
fitting status; HTTP errors get a short text; anything else becomes a 500 page without details
(the traceback goes to the server log only). Under ``/api/`` (except the HTML pages in
:data:`API_PAGES`) every error is JSON instead — ``{"error": {"status", "message", "problems"}}``,
each problem ``{"where", "message", "hint"}`` — in the request's language, never a traceback.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any

from flask import Flask, current_app, g, jsonify, render_template, request, session
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.wrappers import Response

from partnergraph.errors import (
    ConflictError,
    IntegrityError,
    NotFoundError,
    PartnergraphError,
    Problem,
    StoreUnavailableError,
    ValidationError,
)
from partnergraph.i18n import LANGUAGES, register_messages, t, use_language
from partnergraph.web.formatting import number

__all__ = ["API_PAGES", "CSP", "init_app", "is_api_request", "json_error", "problem_json", "size_text", "status_of"]

register_messages(
    {
        "web.import.too_large": "The largest size allowed is {limit} (setting MAX_CONTENT_LENGTH); split the file or "
        "import it with 'partnergraph import'.",
        "web.api.error.401": "A login or an API token (header Authorization: Bearer …) is needed.",
        "web.api.error.403": "Your role does not allow this request.",
        "web.api.error.404": "There is no such address in the API; the list of addresses: /api/openapi.json.",
        "web.api.error.405": "This API address does not accept the method {method}; allowed: {allowed}.",
        "web.api.error.other": "The request failed (HTTP {code}).",
        "web.api.invalid": "The data does not fit the model (models.ttl); problems: {count}, listed in “problems”.",
    }
)

API_PREFIX = "/api/"
API_PAGES = ("/api/tokens",)
"""HTML pages under ``/api/`` (forms for people): their errors stay pages."""

CSP = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'"
"""The Content-Security-Policy of every page: no inline scripts, nothing from other sites."""
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "SAMEORIGIN",
    "Referrer-Policy": "same-origin",
}


def status_of(exc: PartnergraphError) -> int:
    """The HTTP status for a partnergraph error."""
    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, ConflictError):
        return 409
    if isinstance(exc, StoreUnavailableError):
        return 503
    return 400


def is_api_request() -> bool:
    """Whether the request is for the JSON API (its errors are JSON)."""
    path = request.path
    if not (path == API_PREFIX.rstrip("/") or path.startswith(API_PREFIX)):
        return False
    return not any(path == page or path.startswith(page + "/") for page in API_PAGES)


def problem_json(problem: Problem) -> dict[str, str | None]:
    """One problem as the API shows it: where, what, and how to fix it (rendered in the request's language)."""
    return {
        "where": problem.where,
        "message": str(problem.message),
        "hint": str(problem.hint) if problem.hint else None,
    }


def json_error(
    status: int, message: str, problems: Sequence[Problem] = (), headers: Mapping[str, str] | None = None
) -> Response:
    """The API's error answer: ``{"error": {"status", "message", "problems"}}`` with ``status``."""
    response = jsonify(
        {"error": {"status": status, "message": message, "problems": [problem_json(p) for p in problems]}}
    )
    response.status_code = status
    response.headers.update(headers or {})
    return response


def _api_partnergraph(exc: PartnergraphError) -> Response:
    if isinstance(exc, ValidationError):
        return json_error(422, t("web.api.invalid", count=len(exc.problems)), exc.problems)
    return json_error(409 if isinstance(exc, IntegrityError) else status_of(exc), str(exc))


def _api_http(exc: HTTPException) -> Response:
    code = exc.code or 500
    if isinstance(exc, MethodNotAllowed):
        methods = sorted(exc.valid_methods or ())
        allowed = ", ".join(m for m in methods if m not in ("HEAD", "OPTIONS"))
        return json_error(
            405, t("web.api.error.405", method=request.method, allowed=allowed), headers={"Allow": ", ".join(methods)}
        )
    if code in (401, 403, 404):
        return json_error(code, t(f"web.api.error.{code}"))
    if code in (400, 413, 500):
        limit = current_app.config.get("MAX_CONTENT_LENGTH")
        extra = [Problem(t("web.import.too_large", limit=size_text(limit)))] if code == 413 and limit else []
        return json_error(code, t(f"web.error.{code}"), extra)
    return json_error(code, t("web.api.error.other", code=code))


def _lines(exc: PartnergraphError) -> list[str]:
    if isinstance(exc, ValidationError):
        return [str(p) for p in exc.problems]
    return [str(exc)]


def _partnergraph(exc: PartnergraphError) -> ResponseReturnValue:
    if is_api_request():
        return _api_partnergraph(exc)
    return render_template("error.html", lines=_lines(exc)), status_of(exc)


def size_text(size: int) -> str:
    """A byte count for reading: ``16 MB``, ``512 kB``, ``100 B`` (binary multiples, Polish decimal comma).

    >>> size_text(16 * 1024 * 1024), size_text(1536), size_text(100)
    ('16 MB', '1,5 kB', '100 B')
    """
    for unit, factor in (("MB", 1 << 20), ("kB", 1 << 10)):
        if size >= factor:
            return f"{number(size / factor, 1)} {unit}"
    return f"{size} B"


def _http(exc: HTTPException) -> ResponseReturnValue:
    if is_api_request():
        return _api_http(exc)
    code = exc.code or 500
    known = code in (400, 403, 404, 405, 413)
    lines = [t(f"web.error.{code}" if known else "web.error.500")]
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if code == 413 and limit:
        lines.append(t("web.import.too_large", limit=size_text(limit)))
    return render_template("error.html", lines=lines), code


def _csrf(_exc: CSRFError) -> ResponseReturnValue:
    if is_api_request():
        return json_error(400, t("web.error.csrf"))
    return render_template("error.html", lines=[t("web.error.csrf")]), 400


def _unexpected(exc: Exception) -> ResponseReturnValue:
    if isinstance(exc, HTTPException):
        return _http(exc)
    current_app.logger.exception("unexpected error on %s", request.path)
    if is_api_request():
        return json_error(500, t("web.error.500"))
    return render_template("error.html", lines=[t("web.error.500")]), 500


def _language() -> None:
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        session["lang"] = asked
    remembered = session.get("lang")
    language = str(remembered if remembered in LANGUAGES else current_app.config["LANGUAGE"])
    manager: AbstractContextManager[Any] = use_language(language)
    manager.__enter__()
    g.language, g.language_manager = language, manager


def _end_language(_exc: BaseException | None = None) -> None:
    manager = g.pop("language_manager", None)
    if manager is not None:
        manager.__exit__(None, None, None)


def _headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def init_app(app: Flask) -> None:
    """Register the error handlers, the per-request language and the headers."""
    app.register_error_handler(PartnergraphError, _partnergraph)
    app.register_error_handler(CSRFError, _csrf)
    app.register_error_handler(HTTPException, _http)
    app.register_error_handler(Exception, _unexpected)
    app.before_request(_language)
    app.teardown_request(_end_language)
    app.after_request(_headers)
