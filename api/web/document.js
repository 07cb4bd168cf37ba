// The document view: the source text with the quote of every fact read from it highlighted at its offsets
// (the quotes of the fact the reader came from stand out), and the list of those facts.
import { documentWithFacts } from './api.js';

export const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') node.className = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (v !== null && v !== undefined) node.setAttribute(k, v);
  }
  for (const child of children.flat()) if (child !== null && child !== undefined) node.append(child);
  return node;
};

function factName(fact) {
  if (fact.predicate) return `${fact.subject ? fact.subject.name : '?'} ${fact.predicate} ${fact.object ? fact.object.name : '?'}`;
  const parties = fact.obliges.map((e) => e.name).join(', ');
  return `${fact.agreement ? fact.agreement.name : '?'}: ${fact.type}${parties ? ` (${parties})` : ''}`;
}

// The quotes of this document: {start, end, fact, name}, those whose offsets do not hold the quote left out
// (a text changed since) and counted.
function quotesOf(doc) {
  const quotes = [];
  let mismatched = 0;
  for (const fact of [...doc.relations, ...doc.provisions]) {
    for (const ev of fact.evidence) {
      if (!ev.document || ev.document.id !== doc.id) continue;
      if (doc.text.slice(ev.start, ev.end) !== ev.quote) {
        mismatched += 1;
        continue;
      }
      quotes.push({ start: ev.start, end: ev.end, fact: fact.id, name: factName(fact) });
    }
  }
  return { quotes, mismatched };
}

// The text cut at every quote boundary; each piece inside one or more quotes is a <mark> naming their facts.
function highlighted(text, quotes, focus) {
  const cuts = [...new Set([0, text.length, ...quotes.flatMap((q) => [q.start, q.end])])].sort((a, b) => a - b);
  const pieces = [];
  for (let i = 0; i + 1 < cuts.length; i += 1) {
    const [start, end] = [cuts[i], cuts[i + 1]];
    const covering = quotes.filter((q) => q.start <= start && q.end >= end);
    const piece = text.slice(start, end);
    if (!covering.length) {
      pieces.push(piece);
      continue;
    }
    const facts = [...new Set(covering.map((q) => q.fact))];
    pieces.push(el('mark', { class: facts.includes(focus) ? 'focus' : null, 'data-start': start, 'data-end': end,
      'data-facts': facts.join(' '), title: [...new Set(covering.map((q) => q.name))].join('\n') }, piece));
  }
  return pieces;
}

// `quote` ("START-END", from the link of one quote): that quote of the fact is the one shown and marked apart.
export async function renderDocument(container, id, focus, quote = null) {
  container.replaceChildren(el('p', {}, `Loading ${id}…`));
  let doc;
  try {
    doc = await documentWithFacts(id);
  } catch (error) {
    container.replaceChildren(el('p', { class: 'error' }, `Could not load ${id}: ${error.message}`));
    return;
  }
  if (!doc) {
    container.replaceChildren(el('p', { class: 'error' }, `No complete document has the id “${id}”.`));
    return;
  }
  document.title = `${doc.title || doc.id} · conflictkg explorer`;
  const meta = el('p', { class: 'document-meta' },
    [doc.publisher || 'unknown publisher', doc.published || 'undated', doc.authors.join(', ')].filter(Boolean)
      .join(' · '),
    doc.url ? el('span', {}, ' · ', el('a', { href: doc.url, rel: 'noreferrer noopener' }, doc.url)) : null);
  const back = el('p', {}, el('a', { href: '#', onclick: (e) => { e.preventDefault(); history.back(); } },
    '← back'));
  if (doc.text === null) {
    container.replaceChildren(back, el('h2', {}, doc.title || doc.id), meta,
      el('p', { class: 'error' }, 'This document was written before its text was kept: ingest it again to see it.'));
    return;
  }
  const { quotes, mismatched } = quotesOf(doc);
  const facts = [...doc.relations, ...doc.provisions];
  const text = el('div', { class: 'document-text', tabindex: '0' }, highlighted(doc.text, quotes, focus));
  container.replaceChildren(back, el('h2', {}, doc.title || doc.id), meta,
    el('p', { class: 'document-summary' }, `${facts.length} facts read from it, ${quotes.length} quotes highlighted`,
      mismatched ? `; ${mismatched} quotes no longer match the text` : ''),
    el('div', { class: 'document-body' }, text,
      el('ol', { class: 'document-facts' }, facts.map((fact) => el('li', {},
        el('button', { type: 'button', class: fact.id === focus ? 'focus' : null, 'data-fact': fact.id,
          onclick: () => focusFact(text, fact.id) }, factName(fact)))))));
  focusFact(text, focus, quote);
}

function focusFact(text, fact, quote = null) {
  const [start, end] = (quote || '').split('-').map(Number);
  let first = null;
  let current = null;
  for (const mark of text.querySelectorAll('mark')) {
    const on = Boolean(fact) && mark.dataset.facts.split(' ').includes(fact);
    const inQuote = on && Number(mark.dataset.start) >= start && Number(mark.dataset.end) <= end;
    mark.classList.toggle('focus', on);
    mark.classList.toggle('current', inQuote);
    if (on && !first) first = mark;
    if (inQuote && !current) current = mark;
  }
  if (current || first) (current || first).scrollIntoView({ block: 'center' });
}
