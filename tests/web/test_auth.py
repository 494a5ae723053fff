"""Accounts, logging in and out, roles, the public mode and CSRF."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from partnergraph.errors import ConflictError, ValidationError
from partnergraph.web.users import UserStore
from tests.web.conftest import PASSWORD, login


def test_anonymous_visitors_are_sent_to_the_login_page_and_back(client: FlaskClient) -> None:
    response = client.get("/organisations?q=kwilcz")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/organisations?q%3Dkwilcz"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Zaloguj się, aby zobaczyć tę stronę." in page
    done = client.post("/login", data={"name": "wiktor", "password": PASSWORD, "next": "/organisations?q=kwilcz"})
    assert done.headers["Location"] == "/organisations?q=kwilcz"
    assert "Centrum Ekonomii Społecznej w Kwilczu" in client.get("/organisations?q=kwilcz").get_data(as_text=True)


def test_every_page_needs_a_login_unless_public(client: FlaskClient) -> None:
    for url in (
        "/",
        "/organisations",
        "/organisations/org:ces-kwilcz",
        "/analyses/",
        "/analyses/metrics",
        "/analyses/metrics.csv",
        "/analyses/partnership/chart.svg",
        "/map/",
        "/map/frame",
        "/changes/",
    ):
        assert client.get(url).status_code == 302, url


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(client: FlaskClient) -> None:
    for name, password in (("wiktor", "złe-hasło"), ("nikt", PASSWORD)):
        response = login(client, name, password)
        assert response.status_code == 401
        assert "Nieprawidłowa nazwa użytkownika lub hasło." in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_logout_ends_the_session(viewer: FlaskClient) -> None:
    assert viewer.get("/").status_code == 200
    assert viewer.post("/logout").headers["Location"] == "/login"
    assert viewer.get("/").status_code == 302


def test_login_never_redirects_to_another_site(client: FlaskClient) -> None:
    for target in ("https://zly.example/", "//zly.example/", "/\\zly.example"):
        response = client.post("/login", data={"name": "wiktor", "password": PASSWORD, "next": target})
        assert response.headers["Location"] == "/", target
        client.post("/logout")


def test_public_mode_lets_anonymous_visitors_read_but_not_revert(make_app: Callable[..., Flask]) -> None:
    client = make_app(PUBLIC=True).test_client()
    assert client.get("/organisations").status_code == 200
    assert "Zaloguj" in client.get("/").get_data(as_text=True)
    assert client.get("/changes/1/revert").headers["Location"].startswith("/login")
    assert client.post("/changes/1/revert").status_code == 302


def test_public_mode_from_the_environment(make_app: Callable[..., Flask], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARTNERGRAPH_PUBLIC", "1")
    assert make_app().test_client().get("/").status_code == 200


def test_a_post_without_the_csrf_token_is_refused(make_app: Callable[..., Flask]) -> None:
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    refused = client.post("/login", data={"name": "ewa", "password": PASSWORD})
    assert refused.status_code == 400
    assert "Formularz wygasł" in refused.get_data(as_text=True)
    form = client.get("/login").get_data(as_text=True)
    token = form.split('name="csrf_token" value="')[1].split('"')[0]
    assert client.post("/login", data={"name": "ewa", "password": PASSWORD, "csrf_token": token}).status_code == 302
    assert client.post("/changes/1/revert").status_code == 400  # signed in, still no token: refused
    assert client.post("/logout").status_code == 400


def test_accounts_file_keeps_only_hashes_and_is_private(tmp_path: Path) -> None:
    users = UserStore(tmp_path / "users.db")
    users.add("zofia", "Żółć-gęślą-jaźń", "editor")
    assert "Żółć" not in (tmp_path / "users.db").read_bytes().decode("utf-8", "replace")
    assert stat.S_IMODE(os.stat(tmp_path / "users.db").st_mode) == 0o600
    assert users.check("zofia", "Żółć-gęślą-jaźń") is not None
    assert users.check("zofia", "zolc-gesla-jazn") is None


def test_accounts_refuse_bad_roles_short_passwords_and_duplicates(tmp_path: Path) -> None:
    users = UserStore(tmp_path / "users.db")
    with pytest.raises(ValidationError) as caught:
        users.add("a b", "krótkie", "boss")
    assert len(caught.value.problems) == 3
    users.add("ola", PASSWORD, "viewer")
    with pytest.raises(ConflictError):
        users.add("ola", PASSWORD, "admin")
    assert users.add("ola", PASSWORD, "admin", update=True).role == "admin"
    assert [(u.name, u.role) for u in users.all()] == [("ola", "admin")]


def test_roles_include_the_lesser_ones(tmp_path: Path) -> None:
    users = UserStore(tmp_path / "users.db")
    admin = users.add("anna", PASSWORD, "admin")
    viewer = users.add("wiktor", PASSWORD, "viewer")
    assert admin.can("viewer") and admin.can("editor") and admin.can("admin")
    assert viewer.can("viewer") and not viewer.can("editor")


def test_header_shows_who_is_signed_in(editor: FlaskClient) -> None:
    assert "Zalogowano: ewa (edytor)" in editor.get("/").get_data(as_text=True)
