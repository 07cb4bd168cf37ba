"""Hostile requests are refused or harmless, and leave the graph exactly as it was.

tests/test_api.py already covers a 20-level query, 100 aliases, `first: 101` and a 1.1 MB body;
tests/test_cypher_readonly.py covers write clauses, procedures and hostile --params through `kg cypher`.
Here: parser-breaking depth, fragment cycles and token floods, extreme page sizes and cursors, 10 MB
bodies with and without a declared length, malformed and non-UTF-8 JSON, injection strings in every
string argument of every root field (as variables and as literals), and write Cypher dressed up.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import KG, MINI_LEXICON, flat
from test_api import INGEST, AppClient, seeded_store

from conflictkg.api import Settings, create_app
from conflictkg.graph.falkor import FalkorStore

AUTH = {"Authorization": "Bearer sesame"}
HOSTILE = [
    "') DETACH DELETE n //",
    'x\\" OR 1=1',
    "x' OR 1=1 //",
    "x\"}) MATCH (n) DETACH DELETE n //",
    "Actor`) DETACH DELETE n //",
    "russia' }) SET n.name = 'owned' //",
    "$id",
    "*/ MATCH (n) DETACH DELETE n /*",
    "x\u0000' }) DETACH DELETE n //\ufeff\u202e",
    "' UNION MATCH (n) RETURN n.id AS id //",
]
# every string (S) and ID (I) argument of every root field, and one nested string argument; at most 30 aliases
STRING_ARGUMENTS = [
    "entity(id: %I) { __typename }",
    "entity(name: %S) { __typename }",
    "entities(search: %S) { totalCount }",
    "entities(label: %S) { totalCount }",
    "entities(kind: %S) { totalCount }",
    "entities(after: %S) { totalCount }",
    "relations(subject: %S) { totalCount }",
    "relations(predicate: %S) { totalCount }",
    "relations(object: %S) { totalCount }",
    "relations(after: %S) { totalCount }",
    "provisions(type: %S) { id }",
    "provisions(agreement: %S) { id }",
    "provisions(obliges: %S) { id }",
    "provisions(concerns: %S) { id }",
    "guarantees(corridor: %S) { provisionType }",
    "guarantees(guarantor: %S) { provisionType }",
    "guarantees(agreement: %S) { provisionType }",
    "timeline(entity: %S) { __typename }",
    'path(from: %S, to: "Armenia") { __typename }',
    'path(from: "Russia", to: %S) { __typename }',
    "documents(after: %S) { totalCount }",
    "document(id: %I) { id }",
    'entity(id: "russia") { relations(predicate: %S) { predicate } }',
]
DATE_ARGUMENTS = ["relations(validOn: %D) { totalCount }", 'timeline(entity: "Armenia", from: %D) { __typename }',
                  'timeline(entity: "Armenia", to: %D) { __typename }']


def fingerprint(store: FalkorStore) -> tuple[Any, ...]:
    """Everything that could change: the export, the counts, and every label and edge type in the graph."""
    return (
        list(store.export_records()),
        store.stats(),
        store.read("MATCH (n) RETURN labels(n) AS labels, count(n) AS n ORDER BY n, labels"),
        store.read("MATCH ()-[r]->() RETURN type(r) AS type, count(r) AS n ORDER BY type"),
        store.read("MATCH (n:Entity) RETURN n.id AS id, n.name AS name ORDER BY id"),
    )


@pytest.fixture(scope="module")
def graph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FalkorStore]:
    store = seeded_store(tmp_path_factory.mktemp("abuse") / "kg")
    yield store
    store.close()


@pytest.fixture(scope="module")
def http(graph: FalkorStore) -> AppClient:
    return AppClient(create_app(graph, settings=Settings(api_key="sesame"), lexicons=[MINI_LEXICON]))


class ServerClient(AppClient):
    """Answers what a real server sends (500 for an exception in the app) instead of raising in the test."""

    def request(self, method: str, url: str, **options: Any) -> httpx.Response:
        async def send() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app, raise_app_exceptions=False)
            async with httpx.AsyncClient(transport=transport, base_url="http://kg.test") as client:
                return await client.request(method, url, **options)

        return asyncio.run(send())


@pytest.fixture(scope="module")
def server(http: AppClient) -> ServerClient:
    return ServerClient(http.app)


@pytest.fixture
def unchanged(graph: FalkorStore) -> Iterator[None]:
    """Fails the test if the graph differs afterwards in any way."""
    before = fingerprint(graph)
    yield
    assert fingerprint(graph) == before


def post(http: AppClient, query: str, variables: dict[str, Any] | None = None, **headers: str) -> dict[str, Any]:
    response = http.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def expected_errors_only(answer: dict[str, Any]) -> list[str]:
    """The error messages; none may be a masked failure or a Cypher error (a sign the string became code)."""
    found = [e["message"] for e in answer.get("errors") or []]
    for message in found:
        assert message != "Unexpected error.", answer
        assert "query failed" not in message and "errMsg" not in message, answer
    return found


# -- injection in every string argument ---------------------------------------------------------------------------
@pytest.mark.parametrize("hostile", HOSTILE)
def test_injection_strings_in_every_string_argument_are_values(http: AppClient, hostile: str,
                                                                unchanged: None) -> None:
    def fields(s: str, i: str) -> str:
        return " ".join(f"f{n}: {field.replace('%S', s).replace('%I', i)}"
                        for n, field in enumerate(STRING_ARGUMENTS))

    by_variable = post(http, f"query($s: String!, $i: ID!) {{ {fields('$s', '$i')} }}",
                       {"s": hostile, "i": hostile})
    by_literal = post(http, f"{{ {fields(json.dumps(hostile), json.dumps(hostile))} }}")
    for answer in (by_variable, by_literal):
        expected_errors_only(answer)  # unknown labels, kinds, predicates, types and cursors are named
    alone = post(http, "query($s: String!) { entities(search: $s) { totalCount } }", {"s": hostile})
    if not expected_errors_only(alone):  # no "OR 1=1" that matches everything
        total = post(http, "{ entities { totalCount } }")["data"]["entities"]["totalCount"]
        assert alone["data"]["entities"]["totalCount"] < total


@pytest.mark.parametrize("hostile", HOSTILE[:4])
@pytest.mark.parametrize("field", DATE_ARGUMENTS)
def test_injection_strings_as_dates_are_refused(http: AppClient, hostile: str, field: str, unchanged: None) -> None:
    answer = post(http, f"query($d: Date) {{ {field.replace('%D', '$d')} }}", {"d": hostile})
    assert expected_errors_only(answer) and not answer.get("data")


@pytest.mark.parametrize("hostile", [HOSTILE[0], HOSTILE[1], "x' }) MATCH (n) DETACH DELETE n RETURN 'x"])
def test_injection_strings_as_mutation_ids(http: AppClient, hostile: str, unchanged: None) -> None:
    remove = "mutation($id: ID!) { removeDocument(id: $id) { removed } }"
    assert post(http, remove, {"id": hostile}, **AUTH)["data"]["removeDocument"]["removed"] is False
    # a text that names no entity: the document alone is written, and removing it restores the graph exactly
    answer = post(http, INGEST, {"docs": [{"id": hostile, "text": "Nothing was signed on that quiet day."}]}, **AUTH)
    messages = expected_errors_only(answer)
    if messages:  # ids with slashes or backslashes are refused as file names
        assert "is not usable" in messages[0]
        return
    assert answer["data"]["ingest"][0]["status"] == "ingested"
    found = post(http, "query($id: ID!) { document(id: $id) { id } }", {"id": hostile})
    assert found["data"]["document"] == {"id": hostile}  # the string is the id, byte for byte
    assert post(http, remove, {"id": hostile}, **AUTH)["data"]["removeDocument"]["removed"] is True


# -- query shape limits -------------------------------------------------------------------------------------------
def test_parser_breaking_depth_is_refused(http: AppClient, unchanged: None) -> None:
    query = "{ entity(id: \"russia\") " + "{ relations { subject " * 3000 + "{ id }" + " } }" * 3000 + " }"
    response = http.post("/graphql", json={"query": query})
    assert response.status_code in {200, 400}
    assert response.json()["errors"] and not response.json().get("data")
    assert post(http, "{ documents { totalCount } }")["data"]["documents"]["totalCount"] == 2  # still serving


def test_fragment_cycles_and_token_floods_are_refused(http: AppClient, unchanged: None) -> None:
    cycle = ("{ entity(id: \"russia\") { ...A } } fragment A on Actor { relations { subject { ...B } } } "
             "fragment B on Actor { relations { subject { ...A } } }")
    assert expected_errors_only(post(http, cycle))
    flood = "{ documents { " + "totalCount " * 5000 + "} }"
    assert "token" in " ".join(expected_errors_only(post(http, flood))).lower()
    fragments = "{ " + " ".join(f"a{i}: entity(id: \"russia\") {{ ...F }}" for i in range(40)) + " } " \
                "fragment F on Actor { x1: name x2: name x3: name }"
    assert "aliases" in " ".join(expected_errors_only(post(http, fragments)))


@pytest.mark.parametrize("page", ["first: 1000000", "first: -1", "first: 2147483648", "first: 0, after: \"!!!\"",
                                  'after: "' + "A" * 5000 + '"', "first: 100, after: \"OTk5OTk5OTk5\""])
def test_extreme_pages_are_refused_or_empty(http: AppClient, page: str, unchanged: None) -> None:
    for field in ("entities", "relations", "documents"):
        answer = post(http, f"{{ {field}({page}) {{ totalCount edges {{ node {{ __typename }} }} }} }}")
        errors = expected_errors_only(answer)
        if not errors:
            assert len(answer["data"][field]["edges"]) <= 100


# -- request bodies -------------------------------------------------------------------------------------------------
def test_a_10_mb_body_is_refused_with_or_without_a_declared_length(http: AppClient, unchanged: None) -> None:
    body = json.dumps({"query": "{ documents { totalCount } }", "padding": "x" * 10_000_000}).encode()
    declared = http.post("/graphql", content=body, headers={"Content-Type": "application/json"})
    assert declared.status_code == 413

    async def chunks() -> Any:  # streamed: no Content-Length, the cap is counted as the body arrives
        for i in range(0, len(body), 65536):
            yield body[i : i + 65536]

    streamed = http.post("/graphql", content=chunks(), headers={"Content-Type": "application/json"})
    assert streamed.status_code == 413 and "larger than 1,000,000 bytes" in streamed.text
    documents = [{"id": f"d{i}.txt", "text": "Armenia " * 20_000} for i in range(60)]  # 9.6 MB of documents
    big = http.post("/graphql", json={"query": INGEST, "variables": {"docs": documents}}, headers=AUTH)
    assert big.status_code == 413


@pytest.mark.parametrize("body", [b"{", b'{"query": ', b"[]", b'{"query": 42}', b"\xff\xfe{\x00",
                                  b'{"query": "{ documents { totalCount } }", "variables": "x"}'])
def test_malformed_json_is_a_client_error(server: AppClient, body: bytes, unchanged: None) -> None:
    response = server.post("/graphql", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400 and response.text.strip()


BROKEN_BODIES = {
    "a JSON string": b'"{ documents { totalCount } }"',
    "JSON null": b"null",
    "invalid UTF-8 in the query": b'{"query": "{ docu\xc3\x28ments { totalCount } }"}',
    "invalid UTF-8 in an ingest document": json.dumps(
        {"query": INGEST, "variables": {"docs": [{"id": "bad.txt", "text": "TEXT"}]}}
    ).encode().replace(b"TEXT", b"Armenia \xff\xfe signed \xc3\x28 it"),
}


@pytest.mark.parametrize("body", BROKEN_BODIES.values(), ids=BROKEN_BODIES)
def test_bodies_strawberry_cannot_parse_are_refused_and_harmless(server: AppClient, body: bytes,
                                                                 unchanged: None) -> None:
    response = server.post("/graphql", content=body, headers={"Content-Type": "application/json", **AUTH})
    assert response.status_code >= 400  # refused: nothing parsed, nothing run
    assert "Traceback" not in response.text and "/work" not in response.text and "site-packages" not in response.text
    assert post(server, "{ documents { totalCount } }")["data"]["documents"]["totalCount"] == 2  # still serving


@pytest.mark.parametrize("body", BROKEN_BODIES.values(), ids=BROKEN_BODIES)
def test_bodies_that_are_not_a_utf8_json_object_get_400(server: AppClient, body: bytes) -> None:
    response = server.post("/graphql", content=body, headers={"Content-Type": "application/json", **AUTH})
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"].startswith("the request body")


SURROGATES = {  # JSON that Python decodes to a lone surrogate: escaped, or encoded as UTF-8 bytes would encode it
    "escaped": json.dumps({"query": INGEST, "variables": {"docs": [{"id": "bad.txt", "text": "Armenia \ud800 x"}]}}
                          ).encode(),
    "encoded": json.dumps({"query": INGEST, "variables": {"docs": [{"id": "bad.txt", "text": "TEXT"}]}}
                          ).encode().replace(b"TEXT", b"Armenia \xed\xa0\x80 x"),
}


@pytest.mark.parametrize("body", SURROGATES.values(), ids=SURROGATES)
def test_a_lone_surrogate_in_an_ingest_document_is_refused(server: AppClient, body: bytes, unchanged: None) -> None:
    answer = server.post("/graphql", content=body, headers={"Content-Type": "application/json", **AUTH})
    if answer.status_code == 400:  # encoded as bytes: the body is not UTF-8
        assert "not UTF-8" in answer.json()["errors"][0]["message"]
    else:  # escaped in JSON: the document fails, the others would still be ingested
        assert answer.json()["data"]["ingest"][0]["status"] == "failed"


def test_a_lone_surrogate_in_an_ingest_document_fails_with_a_reason(server: AppClient) -> None:
    answer = server.post("/graphql", content=SURROGATES["escaped"], headers={"Content-Type": "application/json",
                                                                            **AUTH})
    report = answer.json()["data"]["ingest"][0]
    assert report["status"] == "failed" and "lone surrogate" in report["message"]


# -- write Cypher through the read-only path --------------------------------------------------------------------------
DRESSED_UP_WRITES = [
    "cReAtE (:X {id: 'intruder'})",
    "MATCH (n) WITH n LIMIT 1 CREATE/**/(:X)",
    "MATCH (n:Entity)\u00a0SET n.name = 'owned'",
    "RETURN 1 AS one; CREATE (:X)",
    "CALL { CREATE (:X) } RETURN 1",
    "PROFILE CREATE (:X)",
    "EXPLAIN MATCH (n) DETACH DELETE n",
    "MATCH (n) CALL db.idx.fulltext.drop('Entity') RETURN n",
    "WITH 'x' AS `CREATE` MERGE (:X {id: `CREATE`})",
    "UNWIND range(1, 3) AS i CALL db.idx.fulltext.createNodeIndex('X', 'id') RETURN i",
]


def test_dressed_up_writes_through_kg_cypher_change_nothing(graph: FalkorStore, unchanged: None) -> None:
    kg = KG(Path(graph.uri))
    for query in DRESSED_UP_WRITES:
        result = kg("cypher", query)
        assert result.exit_code == 1, (query, result.output)
        assert "read-only" in flat(result.stderr) or "query failed" in flat(result.stderr), query
    assert graph.read("MATCH (n:X) RETURN count(n) AS n") == [{"n": 0}]
