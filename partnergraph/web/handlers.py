"""Errors as one readable page, the language of each request, and security headers on every response.

:mod:`partnergraph.errors` exceptions become their message (and hint) on an error page with a
fitting status; HTTP errors get a short text; anything else becomes a 500 page without details
(the traceback goes to the server log only).
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

from flask import Flask, current_app, g, render_template, request, session
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from partnergraph.errors import ConflictError, NotFoundError, PartnergraphError, StoreUnavailableError, ValidationError
from partnergraph.i18n import LANGUAGES, t, use_language

__all__ = ["CSP", "init_app", "status_of"]

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


def _lines(exc: PartnergraphError) -> list[str]:
    if isinstance(exc, ValidationError):
        return [str(p) for p in exc.problems]
    return [str(exc)]


def _partnergraph(exc: PartnergraphError) -> ResponseReturnValue:
    return render_template("error.html", lines=_lines(exc)), status_of(exc)


def _http(exc: HTTPException) -> ResponseReturnValue:
    code = exc.code or 500
    known = code in (400, 403, 404, 405, 413)
    return render_template("error.html", lines=[t(f"web.error.{code}" if known else "web.error.500")]), code


def _csrf(_exc: CSRFError) -> ResponseReturnValue:
    return render_template("error.html", lines=[t("web.error.csrf")]), 400


def _unexpected(exc: Exception) -> ResponseReturnValue:
    if isinstance(exc, HTTPException):
        return _http(exc)
    current_app.logger.exception("unexpected error on %s", request.path)
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
