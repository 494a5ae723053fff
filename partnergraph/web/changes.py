"""The change log: who changed what and when; editors can revert a write after confirming it.

Reverting calls :meth:`~partnergraph.graph.base.GraphStore.revert`, which writes a new
version (so the log keeps both) and refuses, with a message, when the same records changed
again later.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from partnergraph.errors import ConflictError, NotFoundError
from partnergraph.graph.base import Change
from partnergraph.i18n import t
from partnergraph.web.access import requires
from partnergraph.web.store import get_store

__all__ = ["SHOWN", "bp", "by_write", "summary_of"]

bp = Blueprint("changes", __name__, url_prefix="/changes")
SHOWN = 200
"""Latest change-log entries listed."""


def summary_of(change: Change) -> str:
    """What changed, in one line: the properties added, changed or removed."""
    before = (change.before or {}).get("props", {})
    after = (change.after or {}).get("props", {})
    names = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
    return ", ".join(names)


@bp.route("/")
def index() -> ResponseReturnValue:
    """The latest changes, newest first (``?key=`` for one node or tie)."""
    key = request.args.get("key") or None
    entries = get_store().changes(key=key, limit=SHOWN)
    return render_template("changes.html", entries=entries, writes=by_write(entries), key=key, summary_of=summary_of)


def by_write(entries: Sequence[Change]) -> list[tuple[Change, list[Change]]]:
    """Entries grouped by write version, in the given (newest first) order: (first entry, entries)."""
    groups: dict[int, list[Change]] = {}
    for entry in entries:
        groups.setdefault(entry.version, []).append(entry)
    return [(group[0], group) for group in groups.values()]


@bp.route("/<int:version>/revert", methods=["GET", "POST"])
@requires("editor")
def revert(version: int) -> ResponseReturnValue:
    """GET: what the revert would undo, with a confirm button; POST (CSRF-checked): revert it."""
    store = get_store()
    entries = store.changes(version=version, limit=None)
    if not entries:
        abort(404)
    if request.method == "GET":
        return render_template("revert.html", version=version, entries=entries, summary_of=summary_of)
    try:
        written = store.revert(version, source="web", user=current_user.name)
    except (ConflictError, NotFoundError) as exc:
        flash(str(exc), "error")
        return redirect(url_for("changes.index"))
    flash(t("web.ch.reverted", version=version, new=written.version), "success")
    return redirect(url_for("changes.index"))
