"""docker-compose.yml, Dockerfile and .env.example: Neo4j 5 community with a query healthcheck, the API after it.

Docker is not needed: the files are parsed and their structure checked, including
that no secret is written into them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    return data


def strings(node: Any) -> list[str]:
    """Every string in a parsed YAML tree, keys included."""
    if isinstance(node, dict):
        return [s for k, v in node.items() for s in (*strings(k), *strings(v))]
    if isinstance(node, list):
        return [s for item in node for s in strings(item)]
    return [node] if isinstance(node, str) else []


def test_neo4j_is_version_5_community_with_a_query_healthcheck_and_a_named_volume(compose: dict[str, Any]) -> None:
    neo4j = compose["services"]["neo4j"]
    assert neo4j["image"] in {"neo4j:5", "neo4j:5-community"} or re.fullmatch(r"neo4j:5\.\d+(\.\d+)?", neo4j["image"])
    assert not any("apoc" in s.lower() or "enterprise" in s.lower() for s in strings(neo4j))
    test = " ".join(neo4j["healthcheck"]["test"])
    assert "cypher-shell" in test and "'RETURN 1'" in test
    assert '"$$NEO4J_PASSWORD"' in test  # the container's variable, escaped from compose's own interpolation
    assert neo4j["healthcheck"]["retries"] >= 3
    volume = neo4j["volumes"][0].split(":")
    assert volume[1] == "/data" and volume[0] in compose["volumes"]
    assert all(p.startswith("127.0.0.1:") for p in neo4j["ports"])


def test_the_api_is_built_here_and_waits_for_a_healthy_neo4j(compose: dict[str, Any]) -> None:
    api = compose["services"]["api"]
    assert api["build"] in (".", {"context": "."})
    assert api["depends_on"]["neo4j"]["condition"] == "service_healthy"
    command = api["command"]
    assert command[:2] == ["kg", "serve"]
    assert command[command.index("--store") + 1] == "neo4j://neo4j:7687"
    assert command[command.index("--host") + 1] == "0.0.0.0"
    assert "127.0.0.1:8000:8000" in api["ports"]


def test_no_secret_is_written_into_the_compose_file(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        assert service.get("env_file") == ".env", f"{name} must take its secrets from .env"
        env = service.get("environment") or {}
        pairs = env.items() if isinstance(env, dict) else (e.partition("=")[::2] for e in env)
        for key, value in pairs:
            if re.search(r"PASSWORD|AUTH|SECRET|KEY|TOKEN", key):
                assert value in (None, "") or re.fullmatch(r"\$\{\w+(:?[-?][^}]*)?\}", str(value)), key
    text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    placeholders = re.findall(r"=(\S+)", (ROOT / ".env.example").read_text(encoding="utf-8"))
    assert placeholders and not any(p in text for p in placeholders)
    assert not re.search(r"NEO4J_AUTH\s*[:=]\s*neo4j/", text)
    assert ".env" in (ROOT / ".gitignore").read_text().split()
    assert ".env" in (ROOT / ".dockerignore").read_text().split()


def test_env_example_names_every_secret_with_placeholders_only() -> None:
    values = dict(line.split("=", 1) for line in (ROOT / ".env.example").read_text().splitlines()
                  if line and not line.startswith("#"))
    assert set(values) >= {"NEO4J_PASSWORD", "NEO4J_AUTH"}
    assert values["NEO4J_AUTH"] == f"neo4j/{values['NEO4J_PASSWORD']}"
    assert all("change-me" in v for v in values.values())


def test_the_dockerfile_installs_the_api_and_neo4j_extras_and_serves() -> None:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.11-slim$", text, re.M)
    assert 'pip install ".[api,neo4j]"' in text
    assert re.search(r"^USER (?!root)\w+", text, re.M)
    assert 'CMD ["kg", "serve", "--host", "0.0.0.0", "--store", "neo4j://neo4j:7687"]' in text
