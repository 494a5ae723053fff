"""Positions of Polish gminas, counties and voivodeships by TERYT code, and voivodeship outlines.

The data ship with the package (``partnergraph/data/geo/``, built by ``tools/geo/build.py`` from
points inside each unit derived from GUGiK PRG; provenance and licences in docs/geo.md):
2,477 gminas, 380 counties and 16 voivodeships as ``(lon, lat)`` in WGS84, 5 decimals.

A code is matched like this (``teryt:`` prefix optional):

* 2 digits — a voivodeship, 4 digits — a county, 7 digits — a gmina, exactly;
* a 7-digit code not shipped takes the gmina with the same first six digits: a town or rural
  part (RODZ 4/5: 0806024 → Drezdenko 0806023) and the ten gminas whose last digit changed
  when a rural gmina became urban-rural (TERC 2022 1008063 → shipped 1008062);
* a Warsaw district or a city's delegatura (RODZ 8/9: Poznań-Jeżyce 3064029) takes its city,
  the only gmina of its county (Poznań 3064011).

Anything else — a malformed or unknown code — has no position (``None``).

    >>> match("teryt:0806024"), match("1008063"), match("3064029"), match("9999999")
    ('0806023', '1008062', '3064011', None)
    >>> position("30")
    (17.31405, 52.37977)
    >>> unmatched(["3014022", "1008063", "0000000", "x"])
    ['0000000', 'x']
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

__all__ = ["LEVELS", "Outline", "match", "outlines", "position", "positions", "project", "unmatched"]

LEVELS = {2: "wojewodztwa", 4: "powiaty", 7: "gminy"}
"""Length of a TERYT code → the shipped file (``data/geo/<name>.json``) of that level."""
COS_LAT = math.cos(math.radians(52.0))
"""Equirectangular projection: one degree of longitude is this many degrees of latitude (at 52° N)."""

Point = tuple[float, float]


@dataclass(frozen=True)
class Outline:
    """A voivodeship's boundary: its code, name and outer rings of ``(lon, lat)`` points."""

    code: str
    name: str
    rings: tuple[tuple[Point, ...], ...]


def _read(name: str) -> object:
    text = resources.files("partnergraph").joinpath(f"data/geo/{name}.json").read_text(encoding="utf-8")
    return json.loads(text)


@cache
def positions(level: int = 7) -> Mapping[str, Point]:
    """Every shipped point of one level (code length 2, 4 or 7) as ``{code: (lon, lat)}``."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {sorted(LEVELS)}, not {level!r}")
    raw = _read(LEVELS[level])
    assert isinstance(raw, dict)
    return {code: (float(lon), float(lat)) for code, (lon, lat) in raw.items()}


@cache
def _by_prefix() -> tuple[dict[str, str], dict[str, list[str]]]:
    six: dict[str, str] = {}
    county: dict[str, list[str]] = {}
    for code in sorted(positions(7)):
        six.setdefault(code[:6], code)
        county.setdefault(code[:4], []).append(code)
    return six, county


def _digits(code: str) -> str:
    text = code.strip().removeprefix("teryt:")
    return text if text.isascii() and text.isdigit() else ""


def match(code: str) -> str | None:
    """The shipped code that stands for ``code`` (see the module's rules), or None."""
    digits = _digits(code)
    if len(digits) != 7:
        return digits if len(digits) in LEVELS and digits in positions(len(digits)) else None
    if digits in positions(7):
        return digits
    six, county = _by_prefix()
    if digits[:6] in six:
        return six[digits[:6]]
    city = county.get(digits[:4], [])
    return city[0] if digits[6] in "89" and len(city) == 1 else None


def position(code: str) -> Point | None:
    """``(lon, lat)`` of a voivodeship, county or gmina (``"teryt:3014022"`` or ``"3014022"``), or None."""
    found = match(code)
    return positions(len(found))[found] if found is not None else None


def unmatched(codes: Iterable[str]) -> list[str]:
    """The codes of ``codes`` that get no position, sorted, each once."""
    return sorted({code for code in codes if match(code) is None})


@cache
def outlines() -> tuple[Outline, ...]:
    """The 16 voivodeship outlines (simplified to about 1 km), in code order."""
    raw = _read("wojewodztwa_granice")
    assert isinstance(raw, dict)
    return tuple(
        Outline(code, str(item["name"]), tuple(tuple((float(x), float(y)) for x, y in ring) for ring in item["rings"]))
        for code, item in sorted(raw.items())
    )


def project(lon: float, lat: float, scale: float = 100.0) -> Point:
    """Equirectangular ``(x, y)`` for drawing: x east, y south, ``scale`` units per degree of latitude.

    >>> project(19.0, 52.0)
    (1169.8, -5200.0)
    """
    return (round(lon * COS_LAT * scale, 1), round(-lat * scale, 1))
