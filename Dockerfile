# The read-only GraphQL API (`kg serve`) in front of the Neo4j service of docker-compose.yml.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
# only what the package is built from (see .dockerignore), so a change to tests or docs reuses this layer
COPY pyproject.toml README.md ./
COPY conflictkg ./conflictkg
COPY graph ./graph
COPY schema ./schema
COPY loaders ./loaders
COPY api ./api
RUN pip install ".[api,neo4j]" \
    && useradd --create-home --uid 10001 kg

USER kg
EXPOSE 8000
CMD ["kg", "serve", "--host", "0.0.0.0", "--store", "neo4j://neo4j:7687"]
