"""Clearing stored values from the web: an emptied form field, ``null`` in the JSON API (issue 11)."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from urllib.parse import quote

from flask import Flask
from flask.testing import FlaskClient

from partnergraph.graph import open_store
from partnergraph.graph.base import GraphStore
from tests.web.test_api_write import api, error_of, token_of  # noqa: F401 (fixtures)

KEY = "org:ces-kwilcz"
REFERS = "org:gops-kwilcz-[REFERS]->org:ces-kwilcz@2024-01-01"
TRADE = "org:ss-smaki-wildy-[TRADES_WITH]->org:hotel-nad-warta@2024-10-01"


def form_of(html: str) -> dict[str, str]:
    """The values the edit form shows: inputs' values and selects' chosen options."""
    values = {
        name: unescape(value) for name, value in re.findall(r'<input id="f-\w+" name="(\w+)" value="([^"]*)"', html)
    }
    for name, body in re.findall(r'<select id="f-\w+" name="(\w+)">(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', body)
        values[name] = chosen.group(1) if chosen else ""
    return values


def field_errors(html: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for block in html.split('<div class="field')[1:]:
        name = re.search(r'id="f-([a-z_]+)"', block)
        messages = [unescape(m) for m in re.findall(r'<small class="field-error" role="alert">([^<]*)</small>', block)]
        if name and messages:
            found[name.group(1)] = messages
    return found


def stored(app: Flask, key: str) -> dict[str, object]:
    with open_store(app.config["STORE"]) as store:
        node = store.get_node(key) or store.get_tie(key)
        assert node is not None
        return dict(node.props)


def test_an_emptied_field_removes_the_stored_value_and_revert_brings_it_back(app: Flask, editor: FlaskClient) -> None:
    page = editor.get(f"/organisations/{KEY}/edit").get_data(as_text=True)
    assert "Opróżnienie pola usuwa zapisaną wartość" in page
    values = form_of(page)
    assert values["short_name"] == "CES Kwilcz" and values["kind"] == "ces"
    response = editor.post(f"/organisations/{KEY}/edit", data={**values, "short_name": "", "contact_role": ""})
    assert response.status_code == 302
    shown = editor.get(response.headers["Location"]).get_data(as_text=True)
    assert "Usunięte wartości:" in shown
    props = stored(app, KEY)
    assert "short_name" not in props and "contact_role" not in props
    assert props["name"] == "Centrum Ekonomii Społecznej w Kwilczu" and props["example"] is True  # hidden fields stay
    with open_store(app.config["STORE"]) as store:
        [change] = store.changes(version=store.version())
        assert change.op == "update" and change.user == "ewa" and change.before is not None
        assert change.before["props"]["short_name"] == "CES Kwilcz"
        store.revert(change.version)
    assert stored(app, KEY)["short_name"] == "CES Kwilcz"


def test_a_field_not_posted_keeps_its_value(app: Flask, editor: FlaskClient) -> None:
    editor.post(f"/organisations/{KEY}/edit", data={"name": "CES w Kwilczu", "kind": "ces"})
    props = stored(app, KEY)
    assert props["name"] == "CES w Kwilczu" and props["short_name"] == "CES Kwilcz"


def test_emptying_a_required_field_is_refused_next_to_it(app: Flask, editor: FlaskClient) -> None:
    values = form_of(editor.get(f"/organisations/{KEY}/edit").get_data(as_text=True))
    response = editor.post(f"/organisations/{KEY}/edit", data={**values, "name": "", "short_name": ""})
    assert response.status_code == 400
    errors = field_errors(response.get_data(as_text=True))
    assert errors["name"] == [
        "nie można usunąć wartości 'name': ta właściwość jest wymagana (podaj inną wartość zamiast usuwać)"
    ]
    assert stored(app, KEY)["short_name"] == "CES Kwilcz"  # nothing of the write was kept


def test_an_emptied_tie_field_removes_its_value(app: Flask, editor: FlaskClient) -> None:
    url = f"/ties/{quote(TRADE, safe=':@')}/edit"
    page = editor.get(url).get_data(as_text=True)
    assert "Opróżnienie pola usuwa zapisaną wartość" in page
    values = form_of(page)
    assert values["amount"] == "48000"
    response = editor.post(url, data={**values, "amount": ""})
    assert response.status_code == 302
    props = stored(app, TRADE)
    assert "amount" not in props and props["social_clause"] is False


def test_emptying_a_required_tie_field_is_refused_next_to_it(app: Flask, editor: FlaskClient) -> None:
    url = f"/ties/{quote(REFERS, safe=':@')}/edit"
    values = form_of(editor.get(url).get_data(as_text=True))
    response = editor.post(url, data={**values, "count": "", "until": ""})
    assert response.status_code == 400
    assert field_errors(response.get_data(as_text=True))["count"][0].startswith("nie można usunąć wartości 'count'")
    assert stored(app, REFERS)["count"] == 6 and "until" in stored(app, REFERS)


def test_emptying_since_of_a_dated_tie_gives_it_the_undated_id(app: Flask, editor: FlaskClient) -> None:
    url = f"/ties/{quote(TRADE, safe=':@')}/edit"
    values = form_of(editor.get(url).get_data(as_text=True))
    assert editor.post(url, data={**values, "since": ""}).status_code == 302
    with open_store(app.config["STORE"]) as store:
        assert store.get_tie(TRADE) is None
        undated = store.get_tie(TRADE.split("@")[0])
        assert undated is not None and "since" not in undated.props and undated.props["amount"] == 48000


# -- the JSON API, on every backend -----------------------------------------------------------------


def test_patch_with_null_removes_a_value(api: FlaskClient, tmp_path: Path, example_store: GraphStore) -> None:  # noqa: F811
    headers = token_of(tmp_path, "ewa")
    response = api.patch(f"/api/nodes/{KEY}", json={"props": {"short_name": None, "city": "Kwilcz"}}, headers=headers)
    assert response.status_code == 200, response.json
    body = response.json
    assert body is not None and body["changed"] is True and body["removed"] == 1
    assert "short_name" not in body["node"]["props"] and body["node"]["props"]["city"] == "Kwilcz"
    node = example_store.get_node(KEY)
    assert node is not None and "short_name" not in node.props
    change = example_store.changes(key=KEY, limit=1)[0]
    assert change.before is not None and change.before["props"]["short_name"] == "CES Kwilcz"
    example_store.revert(change.version)
    node = example_store.get_node(KEY)
    assert node is not None and node.props["short_name"] == "CES Kwilcz"
    again = api.patch(f"/api/nodes/{KEY}", json={"props": {"email": None}}, headers=headers)
    assert again.json is not None and again.json["changed"] is False and again.json["removed"] == 0


def test_patch_with_null_for_a_required_or_unknown_property_is_refused(
    api: FlaskClient,  # noqa: F811
    tmp_path: Path,
    example_store: GraphStore,
) -> None:
    headers = token_of(tmp_path, "ewa")
    version = example_store.version()
    error = error_of(api.patch(f"/api/nodes/{KEY}", json={"props": {"name": None}}, headers=headers), 422)
    assert [(p["where"], p["message"]) for p in error["problems"]] == [
        ("props.name", "nie można usunąć wartości 'name': ta właściwość jest wymagana")
    ]
    error = error_of(api.patch(f"/api/nodes/{KEY}", json={"props": {"colour": None}}, headers=headers), 422)
    assert error["problems"][0]["where"] == "props.colour"
    assert example_store.version() == version


def test_posting_an_existing_tie_with_null_removes_its_value(
    api: FlaskClient,  # noqa: F811
    tmp_path: Path,
    example_store: GraphStore,
) -> None:
    headers = token_of(tmp_path, "ewa")
    body = {"type": "TRADES_WITH", "start": "org:ss-smaki-wildy", "end": "org:hotel-nad-warta"}
    response = api.post("/api/ties", json={**body, "props": {"since": "2024-10-01", "amount": None}}, headers=headers)
    assert response.status_code == 200 and response.json is not None and response.json["removed"] == 1
    tie = example_store.get_tie(TRADE)
    assert tie is not None and "amount" not in tie.props and tie.props["social_clause"] is False


def test_the_openapi_document_says_null_removes(api: FlaskClient) -> None:  # noqa: F811
    document = api.get("/api/openapi.json?lang=en").json
    assert document is not None
    schemas = document["components"]["schemas"]
    patch = schemas["NodePatch"]["properties"]["props"]
    assert "null" in patch["additionalProperties"]["type"] and "null, which removes" in patch["description"]
    assert "null" in schemas["TieInput"]["properties"]["props"]["additionalProperties"]["type"]
    assert "null" not in schemas["NodeInput"]["properties"]["props"]["additionalProperties"]["type"]
    assert schemas["NodeWritten"]["properties"]["removed"] == {"type": "integer"}
    assert "null removes a value" in document["paths"]["/api/nodes/{key}"]["patch"]["summary"]
