"""Which encoding a text file is in: UTF-8, UTF-16, Windows-1250 or ISO-8859-2.

Official files come as UTF-8 (with or without a byte-order mark) or, when saved by Polish
Excel, as Windows-1250 (or UTF-16 with a byte-order mark: "Unicode text"); older tools write
ISO-8859-2, which :func:`detect_encoding` tells from Windows-1250 by how the bytes the two
read differently look: as Polish letters inside words, or as symbols and control characters
(a file where some lines read as one and some as the other is refused).
"""

from __future__ import annotations

import codecs
import functools
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

from partnergraph.errors import Problem
from partnergraph.i18n import Msg, register_messages
from partnergraph.importers import base  # noqa: F401  (registers the reader.unreadable and reader.empty texts)

__all__ = ["detect_encoding"]

register_messages(
    {
        "reader.encoding": "the file is neither UTF-8 nor Windows-1250",
        "reader.encoding.hint": "save it as CSV UTF-8 (in Excel: Save as → CSV UTF-8)",
        "reader.encoding.ambiguous": "cannot tell the encoding: line {cp1250} looks like Windows-1250, line {latin2} like ISO-8859-2 "
        "(Latin-2)",
        "reader.utf16.damaged": "the file starts with a UTF-16 byte-order mark (BOM) but is not valid UTF-16 text",
        "reader.utf16.no_bom": "the file looks like UTF-16 text without a byte-order mark (BOM), so it cannot be read reliably",
    }
)

_CHUNK = 1 << 16


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
