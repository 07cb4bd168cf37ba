"""POST /cypher: read-only Cypher over HTTP for analysts, with the API key, on the real embedded store."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from test_api import AppClient, seeded_store
from test_cypher_readonly import REFUSED

from conflictkg.api import Settings, create_app
from conflictkg.graph.falkor import FalkorStore

KEY = {"Authorization": "Bearer sesame"}


@pytest.fixture(scope="module")
def http(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[AppClient, FalkorStore]]:
    store = seeded_store(tmp_path_factory.mktemp("cypher-http") / "kg")
    yield AppClient(create_app(store, settings=Settings(api_key="sesame"))), store
    store.close()


def test_a_read_query_answers_rows(http: tuple[AppClient, FalkorStore]) -> None:
    client, _ = http
    answer = client.post("/cypher", json={"query": "MATCH (d:Document) RETURN d.id AS id ORDER BY id"}, headers=KEY)
    assert answer.status_code == 200
    assert answer.json() == {"rows": [{"id": "report.txt"}, {"id": "statement.txt"}], "truncated": False}


def test_parameters_carry_values_and_injection_stays_a_value(http: tuple[AppClient, FalkorStore]) -> None:
    client, store = http
    before = store.stats()
    hostile = "') DETACH DELETE n //"
    answer = client.post("/cypher", headers=KEY, json={
        "query": "MATCH (n:Entity) WHERE n.name = $name RETURN n.id AS id", "params": {"name": hostile}})
    assert answer.status_code == 200 and answer.json()["rows"] == []
    assert store.stats() == before


def test_the_api_key_is_required(http: tuple[AppClient, FalkorStore]) -> None:
    client, _ = http
    body = {"query": "MATCH (n) RETURN count(n) AS n"}
    assert client.post("/cypher", json=body).status_code == 401
    wrong = client.post("/cypher", json=body, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401 and "KG_API_KEY" in wrong.json()["error"]


@pytest.mark.parametrize(("query", "message"), REFUSED, ids=[q.split()[0] + str(i) for i, (q, _) in enumerate(REFUSED)])
def test_writes_are_refused_and_change_nothing(http: tuple[AppClient, FalkorStore], query: str, message: str) -> None:
    client, store = http
    before = store.stats()
    answer = client.post("/cypher", json={"query": query}, headers=KEY)
    assert answer.status_code == 403
    assert message in answer.json()["error"]
    assert store.stats() == before


@pytest.mark.parametrize("body", [b"{not json", b'{"query": 7}', b'{"query": "MATCH (n) RETURN n", "params": [1]}',
                                  b'"just a string"', b"\xff\xfe"])
def test_malformed_bodies_get_a_clear_400(http: tuple[AppClient, FalkorStore], body: bytes) -> None:
    client, _ = http
    answer = client.post("/cypher", content=body, headers={**KEY, "Content-Type": "application/json"})
    assert answer.status_code == 400 and "query" in answer.json()["error"]


def test_rows_are_capped(http: tuple[AppClient, FalkorStore], monkeypatch: pytest.MonkeyPatch) -> None:
    import conflictkg.api.app as app_module

    client, _ = http
    monkeypatch.setattr(app_module, "MAX_CYPHER_ROWS", 1)
    answer = client.post("/cypher", json={"query": "MATCH (d:Document) RETURN d.id AS id"}, headers=KEY).json()
    assert len(answer["rows"]) == 1 and answer["truncated"] is True


BAD_PARAMS = {
    "a backtick in a name": ({"a`b": 1}, "parameter name 'a`b' is not usable"),
    "an empty name": ({"": 1}, "parameter name '' is not usable"),
    "a name with a space": ({"a b": 1}, "parameter name 'a b' is not usable"),
    "a backtick in a map key": ({"m": {"x`y": 1}}, "parameter $m has a map key 'x`y'"),
    "an empty map key": ({"m": {"": 1}}, "parameter $m has a map key ''"),
    "an integer above 64 bits": ({"n": 2**64}, "parameter $n holds an integer beyond 64 bits"),
    "an integer below 64 bits": ({"n": -(2**63) - 1}, "parameter $n holds an integer beyond 64 bits"),
    "lists 40 deep": ({"deep": json.loads("[" * 40 + "]" * 40)}, "parameter $deep nests lists and maps more than 32"),
}


@pytest.mark.parametrize("case", BAD_PARAMS, ids=list(BAD_PARAMS))
def test_unusable_params_are_a_clear_400(http: tuple[AppClient, FalkorStore], case: str) -> None:
    """issue 13 item 13: parameters the engine would misread (or the client library would crash on) are a 400
    naming the parameter, never a 500 or a silently clamped integer."""
    client, _ = http
    params, message = BAD_PARAMS[case]
    answer = client.post("/cypher", headers=KEY, json={"query": "RETURN 1 AS x", "params": params})
    assert answer.status_code == 400, answer.text
    assert message in answer.json()["error"]


def test_params_nested_5000_deep_are_a_400(http: tuple[AppClient, FalkorStore]) -> None:
    """issue 13 item 13: a body nesting 5,000 deep is refused as a 400, not a 500 from the JSON decoder."""
    client, _ = http
    body = b'{"query": "RETURN $p AS p", "params": {"p": ' + b"[" * 5000 + b"]" * 5000 + b"}}"
    answer = client.post("/cypher", content=body, headers={**KEY, "Content-Type": "application/json"})
    assert answer.status_code == 400 and "nested" in answer.json()["error"]
    deep_graphql = b'{"query": "{ __typename }", "variables": {"v": ' + b"[" * 5000 + b"]" * 5000 + b"}}"
    graphql = client.post("/graphql", content=deep_graphql, headers={"Content-Type": "application/json"})
    assert graphql.status_code == 400 and "nests" in graphql.json()["errors"][0]["message"]


def test_the_largest_64_bit_integers_pass_unchanged(http: tuple[AppClient, FalkorStore]) -> None:
    """issue 13 item 13: the bound is exactly 64 bits: the extremes still reach the engine as they are."""
    client, _ = http
    answer = client.post("/cypher", headers=KEY, json={"query": "RETURN $hi AS hi, $lo AS lo",
                                                       "params": {"hi": 2**63 - 1, "lo": -(2**63)}})
    assert answer.status_code == 200 and answer.json()["rows"] == [{"hi": 2**63 - 1, "lo": -(2**63)}]
