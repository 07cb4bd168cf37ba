// The explorer's only back end is the server's GraphQL API: every query it sends is here. No introspection is
// needed, so the explorer works with KG_PRODUCTION=1 too. Neighbourhoods are read a page at a time.

export const PAGE = 25; // relations per direction and page

const ENTITY = 'id name label kind';
const EVIDENCE = `quote start end extractor confidence attributedTo { id name }
  document { id title publisher published url }`;

export async function gql(query, variables = {}) {
  const response = await fetch('graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  let body;
  try {
    body = await response.json();
  } catch {
    throw new Error(`the server answered ${response.status} without JSON`);
  }
  if (body.errors && body.errors.length) throw new Error(body.errors.map((e) => e.message).join('; '));
  if (!response.ok) throw new Error(`the server answered ${response.status}`);
  return body.data;
}

const fold = (text) => text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[_\W]+/g, ' ')
  .trim();

// How alike two folded names are: the Dice coefficient of their letter pairs (1: the same pairs).
function likeness(a, b) {
  const pairs = (s) => Array.from({ length: Math.max(0, s.length - 1) }, (_, i) => s.slice(i, i + 2));
  const left = pairs(a);
  const right = pairs(b);
  const pool = new Map();
  right.forEach((p) => pool.set(p, (pool.get(p) || 0) + 1));
  let shared = 0;
  for (const p of left) {
    if (pool.get(p)) {
      shared += 1;
      pool.set(p, pool.get(p) - 1);
    }
  }
  return left.length + right.length ? (2 * shared) / (left.length + right.length) : 0;
}

// One entity by name or alias (the API's lookup: case- and diacritic-insensitive), else the entities whose names
// contain the text; when none does, near names for a typo (a second request): those containing the first or
// last four letters of one of its words, the most alike first.
export async function search(text) {
  const data = await gql(`query Search($text: String!) {
      exact: entity(name: $text) { ${ENTITY} }
      contains: entities(search: $text, first: 12) { edges { node { ${ENTITY} } } } }`, { text });
  if (data.exact || data.contains.edges.length) {
    const hits = new Map();
    if (data.exact) hits.set(data.exact.id, data.exact);
    data.contains.edges.forEach(({ node }) => hits.set(node.id, node));
    return { exact: data.exact, hits: [...hits.values()], nearOnly: false };
  }
  const target = fold(text);
  const words = target.split(' ').filter((w) => w.length >= 4);
  const needles = [...new Set(words.flatMap((w) => [w.slice(0, 4), w.slice(-4)]))].slice(0, 6);
  if (!needles.length) return { exact: null, hits: [], nearOnly: true };
  const near = await gql(`query NearNames { ${needles.map((needle, i) =>
    `near${i}: entities(search: ${JSON.stringify(needle)}, first: 30) { edges { node { ${ENTITY} aliases } } }`)
    .join('\n')} }`);
  const scored = new Map();
  needles.forEach((_, i) => near[`near${i}`].edges.forEach(({ node }) => {
    const score = Math.max(...[node.name, ...node.aliases].map((n) => likeness(fold(n), target)));
    scored.set(node.id, { entity: node, score });
  }));
  const ranked = [...scored.values()].filter((s) => s.score >= 0.3).sort((a, b) => b.score - a.score);
  return { exact: null, hits: ranked.slice(0, 8).map((s) => s.entity), nearOnly: true };
}

const SLICE = `relations { id predicate confidence qualifiers subject { ${ENTITY} } object { ${ENTITY} }
  claimedBy { id name } contestedBy { id predicate } } hasMore endCursor`;
export const MAX_PROVISIONS = 40;

// One page of an entity's relations in each direction (out: as subject, in: as object), optionally of one
// predicate, read by the store a page at a time; with the entity itself on the first page. `after` holds the end
// cursors of the page before (null for a direction that has no more).
export async function neighbourhood(id, { predicate = null, after = null } = {}) {
  const vars = ['$id: ID!', '$predicate: String'];
  const parts = after ? [] : [`${ENTITY} aliases`];
  for (const side of ['out', 'in']) {
    if (after && !after[side]) continue;
    if (after) vars.push(`$${side}After: String`);
    parts.push(`${side}: relationSlice(direction: ${side.toUpperCase()}, predicate: $predicate, first: ${PAGE}`
      + `${after ? `, after: $${side}After` : ''}) { ${SLICE} }`);
  }
  const variables = { id, predicate };
  if (after) Object.assign(variables, { outAfter: after.out, inAfter: after.in });
  const data = await gql(`query Neighbourhood(${vars.join(', ')}) { entity(id: $id) { ${parts.join('\n')} } }`,
    variables);
  return data.entity;
}

// What the page adds once the relations are drawn: the first provisions, and how many of each there are.
export async function neighbourhoodDetails(id, predicate = null) {
  const data = await gql(`query NeighbourhoodDetails($id: ID!, $predicate: String) { entity(id: $id) {
      provisionCount provisions(first: ${MAX_PROVISIONS}) { id type confidence agreement { ${ENTITY} }
        obliges { ${ENTITY} } concerns { ${ENTITY} } benefits { ${ENTITY} } }
      out: relationSlice(direction: OUT, predicate: $predicate, first: 0) { total }
      in: relationSlice(direction: IN, predicate: $predicate, first: 0) { total } } }`, { id, predicate });
  return data.entity;
}

// The relation with its evidence, and the relations that contest it (their ids: `contestingSides` reads them).
// One relation has a subject, predicate and object: the few edges asked for keep the query under the cost limit.
export async function relationEvidence(relation) {
  const data = await gql(`query RelationEvidence($s: String!, $p: String!, $o: String!) {
      relations(subject: $s, predicate: $p, object: $o, first: 5) {
        edges { node { id predicate confidence qualifiers subject { ${ENTITY} } object { ${ENTITY} }
                       evidence { ${EVIDENCE} } contestedBy { id predicate } } } } }`,
  { s: relation.s, p: relation.predicate, o: relation.o });
  const found = data.relations.edges.map((e) => e.node).find((r) => r.id === relation.id);
  if (!found) throw new Error('this relation is no longer in the graph');
  return found;
}

// The other side of a contested relation: each relation saying its opposite, with its evidence.
export function contestingSides(relation) {
  return Promise.all(relation.contestedBy.map((other) => relationEvidence({ id: other.id, s: relation.subject.id,
    o: relation.object.id, predicate: other.predicate })));
}

// An agreement's provisions in reading order (the API's: by clause, then where their first quote stands), with
// their parties, qualifiers and quotes; null when the entity is no agreement.
export async function agreementClauses(id) {
  const data = await gql(`query AgreementClauses($id: String!) {
      agreements(name: $id, first: 1) { agreement { id } kind date signatories { subject { id name } }
        provisions { id type text qualifiers confidence obliges { id name } concerns { id name } benefits { id name }
          evidence { quote start end document { id title } } } } }`, { id });
  return data.agreements.find((a) => a.agreement.id === id) || null;
}

// The provision with its parties, and its evidence: two requests (sent at once), as one would pass the API's cost
// limit (schema/cost.py), which counts every list of a provision as a full page.
export async function provisionEvidence(provision) {
  const variables = { agreement: provision.agreement, type: provision.type };
  const [parties, evidence] = await Promise.all([
    gql(`query ProvisionParties($agreement: String!, $type: String!) {
      provisions(agreement: $agreement, type: $type) {
        id type confidence text qualifiers agreement { ${ENTITY} } obliges { ${ENTITY} } concerns { ${ENTITY} }
        benefits { ${ENTITY} } } }`, variables),
    gql(`query ProvisionEvidence($agreement: String!, $type: String!) {
      provisions(agreement: $agreement, type: $type) { id evidence { ${EVIDENCE} } } }`, variables)]);
  const found = parties.provisions.find((p) => p.id === provision.id);
  const quotes = evidence.provisions.find((p) => p.id === provision.id);
  if (!found || !quotes) throw new Error('this provision is no longer in the graph');
  return { ...found, evidence: quotes.evidence };
}

// The document with the facts read from it and the fields the document view shows of them (only those: the query
// stays under the API's cost limit, which counts every list of a fact as a full page).
export async function documentWithFacts(id) {
  const data = await gql(`query DocumentView($id: ID!) {
      document(id: $id) { id title authors publisher published url text
        relations { id predicate subject { id name } object { id name } evidence { quote start end document { id } } }
        provisions { id type agreement { id name } obliges { id name }
                     evidence { quote start end document { id } } } } }`, { id });
  return data.document;
}

// The entity's dated relations and provisions, oldest first (all of them: asked for on demand only).
export async function timeline(id) {
  const data = await gql(`query Timeline($id: String!) {
      timeline(entity: $id) {
        ... on Timeline { entries { date dateSource summary
          relation { id predicate subject { id } object { id } } provision { id type agreement { id } } } }
        ... on EntityNotFound { message } } }`, { id });
  if (data.timeline.message) throw new Error(data.timeline.message);
  return data.timeline.entries;
}
