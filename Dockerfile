# The read-only GraphQL API (`kg serve`) in front of the Neo4j service of docker-compose.yml.

# The browser libraries of /graphql and /explore, from npm at the versions web/package-lock.json pins: the server
# serves them itself, so its pages load nothing from another host.
FROM node:20-slim AS web
WORKDIR /web
COPY web/package.json web/package-lock.json web/.npmrc ./
RUN npm ci --omit=dev --no-audit --no-fund

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
COPY --from=web /web/node_modules /app/web-assets
ENV KG_WEB_ASSETS=/app/web-assets
RUN pip install ".[api,neo4j]" \
    && useradd --create-home --uid 10001 kg

USER kg
EXPOSE 8000
CMD ["kg", "serve", "--host", "0.0.0.0", "--store", "neo4j://neo4j:7687"]
