"""partnergraph: map the networks of the social economy.

Partners, municipalities, businesses, social cooperatives, support centres and the ties
between them, as a graph in an embedded SQLite store or in Neo4j.
"""

__version__ = "0.1.0"
