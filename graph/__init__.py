"""Graph stores: one interface, the embedded FalkorDB default and Neo4j."""
