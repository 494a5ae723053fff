"""Linked data: RDF export driven by models.ttl, SHACL validation, RDF import of the same mapping."""

from __future__ import annotations

__all__: list[str] = []
