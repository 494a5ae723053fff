"""Voivodeships, counties and gminas from the GUS TERYT TERC register ("Urzędowy" variant).

The benchmark networks sit on real territory: real 7-digit gmina codes and names, their
counties (powiaty, 4 digits) and voivodeships (2 digits). When the register file is not at
hand, a small built-in excerpt of it is used (the three local environments of the partnership:
Kwilcz, Drezdenko and Poznań, with their neighbours).

    >>> territory = load_territory(Path("/nonexistent.csv"))
    >>> {g.code: g.name for g in territory.gminas}["3014022"]
    'Kwilcz'
    >>> len(territory.voivodeships), len(territory.counties), len(territory.gminas)
    (2, 3, 10)
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

__all__ = ["DEFAULT_TERC", "Area", "Gmina", "Territory", "load_territory"]

DEFAULT_TERC = Path(__file__).resolve().parents[2] / "shared" / "data" / "teryt" / "TERC_Urzedowy_2022-01-01.csv"
GMINA_TYPES = ("1", "2", "3")  # RODZ of whole gminas: urban, rural, urban-rural (parts and districts left out)

# An excerpt of TERC_Urzedowy_2022-01-01.csv: WOJ;POW;GMI;RODZ;NAZWA;NAZWA_DOD.
BUILT_IN = """\
30;;;;WIELKOPOLSKIE;województwo
30;14;;;międzychodzki;powiat
30;14;01;2;Chrzypsko Wielkie;gmina wiejska
30;14;02;2;Kwilcz;gmina wiejska
30;14;03;3;Międzychód;gmina miejsko-wiejska
30;14;04;3;Sieraków;gmina miejsko-wiejska
30;64;;;Poznań;miasto na prawach powiatu
30;64;01;1;Poznań;gmina miejska
08;;;;LUBUSKIE;województwo
08;06;;;strzelecko-drezdenecki;powiat
08;06;01;3;Dobiegniew;gmina miejsko-wiejska
08;06;02;3;Drezdenko;gmina miejsko-wiejska
08;06;03;2;Stare Kurowo;gmina wiejska
08;06;04;3;Strzelce Krajeńskie;gmina miejsko-wiejska
08;06;05;2;Zwierzyn;gmina wiejska
"""


@dataclass(frozen=True, slots=True)
class Area:
    """A voivodeship or a county: its TERYT code, node name and parent code."""

    code: str
    name: str
    parent: str | None = None
    city: bool = False
    """A city with powiat rights (a county that is one town)."""


@dataclass(frozen=True, slots=True)
class Gmina:
    """A gmina: 7-digit code (WOJ+POW+GMI+RODZ), name, RODZ type digit, county code."""

    code: str
    name: str
    rodz: str
    county: str
    city_county: bool
    """The gmina is a city with powiat rights (Poznań, Warszawa …)."""


@dataclass(frozen=True)
class Territory:
    """Everything the generator needs from TERYT, in register order."""

    voivodeships: list[Area]
    counties: list[Area]
    gminas: list[Gmina]
    source: str


def _rows(text_lines: list[list[str]], source: str) -> Territory:
    voivodeships: list[Area] = []
    counties: dict[str, Area] = {}
    gminas: list[Gmina] = []
    for woj, pow_, gmi, rodz, name, extra, *_ in text_lines:
        if not pow_:
            voivodeships.append(Area(woj, f"województwo {name.lower()}"))
        elif not gmi:
            city = extra != "powiat"
            counties[woj + pow_] = Area(woj + pow_, name if city else f"powiat {name}", woj, city)
        elif rodz in GMINA_TYPES:
            county = counties[woj + pow_]
            gminas.append(Gmina(woj + pow_ + gmi + rodz, name, rodz, county.code, county.city))
    return Territory(voivodeships, list(counties.values()), gminas, source)


def load_territory(path: Path | None = None) -> Territory:
    """The territory from a TERC "Urzędowy" CSV (UTF-8 with BOM, ``;``), or the built-in excerpt."""
    path = path or DEFAULT_TERC
    if path.is_file():
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle, delimiter=";")
            next(reader)  # header WOJ;POW;GMI;RODZ;NAZWA;NAZWA_DOD;STAN_NA
            return _rows([row for row in reader if row], str(path))
    return _rows([line.split(";") for line in BUILT_IN.splitlines()], "built-in excerpt of TERC 2022-01-01")
