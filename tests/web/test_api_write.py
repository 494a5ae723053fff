"""API tokens and writing through the JSON API, on every backend: create, update, delete nodes and ties.

Writes need an editor's token (``Authorization: Bearer …``); a viewer's token reads only; a
browser session alone never writes (no CSRF bypass); every error is JSON.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.security import generate_password_hash

from partnergraph.graph.base import GraphStore
from partnergraph.web.users import USERS_FILE, UserStore
from tests.web.conftest import PASSWORD, XSS, login

LAKA = "Spółdzielnia Socjalna „Łąka”"


@pytest.fixture
def api(backend_app: Callable[..., Flask]) -> FlaskClient:
    return backend_app().test_client()


def token_of(tmp_path: Path, name: str) -> dict[str, str]:
    """The Authorization header of a new token of ``name``."""
    _, token = UserStore(tmp_path / USERS_FILE).create_token(name, "test")
    return {"Authorization": f"Bearer {token}"}


def error_of(response: Any, status: int) -> dict[str, Any]:
    """The JSON error body of ``response``, checked to have ``status``."""
    assert response.status_code == status and response.mimetype == "application/json", response.get_data(as_text=True)
    error: dict[str, Any] = response.json["error"]
    assert error["status"] == status and "Traceback" not in response.get_data(as_text=True)
    return error


def test_a_token_is_shown_once_and_only_its_hash_is_stored(api: FlaskClient, tmp_path: Path) -> None:
    login(api, "ewa")
    created = api.post("/api/tokens", data={"label": "skrypt gminy"})
    page = created.get_data(as_text=True)
    assert created.status_code == 201 and created.headers["Cache-Control"] == "no-store" and "skopiuj go teraz" in page
    token = re.search(r"<code>(pgt_[\w-]+)</code>", page).group(1)  # type: ignore[union-attr]
    listed = api.get("/api/tokens").get_data(as_text=True)
    assert "skrypt gminy" in listed and token not in listed  # shown once
    stored = (tmp_path / USERS_FILE).read_bytes()
    assert token.encode() not in stored and hashlib.sha256(token.encode()).hexdigest().encode() in stored
    api.post("/logout")
    read = api.get("/api/organisations", headers={"Authorization": f"Bearer {token}"})
    assert read.status_code == 200 and read.json["items"]  # type: ignore[index]


def test_a_viewer_token_reads_but_cannot_write(api: FlaskClient, tmp_path: Path) -> None:
    headers = token_of(tmp_path, "wiktor")
    assert api.get("/api/nodes/org:lacka", headers=headers).status_code == 200
    refused = api.post(
        "/api/nodes",
        json={"type": "Organisation", "props": {"name": LAKA, "kind": "social_cooperative"}},
        headers=headers,
    )
    assert "rola tego konta: viewer" in error_of(refused, 403)["message"]


def test_an_editor_token_creates_a_node_and_the_change_log_names_the_editor(
    api: FlaskClient, tmp_path: Path, example_store: GraphStore
) -> None:
    headers = token_of(tmp_path, "ewa")
    body = {"type": "Organisation", "props": {"name": LAKA, "kind": "social_cooperative", "founded": "2024-03-01"}}
    created = api.post("/api/nodes", json=body, headers=headers)
    assert created.status_code == 201, created.json
    node = created.json["node"]  # type: ignore[index]
    assert (
        node["key"] == "org:spoldzielnia-socjalna-laka" and created.headers["Location"] == f"/api/nodes/{node['key']}"
    )
    assert node["props"] == {"name": LAKA, "kind": "social_cooperative", "founded": "2024-03-01", "sector": "social"}
    assert LAKA in created.get_data(as_text=True)  # Polish letters as they are
    [change] = example_store.changes(key=node["key"])
    assert (change.user, change.source, change.op) == ("ewa", "api", "create")
    again = api.post("/api/nodes", json=body, headers=headers)
    assert "PATCH /api/nodes/org:spoldzielnia-socjalna-laka" in error_of(again, 409)["message"]


def test_patch_changes_the_given_properties_and_keeps_the_others(
    api: FlaskClient, tmp_path: Path, example_store: GraphStore
) -> None:
    headers = token_of(tmp_path, "ewa")
    changed = api.patch(
        "/api/nodes/org:lacka", json={"props": {"city": "Kwilcz", "founded": "01.03.2024"}}, headers=headers
    )
    assert changed.status_code == 200 and changed.json["changed"] is True  # type: ignore[index]
    stored = example_store.get_node("org:lacka")
    assert stored is not None and stored.props["city"] == "Kwilcz" and str(stored.props["founded"]) == "2024-03-01"
    assert stored.props["kind"] == "social_cooperative"  # merged, not replaced
    assert example_store.changes(key="org:lacka")[0].user == "ewa"
    same = api.patch("/api/nodes/org:lacka", json={"props": {"city": "Kwilcz"}}, headers=headers)
    assert same.json["changed"] is False  # type: ignore[index]
    error_of(api.patch("/api/nodes/org:nie-ma", json={"props": {"city": "X"}}, headers=headers), 404)


def test_delete_with_ties_needs_cascade(api: FlaskClient, tmp_path: Path, example_store: GraphStore) -> None:
    headers = token_of(tmp_path, "ewa")
    refused = error_of(api.delete("/api/nodes/org:lacka", headers=headers), 409)
    assert "?cascade=1" in refused["message"]
    assert {p["where"] for p in refused["problems"]} == {
        "org:lacka-[LOCATED_IN]->teryt:3014022",
        "org:ces-kwilcz-[COOPERATES_WITH]->org:lacka",
    }
    assert example_store.get_node("org:lacka") is not None
    done = api.delete("/api/nodes/org:lacka?cascade=1", headers=headers)
    assert done.status_code == 200 and done.json["deleted"] == {"nodes": 1, "ties": 2}  # type: ignore[index]
    assert example_store.get_node("org:lacka") is None and example_store.neighbours(
        "org:ces-kwilcz", tie_types=["COOPERATES_WITH"]
    )
    error_of(api.delete("/api/nodes/org:lacka", headers=headers), 404)
    error_of(api.delete("/api/nodes/org:xss?cascade=może", headers=headers), 400)


def test_invalid_values_are_422_with_their_fields(api: FlaskClient, tmp_path: Path) -> None:
    headers = token_of(tmp_path, "ewa")
    body = {"type": "Organisation", "props": {"name": LAKA, "kind": "zzz", "founded": "31.02.2024", "colour": "red"}}
    error = error_of(api.post("/api/nodes", json=body, headers=headers), 422)
    where = {p["where"]: p for p in error["problems"]}
    assert set(where) == {"props.kind", "props.founded", "props.colour"}
    assert "'zzz'" in where["props.kind"]["message"] and "social_cooperative" in where["props.kind"]["hint"]
    missing = error_of(api.post("/api/nodes", json={"props": {}, "extra": 1}, headers=headers), 422)
    assert {p["where"] for p in missing["problems"]} == {"type", "extra"}
    assert (
        error_of(api.post("/api/nodes", data="nie JSON", headers=headers), 400)["message"]
        == "Treść żądania musi być obiektem JSON."
    )
    english = error_of(
        api.patch("/api/nodes/org:lacka?lang=en", json={"props": {"founded": "wczoraj"}}, headers=headers), 422
    )
    assert english["message"].startswith("The data does not fit") and english["problems"][0]["where"] == "props.founded"


def test_ties_are_created_updated_and_deleted(api: FlaskClient, tmp_path: Path, example_store: GraphStore) -> None:
    headers = token_of(tmp_path, "ewa")
    body = {
        "type": "COOPERATES_WITH",
        "start": "org:xss",
        "end": "org:lacka",
        "props": {"since": "2024-03-01", "evidence": "umowa"},
    }
    created = api.post("/api/ties", json=body, headers=headers)
    assert created.status_code == 201, created.json
    tie = created.json["tie"]  # type: ignore[index]
    assert tie["id"] == "org:lacka-[COOPERATES_WITH]->org:xss@2024-03-01" and tie["props"]["since"] == "2024-03-01"
    again = api.post("/api/ties", json={**body, "props": {"since": "2024-03-01", "strength": 3}}, headers=headers)
    assert again.status_code == 200 and again.json["tie"]["props"]["evidence"] == "umowa"  # type: ignore[index]
    path = f"/api/ties/{quote(tie['id'], safe='')}"
    assert api.get(path, headers=headers).json["tie"]["props"]["strength"] == 3  # type: ignore[index]
    assert api.delete(path, headers=headers).json["deleted"] == {"nodes": 0, "ties": 1}  # type: ignore[index]
    assert example_store.get_tie(tie["id"]) is None and example_store.changes(key=tie["id"])[0].user == "ewa"
    error_of(api.delete(path, headers=headers), 404)
    missing = error_of(api.post("/api/ties", json={**body, "end": "org:nie-ma"}, headers=headers), 422)
    assert missing["problems"][0]["where"] == "end"
    wrong = error_of(
        api.post("/api/ties", json={"type": "LOCATED_IN", "start": "org:xss", "end": "org:lacka"}, headers=headers), 422
    )
    assert wrong["problems"][0]["where"] == "end"


def test_a_session_cookie_alone_cannot_write_even_with_csrf_on(backend_app: Callable[..., Flask]) -> None:
    client = backend_app(WTF_CSRF_ENABLED=True).test_client()
    form = client.get("/login").get_data(as_text=True)
    csrf = form.split('name="csrf_token" value="')[1].split('"')[0]
    assert client.post("/login", data={"name": "ewa", "password": PASSWORD, "csrf_token": csrf}).status_code == 302
    assert client.get("/api/nodes/org:lacka").status_code == 200  # the session reads
    refused = client.post(
        "/api/nodes", json={"type": "Organisation", "props": {"name": LAKA, "kind": "social_cooperative"}}
    )
    assert "sesja przeglądarki nie wystarcza" in error_of(refused, 401)["message"]
    assert refused.headers["WWW-Authenticate"] == "Bearer"
    for response in (
        client.delete("/api/nodes/org:lacka?cascade=1"),
        client.patch("/api/nodes/org:lacka", json={"props": {}}),
    ):
        error_of(response, 401)


def test_the_token_form_is_csrf_protected(backend_app: Callable[..., Flask]) -> None:
    client = backend_app(WTF_CSRF_ENABLED=True).test_client()
    csrf = client.get("/login").get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
    client.post("/login", data={"name": "ewa", "password": PASSWORD, "csrf_token": csrf})
    refused = client.post("/api/tokens", data={"label": "bez tokenu CSRF"})
    assert (
        refused.status_code == 400
        and refused.mimetype == "text/html"
        and "Formularz wygasł" in refused.get_data(as_text=True)
    )


def test_only_editors_reach_the_token_page(api: FlaskClient) -> None:
    assert api.get("/api/tokens").status_code == 302  # to the login page
    login(api, "wiktor")
    assert api.get("/api/tokens").status_code == 403 and api.get("/api/tokens").mimetype == "text/html"


def test_a_revoked_token_is_refused(api: FlaskClient, tmp_path: Path) -> None:
    login(api, "ewa")
    page = api.post("/api/tokens", data={"label": "na chwilę"}).get_data(as_text=True)
    token = re.search(r"<code>(pgt_[\w-]+)</code>", page).group(1)  # type: ignore[union-attr]
    number = UserStore(tmp_path / USERS_FILE).tokens("ewa")[0].id
    assert "Odwołano token nr" in api.post(f"/api/tokens/{number}/revoke", follow_redirects=True).get_data(as_text=True)
    api.post("/logout")
    refused = api.get("/api/organisations", headers={"Authorization": f"Bearer {token}"})
    assert "odwołany" in error_of(refused, 401)["message"]
    assert api.get("/api/organisations", headers={"Authorization": "Bearer pgt_zmyślony"}).status_code == 401


def test_editors_revoke_only_their_own_tokens_and_admins_any(api: FlaskClient, tmp_path: Path) -> None:
    users = UserStore(tmp_path / USERS_FILE)
    theirs, _ = users.create_token("wiktor", "czytnik")
    login(api, "ewa")
    assert api.post(f"/api/tokens/{theirs.id}/revoke").status_code == 404
    api.post("/logout")
    login(api, "anna")
    made = api.post("/users/tokens", data={"name": "wiktor", "label": "raport"})
    assert made.status_code == 201 and "<code>pgt_" in made.get_data(as_text=True)
    assert {t.label for t in users.tokens("wiktor")} == {"czytnik", "raport"}
    api.post(f"/users/tokens/{theirs.id}/revoke")
    assert {t.label for t in users.tokens("wiktor")} == {"raport"}
    api.post("/users/wiktor/remove")
    assert users.tokens("wiktor") == []  # an account's tokens go with it


def test_names_stay_data_in_json(api: FlaskClient, tmp_path: Path) -> None:
    headers = token_of(tmp_path, "ewa")
    body = {"type": "Organisation", "key": "org:xss-2", "props": {"name": XSS, "kind": "ngo"}}
    created = api.post("/api/nodes", json=body, headers=headers)
    assert created.status_code == 201
    read = api.get("/api/nodes/org:xss-2", headers=headers)
    assert read.mimetype == "application/json" and read.headers["X-Content-Type-Options"] == "nosniff"
    assert read.json["node"]["props"]["name"] == XSS  # type: ignore[index]
    assert '"name":"<script>alert(1)</script>"' in read.get_data(as_text=True).replace(
        '": "', '":"'
    )  # a JSON string, not markup


def test_unknown_paths_and_methods_are_json(api: FlaskClient, tmp_path: Path) -> None:
    headers = token_of(tmp_path, "wiktor")
    assert "/api/openapi.json" in error_of(api.get("/api/nope", headers=headers), 404)["message"]
    not_allowed = error_of(api.put("/api/nodes/org:lacka", json={}, headers=headers), 405)
    assert "PUT" in not_allowed["message"] and "PATCH" in not_allowed["message"]
    assert error_of(api.get("/api/nope"), 401)["message"].startswith("Potrzebne jest zalogowanie")
    assert error_of(api.get("/api/nope?lang=en", headers=headers), 404)["message"].startswith(
        "There is no such address"
    )
    assert api.get("/nope").mimetype == "text/html"  # the pages keep their HTML errors


def test_too_large_and_unexpected_errors_are_json(
    backend_app: Callable[..., Flask], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = backend_app(MAX_CONTENT_LENGTH=1000).test_client()
    headers = token_of(tmp_path, "ewa")
    big = {"type": "Organisation", "props": {"name": "x" * 2000, "kind": "ngo"}}
    assert "1000 B" in error_of(client.post("/api/nodes", json=big, headers=headers), 413)["problems"][0]["message"]

    def boom(*_args: Any) -> None:
        raise RuntimeError("sekret serwera")

    monkeypatch.setattr("partnergraph.web.api.search", boom)
    failed = client.get("/api/organisations", headers=headers)
    assert error_of(failed, 500)["message"].startswith(
        "Wystąpił nieoczekiwany błąd"
    ) and "sekret" not in failed.get_data(as_text=True)


def test_tokens_work_on_a_users_db_made_before_them(tmp_path: Path) -> None:
    path = tmp_path / USERS_FILE
    with closing(sqlite3.connect(path)) as db, db:  # the accounts file as it was before the tokens
        db.execute(
            "CREATE TABLE users (name TEXT PRIMARY KEY, password TEXT NOT NULL, role TEXT NOT NULL, created TEXT NOT NULL)"
        )
        db.execute(
            "INSERT INTO users VALUES ('ola', ?, 'editor', '2025-01-01T00:00:00+00:00')",
            (generate_password_hash(PASSWORD),),
        )
    _, token = UserStore(path).create_token("ola")
    assert UserStore(path).check("ola", PASSWORD) is not None
    user = UserStore(path).token_user(token)
    assert user is not None and user.name == "ola" and UserStore(path).tokens()[0].last_used is not None
    assert UserStore(path).token_user(token[:-1]) is None and UserStore(path).token_user("") is None
