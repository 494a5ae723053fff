"""Editing and deleting one tie: the form from models.ttl, ids that round-trip, since, permissions, CSRF, revert."""

from __future__ import annotations

import re
from collections.abc import Callable
from html import unescape
from urllib.parse import quote

from flask import Flask
from flask.testing import FlaskClient

from partnergraph.graph import open_store
from partnergraph.graph.base import GraphStore
from tests.web.conftest import LACKA, PASSWORD, XSS, login

COOPERATION = "org:ces-kwilcz-[COOPERATES_WITH]->org:lacka"  # symmetric: stored with its ends in key order
TRADE = "org:ss-smaki-wildy-[TRADES_WITH]->org:hotel-nad-warta@2024-10-01"
TRADE_NEW = "org:ss-smaki-wildy-[TRADES_WITH]->org:hotel-nad-warta@2024-11-01"
SUPPORT = "org:ces-poznan-[SUPPORTS]->org:ss-smaki-wildy@2024-04-01"


def _errors(html: str) -> dict[str, list[str]]:
    """Field id → the messages shown under it."""
    found: dict[str, list[str]] = {}
    for block in html.split('<div class="field')[1:]:
        name = re.search(r'id="f-([a-z_]+)"', block)
        messages = [unescape(m) for m in re.findall(r'<small class="field-error" role="alert">([^<]*)</small>', block)]
        if name and messages:
            found[name.group(1)] = messages
    return found


def _url(tie_id: str, action: str) -> str:
    return f"/ties/{quote(tie_id, safe=':@')}/{action}"


def _links(html: str, action: str) -> list[str]:
    return [unescape(u) for u in re.findall(rf'href="(/ties/[^"]*/{action}[^"]*)"', html)]


def test_the_organisation_page_links_each_tie_to_its_edit_and_delete_pages(editor: FlaskClient) -> None:
    page = editor.get("/organisations/org:lacka").get_data(as_text=True)
    edit = [u for u in _links(page, "edit") if "COOPERATES_WITH" in u]
    delete = [u for u in _links(page, "delete") if "COOPERATES_WITH" in u]
    assert edit == [_url(COOPERATION, "edit") + "?back=org:lacka"] and delete == [
        _url(COOPERATION, "delete") + "?back=org:lacka"
    ]
    assert ">Edytuj</a>" in page and ">Usuń</a>" in page
    form = editor.get(edit[0]).get_data(as_text=True)
    assert "Edycja powiązania: Centrum Ekonomii Społecznej w Kwilczu — " in unescape(form) and LACKA in unescape(form)
    assert (
        'name="strength"' in form and 'name="note"' in form and 'name="form"' in form
    )  # COOPERATES_WITH's own properties
    assert 'name="end"' not in form and 'name="type"' not in form and 'name="source"' not in form  # shown, not editable
    assert "Typu i stron powiązania nie można zmienić" in form


def test_an_editor_changes_strength_and_note(app: Flask, editor: FlaskClient) -> None:
    note = "Wspólna kampania „Łączy nas ekonomia” — więź się umacnia"
    response = editor.post(_url(COOPERATION, "edit") + "?back=org:lacka", data={"strength": "4", "note": note})
    assert response.status_code == 302 and response.headers["Location"] == "/organisations/org:lacka"
    page = editor.get("/organisations/org:lacka").get_data(as_text=True)
    assert "Zapisano powiązanie" in page and note in page
    with open_store(app.config["STORE"]) as store:
        tie = store.get_tie(COOPERATION)
        change = store.changes(key=COOPERATION, limit=1)[0]
    assert tie is not None and tie.props["strength"] == 4 and tie.props["note"] == note
    assert (change.user, change.source, change.op) == ("ewa", "web", "update")
    assert change.before is not None and "note" not in change.before["props"]  # the change log keeps what it was


def test_a_trade_id_with_type_and_date_round_trips_and_its_amount_changes(app: Flask, editor: FlaskClient) -> None:
    for path in (f"/ties/{TRADE}/edit", _url(TRADE, "edit")):  # typed as it is, or percent-encoded as url_for makes it
        form = editor.get(path)
        assert form.status_code == 200 and 'value="48000"' in form.get_data(as_text=True)
    page = editor.get("/organisations/org:hotel-nad-warta").get_data(as_text=True)
    (link,) = [u for u in _links(page, "edit") if "TRADES_WITH" in u]
    response = editor.post(link, data={"amount": "52000,50", "since": "2024-10-01", "social_clause": "nie"})
    assert response.headers["Location"] == "/organisations/org:hotel-nad-warta"
    with open_store(app.config["STORE"]) as store:
        tie = store.get_tie(TRADE)
    assert tie is not None and tie.props["amount"] == 52000.5 and str(tie.props["since"]) == "2024-10-01"
    assert tie.props["example"] is True  # properties the form leaves out stay
    assert editor.get("/ties/org:nie-ma-[TRADES_WITH]->org:hotel-nad-warta/edit").status_code == 404


def test_invalid_values_are_shown_at_their_field_and_change_nothing(app: Flask, editor: FlaskClient) -> None:
    with open_store(app.config["STORE"]) as store:
        before = store.version()
    strong = editor.post(_url(COOPERATION, "edit"), data={"strength": "9", "note": "zmiana"})
    assert strong.status_code == 400
    assert _errors(strong.get_data(as_text=True)) == {"strength": ["strength = 9 jest poza zakresem 1…5"]}
    assert 'value="zmiana"' in strong.get_data(as_text=True)  # what was typed stays in the form
    backwards = editor.post(_url(TRADE, "edit"), data={"until": "01.01.2020"})  # since stays 2024-10-01
    assert backwards.status_code == 400
    assert _errors(backwards.get_data(as_text=True))["since"] == [
        "since (2024-10-01) jest późniejsze niż until (2020-01-01)"
    ]
    with open_store(app.config["STORE"]) as store:
        assert store.version() == before
        tie = store.get_tie(COOPERATION)
        assert tie is not None and "strength" not in tie.props and "note" not in tie.props


def test_a_new_since_replaces_the_tie_in_one_write_that_one_revert_undoes(app: Flask, editor: FlaskClient) -> None:
    form = editor.get(_url(TRADE, "edit")).get_data(as_text=True)
    assert "Zmiana daty początku „od” tworzy nowe powiązanie" in form
    done = editor.post(_url(TRADE, "edit"), data={"since": "01.11.2024"}, follow_redirects=True).get_data(as_text=True)
    assert f"powiązanie ma teraz identyfikator {TRADE_NEW}" in unescape(done)
    with open_store(app.config["STORE"]) as store:
        new, version = store.get_tie(TRADE_NEW), store.version()
        assert store.get_tie(TRADE) is None and new is not None and new.props["amount"] == 48000
        assert sorted((c.op, c.key, c.user) for c in store.changes(version=version)) == [
            ("create", TRADE_NEW, "ewa"),
            ("delete", TRADE, "ewa"),
        ]
        store.revert(version)
        assert store.get_tie(TRADE) is not None and store.get_tie(TRADE_NEW) is None


def test_a_since_that_another_tie_already_has_is_refused(app: Flask, editor: FlaskClient) -> None:
    taken = editor.post(_url(SUPPORT, "edit"), data={"since": "2024-10-01"})
    assert taken.status_code == 400
    (message,) = _errors(taken.get_data(as_text=True))["since"]
    assert message.startswith(
        "powiązanie org:ces-poznan-[SUPPORTS]->org:ss-smaki-wildy@2024-10-01 z tą datą początku już istnieje"
    )
    with open_store(app.config["STORE"]) as store:
        tie = store.get_tie(SUPPORT)
        assert tie is not None and tie.props["service"] == "self_employment"


def test_delete_after_a_confirmation_naming_both_ends_and_revert(app: Flask, editor: FlaskClient) -> None:
    confirm = editor.get(_url(TRADE, "delete") + "?back=org:ss-smaki-wildy").get_data(as_text=True)
    text = unescape(confirm)
    assert "Usunąć powiązanie: Spółdzielnia Socjalna „Smaki Wildy” — Hotel nad Wartą Sp. z o.o.?" in text
    assert "<dt>od</dt><dd>01.10.2024</dd>" in text and 'name="csrf_token"' in confirm
    with open_store(app.config["STORE"]) as store:
        assert store.get_tie(TRADE) is not None  # the confirmation page changes nothing
    response = editor.post(_url(TRADE, "delete") + "?back=org:ss-smaki-wildy")
    assert response.headers["Location"] == "/organisations/org:ss-smaki-wildy"
    page = editor.get(response.headers["Location"]).get_data(as_text=True)
    assert "Usunięto powiązanie Spółdzielnia Socjalna „Smaki Wildy” — Hotel nad Wartą Sp. z o.o." in unescape(page)
    with open_store(app.config["STORE"]) as store:
        version = store.version()
        assert store.get_tie(TRADE) is None
        change = store.changes(version=version)[0]
        assert (change.op, change.entity, change.key, change.user, change.source) == (
            "delete",
            "tie",
            TRADE,
            "ewa",
            "web",
        )
        store.revert(version)
        tie = store.get_tie(TRADE)
        assert tie is not None and tie.props["amount"] == 48000


def test_viewers_get_403_and_anonymous_visitors_the_login_page(client: FlaskClient) -> None:
    for action in ("edit", "delete"):
        assert client.get(_url(COOPERATION, action)).headers["Location"].startswith("/login")
    login(client, "wiktor")
    for action in ("edit", "delete"):
        assert client.get(_url(COOPERATION, action)).status_code == 403
        assert client.post(_url(COOPERATION, action), data={"strength": "2"}).status_code == 403
    page = client.get("/organisations/org:lacka").get_data(as_text=True)
    assert "/ties/" not in page and "Edytuj" not in page


def test_a_post_without_the_csrf_token_is_refused(make_app: Callable[..., Flask]) -> None:
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    token = client.get("/login").get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
    client.post("/login", data={"name": "ewa", "password": PASSWORD, "csrf_token": token})
    assert client.post(_url(COOPERATION, "edit"), data={"strength": "2"}).status_code == 400
    assert client.post(_url(COOPERATION, "delete")).status_code == 400
    with open_store(app.config["STORE"]) as store:
        tie = store.get_tie(COOPERATION)
        assert tie is not None and "strength" not in tie.props
    form = client.get(_url(COOPERATION, "edit")).get_data(as_text=True)
    token = form.split('name="csrf_token" value="')[1].split('"')[0]
    assert client.post(_url(COOPERATION, "edit"), data={"strength": "2", "csrf_token": token}).status_code == 302
    confirm = client.get(_url(COOPERATION, "delete")).get_data(as_text=True)
    token = confirm.split('name="csrf_token" value="')[1].split('"')[0]
    assert client.post(_url(COOPERATION, "delete"), data={"csrf_token": token}).status_code == 302


def test_script_in_a_note_is_shown_escaped_on_the_edit_and_delete_pages(editor: FlaskClient) -> None:
    tie = "org:ces-kwilcz-[COOPERATES_WITH]->org:xss"  # its evidence and its other end's name are a script already
    assert editor.post(_url(tie, "edit"), data={"note": XSS}).status_code == 302
    for action in ("edit", "delete"):
        html = editor.get(_url(tie, action)).get_data(as_text=True)
        assert XSS not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_edit_new_since_delete_and_revert_on_every_backend(
    backend_editor: FlaskClient, example_store: GraphStore
) -> None:
    assert backend_editor.post(_url(COOPERATION, "edit"), data={"strength": "3", "note": "ąę"}).status_code == 302
    tie = example_store.get_tie(COOPERATION)
    assert tie is not None and (tie.props["strength"], tie.props["note"]) == (3, "ąę")
    assert backend_editor.post(_url(TRADE, "edit"), data={"since": "2024-11-01"}).status_code == 302
    assert example_store.get_tie(TRADE) is None and example_store.get_tie(TRADE_NEW) is not None
    example_store.revert(example_store.version())  # the delete and the create of the new since, undone together
    assert example_store.get_tie(TRADE) is not None and example_store.get_tie(TRADE_NEW) is None
    assert backend_editor.post(_url(TRADE, "delete")).status_code == 302
    assert example_store.get_tie(TRADE) is None
    example_store.revert(example_store.version())
    tie = example_store.get_tie(TRADE)
    assert tie is not None and tie.props["amount"] == 48000
