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

// One entity by name or alias (case- and diacritic-insensitive), the entities containing the text, and (for a
// typo) those containing a shorter beginning of it: one request.
export async function search(text) {
  const prefixes = [];
  for (let n = text.length - 1; n >= 4 && prefixes.length < 4; n -= 2) prefixes.push(text.slice(0, n));
  const near = prefixes.map((p, i) =>
    `near${i}: entities(search: ${JSON.stringify(p)}, first: 8) { edges { node { ${ENTITY} } } }`).join('\n');
  const data = await gql(`query Search($text: String!) {
      exact: entity(name: $text) { ${ENTITY} }
      contains: entities(search: $text, first: 12) { totalCount edges { node { ${ENTITY} } } }
      ${near}
    }`, { text });
  const seen = new Map();
  const add = (e) => { if (e && !seen.has(e.id)) seen.set(e.id, e); };
  add(data.exact);
  data.contains.edges.forEach((edge) => add(edge.node));
  const exactOrContains = seen.size;
  prefixes.forEach((_, i) => data[`near${i}`].edges.forEach((edge) => add(edge.node)));
  return { exact: data.exact, hits: [...seen.values()].slice(0, 12), nearOnly: exactOrContains === 0 };
}

const RELATIONS_PAGE = `totalCount pageInfo { hasNextPage endCursor }
  edges { node { id predicate confidence qualifiers subject { ${ENTITY} } object { ${ENTITY} } } }`;

// One page of an entity's relations (out: as subject, in: as object), optionally of one predicate, with the
// entity and its provisions on the first page. `after` holds the end cursors of the page before (null for a
// direction that has no more).
export async function neighbourhood(id, { predicate = null, after = null } = {}) {
  const vars = ['$key: String!', '$predicate: String'];
  const parts = [];
  if (!after) {
    vars.push('$id: ID!');
    parts.push(`entity(id: $id) { ${ENTITY} aliases
      provisions { id type confidence agreement { ${ENTITY} } obliges { ${ENTITY} } concerns { ${ENTITY} }
                   benefits { ${ENTITY} } } }`);
  }
  for (const [side, arg] of [['out', 'subject'], ['in', 'object']]) {
    if (after && !after[side]) continue;
    if (after) vars.push(`$${side}After: String`);
    const cursor = after ? `, after: $${side}After` : '';
    parts.push(`${side}: relations(${arg}: $key, predicate: $predicate, first: ${PAGE}${cursor}) { ${RELATIONS_PAGE} }`);
  }
  const variables = { key: id, predicate };
  if (!after) variables.id = id;
  else Object.assign(variables, { outAfter: after.out, inAfter: after.in });
  return gql(`query Neighbourhood(${vars.join(', ')}) { ${parts.join('\n')} }`, variables);
}

export async function relationEvidence(relation) {
  const data = await gql(`query RelationEvidence($s: String!, $p: String!, $o: String!) {
      relations(subject: $s, predicate: $p, object: $o, first: 100) {
        edges { node { id predicate confidence qualifiers subject { ${ENTITY} } object { ${ENTITY} }
                       evidence { ${EVIDENCE} } } } } }`,
  { s: relation.s, p: relation.predicate, o: relation.o });
  const found = data.relations.edges.map((e) => e.node).find((r) => r.id === relation.id);
  if (!found) throw new Error('this relation is no longer in the graph');
  return found;
}

export async function provisionEvidence(provision) {
  const data = await gql(`query ProvisionEvidence($agreement: String!, $type: String!) {
      provisions(agreement: $agreement, type: $type) {
        id type confidence text qualifiers agreement { ${ENTITY} } obliges { ${ENTITY} } concerns { ${ENTITY} }
        benefits { ${ENTITY} } evidence { ${EVIDENCE} } } }`,
  { agreement: provision.agreement, type: provision.type });
  const found = data.provisions.find((p) => p.id === provision.id);
  if (!found) throw new Error('this provision is no longer in the graph');
  return found;
}

export async function documentWithFacts(id) {
  const data = await gql(`query DocumentView($id: ID!) {
      document(id: $id) { id title authors publisher published url text
        relations { id predicate confidence subject { ${ENTITY} } object { ${ENTITY} }
                    evidence { quote start end extractor confidence document { id } } }
        provisions { id type confidence agreement { ${ENTITY} } obliges { ${ENTITY} } concerns { ${ENTITY} }
                     evidence { quote start end extractor confidence document { id } } } } }`, { id });
  return data.document;
}
