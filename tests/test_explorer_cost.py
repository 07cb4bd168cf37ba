"""Every query the explorer sends (api/web/api.js) passes the API's cost limit: the explorer must never meet a
refusal its user cannot act on. Node runs the explorer's own module with `fetch` recording the requests, and each
is validated against the schema with the limit (no server, no browser)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from graphql import build_schema, parse, validate

from conflictkg.schema.cost import MAX_COST, cost_limit
from conflictkg.schema.graphql import schema
from conflictkg.schema.pagination import MAX_PAGE

SCHEMA = build_schema(schema.as_str())
API_JS = Path(__file__).resolve().parents[1] / "api" / "web" / "api.js"
# Calls every query function of api.js once (with `after` cursors and a name that finds nothing, so that each
# variant is sent), answering each request with an empty but well-formed body.
DRIVER = """
const sent = [];
let answer = {};
globalThis.fetch = async (url, init) => {
  sent.push(JSON.parse(init.body));
  return { ok: true, status: 200, json: async () => ({ data: answer }) };
};
const api = await import(process.argv[2]);
const called = new Set();
async function call(name, reply, ...args) {
  answer = reply;
  called.add(name);
  try { await api[name](...args); } catch (error) { /* an empty answer may be "not found": only the request counts */ }
}
await call('search', { exact: null, contains: { edges: [] } }, 'Stepanakrt corridr');
await call('neighbourhood', { entity: {} }, 'x');
await call('neighbourhood', { entity: {} }, 'x', { predicate: 'CONTROLS', after: { out: 'a', in: 'b' } });
await call('neighbourhoodDetails', { entity: {} }, 'x', 'CONTROLS');
await call('relationEvidence', { relations: { edges: [] } }, { s: 'a', predicate: 'CONTROLS', o: 'b', id: 'k' });
await call('provisionEvidence', { provisions: [] }, { agreement: 'a', type: 'GUARANTEE_PASSAGE', id: 'k' });
await call('documentWithFacts', { document: null }, 'd');
await call('timeline', { timeline: { entries: [] } }, 'x');
await call('agreementClauses', { agreements: [] }, 'x');
await call('contestingSides', { relations: { edges: [] } },
  { subject: { id: 'a' }, object: { id: 'b' }, contestedBy: [{ id: 'k', predicate: 'REJECTED' }] });
const queries = Object.entries(api).filter(([n, v]) => typeof v === 'function' && n !== 'gql').map(([n]) => n);
console.log(JSON.stringify({ sent, uncalled: queries.filter((n) => !called.has(n)) }));
"""


def sent_queries(tmp_path: Path) -> tuple[list[str], list[str]]:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is missing: the explorer's set-up (`make web`) needs it too")
    driver = tmp_path / "driver.mjs"
    driver.write_text(DRIVER, encoding="utf-8")
    done = subprocess.run([node, str(driver), API_JS.as_uri()], capture_output=True, text=True, timeout=60,
                          check=False)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    return [request["query"] for request in found["sent"]], found["uncalled"]


def test_every_query_of_the_explorer_passes_the_cost_limit(tmp_path: Path) -> None:
    queries, uncalled = sent_queries(tmp_path)
    assert not uncalled, f"add the new query functions of api.js to the driver: {uncalled}"
    assert len(queries) >= 10  # (search sends a second request for near names, provisionEvidence two)
    rule = cost_limit(MAX_COST, page=MAX_PAGE)
    for query in queries:
        errors = validate(SCHEMA, parse(query), [rule])
        assert not errors, (query, errors)


def test_the_check_sees_a_query_over_the_limit(tmp_path: Path) -> None:
    """The same check refuses what the explorer sent before its provision query was split in two."""
    entity = "id name label kind"
    evidence = ("quote start end extractor confidence attributedTo { id name } "
                "document { id title publisher published url }")
    whole = (f'{{ provisions(agreement: "a", type: "GUARANTEE_PASSAGE") {{ id type confidence text qualifiers '
             f"agreement {{ {entity} }} obliges {{ {entity} }} concerns {{ {entity} }} benefits {{ {entity} }} "
             f"evidence {{ {evidence} }} }} }}")
    errors = validate(SCHEMA, parse(whole), [cost_limit(MAX_COST, page=MAX_PAGE)])
    assert errors and "cost limit" in errors[0].message
