// The explorer: search, an entity's neighbourhood (paged, capped), evidence of a fact, the document view.
// State lives in the URL (?entity=ID, ?document=ID&fact=KEY), so a view can be shared and the back button works.
import {
  MAX_PROVISIONS, contestingSides, neighbourhood, neighbourhoodDetails, provisionEvidence, relationEvidence, search,
  timeline,
} from './api.js';
import { renderClauses } from './clauses.js';
import { renderDocument } from './document.js';
import { GraphView } from './graph.js';

const MAX_ENTITIES = 150; // never more on screen: a hub is read a page at a time, up to this cap
const MAX_TIMELINE = 200;

const $ = (selector) => document.querySelector(selector);
const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') node.className = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (v !== null && v !== undefined && v !== false) node.setAttribute(k, v);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
  }
  return node;
};

const state = { focus: null, predicate: null, cursors: new Map(), totals: null, facts: [], provisionsTotal: 0 };
let graph;

function status(message, isError = false) {
  const box = $('#status');
  box.textContent = message;
  box.classList.toggle('error', isError);
}

function entityLink(entity) {
  return el('a', { href: `?entity=${encodeURIComponent(entity.id)}`, 'data-entity': entity.id }, entity.name);
}

// -- search ----------------------------------------------------------------------------------------------------------
let typing = null;
let asked = 0;

// Suggestions for the text in the box; on Enter (`open`), an entity it names is opened at once.
async function runSearch(open) {
  const text = $('#q').value.trim();
  const list = $('#suggestions');
  const mine = ++asked;
  if (!text) {
    list.replaceChildren();
    return;
  }
  let found;
  try {
    found = await search(text);
  } catch (error) {
    status(`Search failed: ${error.message}`, true);
    return;
  }
  if (mine !== asked) return; // a later search has started
  const { exact, hits, nearOnly } = found;
  if (open && exact) {
    navigate({ entity: exact.id });
    return;
  }
  list.replaceChildren();
  if (!hits.length) {
    list.append(el('li', { class: 'none' }, `No entity is called “${text}” or has a name close to it.`));
    return;
  }
  list.append(el('li', { class: 'hint' }, nearOnly ? 'No entity has that name; near names:' : 'Entities:'));
  for (const hit of hits) {
    list.append(el('li', {}, el('button', { type: 'button', class: 'suggestion', 'data-entity': hit.id,
      onclick: () => navigate({ entity: hit.id }) }, hit.name, el('span', { class: 'kind' }, ` ${hit.label} · ${hit.kind}`))));
  }
  if (open) list.querySelector('button').focus();
}

// -- the neighbourhood -----------------------------------------------------------------------------------------------
function cursorsOf(entity) {
  const next = (slice) => (slice && slice.hasMore ? slice.endCursor : null);
  return { out: next(entity.out), in: next(entity.in) };
}

function addPage(entity, anchor) {
  let added = 0;
  for (const side of ['out', 'in']) {
    for (const relation of (entity[side] ? entity[side].relations : [])) {
      const other = side === 'out' ? relation.object.id : relation.subject.id;
      if (graph.count().nodes >= MAX_ENTITIES && graph.cy.getElementById(other).empty()) continue;
      if (graph.addRelation(relation)) {
        added += 1;
        if (anchor === state.focus) state.facts.push({ type: 'relation', ...relation });
      }
    }
  }
  state.cursors.set(anchor, cursorsOf(entity));
  return added;
}

function addProvisions(entity) {
  state.provisionsTotal = entity.provisionCount;
  for (const provision of entity.provisions) {
    if (graph.addProvision(provision)) state.facts.push({ type: 'provision', ...provision });
  }
}

// The relations first (drawn as soon as they come), then the provisions and the counts.
async function openEntity(id) {
  showView('graph');
  status(`Loading the neighbourhood of ${id}…`);
  $('#status').dataset.state = 'loading';
  graph.clear();
  Object.assign(state, { focus: id, cursors: new Map(), facts: [], provisionsTotal: 0, totals: null });
  let entity;
  try {
    entity = await neighbourhood(id, { predicate: state.predicate });
  } catch (error) {
    status(`Could not load ${id}: ${error.message}`, true);
    return;
  }
  if (!entity) {
    const named = await search(id).catch(() => null); // ?entity=Stepanakert: a name is as good as an id
    if (named && named.exact) {
      history.replaceState(null, '', `?entity=${encodeURIComponent(named.exact.id)}`);
      await openEntity(named.exact.id);
      return;
    }
    status(`No entity has the id or name “${id}”. Search for it above.`, true);
    renderEntityPanel(null);
    return;
  }
  document.title = `${entity.name} · conflictkg explorer`;
  graph.addEntity(entity, true);
  addPage(entity, id);
  redraw();
  renderEntityPanel(entity);
  if (entity.label === 'Agreement') renderClauses($('#agreement-clauses'), entity.id); // (read beside the rest)
  else $('#agreement-clauses').replaceChildren();
  renderLegend();
  reportCounts();
  $('#status').dataset.state = 'relations';
  let more;
  try { // asked for once the relations are drawn: with them, it would hold their answer back
    more = await neighbourhoodDetails(id, state.predicate);
  } catch (error) {
    status(`Could not load the provisions of ${id}: ${error.message}`, true);
    return;
  }
  if (state.focus !== id) return; // another entity was opened meanwhile
  state.totals = { out: more.out.total, in: more.in.total };
  addProvisions(more);
  redraw();
  renderFacts();
  reportCounts();
  $('#status').dataset.state = 'complete';
}

function redraw() {
  refreshPredicates();
  graph.applyFilters();
  graph.layout();
}

async function loadMore() {
  const cursors = state.cursors.get(state.focus);
  if (!cursors || (!cursors.out && !cursors.in)) return;
  status('Loading more…');
  try {
    addPage(await neighbourhood(state.focus, { predicate: state.predicate, after: cursors }), state.focus);
  } catch (error) {
    status(`Could not load more: ${error.message}`, true);
    return;
  }
  redraw();
  renderFacts();
  reportCounts();
}

async function expand(id) {
  if (id === state.focus || state.cursors.has(id)) return;
  status(`Expanding ${id}…`);
  try {
    const [entity, more] = await Promise.all([neighbourhood(id, { predicate: state.predicate }),
      neighbourhoodDetails(id, state.predicate)]);
    if (entity) addPage(entity, id);
    if (more) more.provisions.slice(0, 10).forEach((p) => graph.addProvision(p));
  } catch (error) {
    status(`Could not expand ${id}: ${error.message}`, true);
    return;
  }
  redraw();
  reportCounts();
}

function reportCounts() {
  const c = graph.count();
  const cursors = state.cursors.get(state.focus) || {};
  const more = Boolean(cursors.out || cursors.in) && c.nodes < MAX_ENTITIES;
  $('#more').disabled = !more;
  const capped = c.nodes >= MAX_ENTITIES ? ` (capped at ${MAX_ENTITIES} entities)` : '';
  const totals = state.totals ? `${state.totals.out} outgoing and ${state.totals.in} incoming edges`
    : 'loading the provisions and counts';
  let provisions = `${state.provisionsTotal} provisions`;
  if (!state.totals) provisions = 'no provisions yet';
  else if (state.provisionsTotal > MAX_PROVISIONS) provisions = `${MAX_PROVISIONS} of ${state.provisionsTotal} provisions`;
  status(`Showing ${c.relations} relations, ${provisions} and ${c.nodes} entities; ${totals}${capped}.`);
}

function refreshPredicates() {
  const select = $('#predicate');
  const seen = new Set(graph.cy.edges('.relation').map((e) => e.data('predicate')));
  if (state.predicate) seen.add(state.predicate);
  const current = select.value;
  select.replaceChildren(el('option', { value: '' }, 'all predicates'),
    ...[...seen].sort().map((p) => el('option', { value: p }, p)));
  select.value = seen.has(current) ? current : '';
}

function renderLegend() {
  $('#legend').replaceChildren(...graph.legend().map(([name, colour]) =>
    el('li', {}, el('span', { class: 'swatch', style: `background:${colour}` }), name)));
}

// -- the side panel --------------------------------------------------------------------------------------------------
function renderEntityPanel(entity) {
  const panel = $('#entity');
  if (!entity) {
    panel.replaceChildren();
    return;
  }
  panel.replaceChildren(el('div', {}, // (el leaves out the aliases' null; replaceChildren would write "null")
    el('h2', {}, entity.name),
    el('p', { class: 'kind' }, `${entity.label} · ${entity.kind} · id ${entity.id}`),
    entity.aliases.length ? el('p', { class: 'aliases' }, `Also: ${entity.aliases.slice(0, 12).join(', ')}`) : null,
    el('button', { type: 'button', id: 'show-timeline', onclick: () => showTimeline(entity.id) }, 'Timeline'),
    el('ol', { id: 'timeline' })));
  renderFacts();
}

// The entity's dated facts by the date of the event (or, for an undated fact, when it was first reported).
async function showTimeline(id) {
  const list = $('#timeline');
  list.replaceChildren(el('li', {}, 'Loading the timeline…'));
  let entries;
  try {
    entries = await timeline(id);
  } catch (error) {
    list.replaceChildren(el('li', { class: 'error' }, error.message));
    return;
  }
  const shown = entries.slice(0, MAX_TIMELINE).map((entry) => el('li', {}, el('button', { type: 'button',
    class: 'timeline-entry', 'data-date': entry.date, onclick: () => (entry.relation
      ? showRelation({ key: entry.relation.id, s: entry.relation.subject.id, o: entry.relation.object.id,
        predicate: entry.relation.predicate })
      : showProvision({ key: entry.provision.id, agreement: entry.provision.agreement.id,
        provisionType: entry.provision.type })) },
  el('time', { datetime: entry.date }, entry.date), ` ${entry.summary}`,
  el('span', { class: 'kind' }, entry.dateSource === 'reported' ? ' (first reported)' : ` (${entry.dateSource})`))));
  if (!shown.length) shown.push(el('li', {}, 'No dated fact.'));
  if (entries.length > MAX_TIMELINE) shown.push(el('li', {}, `… and ${entries.length - MAX_TIMELINE} later entries`));
  list.replaceChildren(...shown);
}

function factLabel(fact) {
  if (fact.type === 'relation') {
    const contested = (fact.contestedBy || []).length ? ' (contested)' : '';
    return `${fact.subject.name} ${fact.predicate} ${fact.object.name}${contested}`;
  }
  const parties = fact.obliges.map((e) => e.name).join(', ') || '–';
  const places = fact.concerns.map((e) => e.name).join(', ') || '–';
  return `${fact.agreement.name}: ${fact.type} (${parties}; ${places})`;
}

function renderFacts() {
  const list = $('#facts');
  const contested = (fact) => ((fact.contestedBy || []).length ? ' contested' : '');
  list.replaceChildren(...state.facts.map((fact) => el('li', {},
    el('button', { type: 'button', class: `fact ${fact.type}${contested(fact)}`, 'data-key': fact.id,
      onclick: () => (fact.type === 'relation'
        ? showRelation({ key: fact.id, s: fact.subject.id, o: fact.object.id, predicate: fact.predicate })
        : showProvision({ key: fact.id, agreement: fact.agreement.id, provisionType: fact.type })) },
    factLabel(fact), el('span', { class: 'confidence' }, ` ${(fact.confidence ?? 0).toFixed(2)}`)))));
}

function evidenceItem(ev, fact) {
  const doc = ev.document;
  const href = `?document=${encodeURIComponent(doc.id)}&fact=${encodeURIComponent(fact)}&quote=${ev.start}-${ev.end}`;
  return el('li', { class: 'evidence' },
    el('blockquote', { class: 'quote' }, ev.quote),
    el('dl', {},
      el('dt', {}, 'Document'), el('dd', {}, el('a', { href, class: 'document-link' }, doc.title || doc.id)),
      el('dt', {}, 'Publisher'), el('dd', { class: 'publisher' }, doc.publisher || 'unknown'),
      el('dt', {}, 'Date'), el('dd', { class: 'published' }, doc.published || 'undated'),
      el('dt', {}, 'Extractor'), el('dd', { class: 'extractor' }, ev.extractor),
      el('dt', {}, 'Confidence'), el('dd', { class: 'confidence' }, ev.confidence.toFixed(2)),
      ev.attributedTo ? el('dt', {}, 'Claimed by') : null,
      ev.attributedTo ? el('dd', { class: 'attributed' }, entityLink(ev.attributedTo)) : null,
      el('dt', {}, 'Offsets'), el('dd', {}, `${ev.start}–${ev.end}`)));
}

const evidenceList = (evidence, fact) => (evidence.length
  ? el('ol', { class: 'evidence-list' }, evidence.map((ev) => evidenceItem(ev, fact)))
  : el('p', {}, 'No evidence in a complete document.'));

// A contested relation (`contest`: { relation, others }) shows both sides: its own quotes, then those of each
// relation saying the opposite.
function showEvidence(title, fact, evidence, contest = null) {
  const box = $('#evidence');
  const side = (relation, name, what) => el('section', { class: `contest-side ${name}`, 'data-fact': relation.id },
    el('h4', {}, `${what}: ${relation.subject.name} ${relation.predicate} ${relation.object.name}`),
    evidenceList(relation.evidence, relation.id));
  box.replaceChildren(el('h3', {}, title), ...(contest && contest.others.length ? [
    el('p', { class: 'contested-note' }, 'Contested: other sources report the opposite. Read both sides.'),
    side(contest.relation, 'this-side', 'Stated'),
    ...contest.others.map((other) => side(other, 'other-side', 'Contradicted by'))] : [evidenceList(evidence, fact)]));
  box.dataset.fact = fact;
  box.focus();
}

async function showRelation(data) {
  graph.select(`r:${data.key}`);
  $('#evidence').replaceChildren(el('p', {}, 'Loading the evidence…'));
  try {
    const relation = await relationEvidence({ id: data.key, s: data.s, o: data.o, predicate: data.predicate });
    const others = await contestingSides(relation);
    showEvidence(`${relation.subject.name} ${relation.predicate} ${relation.object.name}`, relation.id,
      relation.evidence, { relation, others });
  } catch (error) {
    $('#evidence').replaceChildren(el('p', { class: 'error' }, error.message));
  }
}

async function showProvision(data) {
  graph.select(`p:${data.key}`);
  $('#evidence').replaceChildren(el('p', {}, 'Loading the evidence…'));
  try {
    const provision = await provisionEvidence({ id: data.key, agreement: data.agreement, type: data.provisionType });
    showEvidence(factLabel({ type: 'provision', ...provision }), provision.id, provision.evidence);
  } catch (error) {
    $('#evidence').replaceChildren(el('p', { class: 'error' }, error.message));
  }
}

function onSelect(data) {
  if (data.type === 'relation') showRelation(data);
  else if (data.type === 'provision') showProvision(data);
  else if (data.type === 'role') onSelect(graph.cy.getElementById(data.provision).data());
  else if (data.type === 'entity') {
    $('#evidence').replaceChildren(el('h3', {}, data.name), el('p', { class: 'kind' }, `${data.label} · ${data.kind}`),
      el('p', {}, el('button', { type: 'button', onclick: () => expand(data.id) }, 'Expand here'), ' ',
        el('a', { href: `?entity=${encodeURIComponent(data.id)}` }, 'Centre on it')));
  }
}

// -- views and the URL -----------------------------------------------------------------------------------------------
function showView(name) {
  $('#graph-view').hidden = name !== 'graph';
  $('#document-view').hidden = name !== 'document';
  $('#welcome').hidden = name !== 'welcome';
}

function navigate(params) {
  const url = new URL(window.location.href);
  url.search = new URLSearchParams(params).toString();
  history.pushState(null, '', url);
  route();
}

async function route() {
  const params = new URLSearchParams(window.location.search);
  $('#suggestions').replaceChildren();
  if (params.get('document')) {
    showView('document');
    await renderDocument($('#document-view'), params.get('document'), params.get('fact'), params.get('quote'));
  } else if (params.get('entity')) {
    state.predicate = params.get('predicate') || null;
    await openEntity(params.get('entity'));
  } else {
    showView('welcome');
  }
}

function start() {
  graph = new GraphView($('#cy'), { onSelect, onExpand: expand });
  $('#search').addEventListener('submit', (event) => {
    event.preventDefault();
    clearTimeout(typing);
    runSearch(true);
  });
  $('#q').addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(() => runSearch(false), 300);
  });
  $('#more').addEventListener('click', loadMore);
  $('#predicate').addEventListener('change', (event) => {
    const params = new URLSearchParams(window.location.search);
    if (event.target.value) params.set('predicate', event.target.value);
    else params.delete('predicate');
    navigate(Object.fromEntries(params));
  });
  $('#min-confidence').addEventListener('input', (event) => {
    graph.filters.minConfidence = Number(event.target.value);
    $('#min-confidence-value').textContent = Number(event.target.value).toFixed(2);
    graph.applyFilters();
  });
  $('#show-provisions').addEventListener('change', (event) => {
    graph.filters.provisions = event.target.checked;
    graph.applyFilters();
  });
  $('#colour-by').addEventListener('change', (event) => {
    graph.setColourBy(event.target.value);
    renderLegend();
  });
  document.addEventListener('click', (event) => {
    const link = event.target.closest('a[href^="?"]');
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    navigate(Object.fromEntries(new URLSearchParams(link.getAttribute('href').slice(1))));
  });
  window.addEventListener('popstate', route);
  window.kgExplorer = { graph, state, navigate }; // for scripting the page (and its browser tests)
  route();
}

start();
