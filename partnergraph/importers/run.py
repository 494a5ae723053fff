"""The import pipeline of every format: check the whole file, then write it all or nothing.

    >>> report = run_import(store, Path("organizacje.csv"))   # doctest: +SKIP
    >>> report.count("created"), report.version               # doctest: +SKIP
    (120, 1)

Pass 1 streams the file's reader and checks every record with the store's validator, placing
each problem at its cell (``organizacje.csv:14:5``, ``Organizacje!E14``); checks that both ends
of every tie are in the file or the store; and reconciles organisations with the store
(:mod:`partnergraph.importers.check`: the same identifier under another key merges, the same
name and place is reported as a probable duplicate). Only then pass 2 streams
the file again into ONE store transaction labelled ``import <file> (run <id>)``, so the change
log shows the run, and a failure or a kill half-way leaves the store as it was. With
``skip_invalid`` the valid records are written and the rejected ones go, with their reasons,
to ``<name>.rejected.csv`` beside the input.

Memory stays flat as files grow: records are not kept, only their keys (and the ties that
point forward to a node further down the file).
"""

from __future__ import annotations

import codecs
import datetime as dt
import importlib
import inspect
import re
import secrets
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path

from partnergraph.errors import ConfigError, Problem, ValidationError
from partnergraph.graph.base import BATCH_SIZE, GraphStore
from partnergraph.i18n import Msg, register_messages
from partnergraph.importers.base import MAX_LISTED, READERS, ImportFailed, ImportReport, Located, Reader
from partnergraph.importers.check import Checker, Notice
from partnergraph.importers.references import name_ref
from partnergraph.importers.rejected import RejectedFile
from partnergraph.records import Node, Tie
from partnergraph.text import fold

__all__ = [
    "FORMATS",
    "MAX_LISTED",
    "ImportFailed",
    "ImportReport",
    "Notice",
    "Progress",
    "guess_format",
    "name_ref",
    "reader_for",
    "run_import",
]

FORMATS = {
    "csv": "spreadsheet",
    "xlsx": "spreadsheet",
    "kumu": "kumu",
    "jsonl": "jsonl",
    "teryt": "teryt",
    "pkd": "pkd",
    "krs": "krs",
    "graphml": "graphml",
    "gexf": "graphml",
    "turtle": "rdf",
    "ntriples": "rdf",
    "jsonld": "rdf",
    "rdfxml": "rdf",
}
"""Format name → the module of partnergraph.importers that registers its reader."""

PROGRESS_EVERY = 1000

Progress = Callable[[str, int, "int | None"], None]
"""Called as ``progress(phase, done, total)``; phase "check" (total unknown) then "write"."""

register_messages(
    {
        "imp.changed": "the file changed during the import",
        "imp.changed.hint": "close it in the spreadsheet and run the import again",
        "imp.missing_file": "no file {path}",
        "imp.unknown_format": "cannot tell the format of {name}",
        "imp.unknown_format.hint": "give --format: {formats}",
        "imp.no_reader": "format {name!r} is not available in this installation",
        "imp.no_reader.hint": "available: {formats}",
        "imp.xls": "the old Excel format (.xls) is not supported",
        "imp.xls.hint": "save the file as .xlsx or CSV UTF-8",
    }
)


def _run_id() -> str:
    return f"{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S}-{secrets.token_hex(2)}"


def _stamp(path: Path) -> list[tuple[str, int, int]]:
    """Size and modification time of the file (or of each file in the folder)."""
    files = sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path]
    return [(p.name, (stat := p.stat()).st_size, stat.st_mtime_ns) for p in files]


def _open(reader: Reader, path: Path, store: GraphStore, options: Mapping[str, object]) -> Iterable[Located | Problem]:
    """Call ``reader`` with the options it accepts; readers that match against the store get it."""
    accepted = inspect.signature(reader).parameters
    kwargs = {name: value for name, value in options.items() if name in accepted}
    if "store" in accepted:
        kwargs["store"] = store
    return reader(path, **kwargs)


def run_import(
    store: GraphStore,
    path: Path | str,
    *,
    format: str | None = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    user: str = "",
    progress: Progress | None = None,
    options: Mapping[str, object] | None = None,
) -> ImportReport:
    """Import ``path`` into ``store`` all-or-nothing (see the module docs); raises ImportFailed.

    ``format`` is a reader name (csv, xlsx, kumu, jsonl, teryt, pkd, krs, graphml, gexf); by
    default it is guessed from the file. With ``dry_run`` nothing is written (not even the
    rejected file) and the report says what would change. ``options`` go to the readers that
    take them (``mapping`` for graphml/gexf, ``allow_older`` for teryt/krs: apply a register
    state older than the stored one); readers that take ``store`` (teryt, krs) get the store.
    Warnings openpyxl gives about workbook parts it drops ("Unknown extension …") are not passed on.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", module=r"openpyxl(\.|$)")
        return _run_import(store, Path(path), format, dry_run, skip_invalid, user, progress, options)


def _run_import(
    store: GraphStore,
    path: Path,
    format: str | None,
    dry_run: bool,
    skip_invalid: bool,
    user: str,
    progress: Progress | None,
    options: Mapping[str, object] | None,
) -> ImportReport:
    """:func:`run_import`'s work."""
    if not path.exists():
        raise ValidationError([Problem(Msg("imp.missing_file", path=path))])
    name = format or guess_format(path)
    reader = reader_for(name)
    report = ImportReport(path, name, f"import {path.name} (run {_run_id()})", dry_run)
    stamp = _stamp(path)
    rejected = RejectedFile(path) if skip_invalid and not dry_run else None
    checker = Checker(store, report, rejected)
    try:
        _check(checker, _open(reader, path, store, options or {}), report, progress)
    except ValidationError as exc:  # the reader cannot go on: the file as a whole is wrong
        report.add_problems(exc.problems, report.records)
        if rejected:
            rejected.discard()
        raise ImportFailed(report, fatal=True) from exc
    finally:
        report.rejected_file = rejected.close() if rejected else None
    if report.problem_count and not skip_invalid:
        raise ImportFailed(report)
    if _stamp(path) != stamp:
        raise ValidationError([Problem(Msg("imp.changed"), path.name, Msg("imp.changed.hint"))])
    with store.write(source=report.source, user=user, dry_run=dry_run) as writer:
        written = 0
        for nodes, ties in _batches(checker, _open(reader, path, store, options or {}), report.records):
            writer.upsert_nodes(nodes)
            writer.upsert_ties(ties)
            written += len(nodes) + len(ties)
            if progress:
                progress("write", written, report.records)
        writer.upsert_ties(checker.deferred_ties())
        if _stamp(path) != stamp:
            raise ValidationError([Problem(Msg("imp.changed"), path.name, Msg("imp.changed.hint"))])
    report.summary = writer.summary
    return report


def _check(
    checker: Checker, items: Iterable[Located | Problem], report: ImportReport, progress: Progress | None
) -> None:
    """Pass 1: every record checked; problems and notices collected in the report."""
    for item in items:
        if not isinstance(item, Located):
            checker.reader_problem(item)
            continue
        checker.check(report.records, item)
        report.records += 1
        if progress and report.records % PROGRESS_EVERY == 0:
            progress("check", report.records, None)
    checker.finish()
    report.sort_problems()
    if progress:
        progress("check", report.records, None)


def _batches(
    checker: Checker, items: Iterable[Located | Problem], expected: int
) -> Iterator[tuple[list[Node], list[Tie]]]:
    """Pass 2: the records to write, in file order and in batches, as pass 1 resolved them."""
    nodes: list[Node] = []
    ties: list[Tie] = []
    ordinal = -1
    for item in items:
        if not isinstance(item, Located):
            continue
        ordinal += 1
        record = checker.for_write(ordinal, item.record)
        if isinstance(record, Node):
            nodes.append(record)
        elif isinstance(record, Tie):
            ties.append(record)
        if len(nodes) + len(ties) >= BATCH_SIZE:
            yield nodes, ties
            nodes, ties = [], []
    if ordinal + 1 != expected:
        raise ValidationError([Problem(Msg("imp.changed"), "", Msg("imp.changed.hint"))])
    yield nodes, ties


# -- formats ---------------------------------------------------------------------------------
register_messages(
    {
        "imp.gus": "this is the GUS TERYT {catalogue} file ({what}); partnergraph needs TERC",
        "imp.gus.hint": 'download TERC ("Urzędowy" variant) from eteryt.stat.gov.pl — it has the municipalities, counties and voivodeships',
        "imp.zip": "the ZIP archive {name} holds no TERC file; unpack it and import the file inside ({members})",
        "imp.gus.simc": "localities",
        "imp.gus.ulic": "streets",
        "imp.gus.wmrodz": "kinds of localities",
        "imp.gephi.nodes": "this is a Gephi nodes table (Id, Label) — its ids mean something only inside Gephi",
        "imp.gephi.edges": "this is a Gephi edges table (Source, Target) — on its own it does not say which organisations they are",
        "imp.gephi.hint": "in Gephi export the whole graph as GraphML (File → Export → Graph file) and import that file",
    }
)


def reader_for(name: str) -> Reader:
    """The reader registered as ``name``, importing its module on first use."""
    if not _load(name):
        raise ConfigError(
            Msg("imp.no_reader", name=name), hint=Msg("imp.no_reader.hint", formats=", ".join(available()))
        )
    return READERS[name]


def available() -> list[str]:
    """Format names whose readers can be loaded here."""
    return [name for name in FORMATS if _load(name)]


def _load(name: str) -> bool:
    module = FORMATS.get(name)
    if name not in READERS and module:
        try:
            importlib.import_module(f"partnergraph.importers.{module}")
        except ModuleNotFoundError as exc:  # a reader another build leaves out
            if exc.name != f"partnergraph.importers.{module}":
                raise
    return name in READERS


_SUFFIXES = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".graphml": "graphml",
    ".gexf": "gexf",
    ".ttl": "turtle",
    ".nt": "ntriples",
    ".jsonld": "jsonld",
    ".rdf": "rdfxml",
    ".owl": "rdfxml",
}
_XML_ROOTS = {"teryt": "teryt", "graphml": "graphml", "gexf": "gexf", "rdf": "rdfxml"}
_XML_ROOT = re.compile(rb"<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)")


def guess_format(path: Path) -> str:
    """The format of ``path`` from its extension and, where unambiguous, its first bytes."""
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.is_file())
        tables = {_guess_table(_head(p), p.name) for p in files if p.suffix.lower() == ".csv"}
        if tables:
            return "kumu" if "kumu" in tables else "csv"
        return "krs" if any(p.suffix.lower() == ".json" for p in files) else _unknown(path)
    suffix = path.suffix.lower()
    head = _head(path)
    if suffix == ".xlsx" or suffix == ".xlsm":
        return "kumu" if _is_kumu_workbook(path) else "xlsx"
    if suffix in _SUFFIXES:
        return _SUFFIXES[suffix]
    if suffix == ".xls":
        if "pkd" in path.name.lower():
            return "pkd"
        raise ValidationError([Problem(Msg("imp.xls"), path.name, Msg("imp.xls.hint"))])
    if suffix in (".csv", ".tsv", ".txt"):
        return _guess_table(head, path.name)
    if suffix == ".zip" or head.startswith(b"PK\x03\x04"):
        return _guess_zip(path)
    if suffix == ".json":
        return "jsonl" if re.match(rb'\s*\{\s*"(node|tie|comment)"', head.removeprefix(b"\xef\xbb\xbf")) else "krs"
    if suffix == ".xml" or head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        root = _xml_root(head)
        if root in _GUS_XML_ROOTS:  # GUS writes <teryt>, <simc>, <ulic> or <SIMC> round its catalogues
            _refuse_gus(
                {fold((m.group(1) or m.group(2)).decode("ascii")) for m in _XML_COLUMN.finditer(head)}, path.name
            )
        return _XML_ROOTS.get(root, "") or _unknown(path)
    return _unknown(path)


def _unknown(path: Path) -> str:
    raise ConfigError(
        Msg("imp.unknown_format", name=path.name), hint=Msg("imp.unknown_format.hint", formats=", ".join(FORMATS))
    )


def _head(path: Path, size: int = 1 << 16) -> bytes:
    try:
        with path.open("rb") as raw:
            return raw.read(size)
    except OSError as exc:
        raise ValidationError([Problem(Msg("reader.unreadable", detail=exc.strerror or exc), path.name)]) from exc


def _xml_root(head: bytes) -> str:
    for match in _XML_ROOT.finditer(head):
        before = head[max(0, match.start() - 1) : match.start() + 2]
        if not before.startswith((b"<?", b"<!")):
            return match.group(2).decode("ascii").lower()
    return ""


def _guess_table(head: bytes, name: str) -> str:
    """csv, or teryt / pkd / kumu when the header row is theirs; refuses other known tables (GUS, Gephi)."""
    line = _text(head).split("\n", 1)[0]
    cells = [fold(c).strip().strip('"').strip() for c in re.split(r"[;,\t]", line)]
    columns = set(cells)
    _refuse_gus(columns, name)
    if {"woj", "pow", "gmi", "rodz"} <= columns:
        return "teryt"
    if "numerpoziomu" in columns or "symbol pkd 2007" in columns:
        return "pkd"
    _refuse_gephi(cells, name)
    if "direction" in columns or ("label" in columns and not columns & {"name", "nazwa"}):
        return "kumu"
    return "csv"


def _text(head: bytes) -> str:
    """The first bytes of a table as text: UTF-16 after its byte-order mark (Excel's "Unicode text"), else UTF-8."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return head[: len(head) // 2 * 2].decode("utf-16", errors="replace")
    return head.removeprefix(codecs.BOM_UTF8).decode("utf-8", errors="replace")


_GUS_XML_ROOTS = {"teryt", "simc", "ulic", "wmrodz"}
_XML_COLUMN = re.compile(rb'<col name="([A-Za-z_0-9]+)"|<([A-Za-z_0-9]+)>')
GUS_CATALOGUES = {
    "simc": {"rodz_gmi", "rm", "sym", "sympod"},
    "ulic": {"rodz_gmi", "sym_ul", "cecha"},
    "wmrodz": {"rm", "nazwa_rm"},
}
"""The GUS TERYT catalogues other than TERC, by the columns that tell them apart (folded)."""


def _refuse_gus(columns: set[str], name: str) -> None:
    """Refuse SIMC, ULIC and WMRODZ (localities, streets, locality kinds): only TERC has municipalities."""
    for catalogue, marks in GUS_CATALOGUES.items():
        if marks <= columns:
            raise _gus_refusal(catalogue, f"{name}:1")


def _gus_refusal(catalogue: str, where: str) -> ValidationError:
    """The one-line refusal of a GUS catalogue other than TERC, pointing to TERC."""
    msg = Msg("imp.gus", catalogue=catalogue.upper(), what=Msg(f"imp.gus.{catalogue}"))
    return ValidationError([Problem(msg, where, Msg("imp.gus.hint"))])


def _refuse_gephi(cells: list[str], name: str) -> None:
    """Refuse Gephi's node and edge tables (Data Laboratory → Export table): their ids mean nothing outside Gephi."""
    columns = set(cells)
    if {"source", "target"} <= columns and not columns & {"from", "to", "od", "do"}:
        table = "edges"
    elif cells[:2] == ["id", "label"]:
        table = "nodes"
    else:
        return
    raise ValidationError([Problem(Msg(f"imp.gephi.{table}"), f"{name}:1", Msg("imp.gephi.hint"))])


def _guess_zip(path: Path) -> str:
    """teryt for a GUS zip holding TERC; a zip of another GUS catalogue is refused naming it."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            names = [Path(m.filename).name for m in archive.infolist() if not m.is_dir()]
    except (OSError, zipfile.BadZipFile, RuntimeError, ValueError):
        return _unknown(path)
    if any("TERC" in n.upper() for n in names):
        return "teryt"  # the reader opens the zip and says when it holds several TERC files
    for catalogue in GUS_CATALOGUES:
        if member := next((n for n in names if n.upper().startswith(catalogue.upper())), None):
            raise _gus_refusal(catalogue, f"{path.name}/{member}")
    raise ConfigError(
        Msg("imp.zip", name=path.name, members=", ".join(names[:10]) or "—"),
        hint=Msg("imp.unknown_format.hint", formats=", ".join(FORMATS)),
    )


def _is_kumu_workbook(path: Path) -> bool:
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            workbook = archive.read("xl/workbook.xml")
    except (OSError, KeyError, zipfile.BadZipFile, RuntimeError, ValueError):
        return False
    sheets = {fold(m.decode("utf-8", errors="replace")) for m in re.findall(rb'<sheet [^>]*name="([^"]*)"', workbook)}
    return {"elements", "connections"} & sheets != set() and not sheets & {
        "organizacje",
        "organisations",
        "powiazania",
        "ties",
    }
