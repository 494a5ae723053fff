"""A generator of realistic partnership networks, streamed, for benchmarks.

``generate(n_orgs, seed)`` gives two iterators: the nodes (voivodeships, counties and gminas
from the real TERYT register, then ``n_orgs`` organisations) and the ties (PART_OF between
the territorial units, LOCATED_IN for every organisation, and about five ties per organisation
between organisations). Records are already in the form the store's validator returns (typed
values, keys, the kind's default sector, symmetric ties in key order), so a raw baseline can
write exactly the rows the store writes.

How it stays realistic and flat in memory:

* every organisation's kind, gmina, key and founding date are pure functions of (seed, index),
  recomputed on demand (a bounded LRU cache keeps the popular ones): nothing grows with n
  except the output;
* organisation ``i`` only ties itself to older organisations ``j < i``, chosen as
  ``j = i·u^2`` (u uniform): the cumulative advantage of Price's model, so old organisations
  become hubs and in-degrees follow a power law; half the partners come from the same gmina;
* tie types, the kinds allowed at each end, tie properties and vocabularies come from
  models.ttl (``load_schema()``); the table below only narrows endpoints to plausible kinds.

    >>> nodes, ties = generate(50, seed=1, teryt_path=Path("/nonexistent.csv"))
    >>> sum(1 for n in nodes if n.type == "Organisation")
    50
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import functools
import json
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from stdnum.pl import nip, regon

from bench.names import Place, Template, template_for
from bench.teryt import Gmina, Territory, load_territory
from partnergraph.records import Node, Tie
from partnergraph.schema import Schema, load_schema
from partnergraph.text import slugify
from partnergraph.values import Value

__all__ = ["KIND_SHARES", "RECIPES", "Network", "generate"]

ORG, MUNICIPALITY, COUNTY, VOIVODESHIP = "Organisation", "Municipality", "County", "Voivodeship"
LOCATED_IN, PART_OF = "LOCATED_IN", "PART_OF"
KINDS = "OrganisationKinds"
MUNICIPALITY_TYPES = "MunicipalityTypes"

# Percent of organisations per kind: many businesses and NGOs, fewer cooperatives, few public bodies.
KIND_SHARES = {
    "business": 40.0,
    "ngo": 30.0,
    "other": 6.5,
    "social_cooperative": 6.0,
    "school": 4.0,
    "church_body": 3.0,
    "welfare_centre": 3.0,
    "municipality_office": 3.0,
    "integration_centre": 2.0,
    "labour_office": 1.0,
    "ces": 1.0,
    "owes": 0.5,
}
UNLISTED_SHARE = 0.5  # a kind models.ttl gains later
FOUNDED_FROM = {
    "business": 1990,
    "ngo": 1989,
    "social_cooperative": 2006,
    "welfare_centre": 1990,
    "labour_office": 2000,
    "integration_centre": 2004,
    "ces": 2021,
    "owes": 2009,
    "school": 1950,
    "church_body": 1920,
}
# Tie type → (share of organisation-to-organisation ties, plausible start kinds, plausible end kinds);
# None = any kind. The schema's own pg:sourceKind / pg:targetKind always narrow these further.
SELLERS = {"business", "social_cooperative", "integration_centre", "other"}
RECIPES: dict[str, tuple[float, set[str] | None, set[str] | None]] = {
    "COOPERATES_WITH": (0.30, None, None),
    "TRADES_WITH": (0.22, SELLERS, None),
    "SUPPORTS": (
        0.15,
        {"owes", "ces", "ngo", "welfare_centre", "labour_office", "integration_centre", "municipality_office"},
        {"social_cooperative", "ngo", "integration_centre", "church_body", "business", "other"},
    ),
    "SUBCONTRACTS": (
        0.10,
        {"business", "social_cooperative", "ngo"},
        {"social_cooperative", "business", "integration_centre"},
    ),
    "FUNDS": (
        0.10,
        {"municipality_office", "labour_office", "owes", "business", "ngo", "welfare_centre"},
        {"ngo", "social_cooperative", "integration_centre", "ces", "school", "church_body", "other"},
    ),
    "REFERS": (0.08, None, None),
    "FOUNDED": (0.05, {"ngo", "municipality_office", "church_body", "social_cooperative", "other"}, None),
}
UNLISTED_RECIPE = 0.02
FOUNDING = "FOUNDED"  # the new organisation (the end) chooses its founders; since = its founding date
TIES_PER_ORG = 4.6  # mean extra draws; with LOCATED_IN and failed draws about 5 org-to-org ties each
LOCAL = 0.5  # share of partners looked for in the same gmina
EXPONENT = 2.0  # j = i·u^EXPONENT: the larger, the more skewed the degrees
TRIES = 40
START, END = dt.date(2012, 1, 1).toordinal(), dt.date(2025, 6, 30).toordinal()
SLOT_WEIGHTS = {"city": 40, "1": 6, "3": 3, "2": 1}  # organisations per gmina, by gmina type
SOURCES = ("ankieta partnerstwa 2024", "umowa", "KRS", "sprawozdanie OPS", "wywiad", "strona WWW")
_MASK = (1 << 64) - 1


def _mix(x: int) -> int:
    """splitmix64: a well-spread 64-bit hash of ``x``."""
    x = (x + 0x9E3779B97F4A7C15) & _MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK
    return x ^ (x >> 31)


@dataclass(frozen=True, slots=True)
class Recipe:
    """A tie type between organisations with the kinds allowed at each end and its share."""

    tie_type: str
    share: float
    sources: frozenset[str]
    targets: frozenset[str]
    symmetric: bool
    properties: frozenset[str]
    """The tie type's property names (models.ttl)."""
    choices: tuple[tuple[str, tuple[str, ...]], ...]
    """Vocabulary properties other than the kinds (service, form …) with their notations."""


@dataclass(frozen=True, slots=True)
class Org:
    """What other organisations need to know about organisation ``index`` (recomputable)."""

    index: int
    kind: str
    key: str
    founded: dt.date
    gmina: Gmina
    template: Template
    name_hash: int


class Network:
    """A deterministic synthetic network of ``n_orgs`` organisations on real TERYT territory."""

    def __init__(
        self, n_orgs: int, seed: int = 0, teryt_path: Path | None = None, schema: Schema | None = None
    ) -> None:
        self.n, self.seed = n_orgs, seed
        self.schema = schema or load_schema()
        self.territory: Territory = load_territory(teryt_path)
        kinds = self.schema.vocabularies[KINDS].concepts
        self.kinds = sorted(kinds)
        self._kind_cum = list(_cumulative([KIND_SHARES.get(k, UNLISTED_SHARE) for k in self.kinds]))
        self.sectors = {k: c.default_sector for k, c in kinds.items()}
        self.recipes = self._recipes()
        self._recipe_cum = list(_cumulative([r.share for r in self.recipes]))
        self.counties = {c.code: c for c in self.territory.counties}
        self.slots = self._slots()
        org_type = self.schema.node_types[ORG]
        self.key_prefixes = {name: prefix for prefix, name in org_type.key_prefixes().items() if name}  # krs → "krs" …
        self.slug_prefix = org_type.slug_prefix or "org"
        self.org = functools.lru_cache(maxsize=1 << 14)(self._org)

    def _recipes(self) -> list[Recipe]:
        recipes = []
        every = set(self.kinds)
        for name, tie_type in sorted(self.schema.tie_types.items()):
            if ORG not in tie_type.domain or ORG not in tie_type.range:
                continue
            share, sources, targets = RECIPES.get(name, (UNLISTED_RECIPE, None, None))
            allowed_sources = (sources or every) & (set(tie_type.source_kinds) or every)
            allowed_targets = (targets or every) & (set(tie_type.target_kinds) or every)
            if allowed_sources and allowed_targets:
                choices = tuple(
                    (p.name, tuple(sorted(p.vocabulary.concepts))) for p in tie_type.properties.values() if p.vocabulary
                )
                recipes.append(
                    Recipe(
                        name,
                        share,
                        frozenset(allowed_sources),
                        frozenset(allowed_targets),
                        tie_type.symmetric,
                        frozenset(tie_type.properties),
                        choices,
                    )
                )
        return recipes

    def _slots(self) -> list[Gmina]:
        """Gminas weighted by how many organisations they hold, in a seed-shuffled order."""
        slots = []
        for gmina in self.territory.gminas:
            slots += [gmina] * SLOT_WEIGHTS["city" if gmina.city_county else gmina.rodz]
        random.Random(f"{self.seed}:slots").shuffle(slots)
        return slots

    # -- organisations, recomputable from their index -----------------------------------------
    def _hash(self, index: int) -> int:
        return _mix(self.seed * 0x1000003 ^ _mix(index))

    def kind(self, index: int) -> str:
        """The kind of organisation ``index`` (cheap: one hash)."""
        h = self._hash(index)
        return self.kinds[bisect.bisect_right(self._kind_cum, (h & 0xFFFFFFFF) / 2**32 * self._kind_cum[-1])]

    def _org(self, index: int) -> Org:
        h = self._hash(index)
        kind = self.kind(index)
        gmina = self.slots[index % len(self.slots)]
        template = template_for(kind, (h >> 32) & 0xFF)
        h2 = _mix(h)
        first = dt.date(FOUNDED_FROM.get(kind, 1980), 1, 1).toordinal()
        founded = dt.date.fromordinal(first + h2 % (dt.date(2024, 12, 31).toordinal() - first))
        ids = _identities(template, index, self.seed, key_only=True)
        key = next((f"{prefix}:{ids[name]}" for name, prefix in self.key_prefixes.items() if name in ids), "")
        if not key:  # a slug of the name, made unique by the index
            name = template.render(h >> 40, self.place(gmina))
            key = f"{self.slug_prefix}:{slugify(name)[:60].rstrip('-')}-{index}"
        return Org(index, kind, key, founded, gmina, template, h >> 40)

    def place(self, gmina: Gmina) -> Place:
        return Place(gmina.name, gmina.rodz, self.counties[gmina.county].name, gmina.city_county)

    def org_node(self, org: Org, rng: random.Random) -> Node:
        place = self.place(org.gmina)
        name = org.template.render(org.name_hash, place)
        props: dict[str, Value] = {"name": name, "kind": org.kind}
        if org.template.short:
            props["short_name"] = org.template.render_short(place)
        if self.sectors.get(org.kind):
            props["sector"] = str(self.sectors[org.kind])
        props.update(_identities(org.template, org.index, self.seed))
        if org.template.legal_form:
            props["legal_form"] = org.template.legal_form
        props["city"] = org.gmina.name
        props["postcode"] = f"{rng.randrange(100):02d}-{rng.randrange(1000):03d}"
        if rng.random() < 0.5:
            domain = slugify(name)[:30].rstrip("-") or "org"
            props["email"] = f"biuro@{domain}.pl"
            if rng.random() < 0.5:
                props["website"] = f"https://www.{domain}.pl"
        props["founded"] = org.founded
        props["example"] = True
        return Node(org.key, ORG, props)

    # -- streams ------------------------------------------------------------------------------
    def nodes(self) -> Iterator[Node]:
        """Voivodeships, counties, gminas, then the organisations (in index order)."""
        rng = random.Random(f"{self.seed}:nodes")
        territory = self.territory
        for area, type_ in [
            *((v, VOIVODESHIP) for v in territory.voivodeships),
            *((c, COUNTY) for c in territory.counties),
        ]:
            yield Node(f"teryt:{area.code}", type_, {"name": area.name, "teryt": area.code})
        types = {c.teryt_code: c.name for c in self.schema.vocabularies[MUNICIPALITY_TYPES].concepts.values()}
        for gmina in territory.gminas:
            props: dict[str, Value] = {"name": gmina.name, "teryt": gmina.code, "municipality_type": types[gmina.rodz]}
            yield Node(f"teryt:{gmina.code}", MUNICIPALITY, props)
        for index in range(self.n):
            yield self.org_node(self.org(index), rng)

    def ties(self) -> Iterator[Tie]:
        """PART_OF of the territory, then per organisation its LOCATED_IN and ties to older ones."""
        for county in self.territory.counties:
            yield Tie(PART_OF, f"teryt:{county.code}", f"teryt:{county.parent}")
        for gmina in self.territory.gminas:
            yield Tie(PART_OF, f"teryt:{gmina.code}", f"teryt:{gmina.county}")
        rng = random.Random(f"{self.seed}:ties")
        for index in range(self.n):
            org = self.org(index)
            yield Tie(LOCATED_IN, org.key, f"teryt:{org.gmina.code}")
            seen: set[tuple[str, int]] = set()
            for _ in range(1 + int(rng.expovariate(1 / TIES_PER_ORG))):
                tie = self._tie(org, rng, seen)
                if tie is not None:
                    yield tie

    # -- ties between organisations -------------------------------------------------------------
    def _tie(self, org: Org, rng: random.Random, seen: set[tuple[str, int]]) -> Tie | None:
        for _ in range(4):
            recipe = self.recipes[bisect.bisect_right(self._recipe_cum, rng.random() * self._recipe_cum[-1])]
            can_start = org.kind in recipe.sources and recipe.tie_type != FOUNDING
            can_end = org.kind in recipe.targets
            if can_start or can_end:
                break
        else:
            return None
        starts = can_start and (not can_end or rng.random() < 0.5)
        other = self._partner(org.index, rng, recipe.targets if starts else recipe.sources)
        if other is None or (recipe.tie_type, other.index) in seen:
            return None
        seen.add((recipe.tie_type, other.index))
        start, end = (org, other) if starts else (other, org)
        if recipe.symmetric and end.key < start.key:
            start, end = end, start
        return Tie(recipe.tie_type, start.key, end.key, self._tie_props(recipe, start, end, rng))

    def _partner(self, index: int, rng: random.Random, kinds: frozenset[str]) -> Org | None:
        """An older organisation of one of ``kinds``: from the same gmina half the time, skewed to the oldest."""
        if index == 0:
            return None
        size = len(self.slots)
        for _ in range(TRIES):
            if index >= size and rng.random() < LOCAL:
                other = index % size + size * int((index // size) * rng.random() ** EXPONENT)
            else:
                other = int(index * rng.random() ** EXPONENT)
            if self.kind(other) in kinds:
                return self.org(other)
        return None

    def _tie_props(self, recipe: Recipe, start: Org, end: Org, rng: random.Random) -> dict[str, Value]:
        properties = recipe.properties
        props: dict[str, Value] = {}
        if "count" in properties:  # an aggregate per half-year
            year = rng.randint(max(2015, start.founded.year, end.founded.year), 2025)
            half = 0 if year == 2025 else rng.randrange(2)
            props["since"], props["until"] = dt.date(year, 1 + 6 * half, 1), dt.date(year, 6 + 6 * half, 30 + half)
            props["count"] = 1 + int(rng.expovariate(1 / 8))
        elif recipe.tie_type == FOUNDING:
            props["since"] = end.founded
        else:
            low = max(START, start.founded.toordinal(), end.founded.toordinal())
            since = dt.date.fromordinal(min(low, END) + rng.randrange(max(1, END - low + 1)))
            props["since"] = since
            if rng.random() < 0.35:
                props["until"] = since + dt.timedelta(days=rng.randint(90, 1095))
        if "amount" in properties:
            props["amount"] = round(math.exp(rng.gauss(9.5, 1.4)), 2)
        if "social_clause" in properties and rng.random() < 0.15:
            props["social_clause"] = True
        for name, notations in recipe.choices:
            props[name] = notations[int(rng.random() * len(notations))]
        if rng.random() < 0.6:
            props["strength"] = rng.randint(1, 5)
        if rng.random() < 0.4:
            props["source"] = rng.choice(SOURCES)
        return props


def _cumulative(weights: list[float]) -> Iterator[float]:
    total = 0.0
    for weight in weights:
        total += weight
        yield total


def _identities(template: Template, index: int, seed: int, *, key_only: bool = False) -> dict[str, str]:
    """Register numbers, unique per index (affine bijections), with valid check digits;
    with ``key_only`` just the one that gives the key (KRS before NIP before REGON)."""
    ids: dict[str, str] = {}
    if template.identity in ("krs", "krs_nip"):
        ids["krs"] = f"{(index * 7_654_321 + 1_234_567 + seed * 1_000_003) % 10**7:010d}"
        if key_only:
            return ids
    if template.identity in ("krs_nip", "nip", "nip_regon"):
        base = f"{100_000_000 + (index * 7_777_777 + 12_345 + seed * 1_000_003) % 900_000_000}"
        check = nip.checksum(base + "0")  # weights·digits mod 11; 10 means no valid NIP with this base
        if check < 10:
            ids["nip"] = f"{base}{check}"
            if key_only:
                return ids
    if template.identity in ("nip_regon", "regon") or (template.identity == "nip" and "nip" not in ids):
        base = f"{10_000_000 + (index * 7_777_777 + 54_321 + seed * 1_000_003) % 90_000_000}"
        ids["regon"] = base + regon.calc_check_digit(base)
    return ids


def generate(n_orgs: int, seed: int = 0, teryt_path: Path | None = None) -> tuple[Iterator[Node], Iterator[Tie]]:
    """The nodes and the ties of a network of ``n_orgs`` organisations, streamed (nodes first)."""
    network = Network(n_orgs, seed, teryt_path)
    return network.nodes(), network.ties()


def main(argv: list[str] | None = None) -> None:
    """``python -m bench.generate N --out network.jsonl``: write a network as JSON Lines."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("n_orgs", type=int)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--teryt", type=Path, default=None, help="TERC_Urzedowy CSV (default: ../shared/data/teryt/…)")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    nodes, ties = generate(args.n_orgs, args.seed, args.teryt)
    with args.out.open("w", encoding="utf-8") as out:
        for entity, records in (("node", nodes), ("tie", ties)):
            for record in records:
                out.write(json.dumps({entity: record.as_json()}, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
