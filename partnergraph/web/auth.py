"""Logging in and out (Flask-Login); accounts come from :mod:`partnergraph.web.users`."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_user, logout_user

from partnergraph.i18n import t
from partnergraph.web.access import safe_next, users

__all__ = ["bp"]

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    """The login form; a right name and password sign the user in and go on to ``next``."""
    if request.method == "POST":
        name = request.form.get("name", "").strip()
        user = users().check(name, request.form.get("password", ""))
        if user is not None:
            login_user(user)
            flash(t("web.login.done", name=user.name), "success")
            return redirect(safe_next(request.form.get("next")))
        flash(t("web.login.failed"), "error")
        return render_template("login.html", name=name, next=request.form.get("next", "")), 401
    return render_template("login.html", name="", next=request.args.get("next", ""))


@bp.route("/logout", methods=["POST"])
def logout() -> ResponseReturnValue:
    """Sign out (a POST with the CSRF token, so no other site can log a user out)."""
    logout_user()
    flash(t("web.logout.done"), "info")
    return redirect(url_for("auth.login"))
