"""Helpers shared by the register and graph-file readers: text, encodings, unit names, XML.

Official files come as UTF-8 (with or without a byte-order mark) or, when saved by Polish
Excel, as Windows-1250 (or UTF-16 with a byte-order mark: "Unicode text"); older tools write
ISO-8859-2, which :func:`detect_encoding` tells from Windows-1250 by how the bytes the two
read differently look: as Polish letters inside words, or as symbols and control characters
(a file where some lines read as one and some as the other is refused). Names carry non-breaking spaces and stray blanks; administrative
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
import functools
import re
import unicodedata
from collections.abc import Callable, Iterator
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
        "reader.encoding.ambiguous": (
            "nie da się rozpoznać kodowania: wiersz {cp1250} wygląda na Windows-1250, a wiersz {latin2} na ISO-8859-2 (Latin-2)",
            "cannot tell the encoding: line {cp1250} looks like Windows-1250, line {latin2} like ISO-8859-2 (Latin-2)",
        ),
        "reader.utf16.damaged": (
            "plik zaczyna się znacznikiem UTF-16 (BOM), ale dalej nie jest poprawnym tekstem UTF-16",
            "the file starts with a UTF-16 byte-order mark (BOM) but is not valid UTF-16 text",
        ),
        "reader.utf16.no_bom": (
            "plik wygląda na tekst UTF-16 bez znacznika kolejności bajtów (BOM), więc nie wiadomo, jak go czytać",
            "the file looks like UTF-16 text without a byte-order mark (BOM), so it cannot be read reliably",
        ),
    }
)

_BLANKS = re.compile(r"[\s\u00a0\u202f]+")
_HYPHEN = re.compile(r"\s*[-‐‑–—]\s*")
# Prefixes registers put before unit names; "m." and "miasto" say the unit is a town.
_PREFIX = re.compile(
    r"^(?:(wojewodztwo\s|woj\.|powiat\s|pow\.|gmina\s|gm\.)|(miasto stoleczne\s|m\.\s*st\.|miasto\s|m\.))\s*"
)
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
    """The encoding to open ``path`` with: ``utf-16`` after a UTF-16 byte-order mark,
    ``utf-8-sig`` when the whole file decodes as UTF-8, else ``cp1250`` (Polish Excel) or
    ``iso-8859-2`` (see the module docs).

    Reads the file in chunks, so memory stays flat. Returns a problem instead when the file
    cannot be read, is empty, is UTF-16 without a byte-order mark, or is not text in any of
    these encodings, or when some lines read as Windows-1250 and others as ISO-8859-2.
    """
    try:
        with path.open("rb") as raw:
            head = raw.read(_CHUNK)
        if not head:
            return None, Problem(Msg("reader.empty"), path.name)
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return _utf16(path, "utf-16-le" if head.startswith(codecs.BOM_UTF16_LE) else "utf-16-be")
        if _looks_utf16(head):
            return None, Problem(Msg("reader.utf16.no_bom"), path.name, Msg("reader.encoding.hint"))
        if _bad_line(path, "utf-8") is None:
            return "utf-8-sig", None
        return _single_byte(path)
    except OSError as exc:
        return None, Problem(Msg("reader.unreadable", detail=exc.strerror or exc), path.name)


def _utf16(path: Path, codec: str) -> tuple[str | None, Problem | None]:
    line = _bad_line(path, codec)
    if line is None:
        return "utf-16", None  # Python's utf-16 reads the mark, takes the byte order from it and drops it
    return None, Problem(Msg("reader.utf16.damaged"), f"{path.name}:{line}", Msg("reader.encoding.hint"))


def _looks_utf16(head: bytes) -> bool:
    """Whether ``head`` is UTF-16 without a mark: NUL in most bytes at one parity, few at the other."""
    even, odd = head[0::2].count(0), head[1::2].count(0)
    half = len(head) // 2
    return half >= 2 and max(even, odd) >= 0.7 * half and min(even, odd) <= 0.1 * half


def _bad_line(path: Path, codec: str) -> int | None:
    """The line of the first byte of ``path`` that is not ``codec``; None when all of it is."""
    decoder = codecs.getincrementaldecoder(codec)()
    lines = 1
    with path.open("rb") as raw:
        try:
            while chunk := raw.read(_CHUNK):
                lines += decoder.decode(chunk).count("\n")
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            return lines + exc.object[: exc.start].decode(codec, errors="ignore").count("\n")
    return None


# Each byte as Windows-1250 and as ISO-8859-2 read it (0x80-0x9F are control characters in ISO-8859-2).
_ENCODINGS = ("cp1250", "iso-8859-2")
_CP, _LATIN2 = (bytes(range(256)).decode(name, errors="replace") for name in _ENCODINGS)


def _telling(test: Callable[[int], bool]) -> re.Pattern[bytes]:
    """A pattern matching the bytes the two encodings read differently that pass ``test``."""
    return re.compile(b"[%s]" % re.escape(bytes(b for b in range(256) if _CP[b] != _LATIN2[b] and test(b))))


_TELLING = _telling(lambda b: True)
# The telling bytes that can speak for each encoding (see _plausibility): a letter in it, or for
# Windows-1250 also a byte ISO-8859-2 reads as a control character.
_SPEAKING_FOR = {
    "cp1250": _telling(lambda b: _CP[b].isalpha() or 0x80 <= b < 0xA0),
    "iso-8859-2": _telling(lambda b: _LATIN2[b].isalpha()),
}
_UNDEFINED = re.compile(b"[\x00\x81\x83\x88\x90\x98]")  # NUL, and the bytes Windows-1250 leaves undefined
_POLISH = frozenset("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ")


def _single_byte(path: Path) -> tuple[str | None, Problem | None]:
    """``cp1250`` or ``iso-8859-2``: the one that reads some telling byte better (see :func:`_vote`);
    ``cp1250`` when none tells, a problem naming a line of each when both do."""
    first: dict[str, int] = {}
    line, data, chunk = 1, b" ", b" "  # data[0] is the byte before (context only); data[-1] waits for the byte after it
    with path.open("rb") as raw:
        while chunk:
            chunk = raw.read(_CHUNK)
            if _UNDEFINED.search(chunk):
                return None, _encoding_problem(path)
            data = data[-2:] + (chunk or b" ")
            missing = [name for name in _ENCODINGS if name not in first]
            telling = _SPEAKING_FOR[missing[0]] if first else _TELLING  # once one has spoken, only the other matters
            for match in telling.finditer(data, 1, len(data) - 1):
                at = match.start()
                encoding = _vote(data[at - 1], data[at], data[at + 1])
                if encoding and encoding not in first:
                    first[encoding] = line + data.count(b"\n", 0, at)
                    if len(first) == 2:
                        msg = Msg("reader.encoding.ambiguous", cp1250=first["cp1250"], latin2=first["iso-8859-2"])
                        return None, Problem(msg, f"{path.name}:{max(first.values())}", Msg("reader.encoding.hint"))
            line += data.count(b"\n", 0, len(data) - 2)
    return ("iso-8859-2" if "iso-8859-2" in first else "cp1250"), None


@functools.lru_cache(maxsize=4096)
def _vote(before: int, byte: int, after: int) -> str | None:
    """The encoding that reads ``byte`` between ``before`` and ``after`` as the more plausible
    character (see :func:`_plausibility`), if one does."""
    cp1250, latin2 = (_plausibility(read[before] + read[byte] + read[after]) for read in (_CP, _LATIN2))
    return None if cp1250 == latin2 else "cp1250" if cp1250 > latin2 else "iso-8859-2"


def _plausibility(text: str) -> int:
    """How plausible the middle character of ``text`` is in Polish text: -1 for a control
    character, 2 for a Polish letter beside a letter, 1 for another letter beside a letter,
    0 otherwise (symbols, lone letters: ``±5`` is no ``ą5``)."""
    char = text[1]
    if unicodedata.category(char) == "Cc":
        return -1
    if not char.isalpha() or not (text[0].isalpha() or text[2].isalpha()):
        return 0
    return 2 if char in _POLISH else 1


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
        element = XmlElement(
            _local(tag),
            {_local(k): v for k, v in attrs.items()},
            self.parser.CurrentLineNumber,
            self.parser.CurrentColumnNumber + 1,
        )
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
