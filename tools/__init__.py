"""Developer tools: the README generator, the gettext catalogue tool, the Neo4j server, the geography builder."""
