"""Pictures of the graph: network maps (pyvis, offline) and charts (SVG)."""
