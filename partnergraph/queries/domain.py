"""Shared domain helpers of the partnership, coverage and dependency analyses.

Where an organisation is, which sector it belongs to and what to call it in a reason text:

* sector — the ``sector`` property, else the ``default_sector`` of its kind in models.ttl;
  a ``Municipality`` node (a gmina as a member or a funder) is public;
* municipality — the target of its ``LOCATED_IN`` tie (the first by key when there are several);
* county — the municipality's ``PART_OF`` tie to a County, else the County whose TERYT code
  is the first four digits of the municipality's code.

    >>> from partnergraph.graph.sqlite import SqliteStore
    >>> from partnergraph.records import Node
    >>> store = SqliteStore(":memory:")
    >>> _ = store.upsert([Node("org:a", "Organisation", {"name": "Spółdzielnia A", "kind": "social_cooperative"})], source="doc")
    >>> places = Places.of(store)
    >>> places.sector("org:a"), places.name("org:a"), places.municipality("org:a")
    ('social', 'Spółdzielnia A', None)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from partnergraph.graph.base import GraphStore
from partnergraph.graph.projection import LOCATION_TIE, Graph, project
from partnergraph.graph.validity import is_current, register_dates
from partnergraph.i18n import current_language
from partnergraph.schema import Schema

__all__ = ["SECTORS", "STRUCTURAL_TIES", "Places", "kind_label", "org_ties"]

SECTORS = ("public", "private", "social")
"""The three sectors of models.ttl's Sectors scheme, in the order rows and charts show them."""

STRUCTURAL_TIES = frozenset({LOCATION_TIE, "MEMBER_OF", "PART_OF"})
"""Tie types that place or group nodes; they are not cooperation between organisations."""


def kind_label(store: GraphStore, kind: str, language: str | None = None) -> str:
    """The label of an organisation kind (``przedsiębiorstwo``), or the code if unknown."""
    concept = store.schema.vocabularies["OrganisationKinds"].concepts.get(kind)
    return concept.label(language or current_language()) if concept else kind


def sector_label(schema: Schema, sector: str, language: str | None = None) -> str:
    """The label of a sector (``publiczny``) from models.ttl's Sectors, or the code if unknown."""
    concept = schema.vocabularies["Sectors"].concepts.get(sector)
    return concept.label(language or current_language()) if concept else sector


def org_ties(graph: Graph, key: str) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Each non-structural tie touching ``key`` once: (other end, tie id, edge data).

    A symmetric tie (two edges with one key in the projection) is given once.
    """
    seen: set[str] = set()
    for _, other, tie_id, data in graph.out_edges(key, keys=True, data=True):
        if data["type"] not in STRUCTURAL_TIES and tie_id not in seen:
            seen.add(tie_id)
            yield other, tie_id, data
    for other, _, tie_id, data in graph.in_edges(key, keys=True, data=True):
        if data["type"] not in STRUCTURAL_TIES and tie_id not in seen:
            seen.add(tie_id)
            yield other, tie_id, data


@dataclass(frozen=True)
class Places:
    """The projected store with where-is-what lookups (see the module docs)."""

    store: GraphStore
    graph: Graph

    @classmethod
    def of(cls, store: GraphStore) -> Places:
        """The whole store, projected (cached by the store's write version)."""
        return cls(store, project(store))

    def nodes(self, node_type: str) -> list[str]:
        """Keys of the nodes of ``node_type``, sorted."""
        return sorted(key for key, data in self.graph.nodes(data=True) if data.get("type") == node_type)

    def current(self, node_type: str) -> list[str]:
        """Keys of the nodes of ``node_type`` that are in the register as of their voivodeship's
        register date, sorted: territorial units a newer TERC ended are left out."""
        dates = register_dates(self.props(k) for k in self.nodes("Voivodeship"))
        return [
            k
            for k in self.nodes(node_type)
            if is_current(self.props(k), dates.get(str(self.props(k).get("teryt", ""))[:2]))
        ]

    def shown(self, node_type: str) -> list[str]:
        """The current units of ``node_type`` and the ended ones that organisations are still located in, sorted."""
        current = set(self.current(node_type))
        return [k for k in self.nodes(node_type) if k in current or self._organisations_in.get(k)]

    def props(self, key: str) -> Mapping[str, Any]:
        """The node's type and properties (read-only; empty for an unknown key)."""
        return self.graph.nodes[key] if key in self.graph else {}

    def name(self, key: str) -> str:
        """The short name, else the name, else the key."""
        props = self.props(key)
        return str(props.get("short_name") or props.get("name") or key)

    def kind(self, key: str) -> str:
        return str(self.props(key).get("kind", ""))

    def sector(self, key: str) -> str | None:
        """The organisation's sector (property, else its kind's default); a Municipality is public."""
        props = self.props(key)
        if props.get("type") == "Municipality":
            return "public"
        if props.get("sector"):
            return str(props["sector"])
        concept = self.store.schema.vocabularies["OrganisationKinds"].concepts.get(str(props.get("kind", "")))
        return concept.default_sector if concept else None

    def _out(self, key: str, tie_type: str, node_type: str | None = None) -> list[str]:
        if key not in self.graph:
            return []
        found = {end for _, end, data in self.graph.out_edges(key, data=True) if data["type"] == tie_type}
        return sorted(end for end in found if node_type is None or self.graph.nodes[end].get("type") == node_type)

    def municipality(self, key: str) -> str | None:
        """Where an organisation is (its LOCATED_IN municipality); a Municipality is in itself."""
        if self.props(key).get("type") == "Municipality":
            return key
        found = self._out(key, LOCATION_TIE, "Municipality")
        return found[0] if found else None

    def county(self, municipality: str | None) -> str | None:
        """The county of a municipality: PART_OF, else the County with its TERYT prefix."""
        if municipality is None:
            return None
        found = self._out(municipality, "PART_OF", "County")
        if found:
            return found[0]
        teryt = str(self.props(municipality).get("teryt", ""))[:4]
        return self._counties.get(teryt) if len(teryt) == 4 else None

    @cached_property
    def _counties(self) -> dict[str, str]:
        return {str(self.graph.nodes[key].get("teryt", "")): key for key in self.nodes("County")}

    @cached_property
    def _organisations_in(self) -> dict[str, set[str]]:
        index: dict[str, set[str]] = {}
        for key in self.nodes("Organisation"):
            municipality = self.municipality(key)
            if municipality is not None:
                index.setdefault(municipality, set()).add(key)
        return index

    def located(self, municipalities: Iterable[str]) -> list[str]:
        """Organisations located in any of ``municipalities``, sorted."""
        return sorted(set().union(*(self._organisations_in.get(m, set()) for m in municipalities)))
