"""Read-only GraphQL and Cypher over HTTP (see issue: GraphQL API)."""
