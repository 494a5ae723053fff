"""The research bundle: every file, described with the right checksum, written all-or-nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, PROV, RDF, RDFS

from partnergraph.errors import ConfigError
from partnergraph.exports import bundle as bundle_module
from partnergraph.exports.bundle import SPDX, write_bundle
from partnergraph.exports.common import public_url
from partnergraph.graph.base import GraphStore
from partnergraph.queries.metrics import metrics
from partnergraph.queries.runs import save_run
from partnergraph.records import Node, Tie
from partnergraph.schema import PG

NOW = dt.datetime(2025, 1, 31, 12, 0, tzinfo=dt.UTC)
FILES = [
    "README.txt",
    "graph.gexf",
    "graph.graphml",
    "graph.ttl",
    "tables/codebook.csv",
    "tables/metrics.csv",
    "tables/nodes.csv",
    "tables/ties.csv",
]


def test_the_bundle_holds_every_format_and_describes_each_file(example_store: GraphStore, tmp_path: Path) -> None:
    run = save_run(metrics(example_store, top=5), example_store, tmp_path / "runs")
    report = write_bundle(example_store, tmp_path / "pakiet", runs_folder=tmp_path / "runs", now=NOW)
    folder = tmp_path / "pakiet"
    listed = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    assert listed == sorted([*FILES, f"runs/{run.id}.json", "dataset.ttl"])
    assert (report.nodes, report.ties, report.runs) == (59, 153, 1)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary folder left

    description = Graph().parse(folder / "dataset.ttl")
    dataset = next(description.subjects(RDF.type, DCAT.Dataset))
    described = {}
    for dist in description.objects(dataset, DCAT.distribution):
        name = str(description.value(dist, DCTERMS.identifier))
        checksum = description.value(dist, SPDX.checksum)
        assert description.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        described[name] = (
            str(description.value(checksum, SPDX.checksumValue)),
            int(str(description.value(dist, DCAT.byteSize))),
        )
        assert description.value(dist, DCAT.mediaType) is not None
    assert sorted(described) == sorted([*FILES, f"runs/{run.id}.json"])
    for name, (sha256, size) in described.items():
        data = (folder / name).read_bytes()
        assert (hashlib.sha256(data).hexdigest(), len(data)) == (sha256, size), name
    assert str(description.value(dataset, DCTERMS.created)) == "2025-01-31T12:00:00+00:00"
    assert str(description.value(dataset, DCTERMS.source)) == public_url(example_store.url)
    export = description.value(dataset, PROV.wasGeneratedBy)
    assert (export, RDF.type, PROV.Activity) in description and description.value(export, PROV.used) is not None
    # three activities: the export, the metrics of metrics.csv (with its method), the saved metrics run
    activities = sorted(str(description.value(a, RDFS.label)) for a in description.subjects(RDF.type, PROV.Activity))
    assert activities == ["export", "metrics", "metrics"]
    method = description.value(URIRef(str(dataset) + "#metrics"), DCTERMS.description)
    assert "PageRank (directed, strength-weighted, damping 0.85)" in str(method)
    assert len(Graph().parse(folder / "graph.ttl")) > 1000
    readme = (folder / "README.txt").read_text(encoding="utf-8")
    assert "Pliki:" in readme and "Files:" in readme and "pominięte" in readme


def test_an_existing_folder_is_refused_unless_forced(sqlite_store: GraphStore, tmp_path: Path) -> None:
    target = tmp_path / "pakiet"
    target.mkdir()
    (target / "notatki.txt").write_text("moje", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        write_bundle(sqlite_store, target, runs_folder=tmp_path / "runs")
    assert str(caught.value) == f"{target} istnieje i nie jest pusty (podaj inny folder albo dodaj --force)"
    assert (target / "notatki.txt").exists()
    write_bundle(sqlite_store, target, runs_folder=tmp_path / "runs", force=True)
    assert not (target / "notatki.txt").exists() and (target / "dataset.ttl").exists()


def test_a_failure_leaves_nothing_behind(
    sqlite_store: GraphStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(bundle_module, "write_gexf", broken)
    (tmp_path / "out").mkdir()
    with pytest.raises(ConfigError, match=r"nie można zapisać .*pakiet: brak miejsca na dysku \(zwolnij miejsce"):
        write_bundle(sqlite_store, tmp_path / "out" / "pakiet", runs_folder=tmp_path / "runs")
    assert list((tmp_path / "out").iterdir()) == []


def test_private_values_only_when_asked_and_small_counts_never(store: GraphStore, tmp_path: Path) -> None:
    store.upsert(
        [
            Node("org:ops", "Organisation", {"name": "OPS", "kind": "welfare_centre", "phone": "+48 600 100 200"}),
            Node("org:ces", "Organisation", {"name": "CES", "kind": "ces", "email": "ces@example.org"}),
        ],
        [Tie("REFERS", "org:ops", "org:ces", {"count": 3, "since": dt.date(2024, 1, 1)})],
        source="test",
    )
    for private in (False, True):
        folder = tmp_path / f"pakiet-{private}"
        write_bundle(store, folder, runs_folder=tmp_path / "runs", include_private=private)
        texts = {p.name: p.read_text(encoding="utf-8-sig") for p in folder.rglob("*") if p.is_file()}
        for name, text in texts.items():
            assert ("ces@example.org" in text) == (
                private and name in ("graph.ttl", "graph.graphml", "graph.gexf", "nodes.csv")
            ), name
        ties = Graph().parse(folder / "graph.ttl")
        assert not [o for o in ties.objects(None, PG["count"])]  # the count 3 is not in the RDF, private or not
        assert len(list(ties.subjects(PG.countSuppressed, None))) == 1
        assert ";<5;" in texts["ties.csv"] and "pg:countSuppressed" not in texts["README.txt"]
