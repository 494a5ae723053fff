"""The import page (admins: upload, dry-run report, confirm once) and the export page (readers: every format)."""

from __future__ import annotations

import io
import json
import re
import tempfile
import zipfile
from collections.abc import Callable
from html import unescape
from pathlib import Path

import networkx as nx
import pytest
import rdflib
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from partnergraph.graph import open_store
from partnergraph.graph.base import GraphStore
from partnergraph.web.users import USERS_FILE, UserStore
from tests.web.conftest import LACKA, PASSWORD, XSS, login

ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
BOM = "\ufeff"
BAD_ROW = (
    BOM + "klucz;nazwa;rodzaj;NIP\r\n"
    "org:zuraw;Spółdzielnia Socjalna „Żuraw”;spółdzielnia socjalna;\r\n"
    "org:zolta;Żółta Łąka sp. z o.o.;business;123\r\n"
)
VALID = (
    BOM + "klucz;nazwa;rodzaj\r\n"
    "org:zuraw;Spółdzielnia Socjalna „Żuraw”;spółdzielnia socjalna\r\n"
    "org:slezna;Fundacja Ślężna Łódź;ngo\r\n"
)


def upload(client: FlaskClient, text: str, name: str = "organizacje.csv", **form: str) -> TestResponse:
    """Send ``text`` (UTF-8) as the file ``name`` to the import form."""
    data: dict[str, object] = {"file": (io.BytesIO(text.encode("utf-8")), name), "format": "guess", **form}
    return client.post("/import", data=data, content_type="multipart/form-data")


def token_of(response: TestResponse) -> str:
    found = re.search(r'name="token" value="([^"]+)"', response.get_data(as_text=True))
    assert found, "no confirm form"
    return found.group(1)


def problems(response: TestResponse) -> list[tuple[str, str]]:
    """(place, problem) of each row of the problems table."""
    html = response.get_data(as_text=True)
    table = html.split('id="import-problems"', 1)[1].split("</table>", 1)[0] if 'id="import-problems"' in html else ""
    return [(unescape(p), unescape(m)) for p, m in re.findall(r'<td class="key">([^<]*)</td><td>([^<]*)</td>', table)]


def version(app: Flask) -> int:
    with open_store(app.config["STORE"]) as store:
        return store.version()


def uploads(app: Flask) -> list[Path]:
    folder = Path(app.config["INSTANCE_PATH"]) / "uploads"
    return sorted(folder.iterdir()) if folder.is_dir() else []


# -- import ---------------------------------------------------------------------------------------


def test_a_bad_row_is_shown_with_its_place_and_nothing_is_written(app: Flask, admin: FlaskClient) -> None:
    before = version(app)
    response = upload(admin, BAD_ROW, name="Organizacje Łódź.csv")
    assert response.status_code == 400
    assert problems(response) == [("Organizacje Łódź.csv:3:4", "NIP '123' ma zły format (oczekiwano: ciąg 10 cyfr)")]
    html = response.get_data(as_text=True)
    assert "Import odrzucony: Organizacje Łódź.csv" in html and "nic nie zapisano" in html
    assert "Rekordy w pliku: 2; odrzucone: 1" in html
    assert 'id="import-confirm"' not in html  # nothing to confirm
    assert version(app) == before and uploads(app) == []  # the refused upload is deleted at once


def test_confirm_imports_once_and_the_change_log_names_the_admin(app: Flask, admin: FlaskClient) -> None:
    before = version(app)
    dry = upload(admin, VALID)
    assert dry.status_code == 200
    html = dry.get_data(as_text=True)
    assert "Sprawdzenie pliku organizacje.csv" in html and "To była próba: nic nie zapisano" in html
    assert re.search(r'id="count-created">2<', html)
    assert version(app) == before and len(uploads(app)) == 1  # the dry run wrote nothing; the file waits
    token = token_of(dry)

    done = admin.post("/import/confirm", data={"token": token})
    assert done.status_code == 200
    page = done.get_data(as_text=True)
    assert "Zaimportowano organizacje.csv" in page and 'href="/changes/"' in page
    assert f"Wersja zapisu {before + 1}; w dzienniku zmian: import organizacje.csv (run " in page
    with open_store(app.config["STORE"]) as store:
        node = store.get_node("org:slezna")
        change = store.changes(version=before + 1, limit=None)[0]
    assert node is not None and node.props["name"] == "Fundacja Ślężna Łódź"
    assert change.user == "anna" and change.source.startswith("import organizacje.csv (run ")
    assert "anna" in admin.get("/changes/").get_data(as_text=True)
    assert uploads(app) == []

    again = admin.post("/import/confirm", data={"token": token})  # a double click, a reload
    assert again.status_code == 409 and "Ten import został już wykonany" in again.get_data(as_text=True)
    assert version(app) == before + 1


def test_skip_invalid_imports_the_valid_rows_and_lists_the_rest(app: Flask, admin: FlaskClient) -> None:
    dry = upload(admin, BAD_ROW, skip_invalid="on")
    assert dry.status_code == 200 and problems(dry) == [
        ("organizacje.csv:3:4", "NIP '123' ma zły format (oczekiwano: ciąg 10 cyfr)")
    ]
    assert "zostaną pominięte" in dry.get_data(as_text=True)
    done = admin.post("/import/confirm", data={"token": token_of(dry)})
    assert done.status_code == 200 and "pominięto" in done.get_data(as_text=True)
    with open_store(app.config["STORE"]) as store:
        assert store.get_node("org:zuraw") is not None and store.get_node("org:zolta") is None


def test_cancel_deletes_the_upload(app: Flask, admin: FlaskClient) -> None:
    token = token_of(upload(admin, VALID))
    response = admin.post("/import/cancel", data={"token": token}, follow_redirects=True)
    assert "Anulowano import" in response.get_data(as_text=True) and uploads(app) == []
    assert admin.post("/import/confirm", data={"token": token}).status_code == 409


@pytest.mark.parametrize("token", ["../../graph.db", "", "x" * 40, "../uploads"])
def test_a_forged_token_imports_nothing(app: Flask, admin: FlaskClient, token: str) -> None:
    before = version(app)
    assert admin.post("/import/confirm", data={"token": token}).status_code == 409
    assert version(app) == before


def test_an_upload_expires(make_app: Callable[..., Flask]) -> None:
    app = make_app(IMPORT_UPLOAD_TTL=0)
    client = app.test_client()
    login(client, "anna")
    token = token_of(upload(client, VALID))
    assert client.post("/import/confirm", data={"token": token}).status_code == 409
    assert uploads(app) == []


def test_a_token_belongs_to_the_admin_who_uploaded(make_app: Callable[..., Flask]) -> None:
    app = make_app()
    UserStore(Path(app.config["INSTANCE_PATH"]) / USERS_FILE).add("ola", PASSWORD, "admin")
    first, second = app.test_client(), app.test_client()
    login(first, "anna")
    login(second, "ola")
    token = token_of(upload(first, VALID))
    assert second.post("/import/confirm", data={"token": token}).status_code == 409
    assert first.post("/import/confirm", data={"token": token}).status_code == 200


def test_an_unknown_format_is_refused_with_a_message(app: Flask, admin: FlaskClient) -> None:
    response = upload(admin, "coś zupełnie innego", name="notatki.bin")
    html = response.get_data(as_text=True)
    assert (
        response.status_code == 400 and "nie rozpoznano formatu pliku notatki.bin" in html and "Traceback" not in html
    )
    assert uploads(app) == []


def test_a_missing_file_or_a_bad_format_choice_is_refused(admin: FlaskClient) -> None:
    assert "Wybierz plik do importu." in admin.post("/import", data={"format": "guess"}).get_data(as_text=True)
    assert upload(admin, VALID, format="../../etc").status_code == 400


@pytest.mark.parametrize("who", [None, "ewa", "wiktor"])
@pytest.mark.parametrize(
    ("method", "url"),
    [("get", "/import"), ("post", "/import"), ("post", "/import/confirm"), ("post", "/import/cancel")],
)
def test_only_admins_reach_the_import_page(
    app: Flask, client: FlaskClient, who: str | None, method: str, url: str
) -> None:
    if who:
        login(client, who)
    before = version(app)
    data = {"file": (io.BytesIO(VALID.encode()), "organizacje.csv"), "token": "x" * 32}
    response = client.get(url) if method == "get" else client.post(url, data=data, content_type="multipart/form-data")
    if who is None:
        assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    else:
        assert response.status_code == 403
    assert version(app) == before and uploads(app) == []


def test_the_navigation_shows_import_to_admins_only(admin: FlaskClient, make_app: Callable[..., Flask]) -> None:
    assert 'href="/import"' in admin.get("/").get_data(as_text=True)
    viewer = make_app().test_client()
    login(viewer, "wiktor")
    page = viewer.get("/").get_data(as_text=True)
    assert 'href="/import"' not in page and 'href="/export"' in page


def test_an_import_post_without_the_csrf_token_is_refused(make_app: Callable[..., Flask]) -> None:
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    token = client.get("/login").get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
    client.post("/login", data={"name": "anna", "password": PASSWORD, "csrf_token": token})
    refused = upload(client, VALID)
    assert refused.status_code == 400 and "Formularz wygasł" in refused.get_data(as_text=True) and uploads(app) == []
    token = client.get("/import").get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
    dry = upload(client, VALID, csrf_token=token)
    assert dry.status_code == 200
    assert (
        client.post("/import/confirm", data={"token": token_of(dry)}).status_code == 400
    )  # the confirm form needs it too
    assert client.post("/import/confirm", data={"token": token_of(dry), "csrf_token": token}).status_code == 200


def test_script_in_the_file_name_and_the_cells_is_shown_as_text(admin: FlaskClient) -> None:
    text = BOM + f"klucz;nazwa;rodzaj;NIP\r\norg:x;{XSS};ngo;{XSS}\r\n"
    html = upload(admin, text, name="<script>alert(1).csv").get_data(as_text=True)  # a file name cannot hold "/"
    assert "<script>alert" not in html
    assert "Import odrzucony: &lt;script&gt;alert(1).csv" in html  # the name as the user gave it, escaped
    assert "&lt;script&gt;alert(1).csv:2:4" in html and f"NIP &#39;{ESCAPED}&#39;" in html


def test_a_too_large_upload_names_the_limit(make_app: Callable[..., Flask]) -> None:
    app = make_app(MAX_CONTENT_LENGTH=1024)
    client = app.test_client()
    login(client, "anna")
    assert "Największy dozwolony plik: 1 kB." in client.get("/import").get_data(as_text=True)
    response = upload(client, VALID * 20)
    html = response.get_data(as_text=True)
    assert response.status_code == 413 and "Przesłany plik jest za duży." in html
    assert "Największy dozwolony rozmiar to 1 kB (ustawienie MAX_CONTENT_LENGTH)" in html
    assert uploads(app) == []


def test_the_import_page_in_english(admin: FlaskClient) -> None:
    html = admin.get("/import?lang=en").get_data(as_text=True)
    assert "Data import" in html and "skip invalid rows" in html and "Check the file" in html


# -- export ---------------------------------------------------------------------------------------

TYPES = {
    "jsonl": "application/x-ndjson",
    "csv": "application/zip",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "turtle": "text/turtle; charset=utf-8",
    "jsonld": "application/ld+json",
    "ntriples": "application/n-triples",
    "rdfxml": "application/rdf+xml; charset=utf-8",
    "graphml": "application/graphml+xml; charset=utf-8",
    "gexf": "application/gexf+xml; charset=utf-8",
    "tables": "application/zip",
    "bundle": "application/zip",
}
ENDINGS = {
    "jsonl": ".jsonl",
    "csv": "-csv.zip",
    "xlsx": ".xlsx",
    "turtle": ".ttl",
    "jsonld": ".jsonld",
    "ntriples": ".nt",
    "rdfxml": ".rdf",
    "graphml": ".graphml",
    "gexf": ".gexf",
    "tables": "-tables.zip",
    "bundle": "-bundle.zip",
}


def download(client: FlaskClient, name: str) -> TestResponse:
    response = client.get(f"/export/{name}")
    response.get_data()
    response.close()  # what a server does once the body is sent: the temporary folder goes
    return response


def test_the_export_page_lists_every_format(viewer: FlaskClient) -> None:
    html = viewer.get("/export").get_data(as_text=True)
    assert "Eksport danych" in html
    for name in TYPES:
        assert f'href="/export/{name}"' in html


@pytest.mark.parametrize("name", list(TYPES))
def test_every_download_has_its_type_and_a_dated_file_name(viewer: FlaskClient, name: str) -> None:
    before = set(Path(tempfile.gettempdir()).glob("partnergraph-export-*"))
    response = download(viewer, name)
    assert response.status_code == 200 and response.headers["Content-Type"] == TYPES[name]
    disposition = response.headers["Content-Disposition"]
    assert re.fullmatch(rf"attachment; filename=partnergraph-\d{{4}}-\d\d-\d\d{re.escape(ENDINGS[name])}", disposition)
    assert int(response.headers["Content-Length"]) == len(response.data) > 0
    assert set(Path(tempfile.gettempdir()).glob("partnergraph-export-*")) <= before  # deleted once sent


def test_turtle_parses_and_names_the_organisations(viewer: FlaskClient) -> None:
    graph = rdflib.Graph().parse(data=download(viewer, "turtle").data, format="turtle")
    names = {str(o) for o in graph.objects()}
    assert LACKA in names and XSS in names


def test_graphml_parses_with_networkx(viewer: FlaskClient) -> None:
    graph = nx.read_graphml(io.BytesIO(download(viewer, "graphml").data))
    assert graph.nodes["org:lacka"]["name"] == LACKA and graph.number_of_edges() > 0


def test_json_lines_hold_one_object_per_line(viewer: FlaskClient) -> None:
    lines = download(viewer, "jsonl").data.decode("utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert all(isinstance(r, dict) and len(r) == 1 for r in records)
    assert {"node": "org:lacka"} in [{k: v["key"]} for r in records for k, v in r.items() if k == "node"]
    assert any("tie" in r for r in records)


def test_the_csv_archive_holds_the_template_tables(viewer: FlaskClient) -> None:
    archive = zipfile.ZipFile(io.BytesIO(download(viewer, "csv").data))
    names = archive.namelist()
    assert all(re.match(r"partnergraph-[\d-]+-csv/", n) for n in names) and any(
        n.endswith("organizacje.csv") for n in names
    )
    organisations = next(n for n in names if n.endswith("organizacje.csv"))
    assert LACKA in archive.read(organisations).decode("utf-8-sig")


def test_an_anonymous_visitor_of_a_closed_app_gets_no_export(client: FlaskClient) -> None:
    for url in ("/export", "/export/turtle", "/export/jsonl"):
        response = client.get(url)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_a_public_app_exports_the_research_formats_to_anyone(make_app: Callable[..., Flask]) -> None:
    client = make_app(PUBLIC=True).test_client()
    assert download(client, "turtle").status_code == 200
    html = client.get("/export").get_data(as_text=True)
    assert "zaloguj się, aby ją pobrać" in html and 'href="/import"' not in html
    full = client.get("/export/jsonl")  # the lossless copy holds contact data
    assert full.status_code == 302 and full.headers["Location"].startswith("/login")
    assert client.get("/export/nothing").status_code == 404


# -- both backends --------------------------------------------------------------------------------


def test_import_and_export_on_every_backend(example_store: GraphStore, backend_app: Callable[..., Flask]) -> None:
    app = backend_app()
    client = app.test_client()
    login(client, "anna")
    before = example_store.version()
    assert upload(client, BAD_ROW).status_code == 400 and example_store.version() == before
    dry = upload(client, VALID)
    assert example_store.version() == before
    assert client.post("/import/confirm", data={"token": token_of(dry)}).status_code == 200
    assert example_store.version() == before + 1
    assert example_store.changes(version=before + 1, limit=1)[0].user == "anna"
    turtle = rdflib.Graph().parse(data=download(client, "turtle").data, format="turtle")
    assert "Fundacja Ślężna Łódź" in {str(o) for o in turtle.objects()}
    assert (
        nx.read_graphml(io.BytesIO(download(client, "graphml").data)).nodes["org:zuraw"]["name"]
        == "Spółdzielnia Socjalna „Żuraw”"
    )
