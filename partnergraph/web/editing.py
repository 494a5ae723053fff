"""Creating and editing organisations and ties, with forms generated from models.ttl.

Each property of the ``Organisation`` node type (or of a tie type) becomes a field: a list of allowed values
(vocabularies) becomes a select, a yes/no value a select, a date a text field taking
2024-03-01 or 01.03.2024; required fields are marked. The store's validator checks the input —
its messages appear next to the field they name. Every write goes to the change log with the
editor's name and the source ``web``. Emptying a field that had a value removes the value (the
store's ``remove``, in the same write and change-log entry as the other changes, so a revert
puts it back); a required one cannot be emptied, and the form says so next to it. A field the
form did not post at all keeps its value.

A tie's type and ends are its identity and cannot be edited (another type or end is another
tie). ``since`` is part of the identity too when the tie's id was derived from it
(:func:`~partnergraph.records.tie_id`): changing it deletes the tie and creates the one with the
new id in the same write, so the change log holds both and one revert undoes both.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from partnergraph import records
from partnergraph.errors import PartnergraphError, Problem, ValidationError
from partnergraph.graph.base import GraphStore, Writer
from partnergraph.i18n import Msg, current_language, register_messages, t
from partnergraph.importers.personal import personal_findings
from partnergraph.records import Node, Tie
from partnergraph.schema import PropertyDef
from partnergraph.values import Value, to_json
from partnergraph.web.access import requires
from partnergraph.web.store import get_store

__all__ = ["NODE_TYPE", "Field", "bp", "cleared", "edited_tie", "fields_of", "tie_fields", "tie_types_from"]

bp = Blueprint("editing", __name__)
NODE_TYPE = "Organisation"
HIDDEN = frozenset({"source", "example"})
"""Properties the form leaves out: the write's source and the example-data marker are set by tools."""

register_messages(
    {
        "web.tie.edit": "Edit",
        "web.tie.delete": "Delete",
        "web.tie.actions": "Actions",
        "web.tie.edit_title": "Editing the tie: {start} — {end}",
        "web.tie.id": "Identifier",
        "web.tie.to": "To",
        "web.tie.side": "Party",
        "web.tie.fixed_help": "The tie's type and ends cannot be changed: another type or end makes another tie — "
        "delete this one and add a new one.",
        "web.tie.since_help": "Changing the start date “since” makes a new tie: the write deletes this one and adds a new one "
        "with the same values (one write version, which the change log can revert).",
        "web.tie.renewed": "New start date: the tie's identifier is now {tie}.",
        "web.tie.since_taken": "the tie {tie} with this start date already exists; edit or delete it instead",
        "web.tie.delete_title": "Delete the tie: {start} — {end}?",
        "web.tie.delete_explain": "Only this tie is deleted; both ends stay. The change log can revert it.",
        "web.tie.deleted": "Deleted the tie {start} — {end} (write version {version}); the change log can revert it.",
        "web.edit.clear_note": "Emptying a field removes the stored value (required fields cannot be emptied); "
        "the change log can revert it.",
        "web.edit.cleared": "Values removed: {names}.",
    }
)


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
            found.append(
                Field(
                    name, prop.label(language), "select", (("tak", t("web.yes")), ("nie", t("web.no"))), prop.required
                )
            )
        else:
            found.append(
                Field(
                    name,
                    prop.label(language),
                    "date" if prop.datatype == "date" else "text",
                    (),
                    prop.required,
                    prop.private,
                )
            )
    return found


def _shown(value: Value) -> str:
    if isinstance(value, bool):
        return "tak" if value else "nie"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # 48000, not 48000.0
    return str(to_json(value))


def _render(
    store: GraphStore, node: Node | None, values: dict[str, str], errors: dict[str, list[str]], status: int
) -> ResponseReturnValue:
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


def cleared(fields: list[Field], stored: Mapping[str, Value]) -> list[Field]:
    """The ``fields`` posted empty whose property has a stored value (a field not posted at all is kept)."""
    return [f for f in fields if f.name in stored and f.name in request.form and not request.form[f.name].strip()]


def _flash_cleared(gone: list[Field], saved: Node | Tie | None) -> None:
    """Say which values the write removed (a value the store derives again, a kind's sector, stays)."""
    if names := [f.label for f in gone if saved is not None and f.name not in saved.props]:
        flash(t("web.edit.cleared", names=", ".join(names)), "info")


def _save(store: GraphStore, key: str, node: Node | None) -> ResponseReturnValue:
    fields = fields_of(store)
    values = {f.name: request.form.get(f.name, "").strip() for f in fields}
    props = {name: value for name, value in values.items() if value}
    gone = cleared(fields, node.props) if node is not None else []
    try:
        with store.write(source="web", user=current_user.name) as writer:
            writer.upsert_nodes([Node(key, NODE_TYPE, props)], remove={key: [f.name for f in gone]} if gone else None)
    except PartnergraphError as exc:
        return _render(store, node, {**values, "key": key}, field_errors(exc, {*values, "key"}), 400)
    written = writer.summary
    saved = _saved_key(store, key, props, written.version)
    flash(t("web.edit.saved", name=props.get("name", saved), version=written.version), "success")
    _flash_cleared(gone, store.get_node(saved))
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


def _tie_form(
    store: GraphStore,
    node: Node,
    tie_type: str | None,
    values: dict[str, str],
    errors: dict[str, list[str]],
    status: int,
) -> ResponseReturnValue:
    fields = tie_fields(store, tie_type) if tie_type else []
    return render_template(
        "tie.html",
        node=node,
        types=tie_types_from(store, node),
        tie_type=tie_type,
        fields=fields,
        values=values,
        errors=errors,
    ), status


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
        written = store.upsert(
            ties=[Tie(tie_type, key, end, {k: v for k, v in values.items() if v})], source="web", user=current_user.name
        )
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


# -- editing and deleting one tie ---------------------------------------------------------------
def _stored_tie(store: GraphStore, ident: str) -> tuple[Tie, Node, Node]:
    """The stored tie and its two end nodes (404 when there is no such tie)."""
    tie = store.get_tie(ident)
    start, end = (store.get_node(tie.start), store.get_node(tie.end)) if tie else (None, None)
    if tie is None or start is None or end is None:
        abort(404)
    return tie, start, end


def _name(node: Node) -> str:
    return str(node.props.get("name", node.key))


def _back(tie: Tie) -> str:
    """The end whose page the editor came from (``?back=``), else the tie's start."""
    back = request.args.get("back", "")
    return back if back in (tie.start, tie.end) else tie.start


def _details(store: GraphStore, tie: Tie) -> list[tuple[str, Value]]:
    """(label, value) of the tie's properties, in models.ttl order, without those set by tools."""
    properties, language = store.schema.tie_types[tie.type].properties, current_language()
    return [
        (prop.label(language), tie.props[name])
        for name, prop in properties.items()
        if name in tie.props and name not in HIDDEN
    ]


def _tie_page(store: GraphStore, template: str, tie: Tie, ends: tuple[Node, Node], **context: object) -> str:
    tie_type = store.schema.tie_types[tie.type]
    return render_template(
        template,
        tie=tie,
        start=ends[0],
        end=ends[1],
        start_name=_name(ends[0]),
        end_name=_name(ends[1]),
        type_label=tie_type.label(current_language()),
        symmetric=tie_type.symmetric,
        back=_back(tie),
        details=_details(store, tie),
        renews=_since_in_id(tie),
        **context,
    )


def edited_tie(store: GraphStore, tie: Tie, values: Mapping[str, str]) -> Tie:
    """``tie`` with the form's ``values`` (empty: the stored value goes), checked, with the id it will have.

    A value shown unchanged keeps its stored typed value; a required one left empty stays here, for
    the store to refuse its removal (:func:`_rewrite`) with the message that says so. The id stays
    unless it was derived from ``since`` (:func:`~partnergraph.records.tie_id`): then a new or
    emptied ``since`` gives a new id.
    """
    props = dict(tie.props)
    properties = store.schema.tie_types[tie.type].properties
    for name, text in values.items():
        if not text:
            if not (name in properties and properties[name].required):
                props.pop(name, None)
        elif not (name in tie.props and text == _shown(tie.props[name])):
            props[name] = text
    derived = _since_in_id(tie)
    return store.validator.tie(Tie(tie.type, tie.start, tie.end, props, "" if derived else tie.id))


def _since_in_id(tie: Tie) -> bool:
    """Whether the tie's id is the one derived from its ends, type and ``since`` (a new ``since`` gives a new id)."""
    return tie.id == records.tie_id(tie.start, tie.type, tie.end, tie.props.get("since"))


def _rewrite(writer: Writer, old: Tie, new: Tie, gone: list[str]) -> None:
    """Write ``new`` in place of ``old`` without the values of ``gone``: an update, or a delete and a
    create when the id changes."""
    if new.id != old.id:
        if writer.tx.get_ties([new.id]):
            raise ValidationError([Problem(Msg("web.tie.since_taken", tie=new.id), "since")])
        writer.delete_tie(old.id)
    writer.upsert_ties([new], remove={new.id: gone} if gone else None)


@bp.route("/ties/<path:tie_id>/edit", methods=["GET", "POST"])
@requires("editor")
def edit_tie(tie_id: str) -> ResponseReturnValue:
    """The tie's own properties in a form (type and ends shown, not editable); POST saves them."""
    store = get_store()
    tie, start, end = _stored_tie(store, tie_id)
    fields = tie_fields(store, tie.type)
    if request.method == "GET":
        values = {name: _shown(value) for name, value in tie.props.items()}
        return _tie_page(store, "tie_edit.html", tie, (start, end), fields=fields, values=values, errors={})
    values = {f.name: request.form[f.name].strip() for f in fields if f.name in request.form}
    gone = cleared(fields, tie.props)
    try:
        new = edited_tie(store, tie, values)
        with store.write(source="web", user=current_user.name) as writer:
            _rewrite(writer, tie, new, [f.name for f in gone])
    except PartnergraphError as exc:
        errors = field_errors(exc, {f.name for f in fields})
        shown = {name: _shown(value) for name, value in tie.props.items()} | values
        return _tie_page(store, "tie_edit.html", tie, (start, end), fields=fields, values=shown, errors=errors), 400
    flash(t("web.tie.saved", version=writer.summary.version), "success")
    _flash_cleared(gone, store.get_tie(new.id))
    if new.id != tie.id:
        flash(t("web.tie.renewed", tie=new.id), "info")
    return redirect(url_for("organisations.show", key=_back(tie)))


@bp.route("/ties/<path:tie_id>/delete", methods=["GET", "POST"])
@requires("editor")
def delete_tie(tie_id: str) -> ResponseReturnValue:
    """GET: the tie, its ends and dates, with a confirm button; POST: delete it (undo: revert in the change log)."""
    store = get_store()
    tie, start, end = _stored_tie(store, tie_id)
    if request.method == "GET":
        return _tie_page(store, "tie_delete.html", tie, (start, end))
    with store.write(source="web", user=current_user.name) as writer:
        writer.delete_tie(tie.id)
    flash(t("web.tie.deleted", start=_name(start), end=_name(end), version=writer.summary.version), "success")
    return redirect(url_for("organisations.show", key=_back(tie)))
