"""Read-mostly HTTP/GraphQL layer over the store interface (GraphiQL playground at /graphql)."""

from .app import Settings, create_app, serve

__all__ = ["Settings", "create_app", "serve"]
