"""Realistic Polish organisation names, legal forms and register identities, per kind.

A name is a pure function of a 64-bit hash and the organisation's gmina, so the generator can
recompute any organisation's name (and so its slug key) without remembering it.

    >>> place = Place("Kwilcz", "2", "powiat międzychodzki", False)
    >>> template_for("ces", 0).render(0, place)
    'Centrum Ekonomii Społecznej w gminie Kwilcz'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["Identity", "Place", "Template", "template_for"]

Identity = Literal["krs", "krs_nip", "nip", "nip_regon", "regon", "slug"]

SURNAMES = (
    "Nowak",
    "Kowalski",
    "Wiśniewski",
    "Wójcik",
    "Kowalczyk",
    "Kamiński",
    "Lewandowski",
    "Zieliński",
    "Szymański",
    "Woźniak",
    "Dąbrowski",
    "Kozłowski",
    "Jankowski",
    "Mazur",
    "Kwiatkowski",
    "Krawczyk",
    "Piotrowski",
    "Grabowski",
    "Pawłowski",
    "Michalski",
    "Król",
    "Wieczorek",
    "Jabłoński",
    "Wróbel",
    "Nowicki",
    "Majewski",
    "Olszewski",
    "Stępień",
    "Jaworski",
    "Malinowski",
    "Adamczyk",
    "Górski",
    "Sikora",
    "Witkowski",
    "Baran",
    "Szewczyk",
    "Ostrowski",
    "Pietrzak",
    "Zalewski",
    "Marciniak",
    "Zawadzki",
    "Bąk",
    "Jakubowski",
    "Sadowski",
    "Duda",
    "Włodarczyk",
    "Błaszczyk",
    "Chmielewski",
    "Sokołowski",
    "Szczepański",
    "Czarnecki",
    "Kubiak",
    "Kaczmarek",
    "Mróz",
    "Żak",
    "Głowacki",
    "Łukasik",
    "Ślusarczyk",
    "Żurawski",
    "Gołębiowski",
)
BRANDS = (
    "Łąka",
    "Żuraw",
    "Słonecznik",
    "Jaśmin",
    "Pszczółka",
    "Bursztyn",
    "Źródło",
    "Dąb",
    "Wrzos",
    "Klon",
    "Sokół",
    "Zorza",
    "Świt",
    "Tęcza",
    "Kłos",
    "Żagiel",
    "Kaczeniec",
    "Stokrotka",
    "Malwa",
    "Perła",
    "Lipa",
    "Mozaika",
    "Horyzont",
    "Warta",
    "Noteć",
    "Prosna",
    "Przystań",
    "Nadzieja",
    "Razem",
    "Pod Dębami",
    "Ogród",
    "Most",
    "Sąsiedzi",
    "Kuźnia",
    "Młyn",
    "Spichlerz",
    "Dobre Ręce",
    "Zielony Zakątek",
    "Wspólny Stół",
    "Ścieżka",
)
PREFIXES = ("Drew", "Bud", "Met", "Trans", "Agro", "Eko", "Elektro", "Hydro", "Stal", "Rol", "Kom", "Mar")
SUFFIXES = ("Pol", "Mar", "Ex", "Bud", "Tech", "Serwis")
TRADES = (
    "Stolarski",
    "Ślusarski",
    "Krawiecki",
    "Remontowo-Budowlany",
    "Usługowo-Handlowy",
    "Ogrodniczy",
    "Poligraficzny",
    "Gastronomiczny",
)
PATRONS = (
    "Marii Konopnickiej",
    "Jana Pawła II",
    "Adama Mickiewicza",
    "Henryka Sienkiewicza",
    "Janusza Korczaka",
    "Tadeusza Kościuszki",
    "Marii Skłodowskiej-Curie",
    "Kornela Makuszyńskiego",
    "Józefa Wybickiego",
)
SAINTS = (
    "św. Józefa",
    "św. Wojciecha",
    "św. Stanisława",
    "św. Jadwigi",
    "św. Michała Archanioła",
    "św. Andrzeja Boboli",
    "św. Mikołaja",
    "św. Jakuba Apostoła",
    "św. Marcina",
    "Najświętszej Marii Panny",
)
GROUPS = (
    "Dzieciom i Młodzieży",
    "Osobom Niepełnosprawnym",
    "Seniorom",
    "Osobom Bezdomnym",
    "Rodzinom",
    "Osobom Wykluczonym",
)

WORDS = {
    "surname": SURNAMES,
    "brand": BRANDS,
    "prefix": PREFIXES,
    "suffix": SUFFIXES,
    "trade": TRADES,
    "patron": PATRONS,
    "saint": SAINTS,
    "group": GROUPS,
}
SPZOO = "SPÓŁKA Z OGRANICZONĄ ODPOWIEDZIALNOŚCIĄ"


@dataclass(frozen=True, slots=True)
class Place:
    """Where an organisation is: its gmina name and type (RODZ), its county, city-county flag."""

    gmina: str
    rodz: str
    county: str
    city_county: bool

    def at(self) -> str:
        """'w gminie Kwilcz' / 'w mieście Poznań' (the nominative keeps the name as in TERYT)."""
        return f"w mieście {self.gmina}" if self.rodz == "1" else f"w gminie {self.gmina}"

    def county_at(self) -> str:
        """'w powiecie międzychodzkim' / 'w mieście Poznań'."""
        if self.county.startswith("powiat "):
            return f"w powiecie {self.county.removeprefix('powiat ')}m"
        return f"w mieście {self.county}"

    def office(self) -> str:
        """The adjective of a gmina's welfare centre or office by gmina type."""
        return {"1": "Miejski", "2": "Gminny"}.get(self.rodz, "Miejsko-Gminny")

    def town_hall(self) -> str:
        """'Urząd Gminy' / 'Urząd Miasta' / 'Urząd Miasta i Gminy' by gmina type."""
        return {"1": "Urząd Miasta", "2": "Urząd Gminy"}.get(self.rodz, "Urząd Miasta i Gminy")


@dataclass(frozen=True, slots=True)
class Template:
    """A name pattern with ``{surname}``-style slots, the legal form and the register identity it implies."""

    pattern: str
    legal_form: str | None
    identity: Identity
    short: str | None = None
    """A short-name pattern using only the place: ``{ops}``, ``{gmina}``, ``{county}``."""

    def render(self, h: int, place: Place) -> str:
        """The name for hash ``h`` at ``place``."""
        values: dict[str, str] = {
            "at": place.at(),
            "county_at": place.county_at(),
            "gmina": place.gmina,
            "office": place.office(),
            "town_hall": place.town_hall(),
            "n": str(1 + h % 9),
        }
        h //= 9
        for slot, words in WORDS.items():
            if "{" + slot + "}" in self.pattern:
                values[slot] = words[h % len(words)]
                h //= len(words)
        return self.pattern.format(**values)

    def render_short(self, place: Place) -> str:
        """The short name (acronym and place) at ``place``; empty when the template has none."""
        ops = {"1": "MOPS", "2": "GOPS"}.get(place.rodz, "MGOPS")
        return (self.short or "").format(ops=ops, gmina=place.gmina, county=place.county)


T = Template
TEMPLATES: dict[str, tuple[Template, ...]] = {
    "business": (
        T("{surname} i Wspólnicy Sp. z o.o.", SPZOO, "krs_nip"),
        T("{prefix}-{suffix} Sp. z o.o.", SPZOO, "krs_nip"),
        T("Przedsiębiorstwo Handlowe „{brand}” Sp. z o.o.", SPZOO, "krs_nip"),
        T("{prefix}-{suffix} {surname} Sp. j.", "SPÓŁKA JAWNA", "krs_nip"),
        T("P.H.U. „{brand}” {surname}", None, "nip"),
        T("Zakład {trade} {surname}", None, "nip"),
        T("Piekarnia i Cukiernia „{brand}” {surname}", None, "nip"),
        T("Biuro Rachunkowe {surname}", None, "nip"),
        T("Gospodarstwo Ogrodnicze „{brand}” {surname}", None, "nip"),
        T("Usługi Transportowe {surname} s.c.", "SPÓŁKA CYWILNA", "nip_regon"),
    ),
    "ngo": (
        T("Fundacja „{brand}”", "FUNDACJA", "krs"),
        T("Fundacja Pomocy {group} „{brand}”", "FUNDACJA", "krs_nip"),
        T("Stowarzyszenie na rzecz Rozwoju Gminy {gmina}", "STOWARZYSZENIE", "krs"),
        T("Stowarzyszenie „{brand}” {at}", "STOWARZYSZENIE", "krs_nip"),
        T("Uczniowski Klub Sportowy „{brand}”", "STOWARZYSZENIE", "slug"),
        T("Koło Gospodyń Wiejskich „{brand}” {at}", "KOŁO GOSPODYŃ WIEJSKICH", "slug"),
        T("Stowarzyszenie Zwykłe „{brand}”", "STOWARZYSZENIE ZWYKŁE", "slug"),
        T("Lokalna Grupa Działania „{brand}”", "STOWARZYSZENIE", "krs_nip"),
    ),
    "social_cooperative": (
        T("Spółdzielnia Socjalna „{brand}”", "SPÓŁDZIELNIA SOCJALNA", "krs_nip"),
        T("Spółdzielnia Socjalna Osób Prawnych „{brand}”", "SPÓŁDZIELNIA SOCJALNA", "krs_nip"),
        T("{brand} Spółdzielnia Socjalna", "SPÓŁDZIELNIA SOCJALNA", "krs"),
    ),
    "welfare_centre": (T("{office} Ośrodek Pomocy Społecznej {at}", None, "nip_regon", "{ops} {gmina}"),),
    "labour_office": (T("Powiatowy Urząd Pracy {county_at}", None, "nip_regon", "PUP {county}"),),
    "integration_centre": (
        T("Centrum Integracji Społecznej „{brand}”", None, "slug"),
        T("Klub Integracji Społecznej {at}", None, "slug", "KIS {gmina}"),
    ),
    "ces": (T("Centrum Ekonomii Społecznej {at}", None, "slug", "CES {gmina}"),),
    "owes": (T("Ośrodek Wsparcia Ekonomii Społecznej „{brand}” {county_at}", None, "krs_nip"),),
    "municipality_office": (T("{town_hall} {gmina}", None, "nip_regon"),),
    "school": (
        T("Szkoła Podstawowa nr {n} im. {patron} {at}", None, "regon"),
        T("Zespół Szkół Zawodowych im. {patron} {county_at}", None, "nip_regon"),
        T("Przedszkole Publiczne „{brand}” {at}", None, "slug"),
    ),
    "church_body": (
        T("Parafia Rzymskokatolicka pw. {saint} {at}", "KOŚCIELNA OSOBA PRAWNA", "nip"),
        T("Parafialny Zespół Caritas przy Parafii pw. {saint}", None, "slug"),
    ),
    "other": (
        T("Wspólnota Mieszkaniowa „{brand}”", None, "nip"),
        T("Ochotniczy Hufiec Pracy {county_at}", None, "slug"),
        T("Kółko Rolnicze {at}", None, "slug"),
    ),
}
GENERIC = (T("Organizacja „{brand}” {at}", None, "slug"),)


def template_for(kind: str, h: int) -> Template:
    """A name template for an organisation of ``kind`` (a generic one for kinds added to models.ttl later)."""
    templates = TEMPLATES.get(kind, GENERIC)
    return templates[h % len(templates)]
