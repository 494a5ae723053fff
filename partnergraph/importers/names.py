"""Helpers shared by the register and graph-file readers: text, encodings, unit names, XML.

Official files come as UTF-8 (with or without a byte-order mark) or, when saved by Polish
Excel, as Windows-1250; names carry non-breaking spaces and stray blanks; administrative
names are written differently by each register ("M. ST. WARSZAWA" in KRS, "Warszawa" in
TERYT, "BIELSKO - BIAŁA" against "Bielsko-Biała").

    >>> clean_text("  Uprawy rolne inne niż wieloletnie\\u00a0")
    'Uprawy rolne inne niż wieloletnie'
    >>> unit_name("M. ST. WARSZAWA")
    UnitName(folded='warszawa', urban=True)
    >>> unit_name("Bielsko - Biała").folded
    'bielsko-biala'

XML files are read by :func:`iter_xml`: streaming through the standard library's expat
parser, with the line and column of every element, and any DOCTYPE refused, so neither
external entities nor entity expansion ("billion laughs") can happen.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple
from xml.parsers import expat

from partnergraph.errors import Problem
from partnergraph.i18n import Msg, register_messages
from partnergraph.schema import Schema
from partnergraph.text import fold

__all__ = ["UnitName", "XmlElement", "clean_text", "detect_encoding", "iter_xml", "provenance", "unit_name"]

register_messages(
    {
        "reader.unreadable": ("nie można odczytać pliku: {detail}", "cannot read the file: {detail}"),
        "reader.empty": ("plik jest pusty", "the file is empty"),
        "reader.encoding": (
            "plik nie jest w UTF-8 ani w Windows-1250",
            "the file is neither UTF-8 nor Windows-1250",
        ),
        "reader.bad_xml": ("niepoprawny XML: {detail}", "invalid XML: {detail}"),
        "reader.doctype": (
            "plik XML zawiera deklarację DOCTYPE, której nie przyjmujemy (ze względów bezpieczeństwa)",
            "the XML file has a DOCTYPE declaration, which is refused (for safety)",
        ),
        "reader.doctype.hint": (
            "usuń linię <!DOCTYPE …> albo wyeksportuj plik ponownie",
            "remove the <!DOCTYPE …> line or export the file again",
        ),
        "reader.encoding.hint": (
            "zapisz go jako CSV UTF-8 (w Excelu: Zapisz jako → CSV UTF-8)",
            "save it as CSV UTF-8 (in Excel: Save as → CSV UTF-8)",
        ),
    }
)

_BLANKS = re.compile(r"[\s\u00a0\u202f]+")
_HYPHEN = re.compile(r"\s*[-‐‑–—]\s*")
# Prefixes registers put before unit names; "m." and "miasto" say the unit is a town.
_PREFIX = re.compile(r"^(?:(wojewodztwo\s|woj\.|powiat\s|pow\.|gmina\s|gm\.)|(miasto stoleczne\s|m\.\s*st\.|miasto\s|m\.))\s*")
_CHUNK = 1 << 16


def clean_text(text: str) -> str:
    """``text`` with runs of blanks (non-breaking spaces, new lines) made one space, trimmed."""
    return _BLANKS.sub(" ", text).strip()


def provenance(schema: Schema, node_type: str, source: str) -> dict[str, str]:
    """``{"source": source}`` when models.ttl gives ``node_type`` a ``source`` property, else ``{}``
    (ties always have one; nodes get one where the model has it)."""
    return {"source": source} if "source" in schema.node_types[node_type].properties else {}


class UnitName(NamedTuple):
    """An administrative unit's name folded for matching, and whether it was marked a town."""

    folded: str
    urban: bool


def unit_name(text: str) -> UnitName:
    """The matching form of a unit name: folded, blanks and hyphens evened, prefixes dropped."""
    name = _HYPHEN.sub("-", clean_text(fold(text)))
    urban = False
    while match := _PREFIX.match(name):
        urban = urban or match.group(2) is not None
        name = name[match.end() :]
    return UnitName(name.strip(), urban)


def detect_encoding(path: Path) -> tuple[str | None, Problem | None]:
    """``utf-8-sig`` when the whole file decodes as UTF-8, else ``cp1250`` (Polish Excel).

    Reads the file once in chunks, so memory stays flat. Returns a problem instead when the
    file cannot be read, is empty, or is not text in either encoding.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    size = 0
    try:
        with path.open("rb") as raw:
            while chunk := raw.read(_CHUNK):
                size += len(chunk)
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return ("cp1250", None) if _is_cp1250(path) else (None, _encoding_problem(path))
    except OSError as exc:
        return None, Problem(Msg("reader.unreadable", detail=exc.strerror or exc), path.name)
    if size == 0:
        return None, Problem(Msg("reader.empty"), path.name)
    return "utf-8-sig", None


def _is_cp1250(path: Path) -> bool:
    """Whether the file is Windows-1250 text (no undefined bytes, no NUL)."""
    with path.open("rb") as raw:
        while chunk := raw.read(_CHUNK):
            if b"\x00" in chunk:
                return False
            try:
                chunk.decode("cp1250")
            except UnicodeDecodeError:
                return False
    return True


def _encoding_problem(path: Path) -> Problem:
    return Problem(Msg("reader.encoding"), path.name, Msg("reader.encoding.hint"))


@dataclass
class XmlElement:
    """An element with its local tag name, attributes (local names), text and place."""

    tag: str
    attrs: dict[str, str]
    line: int
    column: int
    text: str = ""
    children: list[XmlElement] = field(default_factory=list)

    def where(self, name: str) -> str:
        """``file:line:column`` of this element in file ``name``."""
        return f"{name}:{self.line}:{self.column}"

    def find(self, tag: str) -> Iterator[XmlElement]:
        """Children with local name ``tag``."""
        return (child for child in self.children if child.tag == tag)


class _Refused(Exception):
    """Raised inside expat handlers to stop at a DOCTYPE."""


class _Builder:
    """Expat handlers collecting whole subtrees of record elements."""

    def __init__(self, parser: expat.XMLParserType, records: frozenset[str]) -> None:
        self.parser, self.records = parser, records
        self.stack: list[XmlElement] = []
        self.ready: list[XmlElement] = []

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        element = XmlElement(_local(tag), {_local(k): v for k, v in attrs.items()},
                             self.parser.CurrentLineNumber, self.parser.CurrentColumnNumber + 1)  # fmt: skip
        if self.stack:
            self.stack[-1].children.append(element)
            self.stack.append(element)
        elif element.tag in self.records:
            self.stack.append(element)
        else:
            self.ready.append(element)

    def end(self, tag: str) -> None:
        if self.stack:
            element = self.stack.pop()
            if not self.stack:
                self.ready.append(element)

    def text(self, data: str) -> None:
        if self.stack:
            self.stack[-1].text += data


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1]


def _refuse(*_: object) -> None:
    raise _Refused


def iter_xml(path: Path, records: frozenset[str]) -> Iterator[XmlElement | Problem]:
    """Stream ``path``: each element named in ``records`` whole (with its subtree) when it
    ends; any other element at its start, without children. Ends with a problem (and stops)
    on malformed or truncated XML, on a DOCTYPE, or when the file cannot be read."""
    parser = expat.ParserCreate(namespace_separator="}")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    builder = _Builder(parser, records)
    parser.StartElementHandler, parser.EndElementHandler = builder.start, builder.end
    parser.CharacterDataHandler = builder.text
    parser.StartDoctypeDeclHandler = parser.EntityDeclHandler = _refuse
    try:
        with path.open("rb") as raw:
            while True:
                chunk = raw.read(_CHUNK)
                parser.Parse(chunk, not chunk)
                yield from builder.ready
                builder.ready.clear()
                if not chunk:
                    return
    except _Refused:
        yield Problem(Msg("reader.doctype"), f"{path.name}:{parser.CurrentLineNumber}", Msg("reader.doctype.hint"))
    except expat.ExpatError as exc:
        detail = expat.ErrorString(exc.code)
        yield Problem(Msg("reader.bad_xml", detail=detail), f"{path.name}:{exc.lineno}:{exc.offset + 1}")
    except OSError as exc:
        yield Problem(Msg("reader.unreadable", detail=exc.strerror or exc), path.name)
