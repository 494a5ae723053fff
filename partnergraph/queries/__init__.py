"""Analyses of the graph, one module per family, each returning typed rows."""
