"""conflictkg: a provenance-tagged knowledge graph of conflicts and peace processes."""

__version__ = "0.1.0"
