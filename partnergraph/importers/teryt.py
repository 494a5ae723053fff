"""GUS TERYT TERC ("Urzędowy" variant) → voivodeships, counties and municipalities.

The CSV (``;``, UTF-8 with or without BOM, or Windows-1250 when saved by Excel) and the XML
variant (``<row>`` of ``<col name="…">`` or of ``<WOJ>…</WOJ>`` elements; ``NAZDOD`` or
``NAZWA_DOD``) give the same records:

* ``WOJ`` only → a Voivodeship ``teryt:30``; its name lower-cased (``wielkopolskie``), as
  it is written in Polish, whatever case the file uses;
* ``WOJ`` + ``POW`` → a County ``teryt:3014`` (name as given: ``międzychodzki``, ``Poznań``),
  PART_OF its voivodeship;
* ``WOJ`` + ``POW`` + ``GMI`` + ``RODZ`` → a Municipality ``teryt:3014022`` (name as given),
  with ``municipality_type`` from RODZ through the ``pg:terytCode`` of the MunicipalityTypes
  concepts in models.ttl. Gminas (RODZ 1, 2, 3) are PART_OF their county. Parts (RODZ 4
  town and 5 rural part of an urban-rural gmina, 8 Warsaw district, 9 delegatura) are
  Municipality nodes PART_OF their gmina (``0806024`` → ``0806023``; ``3064029`` →
  ``3064011``), not of the county, so counting a county's gminas never counts them twice;
  ``parts=False`` leaves them out.

Nodes and PART_OF ties carry ``source`` = ``GUS TERYT TERC``; the register's state date
(``STAN_NA``) is kept once, as ``register_date`` on each Voivodeship the file lists, so a newer
file changes only what really changed. Keys are the codes. Given the ``store``, a file is
compared with the stored register (:mod:`partnergraph.importers.registers`): a file older than
the stored state is refused in one line unless ``allow_older``; units the file no longer lists
get ``ended`` (never deleted: ties still point at them), new ones ``valid_from``; notices count
the units added, renamed, ended and those changed only by the date. A whole register (all 16
voivodeships) ends missing counties and gminas; an excerpt only the gminas of its counties.
A GUS ``.zip`` is opened and the TERC file inside is read. One-digit codes (Excel drops leading
zeros) are padded.

    >>> [str(p) for p in read_teryt(Path("missing/TERC.csv"))]  # unreadable rows are problems
    ['TERC.csv: nie można odczytać pliku: No such file or directory']

A file that as a whole is no TERC (another GUS catalogue, a zip without TERC, an older state)
raises :class:`~partnergraph.errors.ValidationError` with one problem, as the pipeline expects.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import re
import tempfile
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from partnergraph.errors import Problem, ValidationError
from partnergraph.graph.base import GraphStore
from partnergraph.graph.validity import ENDED, REGISTER_DATE, VALID_FROM, as_date, is_current
from partnergraph.i18n import Msg, register_messages
from partnergraph.importers.base import Located, Notice, clean_text, provenance, register_reader
from partnergraph.importers.encodings import detect_encoding
from partnergraph.importers.registers import Changes, older_state
from partnergraph.importers.units import unit_name
from partnergraph.importers.xmlfiles import iter_xml
from partnergraph.records import Node, Tie
from partnergraph.schema import Schema, load_schema
from partnergraph.values import Value

__all__ = ["COLUMNS", "MunicipalityIndex", "Seat", "read_teryt"]

COLUMNS = ("WOJ", "POW", "GMI", "RODZ", "NAZWA", "NAZWA_DOD", "STAN_NA")
_ALIASES = {"NAZDOD": "NAZWA_DOD"}
_REQUIRED = COLUMNS[:5]
GMINA_RODZ = frozenset("123")  # whole gminas; other RODZ values are parts of a gmina
URBAN_RODZ = "1"
SOURCE = "GUS TERYT TERC"  # provenance written on nodes and PART_OF ties (the date is the voivodeship's register_date)
REGISTER = "TERYT TERC"
VOIVODESHIPS = 16  # since 1999; a file listing them all is a whole register

register_messages(
    {
        "teryt.columns": "columns {missing} are missing: this is not a TERC file",
        "teryt.columns.hint": 'expected header: WOJ;POW;GMI;RODZ;NAZWA;NAZWA_DOD;STAN_NA (TERC, "Urzędowy" variant)',
        "teryt.code": "{column} {value!r} is not a {n}-digit code",
        "teryt.rodz": "RODZ {value!r} is not a TERYT municipality type",
        "teryt.structure": "the row has {given} but lacks {missing}",
        "teryt.name": "the unit has no name (NAZWA)",
        "teryt.no_gmina": "unit {code} is part of a gmina that is not in the file",
        "teryt.no_gmina.hint": 'this looks like the "Adresowy" variant; download the "Urzędowy" variant from GUS',
        "teryt.row": "a <row> element without TERC columns",
        "teryt.not_terc": "the file's rows lack the TERC columns {missing} and have {found}: this is not a TERC file",
        "teryt.zip": "the ZIP archive has no TERC file, only: {members}",
        "teryt.zip_many": "the ZIP archive has several TERC files: {members}",
        "teryt.zip_many.hint": "unpack the archive and import one of them",
        "teryt.bad_zip": "the ZIP archive is damaged: {detail}",
        "teryt.fields.hint": 'the file is cut short or damaged; download it again from GUS (TERC, "Urzędowy" variant)',
        "teryt.date": "STAN_NA {value!r} is not a YYYY-MM-DD date",
        "teryt.duplicate": "unit {code} is in the file twice (first: {first})",
        "teryt.duplicate.hint": "the TERC register lists each unit once; remove the repeated row or download the file again from GUS",
        "teryt.index_empty": "there are no TERYT municipalities to match the seat against",
        "teryt.index_empty.hint": "import the TERC register first: partnergraph import TERC_Urzedowy.csv",
        "teryt.unknown_unit": "{level} {value!r} is not in TERYT ({within})",
        "teryt.ambiguous": "gmina {value!r} is ambiguous: {candidates}",
        "teryt.ambiguous.hint": "give the powiat or the seat's locality, or add the LOCATED_IN tie by hand",
    }
)


@dataclass
class _Row:
    """One TERC row: values by column, and the place of each value."""

    values: dict[str, str]
    line: int
    places: dict[str, str]
    where: str


@dataclass
class _State:
    """What the reader remembers while streaming: gminas seen, parts waiting for theirs."""

    schema: Schema
    types: dict[str, str]  # RODZ → municipality type notation
    type_property: str
    parts: bool
    gminas: set[str] = field(default_factory=set)
    codes: dict[str, str] = field(default_factory=dict)  # code → the row where it was first seen
    city_gminas: dict[str, str] = field(default_factory=dict)  # county code → its urban gmina (RODZ 1)
    waiting: list[tuple[Node, _Row, str]] = field(default_factory=list)  # parts read before their gmina
    stored: dict[str, Node] = field(default_factory=dict)  # teryt code → the unit in the store
    allow_older: bool = False
    dates: dict[str, dt.date | None] = field(default_factory=dict)  # voivodeship code → the file's state date
    counties: set[str] = field(default_factory=set)  # county codes the file lists
    changes: Changes = field(default_factory=lambda: Changes(REGISTER))
    notices: list[Notice] = field(default_factory=list)

    def parent_of(self, code: str) -> str | None:
        """The gmina a part belongs to, if it has been read."""
        rodz = code[6]
        parent = code[:6] + "3" if rodz in "45" else self.city_gminas.get(code[:4])
        return parent if parent in self.gminas else None


def _municipality_types(schema: Schema) -> tuple[str, dict[str, str]]:
    """The Municipality property whose vocabulary has TERYT codes, and RODZ → notation."""
    for prop in schema.node_types["Municipality"].properties.values():
        concepts = prop.vocabulary.concepts.values() if prop.vocabulary else ()
        codes = {c.teryt_code: c.name for c in concepts if c.teryt_code}
        if codes:
            return prop.name, codes
    return "", {}


def read_teryt(
    path: Path,
    *,
    parts: bool = True,
    schema: Schema | None = None,
    store: GraphStore | None = None,
    allow_older: bool = False,
) -> Iterator[Located | Problem]:
    """Voivodeship, County and Municipality nodes with PART_OF ties from a TERC file (or a GUS zip).

    With ``store``, the file is an update of the stored register (see the module docs).
    """
    if _is_zip(path):
        with tempfile.TemporaryDirectory(prefix="partnergraph-terc-") as folder:
            yield from read_teryt(
                _unzip(path, Path(folder)), parts=parts, schema=schema, store=store, allow_older=allow_older
            )
        return
    schema = schema or (store.schema if store is not None else load_schema())
    type_property, types = _municipality_types(schema)
    state = _State(schema, types, type_property, parts, allow_older=allow_older)
    if store is not None:
        state.stored = {
            str(n.props.get("teryt")): n for t in ("Voivodeship", "County", "Municipality") for n in store.iter_nodes(t)
        }
    rows = _xml_rows(path) if _is_xml(path) else _csv_rows(path)
    for row in rows:
        if isinstance(row, Problem):
            yield row
        else:
            yield from _records(row, state)
    for node, row, source in state.waiting:
        found = state.parent_of(str(node.props["teryt"]))
        if found is None:
            yield Problem(Msg("teryt.no_gmina", code=node.props["teryt"]), row.where, Msg("teryt.no_gmina.hint"))
        else:
            yield Located(node, row.where, _fields(row, node))
            yield Located(Tie("PART_OF", node.key, f"teryt:{found}", {"source": source}), row.where)
    if state.stored:
        yield from _ended(state, path.name)
        yield from state.notices
        yield from state.changes.notices(path.name)


def _is_zip(path: Path) -> bool:
    try:
        with path.open("rb") as raw:
            return raw.read(4) == b"PK\x03\x04"
    except OSError:
        return False


def _unzip(path: Path, folder: Path) -> Path:
    """The TERC file inside a GUS zip, extracted into ``folder``; raises when there is none or several."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.infolist() if not m.is_dir()]
            terc = [
                m
                for m in members
                if "TERC" in Path(m.filename).name.upper() and Path(m.filename).suffix.lower() in (".csv", ".xml")
            ]
            names = ", ".join(Path(m.filename).name for m in (terc if len(terc) > 1 else members)) or "—"
            if len(terc) != 1:
                message = Msg("teryt.zip_many" if terc else "teryt.zip", members=names)
                raise ValidationError(
                    [Problem(message, path.name, Msg("teryt.zip_many.hint" if terc else "teryt.columns.hint"))]
                )
            target = folder / Path(terc[0].filename).name
            target.write_bytes(archive.read(terc[0]))
            return target
    except (zipfile.BadZipFile, OSError, RuntimeError) as exc:  # RuntimeError: an encrypted member
        raise ValidationError([Problem(Msg("teryt.bad_zip", detail=exc), path.name)]) from exc


def _ended(state: _State, where: str) -> Iterator[Located | Problem]:
    """Stored units that the file no longer lists, marked ended as of the file's date."""
    whole, skipped = len(state.dates) >= VOIVODESHIPS, False
    for code, node in state.stored.items():
        on = state.dates.get(code[:2])
        if code in state.codes or len(code) == 2 or on is None or not is_current(node.props, on):
            continue
        if not (whole or (len(code) == 7 and code[:4] in state.counties)):
            skipped = True
            continue
        state.changes.ended.append(f"{code} {node.props.get('name', '')}")
        state.changes.ended_on = on.isoformat()
        yield Located(
            Node(node.key, node.type, {"name": node.props.get("name", code), "teryt": code, ENDED: on}), where
        )
    if skipped:
        yield Notice(Msg("reg.excerpt", voivodeships=len(state.dates)), where)
    if not any(state.dates.values()):
        yield Notice(Msg("reg.no_date"), where)


def _compare(node: Node, date: dt.date | None, state: _State) -> Node:
    """``node`` as an update of the stored unit: counted in the changes, ``valid_from`` where it is (again) new."""
    code = str(node.props["teryt"])
    stored = state.stored.get(code)
    opened = stored is None and _stored_date(state, code[:2]) is not None
    if stored is not None and not is_current(stored.props, date):
        state.changes.reopened.append(f"{code} {node.props['name']}")
        opened = True
    elif stored is None:
        state.changes.added.append(f"{code} {node.props['name']}")
    elif stored.props.get("name") != node.props["name"]:
        state.changes.renamed.append(f"{code} {stored.props.get('name')} → {node.props['name']}")
    elif any(
        stored.props.get(k) != v for k, v in node.props.items()
    ):  # same name and type: the source or register date
        state.changes.date_only += 1
    if opened and date is not None:
        return Node(node.key, node.type, {**node.props, VALID_FROM: date})
    return node


def _stored_date(state: _State, woj: str) -> dt.date | None:
    """The stored register date of a voivodeship (stores written before register_date: from its source)."""
    props = state.stored[woj].props if woj in state.stored else {}
    found = re.search(r"stan na (\d{4}-\d{2}-\d{2})", str(props.get("source", "")))
    return as_date(props.get(REGISTER_DATE)) or (as_date(found.group(1)) if found else None)


def _check_date(woj: str, date: dt.date | None, row: _Row, state: _State) -> None:
    """Remember the file's date for ``woj``; refuse a state older than the stored one (unless allowed)."""
    if woj in state.dates:
        return
    state.dates[woj] = date
    stored = _stored_date(state, woj)
    if date is None or stored is None or date >= stored:
        return
    if not state.allow_older:
        raise older_state(REGISTER, date, stored, row.places.get("STAN_NA", row.where))
    state.notices.append(
        Notice(
            Msg("reg.older_applied", register=REGISTER, given=date.isoformat(), stored=stored.isoformat()), row.where
        )
    )


def _is_xml(path: Path) -> bool:
    if path.suffix.lower() == ".xml":
        return True
    try:
        with path.open("rb") as raw:
            return raw.read(64).lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")
    except OSError:
        return False


def _csv_rows(path: Path) -> Iterator[_Row | Problem]:
    encoding, problem = detect_encoding(path)
    if problem or encoding is None:
        yield problem or Problem(Msg("reader.empty"), path.name)
        return
    with path.open(encoding=encoding, newline="") as text:
        first = text.readline()
        reader = csv.reader(itertools.chain([first], text), delimiter=max(";,\t", key=first.count))
        header = [_ALIASES.get(h.strip().upper(), h.strip().upper()) for h in next(reader, [])]
        missing = [c for c in _REQUIRED if c not in header]
        if missing:
            yield Problem(Msg("teryt.columns", missing=", ".join(missing)), f"{path.name}:1", Msg("teryt.columns.hint"))
            return
        index = {name: header.index(name) for name in COLUMNS if name in header}
        for cells in reader:
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                found = Msg("reader.fields", found=len(cells), expected=len(header))
                yield Problem(found, f"{path.name}:{line}", Msg("teryt.fields.hint"))
                continue
            values = {name: (cells[i].strip() if i < len(cells) else "") for name, i in index.items()}
            places = {name: f"{path.name}:{line}:{i + 1}" for name, i in index.items()}
            yield _Row(values, line, places, f"{path.name}:{line}")


def _xml_rows(path: Path) -> Iterator[_Row | Problem]:
    read = 0
    for element in iter_xml(path, frozenset({"row"})):
        if isinstance(element, Problem):
            yield element
            return
        if element.tag != "row":
            continue
        values: dict[str, str] = {}
        places: dict[str, str] = {}
        for child in element.children:
            name = child.attrs.get("name", "") if child.tag == "col" else child.tag
            name = _ALIASES.get(name.upper(), name.upper())
            values[name] = child.text.strip()
            places[name] = child.where(path.name)
        if not all(c in values for c in _REQUIRED):
            if not read:  # the very first row: the file is something else, say so once
                missing, found = ", ".join(c for c in _REQUIRED if c not in values), ", ".join(values) or "—"
                raise ValidationError(
                    [
                        Problem(
                            Msg("teryt.not_terc", missing=missing, found=found),
                            element.where(path.name),
                            Msg("teryt.columns.hint"),
                        )
                    ]
                )
            yield Problem(Msg("teryt.row"), element.where(path.name), Msg("teryt.columns.hint"))
            continue
        read += 1
        yield _Row(values, element.line, places, f"{path.name}:{element.line}")


def _code(row: _Row, column: str, problems: list[Problem]) -> str:
    """A two-digit code (a one-digit one padded), '' when empty."""
    value = row.values.get(column, "")
    if value.isdigit() and len(value) <= 2:
        return value.zfill(2)
    if value:
        problems.append(Problem(Msg("teryt.code", column=column, value=value, n=2), row.places[column]))
    return ""


def _records(row: _Row, state: _State) -> Iterator[Located | Problem]:
    problems: list[Problem] = []
    woj, pow_, gmi = (_code(row, c, problems) for c in ("WOJ", "POW", "GMI"))
    rodz, name = row.values.get("RODZ", ""), clean_text(row.values.get("NAZWA", ""))
    if not name:
        problems.append(Problem(Msg("teryt.name"), row.places["NAZWA"]))
    if gmi and rodz not in state.types:
        hint = Msg("val.types_hint", allowed=", ".join(sorted(state.types)))
        problems.append(Problem(Msg("teryt.rodz", value=rodz), row.places["RODZ"], hint))
    missing = [c for c, v in (("WOJ", woj), ("POW", pow_ or not gmi), ("RODZ", rodz or not gmi)) if not v]
    if missing and not problems:
        given = ", ".join(c for c in ("WOJ", "POW", "GMI") if row.values.get(c))
        problems.append(Problem(Msg("teryt.structure", given=given or "—", missing=", ".join(missing)), row.where))
    date = row.values.get("STAN_NA", "")
    if date and not _is_date(date):
        problems.append(Problem(Msg("teryt.date", value=date), row.places["STAN_NA"], Msg("teryt.fields.hint")))
    code = woj + pow_ + gmi + (rodz if gmi else "")
    if not problems and code in state.codes:
        problems.append(
            Problem(Msg("teryt.duplicate", code=code, first=state.codes[code]), row.where, Msg("teryt.duplicate.hint"))
        )
    if problems:
        yield from problems
        return
    state.codes[code] = row.where
    on = dt.date.fromisoformat(date) if date else None
    if state.stored:
        _check_date(woj, on, row, state)
    source = SOURCE
    if not pow_:
        voivodeship: dict[str, Value] = {
            "name": name.lower(),
            "teryt": woj,
            **provenance(state.schema, "Voivodeship", source),
        }
        voivodeship |= (
            {REGISTER_DATE: on} if on and REGISTER_DATE in state.schema.node_types["Voivodeship"].properties else {}
        )
        yield Located(_compare(Node(f"teryt:{woj}", "Voivodeship", voivodeship), on, state), row.where, _fields(row))
        return
    if not gmi:
        state.counties.add(woj + pow_)
        county = Node(
            f"teryt:{woj}{pow_}",
            "County",
            {"name": name, "teryt": woj + pow_, **provenance(state.schema, "County", source)},
        )
        county = _compare(county, on, state)
        yield Located(county, row.where, _fields(row))
        yield Located(Tie("PART_OF", county.key, f"teryt:{woj}", {"source": source}), row.where)
        return
    props = {
        "name": name,
        "teryt": code,
        state.type_property: state.types[rodz],
        **provenance(state.schema, "Municipality", source),
    }
    node = _compare(Node(f"teryt:{code}", "Municipality", props), on, state)
    if rodz in GMINA_RODZ:
        state.gminas.add(code)
        if rodz == URBAN_RODZ:
            state.city_gminas.setdefault(woj + pow_, code)
        yield Located(node, row.where, _fields(row, node))
        yield Located(Tie("PART_OF", node.key, f"teryt:{woj}{pow_}", {"source": source}), row.where)
    elif state.parts:
        parent = state.parent_of(code)
        if parent is None:
            state.waiting.append((node, row, source))
            return
        yield Located(node, row.where, _fields(row, node))
        yield Located(Tie("PART_OF", node.key, f"teryt:{parent}", {"source": source}), row.where)


def _is_date(text: str) -> bool:
    try:
        return len(text) == 10 and bool(dt.date.fromisoformat(text))
    except ValueError:
        return False


def _fields(row: _Row, node: Node | None = None) -> Mapping[str, str]:
    fields = {"name": row.places["NAZWA"], "teryt": row.places["WOJ"], "key": row.places["WOJ"]}
    if node is not None:
        fields.update({prop: row.places["RODZ"] for prop in node.props if prop not in fields})
    return fields


class Seat(NamedTuple):
    """The municipality a seat was matched to, or why it could not be."""

    key: str | None
    problem: Msg | None = None
    hint: Msg | None = None


@dataclass(frozen=True)
class _Unit:
    code: str
    name: str
    folded: str
    type: str = ""


class MunicipalityIndex:
    """TERYT units by folded name, to match a seat given as voivodeship, powiat and gmina names.

    The hierarchy comes from the codes themselves (``3014022`` lies in county ``3014`` of
    voivodeship ``30``: that is how TERYT codes are built), so only nodes are needed:

        >>> index = MunicipalityIndex.from_nodes([
        ...     Node("teryt:30", "Voivodeship", {"name": "wielkopolskie", "teryt": "30"}),
        ...     Node("teryt:3014", "County", {"name": "międzychodzki", "teryt": "3014"}),
        ...     Node("teryt:3014022", "Municipality", {"name": "Kwilcz", "teryt": "3014022"})])
        >>> index.match("WIELKOPOLSKIE", "MIĘDZYCHODZKI", "KWILCZ").key
        'teryt:3014022'

    A gmina name shared by a town and the rural gmina around it (Bolesławiec 0201011 and
    0201022) is settled by the register's own marks, never guessed: "M." / "MIASTO" before
    the name, or a seat locality equal to the name, means the town (the rural gmina does not
    contain it); another locality means the rural gmina. Warsaw districts and delegatury
    (RODZ 8, 9) given as a gmina resolve to their city's gmina.
    """

    def __init__(self) -> None:
        self.voivodeships: dict[str, list[str]] = {}
        self.counties: dict[str, list[_Unit]] = {}  # voivodeship code → counties
        self.gminas: dict[str, list[_Unit]] = {}  # county code → gminas and their parts

    @classmethod
    def from_nodes(cls, nodes: Iterable[Node]) -> MunicipalityIndex:
        """An index of the current Voivodeship, County and Municipality nodes among ``nodes``.

        Units that ended by their voivodeship's register date (see
        :mod:`partnergraph.graph.validity`) are left out: a seat never matches them.
        """
        index, type_property = cls(), _municipality_types(load_schema())[0]
        units = list(nodes)
        dates = {
            str(n.props.get("teryt")): as_date(n.props.get(REGISTER_DATE)) for n in units if n.type == "Voivodeship"
        }
        for node in units:
            code, name = str(node.props.get("teryt", "")), str(node.props.get("name", ""))
            if not is_current(node.props, dates.get(code[:2])):
                continue
            unit = _Unit(code, name, unit_name(name).folded, str(node.props.get(type_property, "")))
            if len(code) == 2:
                index.voivodeships.setdefault(unit.folded, []).append(code)
            elif len(code) == 4:
                index.counties.setdefault(code[:2], []).append(unit)
            elif len(code) == 7:
                index.gminas.setdefault(code[:4], []).append(unit)
        return index

    @classmethod
    def from_store(cls, store: GraphStore) -> MunicipalityIndex:
        """An index of the units already in ``store``."""
        types = ("Voivodeship", "County", "Municipality")
        return cls.from_nodes(node for type_ in types for node in store.iter_nodes(type_))

    @classmethod
    def from_file(cls, path: Path) -> MunicipalityIndex:
        """An index of a TERC file's units (its unreadable rows are left out)."""
        return cls.from_nodes(
            i.record for i in read_teryt(path) if isinstance(i, Located) and isinstance(i.record, Node)
        )

    def __len__(self) -> int:
        return sum(len(units) for units in self.gminas.values())

    def match(self, voivodeship: str, county: str, gmina: str, city: str = "") -> Seat:
        """The Municipality key of a seat, or the problem that prevents matching it."""
        if not self.gminas:
            return Seat(None, Msg("teryt.index_empty"), Msg("teryt.index_empty.hint"))
        codes = self.voivodeships.get(unit_name(voivodeship).folded, [])
        if len(codes) != 1:
            return Seat(None, Msg("teryt.unknown_unit", level="województwo", value=voivodeship, within="Polska"))
        counties = self.counties.get(codes[0], [])
        if county.strip():
            counties = [c for c in counties if c.folded == unit_name(county).folded]
            if not counties:
                return Seat(None, Msg("teryt.unknown_unit", level="powiat", value=county, within=voivodeship))
        wanted, town = unit_name(gmina), unit_name(city).folded
        units = [u for c in counties for u in self.gminas.get(c.code, ()) if u.folded == wanted.folded]
        found = [u for u in units if u.code[6] in GMINA_RODZ] or list(
            {self._city_of(u) for u in units if u.code[6] in "89"}
        )
        if {u.code[6] for u in found} == {"1", "2"} and (wanted.urban or town):
            urban = wanted.urban or town == wanted.folded  # a town and the rural gmina around it
            found = [u for u in found if (u.code[6] == URBAN_RODZ) == urban]
        if len(found) == 1:
            return Seat(f"teryt:{found[0].code}")
        if not found:
            return Seat(None, Msg("teryt.unknown_unit", level="gmina", value=gmina, within=county or voivodeship))
        listed = ", ".join(f"{u.code} {u.name} ({u.type})" if u.type else f"{u.code} {u.name}" for u in found)
        return Seat(None, Msg("teryt.ambiguous", value=gmina, candidates=listed), Msg("teryt.ambiguous.hint"))

    def _city_of(self, part: _Unit) -> _Unit:
        """The urban gmina a Warsaw district or a delegatura belongs to."""
        city = [u for u in self.gminas.get(part.code[:4], ()) if u.code[6] == URBAN_RODZ]
        return city[0] if len(city) == 1 else part


register_reader("teryt")(read_teryt)  # registered apart, so that mypy keeps the options in the signature
