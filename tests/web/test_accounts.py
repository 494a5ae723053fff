"""The accounts pages: only admins, add / change / remove, not oneself."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from partnergraph.web.access import users
from tests.web.conftest import login
from tests.web.test_pages import text_of


def test_only_admins_see_the_accounts(client: FlaskClient) -> None:
    assert client.get("/users/").status_code == 302
    for name in ("wiktor", "ewa"):
        login(client, name)
        assert client.get("/users/").status_code == 403
        assert "/users/" not in client.get("/").get_data(as_text=True)
        assert (
            client.post("/users/", data={"name": "x", "password": "dlugie-haslo", "role": "admin"}).status_code == 403
        )
        client.post("/logout")
    login(client, "anna")
    page = text_of(client.get("/users/").get_data(as_text=True))
    assert "anna administrator ewa edytor" in page and "wiktor przeglądający" in page


def test_admin_adds_changes_and_removes_an_account(app: Flask, admin: FlaskClient) -> None:
    done = admin.post(
        "/users/", data={"name": "zosia", "password": "zażółć-gęślą", "role": "editor"}, follow_redirects=True
    )
    assert "Zapisano konto zosia (rola: edytor)." in done.get_data(as_text=True)
    again = admin.post("/users/", data={"name": "zosia", "password": "zażółć-gęślą", "role": "admin"})
    assert again.status_code == 400 and "użytkownik &#39;zosia&#39; już istnieje" in again.get_data(as_text=True)
    admin.post("/users/", data={"name": "zosia", "password": "nowe-hasło-2", "role": "admin", "update": "on"})
    with app.app_context():
        changed = users().check("zosia", "nowe-hasło-2")
        assert changed is not None and changed.role == "admin"
    admin.post("/users/zosia/remove")
    with app.app_context():
        assert users().get("zosia") is None


def test_bad_account_data_is_listed_next_to_the_form(admin: FlaskClient) -> None:
    response = admin.post("/users/", data={"name": "zła nazwa", "password": "krótkie", "role": "boss"})
    page = text_of(response.get_data(as_text=True))
    assert response.status_code == 400
    assert "hasło musi mieć co najmniej 8 znaków" in page and "nieznana rola 'boss'" in page and "zła nazwa" in page


def test_admin_cannot_remove_themselves(app: Flask, admin: FlaskClient) -> None:
    page = admin.post("/users/anna/remove", follow_redirects=True).get_data(as_text=True)
    assert "Nie można usunąć własnego konta." in page
    with app.app_context():
        assert users().get("anna") is not None
    assert admin.post("/users/nikt/remove").status_code == 404
