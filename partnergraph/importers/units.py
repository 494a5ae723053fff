"""Administrative unit names in the form that matches across registers.

Each register writes the names of voivodeships, counties and municipalities its own way
("M. ST. WARSZAWA" in KRS, "Warszawa" in TERYT, "BIELSKO - BIAŁA" against "Bielsko-Biała");
:func:`unit_name` folds them to one form, dropping the prefixes and noting whether one marked
the unit a town.

    >>> unit_name("M. ST. WARSZAWA")
    UnitName(folded='warszawa', urban=True)
    >>> unit_name("Bielsko - Biała").folded
    'bielsko-biala'
"""

from __future__ import annotations

import re
from typing import NamedTuple

from partnergraph.importers.base import clean_text
from partnergraph.text import fold

__all__ = ["UnitName", "unit_name"]

_HYPHEN = re.compile(r"\s*[-‐‑–—]\s*")
# Prefixes registers put before unit names; "m." and "miasto" say the unit is a town.
_PREFIX = re.compile(
    r"^(?:(wojewodztwo\s|woj\.|powiat\s|pow\.|gmina\s|gm\.)|(miasto stoleczne\s|m\.\s*st\.|miasto\s|m\.))\s*"
)


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
