"""Research exports: GraphML and GEXF for Gephi, CSV tables with a codebook, SPARQL, the research bundle.

Every export goes through :mod:`partnergraph.exports.common`, so private properties and small
referral counts are handled the same way in each (see docs/research.md).
"""

__all__: list[str] = []
