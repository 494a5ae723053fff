"""Who may see and do what: Flask-Login, the roles, the public read-only mode, CSRF, API tokens.

Every page needs at least the ``viewer`` role unless the app is public (``PUBLIC``: anonymous
visitors read); :func:`requires` guards the pages that write. Endpoints in :data:`OPEN` (login,
static files, the API's OpenAPI document) are always reachable.

A JSON API request may carry ``Authorization: Bearer <token>`` instead of a session: the token
signs it in as its account (Flask-Login's request loader), with the account's role. A token that
is unknown or revoked is refused with 401 even when a session is there too. :func:`token_user`
is who the token names; the API writes only for a token (see :mod:`partnergraph.web.api`), so a
session cookie alone — which another site can make a browser send — never writes through it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, flash, g, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFProtect

from partnergraph.i18n import register_messages, t
from partnergraph.web.handlers import is_api_request, json_error
from partnergraph.web.users import USERS_FILE, User, UserStore

__all__ = ["OPEN", "allowed", "bearer_token", "init_app", "requires", "safe_next", "token_user", "users"]

register_messages(
    {
        "web.api.bad_token": "The API token is unknown or revoked; create a new one on the page /api/tokens.",
    }
)

F = TypeVar("F", bound=Callable[..., Any])
OPEN = frozenset({"auth.login", "static", "api.openapi"})
"""Endpoints reachable without logging in."""


def users() -> UserStore:
    """The accounts file of this app's instance folder."""
    return UserStore(Path(current_app.config["INSTANCE_PATH"]) / USERS_FILE)


def bearer_token() -> str | None:
    """The token of an ``Authorization: Bearer …`` header, or None."""
    scheme, _, token = request.headers.get("Authorization", "").strip().partition(" ")
    return (token.strip() or None) if scheme.lower() == "bearer" else None


def token_user() -> User | None:
    """The account of the request's bearer token (on API requests only), or None; checked once per request."""
    if "token_user" not in g:
        token = bearer_token() if is_api_request() else None
        g.token_user = users().token_user(token) if token else None
    found: User | None = g.token_user
    return found


def allowed(role: str) -> bool:
    """Whether the current visitor has ``role`` (anonymous visitors read when the app is public)."""
    user = token_user()  # a token decides on API requests, whatever the session says
    if user is None and current_user.is_authenticated:
        user = current_user._get_current_object()
    if user is not None:
        return user.can(role)
    return role == "viewer" and bool(current_app.config["PUBLIC"])


def _to_login() -> ResponseReturnValue:
    flash(t("web.login.needed"), "info")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def requires(role: str) -> Callable[[F], F]:
    """Guard a view: anonymous visitors go to the login page, users without ``role`` get 403."""

    def decorate(view: F) -> F:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if not allowed(role):
                if not current_user.is_authenticated:
                    return _to_login()
                abort(403)
            return view(*args, **kwargs)

        return guarded  # type: ignore[return-value]

    return decorate


def safe_next(target: str | None) -> str:
    """``target`` if it is a path on this site (no open redirects), else the dashboard."""
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and not urlsplit(target).netloc
        and "\\" not in target
    ):
        return target
    return url_for("dashboard.index")


def _gate() -> ResponseReturnValue | None:
    api = is_api_request()
    if api and bearer_token() is not None and token_user() is None:
        return json_error(401, t("web.api.bad_token"), headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
    if request.endpoint in OPEN or allowed("viewer"):
        return None
    if api:  # scripts get a status, not a login page
        return json_error(401, t("web.api.error.401"), headers={"WWW-Authenticate": "Bearer"})
    return _to_login()


def init_app(app: Flask) -> None:
    """Flask-Login, CSRF protection on every form, and the read gate before every request."""
    manager = LoginManager()
    manager.init_app(app)
    manager.session_protection = "strong"

    def load(name: str) -> User | None:
        return users().get(name)

    manager.user_loader(load)
    manager.request_loader(lambda _request: token_user())

    CSRFProtect(app)
    app.before_request(_gate)
    app.jinja_env.globals["allowed"] = allowed
