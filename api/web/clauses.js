// An agreement's clauses: its provisions in reading order (numbered clauses first, then where each term's first
// quote stands), each with who is obliged, who benefits, what it concerns, its qualifiers (size, term, dates ...)
// and its quotes, each quote a link to the document view that highlights it at its offsets.
import { agreementClauses } from './api.js';
import { el } from './document.js';

const names = (entities) => (entities.length ? entities.flatMap((e, i) => [i ? ', ' : '',
  el('a', { href: `?entity=${encodeURIComponent(e.id)}`, 'data-entity': e.id }, e.name)]) : ['–']);

// "size_personnel: 1960" reads as "size personnel: 1960"; the clause number is shown apart.
const qualifierText = (qualifiers) => Object.entries(qualifiers || {}).filter(([k]) => k !== 'clause')
  .map(([k, v]) => `${k.replace(/_/g, ' ')}: ${v}`);

function clauseItem(provision, place) {
  const clause = (provision.qualifiers || {}).clause;
  const details = qualifierText(provision.qualifiers);
  return el('li', { class: 'clause', 'data-provision': provision.id, 'data-type': provision.type },
    el('p', { class: 'clause-head' }, clause ? el('span', { class: 'clause-no' }, `Clause ${clause}`)
      : el('span', { class: 'clause-no', title: 'no clause number in the sources: its place in reading order' },
        `#${place}`),
      ` ${provision.type}`, el('span', { class: 'confidence' }, ` ${(provision.confidence ?? 0).toFixed(2)}`)),
    el('dl', {},
      el('dt', {}, 'Obliges'), el('dd', { class: 'obliges' }, names(provision.obliges)),
      el('dt', {}, 'Benefits'), el('dd', { class: 'benefits' }, names(provision.benefits)),
      el('dt', {}, 'Concerns'), el('dd', { class: 'concerns' }, names(provision.concerns)),
      details.length ? el('dt', {}, 'Qualifiers') : null,
      details.length ? el('dd', { class: 'qualifiers' }, details.join('; ')) : null),
    el('ul', { class: 'clause-quotes' }, provision.evidence.map((ev) => el('li', {},
      el('blockquote', { class: 'quote' }, ev.quote),
      el('a', { class: 'clause-quote', href: `?document=${encodeURIComponent(ev.document.id)}&fact=`
        + `${encodeURIComponent(provision.id)}&quote=${ev.start}-${ev.end}` },
      `${ev.document.title || ev.document.id}, characters ${ev.start}–${ev.end}`)))));
}

// Fills `container` with the agreement's clauses; leaves it empty for an entity that is no agreement.
export async function renderClauses(container, id) {
  container.replaceChildren(el('p', {}, 'Loading the clauses…'));
  let found;
  try {
    found = await agreementClauses(id);
  } catch (error) {
    container.replaceChildren(el('p', { class: 'error' }, `Could not load the clauses: ${error.message}`));
    return;
  }
  if (!found) {
    container.replaceChildren();
    return;
  }
  container.dataset.agreement = id;
  const signed = found.signatories.map((r) => r.subject);
  container.replaceChildren(el('h3', {}, `Clauses (${found.provisions.length})`),
    el('p', { class: 'kind' }, [found.kind, found.date ? `signed ${found.date}` : null].filter(Boolean).join(' · '),
      signed.length ? el('span', {}, ' · by ', names(signed)) : null),
    found.provisions.length
      ? el('ol', { id: 'clauses' }, found.provisions.map((p, i) => clauseItem(p, i + 1)))
      : el('p', {}, 'No provision of this agreement has been read yet.'));
}
