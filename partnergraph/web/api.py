"""The JSON API under ``/api``: read organisations, nodes, ties and analyses; editors write with a token.

Every route is declared once in :data:`ROUTES` (through :func:`route`), which both registers it
on the blueprint and describes it in the OpenAPI 3.1 document served at ``/api/openapi.json`` —
the description cannot drift from the routes. Reading needs what the pages need (a session, a
token, or the public mode); writing needs an editor's token (``Authorization: Bearer …``, see
:mod:`partnergraph.web.access`): the blueprint is exempt from CSRF because a session cookie
alone never writes here. Every write goes through the store (``source="api"``, the token's
account as the user), so models.ttl validates it and the change log names who did it. Values
are JSON; text is parsed like the forms' (dates ``2024-03-01`` or ``01.03.2024``, ``1 234,50``).
``null`` removes a stored value (PATCH of a node, POST of an existing tie); a required one cannot be removed.
Errors are JSON (:func:`partnergraph.web.handlers.json_error`): 400 unreadable request, 401 no
login or token, 403 role, 404, 405, 409 conflict, 413, 422 invalid data with its problems.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NoReturn

from flask import Blueprint, abort, current_app, jsonify, request, url_for
from flask.typing import ResponseReturnValue

import partnergraph
from partnergraph.errors import Problem, ValidationError
from partnergraph.graph.base import GraphStore, WriteSummary
from partnergraph.i18n import Msg, Plural, current_language, register_messages, t
from partnergraph.importers.personal import personal_findings
from partnergraph.queries import analyses
from partnergraph.records import Node, Tie
from partnergraph.values import parse_boolean
from partnergraph.web.access import token_user
from partnergraph.web.accounts import tokens_bp
from partnergraph.web.handlers import json_error
from partnergraph.web.organisations import search
from partnergraph.web.params import parse_form
from partnergraph.web.store import cached_result, get_store
from partnergraph.web.users import User

__all__ = ["ROUTES", "Route", "bp", "openapi_document"]

register_messages(
    {
        "web.api.not_object": "The request body must be a JSON object.",
        "web.api.bad_field": "the field {name!r} must be of type {kind}",
        "web.api.unknown_field": "unknown field {name!r}; allowed: {allowed}",
        "web.api.required": "the field {name!r} is missing",
        "web.api.bad_params": "The query parameters cannot be read.",
        "web.api.bad_flag": "{name}={value!r}: expected 1/0, yes/no, true/false",
        "web.api.token_needed": "Writing through the API needs an editor's API token (header Authorization: Bearer …); "
        "a browser session is not enough. Create a token on the page /api/tokens.",
        "web.api.editors_only": "Editors and admins may write; this account's role: {role}.",
        "web.api.node_exists": "The node {key} already exists; change it with PATCH /api/nodes/{key}.",
        "web.api.has_ties": Plural(
            "The node {key} has {count} tie (listed in “problems”); delete it with the node: ?cascade=1.",
            "The node {key} has {count} ties (listed in “problems”); delete them with it: ?cascade=1.",
        ),
        "web.api.tie_of": "{type}: {name} ({key})",
        "web.api.no_tie": "There is no tie {tie}.",
        "web.api.doc.title": "partnergraph — JSON API",
        "web.api.doc.about": "Social-economy networks: organisations, municipalities, ties and analyses. Reading: a session, a "
        "token or the public mode; writing: an editor's API token. Errors: an “error” object.",
        "web.api.doc.bearer": "An API token (create it on /api/tokens); the token's account and role.",
        "web.api.doc.session": "The session after logging in on /login (API reading only).",
        "web.api.doc.lang": "The language of messages: pl (default) or en.",
        "web.api.doc.ok": "The result",
        "web.api.doc.created": "Created",
        "web.api.doc.error": "An error (an “error” object)",
        "web.api.doc.props": "Properties from models.ttl: name → JSON value (dates as 2024-03-01).",
        "web.api.doc.param": "The parameter {name}",
        "web.api.doc.organisations": "A page of organisations (search and filters as on the list)",
        "web.api.doc.node": "A node and its ties",
        "web.api.doc.create_node": "Create a node (editors, token)",
        "web.api.doc.update_node": "Change a node's properties; the values given replace the stored ones, null removes a value, the others "
        "stay (editors, token)",
        "web.api.doc.patch_props": "Properties from models.ttl: name → a new JSON value, or null, which removes the stored value "
        "(a required one cannot be removed); the ones not given stay.",
        "web.api.doc.tie_props": "Properties from models.ttl: name → JSON value; null removes a value stored in an existing tie.",
        "web.api.doc.delete_node": "Delete a node; with its ties only with ?cascade=1 (editors, token)",
        "web.api.doc.tie": "A tie",
        "web.api.doc.create_tie": "Create (or update an existing) tie (editors, token)",
        "web.api.doc.delete_tie": "Delete a tie (editors, token)",
        "web.api.doc.analysis_list": "The analyses and their parameters",
        "web.api.doc.analysis": "An analysis's result; its parameters as query parameters",
        "web.api.doc.openapi": "This document (OpenAPI 3.1)",
    }
)

bp = Blueprint("api", __name__, url_prefix="/api")
bp.register_blueprint(tokens_bp)  # /api/tokens: an HTML form, so CSRF-protected (only this blueprint is exempt)


@bp.record_once
def _exempt(state: Any) -> None:
    state.app.extensions["csrf"].exempt(bp)


@dataclass(frozen=True)
class Route:
    """One API route: what registers it and what the OpenAPI document says about it."""

    rule: str
    method: str
    endpoint: str
    ok: int
    """The status of a success."""
    result: str
    """The name of the success's schema in the document's components."""
    also_ok: tuple[int, ...] = ()
    """Other success statuses (with the same schema)."""
    body: str | None = None
    query: tuple[tuple[str, dict[str, Any]], ...] = ()
    errors: tuple[int, ...] = ()
    write: bool = False
    """Needs an editor's token."""


ROUTES: list[Route] = []
"""Every route of the API blueprint (a test checks them against ``app.url_map``)."""


def route(
    rule: str,
    method: str = "GET",
    *,
    result: str,
    ok: int = 200,
    also_ok: Sequence[int] = (),
    body: str | None = None,
    query: Sequence[tuple[str, dict[str, Any]]] = (),
    errors: Sequence[int] = (),
    write: bool = False,
) -> Callable[[Callable[..., ResponseReturnValue]], Callable[..., ResponseReturnValue]]:
    """Register ``view`` on the blueprint for ``method`` and describe it in :data:`ROUTES`."""

    def decorate(view: Callable[..., ResponseReturnValue]) -> Callable[..., ResponseReturnValue]:
        ROUTES.append(
            Route(rule, method, view.__name__, ok, result, tuple(also_ok), body, tuple(query), tuple(errors), write)
        )
        bp.add_url_rule(rule, view.__name__, view, methods=[method])
        return view

    return decorate


# -- helpers -------------------------------------------------------------------------------------
def _fail(
    status: int, message: str, problems: Sequence[Problem] = (), headers: dict[str, str] | None = None
) -> NoReturn:
    abort(json_error(status, message, problems, headers))


def _node(node: Node) -> dict[str, Any]:
    return {**node.as_json(), "version": node.version, "updated": node.updated}


def _editor() -> User:
    """The account of the request's token if it may write (401 without a token, 403 for a viewer)."""
    user = token_user()
    if user is None:
        _fail(401, t("web.api.token_needed"), headers={"WWW-Authenticate": "Bearer"})
    if not user.can("editor"):
        _fail(403, t("web.api.editors_only", role=user.role))
    return user


_KINDS: dict[type, str] = {str: "string", dict: "object"}


def _body(fields: dict[str, type], required: Sequence[str]) -> dict[str, Any]:
    """The JSON object of the request with only ``fields`` of their types (400 if not an object, 422 for bad fields)."""
    data = request.get_json(force=True, silent=True)
    if not isinstance(data, dict):
        _fail(400, t("web.api.not_object"))
    problems = [
        Problem(Msg("web.api.unknown_field", name=k, allowed=", ".join(fields)), k) for k in data if k not in fields
    ]
    problems += [
        Problem(Msg("web.api.bad_field", name=k, kind=_KINDS[kind]), k)
        for k, kind in fields.items()
        if k in data and not isinstance(data[k], kind)
    ]
    problems += [Problem(Msg("web.api.required", name=k), k) for k in required if k not in data]
    if problems:
        raise ValidationError(problems)
    return data


def _checked(check: Callable[[], Any], props: dict[str, Any], label: str = "") -> Any:
    """``check()``, its problems located at the request's fields: ``props.NAME`` for a property."""
    try:
        return check()
    except ValidationError as exc:
        problems = []
        for problem in exc.problems:
            where = problem.where.removeprefix(f"{label}: ") if label else problem.where
            problems.append(Problem(problem.message, f"props.{where}" if where in props else where, problem.hint))
        raise ValidationError(problems) from exc


def _warnings(props: dict[str, Any]) -> list[str]:
    return [str(message) for _, message in personal_findings({k: v for k, v in props.items() if v is not None})]


def _nulls(props: dict[str, Any]) -> list[str]:
    """The properties the request sets to ``null``: their stored values are to go."""
    return sorted(name for name, value in props.items() if value is None)


def _write(store: GraphStore, user: User, record: Node | Tie, key: str, gone: Sequence[str] = ()) -> WriteSummary:
    """Write ``record`` (stored under ``key``) as ``user``, removing the stored values of ``gone``."""
    remove = {key: gone} if gone else None
    with store.write(source="api", user=user.name) as writer:
        if isinstance(record, Node):
            writer.upsert_nodes([record], remove=remove)
        else:
            writer.upsert_ties([record], remove=remove)
    return writer.summary


def _found(store: GraphStore, key: str) -> Node:
    node = store.get_node(key)
    if node is None:
        _fail(404, t("web.error.no_node", key=key))
    return node


def _flag(name: str) -> bool:
    raw = request.args.get(name, "0")
    try:
        return parse_boolean(raw)
    except ValueError:
        _fail(400, t("web.api.bad_flag", name=name, value=raw))


# -- reading -------------------------------------------------------------------------------------
_TEXT = {"type": "string"}


@route(
    "/organisations",
    result="NodePage",
    query=[
        ("q", _TEXT),
        ("kind", _TEXT),
        ("sector", _TEXT),
        ("municipality", _TEXT),
        ("page", {"type": "integer", "minimum": 1}),
    ],
)
def organisations() -> ResponseReturnValue:
    """A page of organisations matching ``q``, ``kind``, ``sector``, ``municipality``."""
    size = int(current_app.config["PAGE_SIZE"])
    filters = {name: request.args.get(name, "").strip() for name in ("q", "kind", "sector", "municipality")}
    try:
        page = max(1, int(request.args.get("page", "1")))
    except ValueError:
        page = 1
    found = search(get_store(), filters, (page - 1) * size, size + 1)
    return jsonify({"page": page, "more": len(found) > size, "items": [_node(n) for n in found[:size]]})


@route("/nodes/<path:key>", result="NodeWithTies", errors=[404])
def node(key: str) -> ResponseReturnValue:
    """One node and its ties (each with the node at its other end)."""
    store = get_store()
    found = _found(store, key)
    ties = [
        {"tie": tie.as_json(), "other": {"key": other.key, "type": other.type, "name": other.props.get("name")}}
        for tie, other in store.neighbours(key)
    ]
    return jsonify({"node": _node(found), "ties": ties})


@route("/ties/<path:tie_id>", result="TieWritten", errors=[404])
def tie(tie_id: str) -> ResponseReturnValue:
    """One tie."""
    found = get_store().get_tie(tie_id)
    if found is None:
        _fail(404, t("web.api.no_tie", tie=tie_id))
    return jsonify({"tie": found.as_json(), "version": found.version})


@route("/analyses", result="AnalysisList")
def analysis_list() -> ResponseReturnValue:
    """Every analysis with its parameters (kind, default, choices, help in the current language)."""
    items = [
        {
            "name": a.name,
            "title": a.title(),
            "help": a.help(),
            "params": [
                {
                    "name": p.name,
                    "kind": p.kind,
                    "default": _json(p.default),
                    "choices": list(p.choices),
                    "required": p.required,
                    "help": p.help(),
                }
                for p in a.params
            ],
        }
        for a in analyses().values()
    ]
    return jsonify(items)


@route(
    "/analyses/<name>",
    result="AnalysisResult",
    query=[("params", {"type": "object", "additionalProperties": _TEXT})],
    errors=[400, 404],
)
def analysis(name: str) -> ResponseReturnValue:
    """The result of analysis ``name`` with the query's parameters."""
    found = analyses().get(name)
    if found is None:
        _fail(404, t("web.error.no_analysis", name=name))
    try:  # a value the analysis refuses is a bad query parameter too
        params = parse_form(found.params, request.args)
        key = (found.name, *sorted((k, repr(v)) for k, v in params.items()))
        result = cached_result(key, lambda store: found.run(store, **params))
    except ValidationError as exc:
        _fail(400, t("web.api.bad_params"), exc.problems)
    return jsonify(
        {
            "analysis": result.analysis,
            "algorithm": result.algorithm,
            "params": _json(result.params),
            "language": current_language(),
            "columns": result.columns(),
            "labels": result.labels(),
            "rows": [dataclasses.asdict(row) for row in result.rows],
            "notes": result.notes,
        }
    )


def _json(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    return value if value is None or isinstance(value, str | int | float | bool) else str(value)


# -- writing -------------------------------------------------------------------------------------
_WRITE_ERRORS = (400, 409, 413, 422)


@route("/nodes", "POST", result="NodeWritten", ok=201, body="NodeInput", errors=_WRITE_ERRORS, write=True)
def create_node() -> ResponseReturnValue:
    """Create a node (409 if its key exists: change it with PATCH); the key may be left out (derived as in the form)."""
    user = _editor()
    data = _body({"type": str, "key": str, "props": dict}, ("type",))
    store, props = get_store(), data.get("props", {})
    record = Node(data.get("key", ""), data["type"], props)
    key = _checked(lambda: store.validator.node(record), props).key
    if store.get_node(key) is not None:
        _fail(409, t("web.api.node_exists", key=key))
    written = _checked(lambda: store.upsert([record], source="api", user=user.name), props, key)
    body = {
        "node": _node(_found(store, key)),
        "version": written.version,
        "changed": True,
        "removed": 0,
        "warnings": _warnings(props),
    }
    return jsonify(body), 201, {"Location": url_for(".node", key=key)}


@route("/nodes/<path:key>", "PATCH", result="NodeWritten", body="NodePatch", errors=(404, *_WRITE_ERRORS), write=True)
def update_node(key: str) -> ResponseReturnValue:
    """Change the properties given (the store merges: the others keep their values); ``null`` removes a value."""
    user = _editor()
    props = _body({"props": dict}, ("props",))["props"]
    store = get_store()
    stored = _found(store, key)
    gone = _nulls(props)
    given = {name: value for name, value in props.items() if value is not None}
    required = {name for name, prop in store.schema.node_types[stored.type].properties.items() if prop.required}
    # required properties stay given (the store checks whole records, and refuses their removal by name)
    kept = {name: value for name, value in stored.as_json()["props"].items() if name not in gone or name in required}
    merged = {**kept, **given}
    record = Node(key, stored.type, merged)
    named = {**merged, **props}  # every field a problem may name
    _checked(lambda: store.validator.node(record), named)
    written = _checked(lambda: _write(store, user, record, key, gone), named, key)
    return jsonify(
        {
            "node": _node(_found(store, key)),
            "version": written.version,
            "changed": written.changed,
            "removed": written.removed,
            "warnings": _warnings(props),
        }
    )


@route(
    "/nodes/<path:key>",
    "DELETE",
    result="Deleted",
    query=[("cascade", {"type": "boolean"})],
    errors=(400, 404, 409),
    write=True,
)
def delete_node(key: str) -> ResponseReturnValue:
    """Delete a node; one with ties only with ``?cascade=1`` (409 listing the ties otherwise)."""
    user = _editor()
    cascade = _flag("cascade")
    store = get_store()
    _found(store, key)
    ties = store.neighbours(key)
    if ties and not cascade:
        problems = [
            Problem(
                Msg("web.api.tie_of", type=link.type, name=other.props.get("name", other.key), key=other.key), link.id
            )
            for link, other in ties
        ]
        _fail(409, t("web.api.has_ties", key=key, count=len(ties)), problems)
    with store.write(source="api", user=user.name) as writer:
        writer.delete_node(key, cascade=cascade)
    return jsonify(
        {"deleted": {"nodes": 1, "ties": writer.summary.get("tie", "deleted")}, "version": writer.summary.version}
    )


@route("/ties", "POST", result="TieWritten", ok=201, also_ok=[200], body="TieInput", errors=_WRITE_ERRORS, write=True)
def create_tie() -> ResponseReturnValue:
    """Create a tie (201) or update the same tie (200: same ends, type and ``since``, or the same ``id``)."""
    user = _editor()
    data = _body({"type": str, "start": str, "end": str, "id": str, "props": dict}, ("type", "start", "end"))
    store, props = get_store(), data.get("props", {})
    record = Tie(data["type"], data["start"], data["end"], props, data.get("id", ""))
    tie_id = _checked(lambda: store.validator.tie(record), props).id
    missing = [
        Problem(Msg("store.node_missing", key=data[end].strip()), end)
        for end in ("start", "end")
        if store.get_node(data[end].strip()) is None
    ]
    if missing:
        raise ValidationError(missing)
    existed = store.get_tie(tie_id) is not None
    gone = _nulls(props) if existed else []
    written = _checked(lambda: _write(store, user, record, tie_id, gone), props, tie_id)
    stored = store.get_tie(tie_id)
    assert stored is not None  # just written
    body = {
        "tie": stored.as_json(),
        "version": written.version,
        "changed": written.changed,
        "removed": written.removed,
        "warnings": _warnings(props),
    }
    return jsonify(body), 200 if existed else 201, {"Location": url_for(".tie", tie_id=tie_id)}


@route("/ties/<path:tie_id>", "DELETE", result="Deleted", errors=[404], write=True)
def delete_tie(tie_id: str) -> ResponseReturnValue:
    """Delete one tie."""
    user = _editor()
    store = get_store()
    if store.get_tie(tie_id) is None:
        _fail(404, t("web.api.no_tie", tie=tie_id))
    with store.write(source="api", user=user.name) as writer:
        writer.delete_tie(tie_id)
    return jsonify({"deleted": {"nodes": 0, "ties": 1}, "version": writer.summary.version})


# -- the OpenAPI document ------------------------------------------------------------------------
@route("/openapi.json", result="OpenAPI")
def openapi() -> ResponseReturnValue:
    """This API described as OpenAPI 3.1 (reachable without a login)."""
    return jsonify(openapi_document(get_store(), public=bool(current_app.config["PUBLIC"])))


_ARG = re.compile(r"<(?:(\w+):)?(\w+)>")


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json_content(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def _operation(item: Route, public: bool) -> dict[str, Any]:
    path_params = [
        {
            "name": name,
            "in": "path",
            "required": True,
            "description": t("web.api.doc.param", name=name),
            "schema": {"type": "integer"} if converter == "int" else _TEXT,
        }
        for converter, name in _ARG.findall(item.rule)
    ]
    query = [
        {
            "name": name,
            "in": "query",
            "required": False,
            "description": t("web.api.doc.param", name=name),
            "schema": schema,
            **({"style": "form", "explode": True} if schema.get("type") == "object" else {}),
        }
        for name, schema in (*item.query, ("lang", {"type": "string", "enum": ["pl", "en"]}))
    ]
    query[-1]["description"] = t("web.api.doc.lang")
    errors = [] if item.endpoint == "openapi" else [401, *([403] if item.write else []), *item.errors, 500]
    error = {"description": t("web.api.doc.error"), "content": _json_content(_ref("Error"))}
    success = {
        "description": t("web.api.doc.created" if item.ok == 201 else "web.api.doc.ok"),
        "content": _json_content(_ref(item.result)),
    }
    operation: dict[str, Any] = {
        "operationId": item.endpoint,
        "summary": t(f"web.api.doc.{item.endpoint}"),
        "parameters": path_params + query,
        "responses": {str(item.ok): success, **{str(code): error for code in sorted(set(errors))}},
    }
    for code in item.also_ok:
        operation["responses"][str(code)] = {
            "description": t("web.api.doc.ok"),
            "content": _json_content(_ref(item.result)),
        }
    if item.body:
        operation["requestBody"] = {"required": True, "content": _json_content(_ref(item.body))}
    if item.endpoint == "openapi":
        operation["security"] = []
    elif item.write:
        operation["security"] = [{"bearer": []}]
    else:
        operation["security"] = [{"bearer": []}, {"session": []}, *([{}] if public else [])]
    return operation


def openapi_document(store: GraphStore, *, public: bool = False) -> dict[str, Any]:
    """The OpenAPI 3.1 document of :data:`ROUTES`, in the current language; type names from the store's models.ttl."""
    paths: dict[str, dict[str, Any]] = {}
    for item in ROUTES:
        path = f"{bp.url_prefix}{_ARG.sub(lambda m: '{' + m.group(2) + '}', item.rule)}"
        paths.setdefault(path, {})[item.method.lower()] = _operation(item, public)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": t("web.api.doc.title"),
            "version": partnergraph.__version__,
            "description": t("web.api.doc.about"),
        },
        "servers": [{"url": request.script_root or "/"}],
        "paths": paths,
        "components": {"schemas": _schemas(store), "securitySchemes": _security()},
    }


def _security() -> dict[str, Any]:
    cookie = str(current_app.config.get("SESSION_COOKIE_NAME", "session"))
    return {
        "bearer": {"type": "http", "scheme": "bearer", "description": t("web.api.doc.bearer")},
        "session": {"type": "apiKey", "in": "cookie", "name": cookie, "description": t("web.api.doc.session")},
    }


def _array(item: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": item}


def _object(properties: dict[str, Any], required: Sequence[str] = (), extra: bool = False) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": list(required), "additionalProperties": extra}


def _schemas(store: GraphStore) -> dict[str, Any]:
    text, integer, array = _TEXT, {"type": "integer"}, _array
    props = {
        "type": "object",
        "description": t("web.api.doc.props"),
        "additionalProperties": {"type": ["string", "number", "boolean"]},
    }
    removable = {"type": ["string", "number", "boolean", "null"]}
    patch_props = {**props, "description": t("web.api.doc.patch_props"), "additionalProperties": removable}
    tie_props = {**props, "description": t("web.api.doc.tie_props"), "additionalProperties": removable}
    node_type = {"type": "string", "enum": list(store.schema.node_types)}
    tie_type = {"type": "string", "enum": list(store.schema.tie_types)}
    tie = _object(
        {"id": text, "type": tie_type, "start": text, "end": text, "props": props},
        ("id", "type", "start", "end", "props"),
    )
    node = _object(
        {"key": text, "type": node_type, "props": props, "version": integer, "updated": {"type": ["string", "null"]}},
        ("key", "type", "props"),
    )
    written = {"version": integer, "changed": {"type": "boolean"}, "removed": integer, "warnings": array(text)}
    error = _object(
        {"status": integer, "message": text, "problems": array(_ref("Problem"))}, ("status", "message", "problems")
    )
    node_ties = _object(
        {"node": _ref("Node"), "ties": array(_object({"tie": _ref("Tie"), "other": {"type": "object"}}))},
        ("node", "ties"),
    )
    return {
        "Problem": _object(
            {"where": text, "message": text, "hint": {"type": ["string", "null"]}}, ("where", "message", "hint")
        ),
        "Error": _object({"error": error}, ("error",)),
        "Node": node,
        "Tie": tie,
        "NodeInput": _object({"type": node_type, "key": text, "props": props}, ("type",)),
        "NodePatch": _object({"props": patch_props}, ("props",)),
        "TieInput": _object(
            {"type": tie_type, "start": text, "end": text, "id": text, "props": tie_props}, ("type", "start", "end")
        ),
        "NodePage": _object(
            {"page": integer, "more": {"type": "boolean"}, "items": array(_ref("Node"))}, ("page", "more", "items")
        ),
        "NodeWithTies": node_ties,
        "NodeWritten": _object({"node": _ref("Node"), **written}, ("node", "version")),
        "TieWritten": _object({"tie": _ref("Tie"), **written}, ("tie", "version")),
        "Deleted": _object(
            {"deleted": _object({"nodes": integer, "ties": integer}), "version": integer}, ("deleted", "version")
        ),
        "AnalysisList": array({"type": "object"}),
        "AnalysisResult": {"type": "object", "required": ["analysis", "columns", "rows"]},
        "OpenAPI": {"type": "object", "required": ["openapi", "paths"]},
    }
