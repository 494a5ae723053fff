"""The export page: the whole store as a download, in every format the CLI's ``export`` writes.

Each download calls the library function the CLI calls (nothing shells out), writing into a
temporary folder of its own that is deleted once the response is sent, so a big store is
streamed to disk and from there to the browser, never held whole in memory twice. Folders
(the CSV tables, the research bundle) come as one ZIP archive. Files are named
``partnergraph-2026-12-03.ttl``.

Who may download: whoever may read the pages (a logged-in viewer and up, or anyone when the
app is public). The research formats (RDF, GraphML, GEXF, tables, bundle) leave the private
contact properties out, as the CLI does by default; the lossless copies (JSON Lines, CSV,
XLSX) hold everything, so they need a login even on a public site.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from partnergraph.graph.base import GraphStore
from partnergraph.i18n import current_language, register_messages, t
from partnergraph.web.store import get_store

__all__ = ["DOWNLOADS", "Download", "bp"]

bp = Blueprint("exports", __name__, url_prefix="/export")

register_messages(
    {
        "web.nav.export": "Export",
        "web.export.title": "Data export",
        "web.export.intro": "The whole store as a download. The research formats leave out the private contact data (e-mail, "
        "phone, contact role) and hide referral counts from 1 to 4.",
        "web.export.full": "Full copy (to import again)",
        "web.export.research": "Research formats",
        "web.export.login": "The full copy holds contact data: log in to download it.",
        "web.export.format": "format",
        "web.export.what": "what it holds",
        "web.export.jsonl": "every node, then every tie, one JSON object per line (lossless)",
        "web.export.csv": "a ZIP archive of the import template's CSV files (; separated, UTF-8)",
        "web.export.xlsx": "the import template's workbook: a sheet per node type, ties, the allowed values",
        "web.export.turtle": "RDF (Turtle): W3C ORG, RegOrg, schema.org, SKOS, PROV",
        "web.export.jsonld": "RDF as JSON-LD",
        "web.export.ntriples": "RDF as N-Triples (a line per triple)",
        "web.export.rdfxml": "RDF/XML",
        "web.export.graphml": "the network for Gephi, yEd, igraph (typed attributes)",
        "web.export.gexf": "the network for Gephi (symmetric ties as “mutual” edges)",
        "web.export.tables": "a ZIP archive: nodes.csv, ties.csv, metrics.csv and codebook.csv (the columns explained)",
        "web.export.bundle": "the research bundle (ZIP): RDF, GraphML, GEXF, tables, saved analyses, DCAT + PROV description, README",
        "web.export.download": "Download",
    }
)

Writer = Callable[[GraphStore, Path], None]
CHUNK = 1 << 16
"""Bytes sent at a time."""


@dataclass(frozen=True)
class Download:
    """One download: its file name ending, media type, writer and whether it holds private data."""

    name: str
    ending: str
    mimetype: str
    write: Writer
    full: bool = False
    """A lossless copy with the private contact properties: logged-in readers only."""


def _zip(folder: Path, out: Path) -> None:
    """``folder``'s files into the archive ``out``, under a folder named like the archive."""
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            archive.write(path, f"{out.stem}/{path.relative_to(folder).as_posix()}")


def _jsonl(store: GraphStore, out: Path) -> None:
    from partnergraph.importers.jsonl import export_jsonl

    with out.open("w", encoding="utf-8", newline="\n") as stream:
        export_jsonl(store, stream)


def _csv(store: GraphStore, out: Path) -> None:
    from partnergraph.importers.workbook import export_tables

    folder = out.parent / "csv"
    export_tables(store, folder, fmt="csv", language=current_language())
    _zip(folder, out)


def _xlsx(store: GraphStore, out: Path) -> None:
    from partnergraph.importers.workbook import export_tables

    export_tables(store, out, fmt="xlsx", language=current_language())


def _rdf(fmt: str) -> Writer:
    def write(store: GraphStore, out: Path) -> None:
        from partnergraph.rdf.export import write_rdf

        write_rdf(store, out, format=fmt)

    return write


def _graph(gexf: bool) -> Writer:
    def write(store: GraphStore, out: Path) -> None:
        from partnergraph.exports.gephi import write_gexf, write_graphml

        with out.open("wb") as stream:
            (write_gexf if gexf else write_graphml)(store, stream)

    return write


def _tables(store: GraphStore, out: Path) -> None:
    from partnergraph.exports.tables import write_tables

    folder = out.parent / "tables"
    folder.mkdir()
    write_tables(store, folder)
    _zip(folder, out)


def _bundle(store: GraphStore, out: Path) -> None:
    from partnergraph.exports.bundle import write_bundle

    folder = out.parent / "bundle"
    write_bundle(store, folder, runs_folder=Path(current_app.config["SETTINGS"].runs))
    _zip(folder, out)


DOWNLOADS = {
    d.name: d
    for d in (
        Download("jsonl", ".jsonl", "application/x-ndjson", _jsonl, full=True),
        Download("csv", "-csv.zip", "application/zip", _csv, full=True),
        Download(
            "xlsx", ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _xlsx, full=True
        ),
        Download("turtle", ".ttl", "text/turtle", _rdf("turtle")),
        Download("jsonld", ".jsonld", "application/ld+json", _rdf("jsonld")),
        Download("ntriples", ".nt", "application/n-triples", _rdf("ntriples")),
        Download("rdfxml", ".rdf", "application/rdf+xml", _rdf("rdfxml")),
        Download("graphml", ".graphml", "application/graphml+xml", _graph(gexf=False)),
        Download("gexf", ".gexf", "application/gexf+xml", _graph(gexf=True)),
        Download("tables", "-tables.zip", "application/zip", _tables),
        Download("bundle", "-bundle.zip", "application/zip", _bundle),
    )
}
"""Format name → its download, in the order the page lists them."""


class _Sent:
    """A temporary file's bytes in chunks; closing it (the server does once the response is sent or dropped) deletes its folder."""

    def __init__(self, path: Path, folder: Path) -> None:
        self.stream = path.open("rb")
        self.folder = folder

    def __iter__(self) -> Iterator[bytes]:
        return iter(lambda: self.stream.read(CHUNK), b"")

    def close(self) -> None:
        self.stream.close()
        shutil.rmtree(self.folder, ignore_errors=True)


@bp.route("")
def index() -> ResponseReturnValue:
    """The formats, with a download link each."""
    return render_template("export.html", downloads=list(DOWNLOADS.values()), logged_in=current_user.is_authenticated)


@bp.route("/<name>")
def download(name: str) -> ResponseReturnValue:
    """The store in format ``name``, as an attachment ``partnergraph-DATE<ending>``."""
    spec = DOWNLOADS.get(name)
    if spec is None:
        abort(404)
    if spec.full and not current_user.is_authenticated:
        flash(t("web.export.login"), "info")
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    folder = Path(tempfile.mkdtemp(prefix="partnergraph-export-"))
    try:
        path = folder / f"partnergraph-{dt.date.today().isoformat()}{spec.ending}"
        spec.write(get_store(), path)
        response = current_app.response_class(_Sent(path, folder), mimetype=spec.mimetype, direct_passthrough=True)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    response.headers.set("Content-Disposition", "attachment", filename=path.name)
    response.headers["Cache-Control"] = "no-store"
    response.content_length = path.stat().st_size
    return response
