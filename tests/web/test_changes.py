"""The change log and reverting a write: who may, the confirmation step, conflicts."""

from __future__ import annotations

import re
from html import unescape

from flask import Flask
from flask.testing import FlaskClient

from partnergraph.graph import open_store
from partnergraph.records import Node


def _rename(app: Flask, name: str, user: str = "basia") -> int:
    with open_store(app.config["STORE"]) as store:
        return store.upsert(
            [Node("org:lacka", "Organisation", {"name": name, "kind": "social_cooperative"})], source="test", user=user
        ).version


def _name(app: Flask) -> str:
    with open_store(app.config["STORE"]) as store:
        node = store.get_node("org:lacka")
        assert node is not None
        return str(node.props["name"])


def test_change_log_shows_who_what_and_when_newest_first(app: Flask, viewer: FlaskClient) -> None:
    version = _rename(app, "Spółdzielnia „Łącka” po zmianie")
    html = viewer.get("/changes/").get_data(as_text=True)
    newest = html.split('<tbody class="write">')[1].split("</tbody>")[0]
    head, entry = (" ".join(unescape(re.sub(r"<[^>]+>", " ", row)).split()) for row in newest.split("</tr>")[:2])
    assert re.fullmatch(rf"wersja {version} · \d\d\.\d\d\.\d{{4}} \d\d:\d\d UTC · basia · test · zmiany: 1", head)
    assert entry == "zmiana węzeł org:lacka name"


def test_change_log_of_one_node(viewer: FlaskClient) -> None:
    html = viewer.get("/changes/?key=org:ces-kwilcz").get_data(as_text=True)
    keys = set(re.findall(r'<a href="/organisations/([^"]+)">', html.split('<tbody class="write">', 1)[1]))
    assert keys == {"org:ces-kwilcz"}


def test_viewer_sees_no_revert_button_and_cannot_revert(app: Flask, viewer: FlaskClient) -> None:
    version = _rename(app, "Nowa nazwa")
    assert "Cofnij" not in viewer.get("/changes/").get_data(as_text=True)
    assert viewer.get(f"/changes/{version}/revert").status_code == 403
    assert viewer.post(f"/changes/{version}/revert").status_code == 403
    assert _name(app) == "Nowa nazwa"


def test_editor_reverts_after_confirming(app: Flask, editor: FlaskClient) -> None:
    before = _name(app)
    version = _rename(app, "Nazwa do cofnięcia")
    assert f'href="/changes/{version}/revert"' in editor.get("/changes/").get_data(as_text=True)
    confirm = editor.get(f"/changes/{version}/revert").get_data(as_text=True)
    assert f"Cofnąć zapis w wersji {version}?" in confirm and "org:lacka" in confirm and 'method="post"' in confirm
    assert _name(app) == "Nazwa do cofnięcia"  # the confirmation page changes nothing
    done = editor.post(f"/changes/{version}/revert", follow_redirects=True).get_data(as_text=True)
    assert f"Cofnięto wersję {version}; nowa wersja zapisu: {version + 1}." in done
    assert _name(app) == before
    with open_store(app.config["STORE"]) as store:
        latest = store.changes(limit=1)[0]
    assert (latest.version, latest.user, latest.source) == (version + 1, "ewa", "web")


def test_revert_of_a_change_overwritten_later_is_refused_with_a_message(app: Flask, editor: FlaskClient) -> None:
    first = _rename(app, "Pierwsza")
    _rename(app, "Druga")
    page = unescape(editor.post(f"/changes/{first}/revert", follow_redirects=True).get_data(as_text=True))
    assert f"nie można cofnąć zmiany node org:lacka: zmieniono ją później (wersja {first + 1})" in page
    assert f"najpierw cofnij wersję {first + 1}" in page
    assert _name(app) == "Druga"


def test_revert_of_an_unknown_version_is_404(editor: FlaskClient) -> None:
    assert editor.get("/changes/99999/revert").status_code == 404
