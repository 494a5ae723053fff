"""XML files read safely: streamed, with the place of every element, and no DOCTYPE.

:func:`iter_xml` streams a file through the standard library's expat parser, with the line
and column of every element, and refuses any DOCTYPE, so neither external entities nor
entity expansion ("billion laughs") can happen.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers import expat

from partnergraph.errors import Problem
from partnergraph.i18n import Msg, register_messages
from partnergraph.importers import base  # noqa: F401  (registers the reader.unreadable and reader.empty texts)

__all__ = ["XmlElement", "iter_xml"]

register_messages(
    {
        "reader.bad_xml": "invalid XML: {detail}",
        "reader.doctype": "the XML file has a DOCTYPE declaration, which is refused (for safety)",
        "reader.doctype.hint": "remove the <!DOCTYPE …> line or export the file again",
    }
)

_CHUNK = 1 << 16


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
