"""Who may see and do what: Flask-Login, the roles, the public read-only mode, CSRF.

Every page needs at least the ``viewer`` role unless the app is public (``PUBLIC``: anonymous
visitors read); :func:`requires` guards the pages that write. Endpoints in :data:`OPEN` (login,
static files) are always reachable.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, flash, jsonify, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFProtect

from partnergraph.i18n import t
from partnergraph.web.users import USERS_FILE, User, UserStore

__all__ = ["OPEN", "allowed", "init_app", "requires", "safe_next", "users"]

F = TypeVar("F", bound=Callable[..., Any])
OPEN = frozenset({"auth.login", "static"})
"""Endpoints reachable without logging in."""


def users() -> UserStore:
    """The accounts file of this app's instance folder."""
    return UserStore(Path(current_app.config["INSTANCE_PATH"]) / USERS_FILE)


def allowed(role: str) -> bool:
    """Whether the current visitor has ``role`` (anonymous visitors read when the app is public)."""
    if current_user.is_authenticated:
        user: User = current_user._get_current_object()
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
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc and "\\" not in target:
        return target
    return url_for("dashboard.index")


def _gate() -> ResponseReturnValue | None:
    if request.endpoint in OPEN or allowed("viewer"):
        return None
    if request.blueprint == "api":  # scripts get a status, not a login page
        return jsonify({"error": t("web.login.needed"), "problems": []}), 401
    return _to_login()


def init_app(app: Flask) -> None:
    """Flask-Login, CSRF protection on every form, and the read gate before every request."""
    manager = LoginManager()
    manager.init_app(app)
    manager.session_protection = "strong"

    def load(name: str) -> User | None:
        return users().get(name)

    manager.user_loader(load)

    CSRFProtect(app)
    app.before_request(_gate)
    app.jinja_env.globals["allowed"] = allowed
