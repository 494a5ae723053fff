"""Accounts for admins: list, add (name, role, password), change a role or password, remove.

Only the ``admin`` role reaches these pages. An admin cannot remove their own account (so a
site never loses its last admin by accident); the CLI (``partnergraph user …``) can do everything
these pages do.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from partnergraph.errors import ConflictError, NotFoundError, ValidationError
from partnergraph.i18n import t
from partnergraph.web.access import requires, users
from partnergraph.web.users import ROLES

__all__ = ["bp"]

bp = Blueprint("accounts", __name__, url_prefix="/users")


@bp.route("/", methods=["GET", "POST"])
@requires("admin")
def index() -> ResponseReturnValue:
    """The accounts; POST adds one (or, with ``update``, changes its role and password)."""
    errors: list[str] = []
    form = {"name": "", "role": "viewer"}
    if request.method == "POST":
        form = {"name": request.form.get("name", "").strip(), "role": request.form.get("role", "")}
        update = request.form.get("update") == "on"
        try:
            users().add(form["name"], request.form.get("password", ""), form["role"], update=update)
        except ValidationError as exc:
            errors = [str(p) for p in exc.problems]
        except ConflictError as exc:
            errors = [str(exc)]
        else:
            flash(t("web.acc.saved", name=form["name"], role=t(f"web.role.{form['role']}")), "success")
            return redirect(url_for("accounts.index"))
    status = 400 if errors else 200
    return render_template("accounts.html", accounts=users().all(), roles=ROLES, errors=errors, form=form), status


@bp.route("/<name>/remove", methods=["POST"])
@requires("admin")
def remove(name: str) -> ResponseReturnValue:
    """Remove the account ``name`` (not one's own)."""
    if name == current_user.name:
        flash(t("web.acc.not_self"), "error")
        return redirect(url_for("accounts.index"))
    try:
        users().remove(name)
    except NotFoundError:
        abort(404)
    flash(t("web.acc.removed", name=name), "success")
    return redirect(url_for("accounts.index"))
