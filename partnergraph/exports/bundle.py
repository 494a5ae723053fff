"""The research bundle: the whole graph in every research format, the saved runs, and how it was made.

``partnergraph export bundle DIR`` writes, all-or-nothing (into a temporary folder renamed at the end):

* ``graph.ttl`` — RDF (Turtle) via :func:`partnergraph.rdf.export.write_rdf`;
* ``graph.graphml`` and ``graph.gexf`` — for Gephi (:mod:`partnergraph.exports.gephi`);
* ``tables/`` — nodes.csv, ties.csv, metrics.csv and codebook.csv (:mod:`partnergraph.exports.tables`);
* ``runs/`` — every saved analysis run (parameters, algorithm, library versions, rows);
* ``dataset.ttl`` — a DCAT + PROV description: a ``dcat:Dataset`` with one ``dcat:Distribution``
  per file (media type, byte size, SHA-256 checksum as ``spdx:checksum``), when and from which
  store (URL without secrets, write version) it was made, and the activities that made it (the
  export, the metrics, each saved run) with the software versions;
* ``README.txt`` — what each file is, in Polish and English.

Privacy is the exports' own (:mod:`partnergraph.exports.common`): private properties only with
``include_private``, referral counts from 1 to 4 suppressed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, PROV, RDF, RDFS, XSD

from partnergraph.exports.common import public_url
from partnergraph.exports.gephi import write_gexf, write_graphml
from partnergraph.exports.tables import metrics_result, write_tables
from partnergraph.files import atomic_folder
from partnergraph.graph.base import GraphStore
from partnergraph.i18n import Msg, register_messages
from partnergraph.queries.base import Result
from partnergraph.queries.runs import SavedRun, list_runs
from partnergraph.rdf.mapping import DEFAULT_BASE
from partnergraph.schema import PG

__all__ = ["MEDIA_TYPES", "BundleReport", "write_bundle"]

SPDX = Namespace("http://spdx.org/rdf/terms#")
SCHEMA = Namespace("https://schema.org/")
IANA = "http://www.iana.org/assignments/media-types/"
MEDIA_TYPES = {
    ".ttl": "text/turtle",
    ".graphml": "application/graphml+xml",
    ".gexf": "application/gexf+xml",
    ".csv": "text/csv",
    ".json": "application/json",
    ".txt": "text/plain",
}
SOFTWARE = ("partnergraph", "rdflib", "networkx", "igraph", "pyshacl", "pyoxigraph")

register_messages(
    {
        "exp.bundle.title": "Social-economy partnership network — research bundle",
        "exp.bundle.export": "Export of the store to research formats",
        "exp.bundle.private": "Private properties (e-mail, phone, contact role): {state}. "
        "Referral counts from 1 to 4 hidden (<5, count_suppressed).",
        "exp.bundle.included": "included",
        "exp.bundle.left_out": "left out",
    }
)

README = """\
{title_pl}
{rule}
Utworzono: {created} z magazynu {store} (wersja zapisu {version}).
{private_pl}

Pliki:
  graph.ttl         cała sieć jako RDF (Turtle): W3C ORG, RegOrg, schema.org, SKOS, PROV.
  graph.graphml     sieć dla Gephi / yEd / igraph (atrybuty z typami).
  graph.gexf        sieć dla Gephi (powiązania symetryczne jako krawędzie „mutual”).
  tables/nodes.csv  węzły (separator ;, UTF-8 z BOM, przecinek dziesiętny).
  tables/ties.csv   powiązania.
  tables/metrics.csv  miary sieciowe organizacji.
  tables/codebook.csv opis każdej kolumny: etykiety PL/EN, typ, wartości, metoda.
  runs/             zapisane przebiegi analiz (parametry, algorytm, wersje bibliotek, wyniki).
  dataset.ttl       opis DCAT + PROV: pliki z rozmiarem i sumą SHA-256, pochodzenie, metoda.

{title_en}
{rule}
Created: {created} from store {store} (write version {version}).
{private_en}

Files:
  graph.ttl         the whole network as RDF (Turtle): W3C ORG, RegOrg, schema.org, SKOS, PROV.
  graph.graphml     the network for Gephi / yEd / igraph (typed attributes).
  graph.gexf        the network for Gephi (symmetric ties as "mutual" edges).
  tables/nodes.csv  nodes (; separated, UTF-8 with BOM, decimal comma).
  tables/ties.csv   ties.
  tables/metrics.csv  network metrics of the organisations.
  tables/codebook.csv every column explained: PL/EN labels, datatype, values, method.
  runs/             saved analysis runs (parameters, algorithm, library versions, rows).
  dataset.ttl       DCAT + PROV description: files with size and SHA-256, provenance, method.

Sumy kontrolne / checksums: dataset.ttl, spdx:checksumValue (SHA-256) — porównaj z / compare with: sha256sum FILE
"""


@dataclass
class BundleReport:
    """What the bundle holds: file (relative path) → byte size, and the counts written."""

    folder: Path
    files: dict[str, int] = field(default_factory=dict)
    nodes: int = 0
    ties: int = 0
    runs: int = 0


def _versions() -> dict[str, str]:
    found: dict[str, str] = {}
    for name in SOFTWARE:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return found


def _write_rdf(store: GraphStore, path: Path, include_private: bool) -> None:
    """Turtle via the RDF export (small referral counts are never in it)."""
    from partnergraph.rdf.export import write_rdf

    with path.open("wb") as stream:
        write_rdf(store, stream, format="turtle", include_private=include_private)


def _write_formats(store: GraphStore, folder: Path, include_private: bool, report: BundleReport) -> Result:
    _write_rdf(store, folder / "graph.ttl", include_private)
    with (folder / "graph.graphml").open("wb") as stream:
        counts = write_graphml(store, stream, include_private=include_private)
    with (folder / "graph.gexf").open("wb") as stream:
        write_gexf(store, stream, include_private=include_private)
    report.nodes, report.ties = counts.nodes, counts.ties
    (folder / "tables").mkdir()
    result = metrics_result(store)
    write_tables(store, folder / "tables", include_private=include_private, result=result)
    return result


def _copy_runs(runs_folder: Path, folder: Path) -> list[SavedRun]:
    runs = list_runs(runs_folder)
    if runs:
        (folder / "runs").mkdir()
    for run in runs:
        shutil.copyfile(runs_folder / f"{run.id}.json", folder / "runs" / f"{run.id}.json")
    return runs


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class _Description:
    """The DCAT + PROV graph of one bundle."""

    def __init__(self, base: str, created: dt.datetime) -> None:
        self.base = base
        self.g = Graph(base=base)
        for prefix, ns in (
            ("dcat", DCAT),
            ("dct", DCTERMS),
            ("prov", PROV),
            ("spdx", SPDX),
            ("schema", SCHEMA),
            ("pg", PG),
        ):
            self.g.bind(prefix, ns)
        self.dataset = URIRef(base)
        self.created = Literal(created.isoformat(timespec="seconds"), datatype=XSD.dateTime)

    def texts(self, subject: URIRef, predicate: URIRef, message: str, **params: object) -> None:
        for language in ("pl", "en"):
            self.g.add((subject, predicate, Literal(Msg(message, **params).render(language), lang=language)))

    def distribution(self, folder: Path, name: str) -> URIRef:
        path, dist = folder / name, URIRef(self.base + name)
        checksum = BNode()
        g = self.g
        g.add((self.dataset, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCTERMS.identifier, Literal(name)))
        g.add((dist, DCAT.downloadURL, dist))
        g.add((dist, DCAT.mediaType, URIRef(IANA + MEDIA_TYPES[path.suffix])))
        g.add((dist, DCAT.byteSize, Literal(path.stat().st_size, datatype=XSD.nonNegativeInteger)))
        g.add((dist, SPDX.checksum, checksum))
        g.add((checksum, RDF.type, SPDX.Checksum))
        g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        g.add((checksum, SPDX.checksumValue, Literal(_sha256(path), datatype=XSD.hexBinary)))
        return dist

    def software(self) -> URIRef:
        agent = URIRef(self.base + "#software")
        self.g.add((agent, RDF.type, PROV.SoftwareAgent))
        self.g.add((agent, RDFS.label, Literal("partnergraph")))
        for name, version in _versions().items():
            self.g.add((agent, SCHEMA.softwareRequirements, Literal(f"{name} {version}")))
            if name == "partnergraph":
                self.g.add((agent, SCHEMA.softwareVersion, Literal(version)))
        return agent

    def activity(self, name: str, label: str, description: str, used: URIRef, agent: URIRef) -> URIRef:
        node = URIRef(self.base + "#" + name)
        self.g.add((node, RDF.type, PROV.Activity))
        self.g.add((node, RDFS.label, Literal(label)))
        self.g.add((node, DCTERMS.description, Literal(description)))
        self.g.add((node, PROV.used, used))
        self.g.add((node, PROV.wasAssociatedWith, agent))
        return node


def _describe(
    store: GraphStore,
    folder: Path,
    files: Sequence[str],
    result: Result,
    runs: list[SavedRun],
    created: dt.datetime,
    include_private: bool,
) -> None:
    d = _Description(f"{DEFAULT_BASE}/bundle/{created.strftime('%Y%m%dT%H%M%SZ')}/", created)
    g, dataset = d.g, d.dataset
    g.add((dataset, RDF.type, DCAT.Dataset))
    d.texts(dataset, DCTERMS.title, "exp.bundle.title")
    state = Msg("exp.bundle.included" if include_private else "exp.bundle.left_out")
    d.texts(dataset, DCTERMS.description, "exp.bundle.private", state=state)
    g.add((dataset, DCTERMS.created, d.created))
    g.add((dataset, DCTERMS.source, Literal(public_url(store.url))))
    g.add((dataset, DCTERMS.conformsTo, URIRef(str(PG))))
    source = URIRef(d.base + "#store")
    g.add((source, RDF.type, PROV.Entity))
    g.add((source, DCTERMS.identifier, Literal(public_url(store.url))))
    g.add((source, SCHEMA.version, Literal(store.version())))
    agent = d.software()
    export = d.activity("export", "export", Msg("exp.bundle.export").render("en"), source, agent)
    g.add((export, PROV.endedAtTime, d.created))
    g.add((dataset, PROV.wasGeneratedBy, export))
    dists = {name: d.distribution(folder, name) for name in files}
    for dist in dists.values():
        g.add((dist, PROV.wasGeneratedBy, export))
    method = d.activity("metrics", "metrics", result.algorithm, source, agent)
    g.add((dists["tables/metrics.csv"], PROV.wasGeneratedBy, method))
    for run in runs:
        node = d.activity(f"run-{run.id}", run.analysis, run.algorithm, source, agent)
        g.add((node, PROV.startedAtTime, Literal(run.at, datatype=XSD.dateTime)))
        g.add(
            (node, RDFS.comment, Literal("parameters: " + json.dumps(run.params, ensure_ascii=False, sort_keys=True)))
        )
        for library, version in sorted(run.libraries.items()):
            g.add((node, SCHEMA.softwareRequirements, Literal(f"{library} {version}")))
        g.add((dists[f"runs/{run.id}.json"], PROV.wasGeneratedBy, node))
    g.serialize(folder / "dataset.ttl", format="turtle", base=d.base)


def _readme(store: GraphStore, folder: Path, created: dt.datetime, include_private: bool) -> None:
    state = "exp.bundle.included" if include_private else "exp.bundle.left_out"
    private = {lang: Msg("exp.bundle.private", state=Msg(state)).render(lang) for lang in ("pl", "en")}
    text = README.format(
        title_pl=Msg("exp.bundle.title").render("pl"),
        title_en=Msg("exp.bundle.title").render("en"),
        rule="=" * 60,
        created=created.isoformat(timespec="seconds"),
        store=public_url(store.url),
        version=store.version(),
        private_pl=private["pl"],
        private_en=private["en"],
    )
    (folder / "README.txt").write_text(text, encoding="utf-8")


def write_bundle(
    store: GraphStore,
    target: Path,
    *,
    runs_folder: Path,
    include_private: bool = False,
    force: bool = False,
    now: dt.datetime | None = None,
) -> BundleReport:
    """Write the research bundle into folder ``target`` (refused if it is not empty, unless ``force``)."""
    created = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    report = BundleReport(target)
    with atomic_folder(target, force=force) as folder:
        result = _write_formats(store, folder, include_private, report)
        runs = _copy_runs(runs_folder, folder)
        report.runs = len(runs)
        _readme(store, folder, created, include_private)
        files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
        _describe(store, folder, files, result, runs, created, include_private)
        report.files = {name: (folder / name).stat().st_size for name in [*files, "dataset.ttl"]}
    return report
