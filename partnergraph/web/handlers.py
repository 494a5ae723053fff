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
from partnergraph.i18n import LANGUAGES, register_messages, t, use_language
from partnergraph.web.formatting import number

__all__ = ["CSP", "init_app", "size_text", "status_of"]

register_messages({
    "web.import.too_large": ("Największy dozwolony rozmiar to {limit} (ustawienie MAX_CONTENT_LENGTH); podziel plik albo "
                             "zaimportuj go poleceniem 'partnergraph import'.",
                             "The largest size allowed is {limit} (setting MAX_CONTENT_LENGTH); split the file or "
                             "import it with 'partnergraph import'."),
})  # fmt: skip

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
    code = exc.code or 500
    known = code in (400, 403, 404, 405, 413)
    lines = [t(f"web.error.{code}" if known else "web.error.500")]
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if code == 413 and limit:
        lines.append(t("web.import.too_large", limit=size_text(limit)))
    return render_template("error.html", lines=lines), code


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
