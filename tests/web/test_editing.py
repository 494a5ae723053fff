"""Creating and editing organisations: the form from models.ttl, field messages, permissions, the change log."""

from __future__ import annotations

import re
from collections.abc import Callable
from html import unescape

from flask import Flask
from flask.testing import FlaskClient

from partnergraph.graph import open_store
from tests.web.conftest import PASSWORD, XSS, login


def _errors(html: str) -> dict[str, list[str]]:
    """Field id → the messages shown under it."""
    found: dict[str, list[str]] = {}
    for block in html.split('<div class="field')[1:]:
        name = re.search(r'id="f-([a-z_]+)"', block)
        messages = [unescape(m) for m in re.findall(r'<small class="field-error" role="alert">([^<]*)</small>', block)]
        if name and messages:
            found[name.group(1)] = messages
    return found


def test_form_fields_come_from_models_ttl(editor: FlaskClient) -> None:
    html = editor.get("/organisations/new").get_data(as_text=True)
    assert 'name="name"' in html and 'name="krs"' in html and 'name="no_intermediary"' in html
    assert 'name="source"' not in html and 'name="example"' not in html  # set by tools, not typed
    assert '<option value="social_cooperative">spółdzielnia socjalna</option>' in html
    assert re.search(r'nazwa <span class="req">\(wymagane\)</span>', html)
    assert 'placeholder="RRRR-MM-DD"' in html


def test_create_an_organisation_with_a_derived_key(app: Flask, editor: FlaskClient) -> None:
    form = {
        "name": "Spółdzielnia Socjalna „Żuraw”",
        "kind": "social_cooperative",
        "founded": "01.03.2024",
        "no_intermediary": "tak",
    }
    response = editor.post("/organisations/new", data=form)
    assert response.headers["Location"] == "/organisations/org:spoldzielnia-socjalna-zuraw"
    page = editor.get(response.headers["Location"]).get_data(as_text=True)
    assert "Zapisano Spółdzielnia Socjalna „Żuraw”" in page and "01.03.2024" in page
    with open_store(app.config["STORE"]) as store:
        node = store.get_node("org:spoldzielnia-socjalna-zuraw")
        change = store.changes(key="org:spoldzielnia-socjalna-zuraw", limit=1)[0]
    assert (
        node is not None and node.props["sector"] == "social" and node.props["no_intermediary"] is True
    )  # sector from the kind
    assert (change.user, change.source, change.op) == ("ewa", "web", "create")


def test_validation_messages_appear_next_to_their_fields(editor: FlaskClient) -> None:
    response = editor.post("/organisations/new", data={"name": "", "kind": "", "nip": "123", "founded": "jutro"})
    assert response.status_code == 400
    errors = _errors(response.get_data(as_text=True))
    assert errors["name"] == ["brak wymaganej właściwości 'name'"]
    assert errors["kind"] == ["brak wymaganej właściwości 'kind'"]
    assert errors["nip"] == ["NIP '123' ma zły format (oczekiwano: ciąg 10 cyfr)"]
    assert errors["founded"][0].startswith("'jutro' nie jest datą")
    assert 'value="jutro"' in response.get_data(as_text=True)  # what was typed stays in the form


def test_edit_changes_a_value_and_keeps_the_others(app: Flask, editor: FlaskClient) -> None:
    form = editor.get("/organisations/org:ces-kwilcz/edit").get_data(as_text=True)
    assert 'value="Centrum Ekonomii Społecznej w Kwilczu"' in form
    response = editor.post(
        "/organisations/org:ces-kwilcz/edit", data={"name": "CES w Kwilczu", "kind": "ces", "city": "Kwilcz"}
    )
    assert response.headers["Location"] == "/organisations/org:ces-kwilcz"
    with open_store(app.config["STORE"]) as store:
        node = store.get_node("org:ces-kwilcz")
    assert node is not None and (node.props["name"], node.props["city"], node.props["short_name"]) == (
        "CES w Kwilczu",
        "Kwilcz",
        "CES Kwilcz",
    )


def test_script_names_are_stored_as_text_and_shown_escaped(editor: FlaskClient) -> None:
    editor.post("/organisations/new", data={"key": "org:nowa-xss", "name": XSS, "kind": "ngo"})
    html = editor.get("/organisations/org:nowa-xss").get_data(as_text=True)
    assert XSS not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_only_editors_may_edit(client: FlaskClient) -> None:
    assert client.get("/organisations/new").headers["Location"].startswith("/login")
    login(client, "wiktor")
    assert client.get("/organisations/new").status_code == 403
    assert client.post("/organisations/org:ces-kwilcz/edit", data={"name": "x", "kind": "ces"}).status_code == 403
    assert "Dodaj organizację" not in client.get("/organisations").get_data(as_text=True)
    assert "/edit" not in client.get("/organisations/org:ces-kwilcz").get_data(as_text=True)


def test_edit_of_a_missing_or_non_organisation_node_is_404(editor: FlaskClient) -> None:
    assert editor.get("/organisations/org:nie-ma/edit").status_code == 404
    assert editor.get("/organisations/teryt:3014022/edit").status_code == 404


def test_a_form_post_without_the_csrf_token_is_refused(make_app: Callable[..., Flask]) -> None:
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    token = client.get("/login").get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
    client.post("/login", data={"name": "ewa", "password": PASSWORD, "csrf_token": token})
    assert client.post("/organisations/new", data={"name": "Bez tokenu", "kind": "ngo"}).status_code == 400
    form = client.get("/organisations/new").get_data(as_text=True)
    token = form.split('name="csrf_token" value="')[1].split('"')[0]
    assert (
        client.post("/organisations/new", data={"name": "Z tokenem", "kind": "ngo", "csrf_token": token}).status_code
        == 302
    )


def test_add_a_tie_in_two_steps(app: Flask, editor: FlaskClient) -> None:
    first = editor.get("/organisations/org:lacka/ties/new").get_data(as_text=True)
    assert (
        '<option value="TRADES_WITH">' in first and '<option value="PART_OF">' not in first
    )  # only types that may start here
    form = editor.get("/organisations/org:lacka/ties/new?type=TRADES_WITH").get_data(as_text=True)
    assert 'name="end"' in form and 'name="social_clause"' in form and 'name="amount"' in form
    data = {
        "type": "TRADES_WITH",
        "end": "org:hotel-nad-warta",
        "since": "01.02.2025",
        "amount": "1200,50",
        "social_clause": "tak",
    }
    done = editor.post("/organisations/org:lacka/ties/new", data=data, follow_redirects=True).get_data(as_text=True)
    assert "Zapisano powiązanie" in done and "Hotel nad Wartą" in done
    with open_store(app.config["STORE"]) as store:
        (tie,) = [t for t, _ in store.neighbours("org:lacka", tie_types=["TRADES_WITH"])]
        change = store.changes(key=tie.id, limit=1)[0]
    assert tie.end == "org:hotel-nad-warta" and tie.props["amount"] == 1200.5 and tie.props["social_clause"] is True
    assert change.user == "ewa"


def test_tie_errors_appear_next_to_their_fields(editor: FlaskClient) -> None:
    wrong_end = editor.post("/organisations/org:lacka/ties/new", data={"type": "LOCATED_IN", "end": "org:ces-kwilcz"})
    assert wrong_end.status_code == 400
    assert (
        "LOCATED_IN nie może kończyć się w węźle typu Organisation"
        in _errors(wrong_end.get_data(as_text=True))["end"][0]
    )
    missing = editor.post("/organisations/org:lacka/ties/new", data={"type": "TRADES_WITH", "end": "org:nie-ma"})
    assert missing.status_code == 400 and "nieistniejący węzeł org:nie-ma" in unescape(missing.get_data(as_text=True))
    bad_value = editor.post(
        "/organisations/org:lacka/ties/new",
        data={"type": "TRADES_WITH", "end": "org:hotel-nad-warta", "amount": "dużo"},
    )
    assert _errors(bad_value.get_data(as_text=True))["amount"] == ["'dużo' nie jest liczbą"]
    assert editor.get("/organisations/org:lacka/ties/new?type=NIE_MA").status_code == 404


def test_delete_after_confirming_and_undo_from_the_change_log(app: Flask, editor: FlaskClient) -> None:
    confirm = editor.get("/organisations/org:lacka/delete").get_data(as_text=True)
    assert "Usunąć: Spółdzielnia Socjalna „Łącka”?" in confirm and "(2)" in confirm  # its two ties go too
    with open_store(app.config["STORE"]) as store:
        assert store.get_node("org:lacka") is not None  # the confirmation page changes nothing
    done = editor.post("/organisations/org:lacka/delete", follow_redirects=True).get_data(as_text=True)
    assert "Usunięto Spółdzielnia Socjalna „Łącka”" in done
    with open_store(app.config["STORE"]) as store:
        version = store.version()
        assert store.get_node("org:lacka") is None
    editor.post(f"/changes/{version}/revert")
    with open_store(app.config["STORE"]) as store:
        assert store.get_node("org:lacka") is not None and len(store.neighbours("org:lacka")) == 2


def test_viewers_cannot_add_ties_or_delete(viewer: FlaskClient) -> None:
    assert viewer.get("/organisations/org:lacka/ties/new").status_code == 403
    assert viewer.post("/organisations/org:lacka/delete").status_code == 403
    assert "Dodaj powiązanie" not in viewer.get("/organisations/org:lacka").get_data(as_text=True)


def test_a_value_that_looks_personal_is_saved_with_a_warning(editor: FlaskClient) -> None:
    form = {"name": "Fundacja Łąka", "kind": "ngo", "description": "Kontakt: PESEL 44051401359"}
    response = editor.post("/organisations/new", data=form)
    page = editor.get(response.headers["Location"]).get_data(as_text=True)
    assert '<p class="flash warning" role="status">description: &#39;44051401359&#39; wygląda na numer PESEL' in page
