"""The import page takes the options of `partnergraph import`: a GraphML/GEXF mapping, an older register, skip invalid.

Each option is chosen on the form, used by the dry run, shown on its report and used again by
the confirm, which posts only the token (issue 11).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from html import unescape
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from partnergraph.graph import open_store
from partnergraph.importers.run import run_import
from tests.web.test_import_export import BAD_ROW, problems, token_of, upload, uploads

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
KNOKI = FIXTURES / "graphfiles" / "KNOKI.GraphML"
SECTORS = {"nodes": {"values": {"sector": {"GOV": "public", "VOL": "social", "PVT": "private"}}}}
BEFORE = FIXTURES / "teryt" / "TERC_2020_pabianicki_modified.csv"  # Lutomiersk 1008062, rural
AFTER = FIXTURES / "teryt" / "TERC_2022_pabianicki.csv"  # Lutomiersk 1008063, urban-rural


def send(client: FlaskClient, path: Path, mapping: str | None = None, **form: str) -> TestResponse:
    """Upload the file ``path`` (and a mapping file with the text ``mapping``) through the form."""
    data: dict[str, object] = {"file": (io.BytesIO(path.read_bytes()), path.name), "format": "guess", **form}
    if mapping is not None:
        data["mapping"] = (io.BytesIO(mapping.encode("utf-8")), "sektory.json")
    return client.post("/import", data=data, content_type="multipart/form-data")


def settings(response: TestResponse) -> str:
    found = re.search(r'<p class="muted" id="import-settings">([^<]*)</p>', response.get_data(as_text=True))
    return unescape(found.group(1)) if found else ""


def test_the_form_offers_the_options_in_polish_and_english(admin: FlaskClient) -> None:
    html = admin.get("/import").get_data(as_text=True)
    assert 'name="mapping" type="file"' in html and 'name="allow_older" type="checkbox"' in html
    assert 'name="skip_invalid"' in html
    assert "Mapa atrybutów GraphML/GEXF" in html and "zezwól na starszy stan rejestru" in html
    english = admin.get("/import?lang=en").get_data(as_text=True)
    assert "GraphML/GEXF attribute mapping" in english and "allow a TERYT/KRS register state older" in english


def test_a_graphml_file_needs_its_mapping_and_imports_with_it(app: Flask, admin: FlaskClient) -> None:
    refused = send(admin, KNOKI)
    assert refused.status_code == 400 and any("GOV" in message for _, message in problems(refused))
    dry = send(admin, KNOKI, json.dumps(SECTORS))
    assert dry.status_code == 200 and "mapa atrybutów sektory.json" in settings(dry)
    assert re.search(r'id="count-created">31<', dry.get_data(as_text=True))  # 10 nodes, 21 ties
    assert sorted(p.name for p in uploads(app)[0].iterdir()) == ["KNOKI.GraphML", "mapping.json", "upload.json"]
    done = admin.post("/import/confirm", data={"token": token_of(dry)})  # the token only: the mapping is kept
    assert done.status_code == 200 and "mapa atrybutów sektory.json" in settings(done)
    with open_store(app.config["STORE"]) as store:
        node = store.get_node("org:knoki-n0")
        assert node is not None and node.props["sector"] == "public"
    assert uploads(app) == []


def test_a_bad_mapping_is_refused_with_its_reason(app: Flask, admin: FlaskClient) -> None:
    response = send(admin, KNOKI, json.dumps({"nodes": {"colours": {}}}))
    assert response.status_code == 400
    assert "zła mapa atrybutów: nodes: colours" in unescape(response.get_data(as_text=True))
    assert uploads(app) == []
    broken = send(admin, KNOKI, "{not json")
    assert broken.status_code == 400 and "zła mapa atrybutów" in unescape(broken.get_data(as_text=True))


def test_an_older_register_is_refused_unless_allowed_and_the_confirm_keeps_the_choice(
    app: Flask, admin: FlaskClient
) -> None:
    with open_store(app.config["STORE"]) as store:
        run_import(store, AFTER)
    refused = send(admin, BEFORE)
    assert refused.status_code == 400
    html = unescape(refused.get_data(as_text=True))
    assert "starszy niż zapisany" in html and "zaznacz „zezwól na starszy stan rejestru”" in html
    assert "--allow-older" not in html  # the web names its checkbox, not the CLI's option
    dry = send(admin, BEFORE, allow_older="on")
    assert dry.status_code == 200 and settings(dry) == "Ustawienia importu: starszy stan rejestru dozwolony."
    with open_store(app.config["STORE"]) as store:
        unit = store.get_node("teryt:10")
        assert unit is not None and unit.props["register_date"] == dt.date(2022, 1, 1)  # a dry run writes nothing
    done = admin.post("/import/confirm", data={"token": token_of(dry)})
    assert done.status_code == 200
    with open_store(app.config["STORE"]) as store:
        unit = store.get_node("teryt:10")
        assert unit is not None and unit.props["register_date"] == dt.date(2020, 1, 1)


def test_skip_invalid_is_kept_for_the_confirm_and_shown(app: Flask, admin: FlaskClient) -> None:
    dry = upload(admin, BAD_ROW, skip_invalid="on")
    assert dry.status_code == 200 and settings(dry) == "Ustawienia importu: błędne wiersze pomijane."
    done = admin.post("/import/confirm", data={"token": token_of(dry), "skip_invalid": ""})  # ignored: the token only
    assert done.status_code == 200 and "pominięto" in done.get_data(as_text=True)
    with open_store(app.config["STORE"]) as store:
        assert store.get_node("org:zuraw") is not None and store.get_node("org:zolta") is None


def test_without_options_the_report_names_none(admin: FlaskClient) -> None:
    dry = upload(admin, BAD_ROW.replace(";123", ";"))
    assert dry.status_code == 200 and settings(dry) == ""


def test_an_upload_named_like_the_mapping_keeps_both(app: Flask, admin: FlaskClient) -> None:
    data: dict[str, object] = {
        "file": (io.BytesIO(KNOKI.read_bytes()), "mapping.json"),
        "format": "graphml",
        "mapping": (io.BytesIO(json.dumps(SECTORS).encode("utf-8")), "mapping.json"),
    }
    dry = admin.post("/import", data=data, content_type="multipart/form-data")
    assert dry.status_code == 200, dry.get_data(as_text=True)
    assert sorted(p.name for p in uploads(app)[0].iterdir()) == ["mapping.json", "upload-mapping.json", "upload.json"]
