"""KRS extracts (the open KRS API's OdpisAktualny JSON) → organisations, seats, activities.

A file, or a folder of ``*.json`` files, each ``{"odpis": {"naglowekA": …, "dane": …}}`` as
the API returns it (the bare ``odpis`` object works too). Each extract gives:

* an Organisation ``krs:0000123456`` with ``name``, ``legal_form``, ``kind`` (by the
  pg:legalFormWord of the kinds in models.ttl, see :func:`kind_of`), ``krs``, ``nip``,
  ``regon`` (KRS pads a 9-digit REGON with zeros to 14; the validator checks the first 9),
  ``address`` (street and number), ``postcode``, ``city`` and ``founded`` (the date of
  registration in KRS);
* a LOCATED_IN tie (models.ttl's pg:placeTie) to the Municipality of its seat (``siedziba``:
  voivodeship, powiat and gmina names, matched by
  :class:`~partnergraph.importers.teryt.MunicipalityIndex`); a seat that matches no
  municipality, or more than one, is a problem, never a guess; a seat abroad gets no tie;
* an OFFERS tie to the Activity of each PKD code (main and other activities; the main one
  has ``note`` = ``przeważająca``), resolved to PKD 2007 or PKD 2025 by
  :class:`~partnergraph.importers.pkd.ActivityIndex`.

The ties carry the extract as ``source``: ``KRS 0000123456, odpis aktualny, stan z dnia
2025-03-10, pobrany 2025-03-10 08:15:02``. Municipalities and activities must already be in
the store (import TERC and PKD first), or be given as indexes; municipalities that a newer TERC
ended are never matched. A newer extract replaces an older one, never the reverse: an extract
whose ``stanZDnia`` is older than the one stored for the organisation (read from its
``source``) is refused in one line unless ``allow_older``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from partnergraph.errors import Problem
from partnergraph.graph.base import GraphStore
from partnergraph.graph.validity import as_date
from partnergraph.i18n import Msg, register_messages
from partnergraph.importers.base import Located, clean_text, provenance, register_reader
from partnergraph.importers.pkd import ActivityIndex
from partnergraph.importers.registers import older_state
from partnergraph.importers.teryt import MunicipalityIndex
from partnergraph.records import Node, Tie
from partnergraph.schema import ORGANISATION, Schema, load_schema
from partnergraph.text import fold
from partnergraph.values import parse_date

__all__ = ["kind_of", "read_krs"]

MAIN_ACTIVITY_NOTE = "przeważająca"

register_messages(
    {
        "krs.not_extract": 'this is not a KRS extract (no "odpis" with "naglowekA" and "dane")',
        "krs.not_extract.hint": "save the KRS API (OdpisAktualny) answer as JSON",
        "krs.encoding": "the file is not UTF-8",
        "krs.no_context": "KRS extracts need a store with the TERYT municipalities and PKD activities, and none was given",
        "krs.no_context.hint": "call read_krs(path, store=store) or give municipalities= and activities=",
        "krs.no_files": "the folder has no .json files",
    }
)


def kind_of(legal_form: str, schema: Schema | None = None) -> str:
    """The organisation kind of a KRS legal form: the kind with a pg:legalFormWord beginning a
    word of the form (the one nearest its start), else the kinds' pg:defaultConcept.

    >>> kind_of("SPÓŁDZIELNIA SOCJALNA"), kind_of("PROSTA SPÓŁKA AKCYJNA"), kind_of("SPÓŁDZIELNIA")
    ('social_cooperative', 'business', 'other')
    """
    found = (schema or load_schema()).kinds(ORGANISATION)
    if found is None:
        return ""
    concept = found[1].by_legal_form(legal_form) or found[1].default_concept
    return concept.name if concept else ""


def read_krs(
    path: Path,
    *,
    store: GraphStore | None = None,
    municipalities: MunicipalityIndex | None = None,
    activities: ActivityIndex | None = None,
    schema: Schema | None = None,
    allow_older: bool = False,
) -> Iterator[Located | Problem]:
    """Organisations with LOCATED_IN and OFFERS ties from KRS extracts (a file or a folder).

    Seats and PKD codes are matched against ``municipalities`` and ``activities``, by
    default built from the units and activities already in ``store``.
    """
    if store is None and municipalities is None and activities is None:
        yield Problem(Msg("krs.no_context"), path.name, Msg("krs.no_context.hint"))
        return
    if municipalities is None:
        municipalities = MunicipalityIndex.from_store(store) if store is not None else MunicipalityIndex()
    if activities is None:
        activities = ActivityIndex.from_store(store) if store is not None else ActivityIndex()
    schema = schema or (store.schema if store is not None else load_schema())
    files = sorted(p for p in path.iterdir() if p.suffix.lower() == ".json") if path.is_dir() else [path]
    if not files:
        yield Problem(Msg("krs.no_files"), path.name)
    for file in files:
        name = f"{path.name}/{file.name}" if path.is_dir() else file.name
        extracts = _read_file(file, name, municipalities, activities, schema)
        yield from extracts if store is None or allow_older else _newer_only(extracts, store)


def _newer_only(items: Iterator[Located | Problem], store: GraphStore) -> Iterator[Located | Problem]:
    """The records of an extract, refused (raises) when the store has a newer extract of the organisation."""
    for item in items:
        if isinstance(item, Located) and isinstance(item.record, Node):
            given, stored = _state_date(item.record.props.get("source")), None
            if given is not None and (node := store.get_node(item.record.key)) is not None:
                stored = _state_date(node.props.get("source"))
            if given is not None and stored is not None and given < stored:
                raise older_state(
                    item.record.key.replace("krs:", "KRS "), given, stored, item.fields.get("source", item.where)
                )
        yield item


def _state_date(source: object) -> dt.date | None:
    """The ``stan z dnia`` date of an extract's source text (as this reader writes it)."""
    found = re.search(r"stan z dnia (\d{4}-\d{2}-\d{2})", str(source or ""))
    return as_date(found.group(1)) if found else None


def _read_file(
    file: Path, name: str, municipalities: MunicipalityIndex, activities: ActivityIndex, schema: Schema
) -> Iterator[Located | Problem]:
    try:
        text = file.read_text(encoding="utf-8-sig")
        data = json.loads(text)
    except OSError as exc:
        yield Problem(Msg("reader.unreadable", detail=exc.strerror or exc), name)
        return
    except UnicodeDecodeError:
        yield Problem(Msg("krs.encoding"), name)
        return
    except json.JSONDecodeError as exc:
        yield Problem(Msg("data.bad_json", detail=exc.msg), f"{name}:{exc.lineno}:{exc.colno}")
        return
    odpis = data.get("odpis", data) if isinstance(data, dict) else None
    if (
        not isinstance(odpis, dict)
        or not isinstance(odpis.get("naglowekA"), dict)
        or not isinstance(odpis.get("dane"), dict)
    ):
        yield Problem(Msg("krs.not_extract"), name, Msg("krs.not_extract.hint"))
        return
    yield from _Extract(odpis, text, name, schema).records(municipalities, activities)


def _get(data: Any, *keys: str) -> Any:
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data


def _text(value: Any) -> str:
    return clean_text(str(value)) if isinstance(value, str | int) and not isinstance(value, bool) else ""


def _iso(value: str) -> str:
    """``08.03.2022`` (or ``08.03.2022 05:03:05``) as ISO, unchanged when it is neither."""
    day, _, time = value.partition(" ")
    try:
        return f"{parse_date(day).isoformat()} {time}".strip()
    except ValueError:
        return value


class _Extract:
    """One OdpisAktualny: its values and the ``file:line:column`` of each."""

    def __init__(self, odpis: Mapping[str, Any], text: str, name: str, schema: Schema) -> None:
        self.odpis, self.text, self.name, self.schema = odpis, text, name, schema
        self.header: Mapping[str, Any] = odpis["naglowekA"]
        self.dzial1: Any = _get(odpis, "dane", "dzial1") or {}

    def place(self, *keys: str, nth: int = 0) -> str:
        """Where the key path ``keys`` (the last key's ``nth`` occurrence after the others) is."""
        found = -1
        for index, key in enumerate(keys):
            for _ in range(nth + 1 if index == len(keys) - 1 else 1):
                at = self.text.find(f'"{key}"', found + 1)
                if at < 0:
                    break
                found = at
        found = max(found, 0)
        line_start = self.text.rfind("\n", 0, found) + 1
        return f"{self.name}:{self.text.count(chr(10), 0, found) + 1}:{found - line_start + 1}"

    def source(self) -> str:
        number, state, made = (_text(self.header.get(k)) for k in ("numerKRS", "stanZDnia", "dataCzasOdpisu"))
        parts = [f"KRS {number}", f"odpis {_text(self.odpis.get('rodzaj')).lower() or 'aktualny'}"]
        parts += [f"stan z dnia {_iso(state)}"] if state else []
        parts += [f"pobrany {_iso(made)}"] if made else []
        return ", ".join(parts)

    def organisation(self) -> Located:
        entity, seat = self.dzial1.get("danePodmiotu") or {}, self.dzial1.get("siedzibaIAdres") or {}
        address = seat.get("adres") or {} if isinstance(seat, dict) else {}
        form = _text(_get(entity, "formaPrawna"))
        street = _text(address.get("ulica")) or _text(address.get("miejscowosc"))
        number = "/".join(n for n in (_text(address.get("nrDomu")), _text(address.get("nrLokalu"))) if n)
        props = {
            "name": _text(_get(entity, "nazwa")),
            "legal_form": form,
            "kind": kind_of(form, self.schema),
            "krs": _text(self.header.get("numerKRS")),
            "nip": _text(_get(entity, "identyfikatory", "nip")),
            "regon": _text(_get(entity, "identyfikatory", "regon")),
            "address": f"{street} {number}".strip(),
            "postcode": _text(address.get("kodPocztowy")),
            "city": _text(address.get("miejscowosc")),
            "founded": _text(self.header.get("dataRejestracjiWKRS")),
        }
        places = {
            "name": ("danePodmiotu", "nazwa"),
            "legal_form": ("formaPrawna",),
            "kind": ("formaPrawna",),
            "krs": ("numerKRS",),
            "key": ("numerKRS",),
            "nip": ("identyfikatory", "nip"),
            "regon": ("identyfikatory", "regon"),
            "address": ("adres", "ulica"),
            "postcode": ("adres", "kodPocztowy"),
            "city": ("adres", "miejscowosc"),
            "founded": ("dataRejestracjiWKRS",),
            "source": ("stanZDnia",),
        }
        fields = {prop: self.place(*keys) for prop, keys in places.items()}
        props |= provenance(self.schema, ORGANISATION, self.source())
        node = Node(f"krs:{props['krs']}", ORGANISATION, {k: v for k, v in props.items() if v})
        return Located(node, self.place("numerKRS").rsplit(":", 1)[0], fields)

    def records(self, municipalities: MunicipalityIndex, activities: ActivityIndex) -> Iterator[Located | Problem]:
        located = self.organisation()
        yield located
        key, source = located.record.key, self.source()  # type: ignore[union-attr]
        seat = _get(self.dzial1, "siedzibaIAdres", "siedziba") or {}
        if fold(_text(seat.get("kraj")) or "polska") == "polska":
            names = [_text(seat.get(k)) for k in ("wojewodztwo", "powiat", "gmina", "miejscowosc")]
            found = municipalities.match(*names)
            where = self.place("siedziba", "gmina")
            if found.key is None:
                yield Problem(found.problem or "?", where, found.hint)
            else:
                yield Located(Tie(self.schema.place_tie, key, found.key, {"source": source}), where, {"end": where})
        yield from self.activities(key, source, activities)

    def activities(self, key: str, source: str, index: ActivityIndex) -> Iterator[Located | Problem]:
        state = _text(self.header.get("stanZDnia")) or _text(self.header.get("dataCzasOdpisu")).partition(" ")[0]
        try:
            on: dt.date | None = parse_date(state)
        except ValueError:
            on = None
        seen: set[str] = set()
        lists = _get(self.odpis, "dane", "dzial3", "przedmiotDzialalnosci") or {}
        nth = 0
        for group in ("przedmiotPrzewazajacejDzialalnosci", "przedmiotPozostalejDzialalnosci"):
            for item in lists.get(group) or () if isinstance(lists, dict) else ():
                where, nth = self.place("przedmiotDzialalnosci", "kodDzial", nth=nth), nth + 1
                parts = [_text(_get(item, k)) for k in ("kodDzial", "kodKlasa", "kodPodklasa")]
                code = ".".join(p for p in parts if p)
                target, problem = index.resolve(code, _text(_get(item, "opis")), on)
                if target is None:
                    yield Problem(problem or "?", where, Msg("pkd.unknown.hint") if not len(index) else None)
                elif target not in seen:
                    seen.add(target)
                    props = {"source": source} | (
                        {"note": MAIN_ACTIVITY_NOTE} if group.startswith("przedmiotPrzew") else {}
                    )
                    yield Located(Tie("OFFERS", key, target, props), where, {"end": where})


register_reader("krs")(read_krs)  # registered apart, so that mypy keeps the options in the signature
