"""conflictkg: a provenance-tagged knowledge graph of conflicts and peace processes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .knowledge_graph import KnowledgeGraph

__version__ = "0.1.0"
__all__ = ["KnowledgeGraph", "__version__"]


def __getattr__(name: str) -> Any:
    """Import KnowledgeGraph (and with it GraphQL) only when asked for, so `import conflictkg` stays light."""
    if name == "KnowledgeGraph":
        from .knowledge_graph import KnowledgeGraph

        return KnowledgeGraph
    raise AttributeError(f"module 'conflictkg' has no attribute {name!r}")
