"""Creating and editing organisations, with a form generated from models.ttl.

Each property of the ``Organisation`` node type becomes a field: a list of allowed values
(vocabularies) becomes a select, a yes/no value a select, a date a text field taking
2024-03-01 or 01.03.2024; required fields are marked. The store's validator checks the input —
its messages appear next to the field they name. Every write goes to the change log with the
editor's name and the source ``web``. Editing keeps values that are left empty: the store merges
properties, so a value cannot be cleared here yet.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from partnergraph.errors import PartnergraphError, ValidationError
from partnergraph.graph.base import GraphStore
from partnergraph.i18n import current_language, t
from partnergraph.importers.personal import personal_findings
from partnergraph.records import Node, Tie
from partnergraph.schema import PropertyDef
from partnergraph.values import Value, to_json
from partnergraph.web.access import requires
from partnergraph.web.store import get_store

__all__ = ["NODE_TYPE", "Field", "bp", "fields_of", "tie_fields", "tie_types_from"]

bp = Blueprint("editing", __name__)
NODE_TYPE = "Organisation"
HIDDEN = frozenset({"source", "example"})
"""Properties the form leaves out: the write's source and the example-data marker are set by tools."""


@dataclass(frozen=True)
class Field:
    """One form field: the property's name, label, widget, options and whether it is required."""

    name: str
    label: str
    widget: str
    """text | select | date"""
    options: tuple[tuple[str, str], ...] = ()
    required: bool = False
    private: bool = False


def fields_of(store: GraphStore, node_type: str = NODE_TYPE) -> list[Field]:
    """The form fields of ``node_type``, in models.ttl order."""
    return _fields(store.schema.node_types[node_type].properties)


def _fields(properties: Mapping[str, PropertyDef]) -> list[Field]:
    language, found = current_language(), []
    for name, prop in properties.items():
        if name in HIDDEN:
            continue
        if prop.vocabulary is not None:
            options = tuple((code, concept.label(language)) for code, concept in prop.vocabulary.concepts.items())
            found.append(Field(name, prop.label(language), "select", options, prop.required, prop.private))
        elif prop.datatype == "boolean":
            found.append(Field(name, prop.label(language), "select", (("tak", t("web.yes")), ("nie", t("web.no"))), prop.required))
        else:
            found.append(Field(name, prop.label(language), "date" if prop.datatype == "date" else "text", (), prop.required, prop.private))
    return found


def _shown(value: Value) -> str:
    if isinstance(value, bool):
        return "tak" if value else "nie"
    return str(to_json(value))


def _render(store: GraphStore, node: Node | None, values: dict[str, str], errors: dict[str, list[str]], status: int) -> ResponseReturnValue:
    return render_template("edit.html", node=node, fields=fields_of(store), values=values, errors=errors), status


def field_errors(exc: PartnergraphError, names: set[str]) -> dict[str, list[str]]:
    """Messages by the field they name ("" for the others)."""
    if not isinstance(exc, ValidationError):
        return {"": [str(exc)]}
    errors: dict[str, list[str]] = {}
    for problem in exc.problems:
        text = str(problem.message) + (f" ({problem.hint})" if problem.hint else "")
        field = problem.where.rsplit(": ", 1)[-1]  # a tie's problems are located as "TIE ID: field"
        errors.setdefault(field if field in names else "", []).append(text)
    return errors


def _save(store: GraphStore, key: str, node: Node | None) -> ResponseReturnValue:
    values = {f.name: request.form.get(f.name, "").strip() for f in fields_of(store)}
    props = {name: value for name, value in values.items() if value}
    try:
        written = store.upsert([Node(key, NODE_TYPE, props)], source="web", user=current_user.name)
    except PartnergraphError as exc:
        return _render(store, node, {**values, "key": key}, field_errors(exc, {*values, "key"}), 400)
    saved = _saved_key(store, key, props, written.version)
    flash(t("web.edit.saved", name=props.get("name", saved), version=written.version), "success")
    for _, message in personal_findings(props):
        flash(str(message), "warning")
    return redirect(url_for("organisations.show", key=saved))


def _saved_key(store: GraphStore, key: str, props: dict[str, str], version: int) -> str:
    """The key the store gave the node (derived from an identifier or the name when none was typed)."""
    if key:
        return key
    created = [c.key for c in store.changes(version=version, limit=None) if c.entity == "node"]
    return created[0] if created else key


@bp.route("/organisations/new", methods=["GET", "POST"])
@requires("editor")
def new() -> ResponseReturnValue:
    """An empty form; POST creates the organisation (the key may be left empty: derived from KRS/NIP/REGON or the name)."""
    store = get_store()
    if request.method == "POST":
        return _save(store, request.form.get("key", "").strip(), None)
    return _render(store, None, {"key": ""}, {}, 200)


@bp.route("/organisations/<path:key>/edit", methods=["GET", "POST"])
@requires("editor")
def edit(key: str) -> ResponseReturnValue:
    """The organisation's values in the form; POST saves the changes."""
    store = get_store()
    node = _organisation(store, key)
    if request.method == "POST":
        return _save(store, key, node)
    return _render(store, node, {name: _shown(value) for name, value in node.props.items()}, {}, 200)


def _organisation(store: GraphStore, key: str) -> Node:
    """The stored organisation ``key`` (404 for another node type or none)."""
    node = store.get_node(key)
    if node is None or node.type != NODE_TYPE:
        abort(404)
    return node


def tie_types_from(store: GraphStore, node: Node) -> dict[str, str]:
    """Tie types that may start at ``node`` (by its type), name → label."""
    language = current_language()
    return {name: tt.label(language) for name, tt in store.schema.tie_types.items() if node.type in tt.domain}


def tie_fields(store: GraphStore, tie_type: str) -> list[Field]:
    """The form fields of a tie type's properties, in models.ttl order."""
    return _fields(store.schema.tie_types[tie_type].properties)


def _tie_form(store: GraphStore, node: Node, tie_type: str | None, values: dict[str, str], errors: dict[str, list[str]],
              status: int) -> ResponseReturnValue:  # fmt: skip
    fields = tie_fields(store, tie_type) if tie_type else []
    return render_template("tie.html", node=node, types=tie_types_from(store, node), tie_type=tie_type, fields=fields,
                           values=values, errors=errors), status  # fmt: skip


@bp.route("/organisations/<path:key>/ties/new", methods=["GET", "POST"])
@requires("editor")
def new_tie(key: str) -> ResponseReturnValue:
    """Add a tie from this node: first its type (GET ``?type=``), then the other end and the tie's properties."""
    store = get_store()
    node = store.get_node(key)
    if node is None:
        abort(404)
    tie_type = request.values.get("type") or None
    if tie_type is not None and tie_type not in tie_types_from(store, node):
        abort(404)
    if request.method == "GET" or tie_type is None:
        return _tie_form(store, node, tie_type, {}, {}, 200)
    values = {f.name: request.form.get(f.name, "").strip() for f in tie_fields(store, tie_type)}
    end = request.form.get("end", "").strip()
    try:
        written = store.upsert(ties=[Tie(tie_type, key, end, {k: v for k, v in values.items() if v})], source="web",
                               user=current_user.name)  # fmt: skip
    except PartnergraphError as exc:
        return _tie_form(store, node, tie_type, {**values, "end": end}, field_errors(exc, {*values, "end"}), 400)
    flash(t("web.tie.saved", version=written.version), "success")
    return redirect(url_for("organisations.show", key=key))


@bp.route("/organisations/<path:key>/delete", methods=["GET", "POST"])
@requires("editor")
def delete(key: str) -> ResponseReturnValue:
    """GET: what deleting would remove, with a confirm button; POST: delete the node and its ties (undo: revert)."""
    store = get_store()
    node = _organisation(store, key)
    if request.method == "GET":
        return render_template("delete.html", node=node, ties=store.neighbours(key))
    with store.write(source="web", user=current_user.name) as writer:
        writer.delete_node(key, cascade=True)
    flash(t("web.del.done", name=node.props.get("name", key), version=writer.summary.version), "success")
    return redirect(url_for("organisations.index"))
