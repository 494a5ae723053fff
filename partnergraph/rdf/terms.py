"""The light terms the exporter streams, and their N-Triples and rdflib forms.

An IRI is a plain ``str``; a literal is a :class:`Lit` (lexical form, datatype IRI or None for
a plain string, language tag or None). Formatting these directly is what makes the streaming
N-Triples writer fast: rdflib terms are built only when a caller asks for them.

    >>> nt_term(Lit('a "b"'))
    '"a \\\\"b\\\\""'
    >>> nt_term(Lit("2024-01-01", "http://www.w3.org/2001/XMLSchema#date"))
    '"2024-01-01"^^<http://www.w3.org/2001/XMLSchema#date>'
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import NamedTuple

from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node as RdfNode

from partnergraph.values import Value

__all__ = ["Lit", "Term", "Triple", "lexical", "nt_line", "nt_term", "to_rdflib"]


class Lit(NamedTuple):
    """A literal: lexical form, datatype IRI (None: xsd:string), language tag."""

    lex: str
    datatype: str | None = None
    lang: str | None = None


Term = str | Lit
Triple = tuple[str, str, Term]

_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
XSD_STRING = str(XSD.string)


def lexical(value: Value, datatype: str) -> Lit:
    """The literal of a stored value of ``datatype`` (an XSD IRI)."""
    if datatype == XSD_STRING:
        return Lit(str(value))
    if isinstance(value, bool):
        return Lit("true" if value else "false", datatype)
    if isinstance(value, dt.date):
        return Lit(value.isoformat(), datatype)
    if datatype == str(XSD.decimal):
        return Lit(format(Decimal(repr(float(value))), "f"), datatype)
    return Lit(str(value), datatype)


def nt_term(term: Term) -> str:
    """The N-Triples form of a term."""
    if isinstance(term, Lit):
        text = '"' + term.lex.translate(_ESCAPES) + '"'
        if term.lang:
            return f"{text}@{term.lang}"
        return f"{text}^^<{term.datatype}>" if term.datatype and term.datatype != XSD_STRING else text
    return f"<{term}>"


def nt_line(s: str, p: str, o: Term) -> str:
    """One N-Triples line (with its newline)."""
    obj = f"<{o}>" if isinstance(o, str) else nt_term(o)
    return f"<{s}> <{p}> {obj} .\n"


def to_rdflib(term: Term) -> RdfNode:
    """The rdflib form of a term."""
    if isinstance(term, Lit):
        if term.lang:
            return Literal(term.lex, lang=term.lang)
        return Literal(
            term.lex, datatype=URIRef(term.datatype) if term.datatype and term.datatype != XSD_STRING else None
        )
    return URIRef(term)
