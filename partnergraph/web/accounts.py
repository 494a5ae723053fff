"""Accounts for admins (list, add, change a role or password, remove) and API tokens.

Only the ``admin`` role reaches ``/users/``. An admin cannot remove their own account (so a
site never loses its last admin by accident); the CLI (``partnergraph user …``) can do everything
these pages do with accounts. Admins also create API tokens for any account there (a viewer's
token reads only) and revoke any token; editors create and revoke their own on ``/api/tokens``
(:data:`tokens_bp`, mounted inside the API blueprint by :mod:`partnergraph.web.api`, but an HTML
form with a CSRF token like every other). A new token is shown once, on the answer to the POST
that made it, never stored in clear, flashed or cached.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from partnergraph.errors import ConflictError, NotFoundError, ValidationError
from partnergraph.i18n import register_messages, t
from partnergraph.web.access import requires, users
from partnergraph.web.users import ROLES

__all__ = ["bp", "tokens_bp"]

register_messages(
    {
        "web.api.tokens.title": "API tokens",
        "web.api.tokens.explain": "A token lets scripts use the JSON API (/api/…) on behalf of an account, with its role: "
        "send it in the header “Authorization: Bearer <token>”. Writing through the API (editors) "
        "works with a token only. The API's description: /api/openapi.json.",
        "web.api.tokens.label": "Label (what it is for)",
        "web.api.tokens.account": "Account",
        "web.api.tokens.create": "Create a token",
        "web.api.tokens.new": "New token number {number} — copy it now, it will not be shown again:",
        "web.api.tokens.none": "No tokens.",
        "web.api.tokens.number": "No.",
        "web.api.tokens.created": "Created",
        "web.api.tokens.last_used": "Last used",
        "web.api.tokens.never": "never",
        "web.api.tokens.revoke": "Revoke",
        "web.api.tokens.revoked": "Revoked token number {number}.",
    }
)

bp = Blueprint("accounts", __name__, url_prefix="/users")
tokens_bp = Blueprint("tokens", __name__, url_prefix="/tokens")
"""``/api/tokens``: an editor's own tokens (registered inside the API blueprint: endpoints ``api.tokens.*``)."""


def _no_store(body: str, status: int) -> ResponseReturnValue:
    response = make_response(body, status)
    response.headers["Cache-Control"] = "no-store"  # the page may show a new token
    return response


def _accounts_page(
    errors: list[str], form: dict[str, str], new: dict[str, Any] | None = None, status: int = 200
) -> ResponseReturnValue:
    page = render_template(
        "accounts.html", accounts=users().all(), roles=ROLES, errors=errors, form=form, tokens=users().tokens(), new=new
    )
    return _no_store(page, status)


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
    return _accounts_page(errors, form, status=400 if errors else 200)


@bp.route("/<name>/remove", methods=["POST"])
@requires("admin")
def remove(name: str) -> ResponseReturnValue:
    """Remove the account ``name`` (not one's own) and its API tokens."""
    if name == current_user.name:
        flash(t("web.acc.not_self"), "error")
        return redirect(url_for("accounts.index"))
    try:
        users().remove(name)
    except NotFoundError:
        abort(404)
    flash(t("web.acc.removed", name=name), "success")
    return redirect(url_for("accounts.index"))


@bp.route("/tokens", methods=["POST"])
@requires("admin")
def create_token() -> ResponseReturnValue:
    """Create an API token for the account ``name``; the answer shows it once."""
    try:
        record, token = users().create_token(request.form.get("name", "").strip(), request.form.get("label", ""))
    except NotFoundError:
        abort(404)
    except ValidationError as exc:
        return _accounts_page([str(p) for p in exc.problems], {"name": "", "role": "viewer"}, status=400)
    return _accounts_page(
        [], {"name": "", "role": "viewer"}, {"id": record.id, "name": record.name, "token": token}, 201
    )


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
@requires("admin")
def revoke_token(token_id: int) -> ResponseReturnValue:
    """Revoke any account's token."""
    try:
        users().revoke_token(token_id)
    except NotFoundError:
        abort(404)
    flash(t("web.api.tokens.revoked", number=token_id), "success")
    return redirect(url_for("accounts.index"))


def _tokens_page(errors: list[str], new: dict[str, Any] | None = None, status: int = 200) -> ResponseReturnValue:
    page = render_template("api_tokens.html", tokens=users().tokens(current_user.name), errors=errors, new=new)
    return _no_store(page, status)


@tokens_bp.route("", methods=["GET", "POST"])
@requires("editor")
def index_own() -> ResponseReturnValue:
    """The signed-in editor's own tokens; POST creates one (shown once)."""
    if request.method == "GET":
        return _tokens_page([])
    try:
        record, token = users().create_token(current_user.name, request.form.get("label", ""))
    except ValidationError as exc:
        return _tokens_page([str(p) for p in exc.problems], status=400)
    return _tokens_page([], {"id": record.id, "name": record.name, "token": token}, 201)


@tokens_bp.route("/<int:token_id>/revoke", methods=["POST"])
@requires("editor")
def revoke_own(token_id: int) -> ResponseReturnValue:
    """Revoke one of one's own tokens (another account's token is a 404)."""
    try:
        users().revoke_token(token_id, current_user.name)
    except NotFoundError:
        abort(404)
    flash(t("web.api.tokens.revoked", number=token_id), "success")
    return redirect(url_for("api.tokens.index_own"))
