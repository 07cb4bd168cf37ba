// Drives Debian's chromium with playwright-core (from web/node_modules) through the server's pages; every request
// to a host other than 127.0.0.1 is aborted and reported. Prints one JSON line of what the pages showed.
// usage: node drive.cjs SCENARIO BASE_URL ARTEFACTS_DIR CHROMIUM
// (SCENARIO: playground | explorer | no-playground | claims | contested | readme)
const { chromium } = require('playwright-core');
const path = require('path');

const [scenario, base, artefacts, executable] = process.argv.slice(2);

// How much of a screenshot is drawn: distinct colours and the share of pixels unlike the most common one.
async function ink(browser, png) {
  const probe = await browser.newPage();
  try {
    return await probe.evaluate(async (b64) => {
      const image = new Image();
      image.src = `data:image/png;base64,${b64}`;
      await image.decode();
      const canvas = document.createElement('canvas');
      [canvas.width, canvas.height] = [image.width, image.height];
      const context = canvas.getContext('2d');
      context.drawImage(image, 0, 0);
      const { data } = context.getImageData(0, 0, image.width, image.height);
      const counts = new Map();
      for (let i = 0; i < data.length; i += 4) {
        const key = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
        counts.set(key, (counts.get(key) || 0) + 1);
      }
      const pixels = data.length / 4;
      return { width: image.width, height: image.height, colours: counts.size,
        ink: 1 - Math.max(...counts.values()) / pixels };
    }, png.toString('base64'));
  } finally {
    await probe.close();
  }
}

async function shot(browser, target, name, out) {
  const file = path.join(artefacts, `${name}.png`);
  const png = await target.screenshot({ path: file });
  out.screenshots[name] = { file, ...(await ink(browser, png)) };
}

async function playground(page, browser, out) {
  await page.goto(`${base}/graphql`);
  await page.waitForSelector('.graphiql-execute-button', { timeout: 30000 });
  out.editor = await page.locator('.graphiql-query-editor').innerText();
  await page.click('.graphiql-execute-button');
  const result = page.locator('.result-window');
  await result.filter({ hasText: '"guarantor"' }).waitFor({ timeout: 30000 });
  out.result = await result.innerText();
  await shot(browser, page, 'playground', out);
}

// Clicks the provision that obliges Azerbaijan (alone, if one does), where it is drawn; waits for its evidence.
async function clickAzerbaijanProvision(page) {
  const point = await page.evaluate(() => {
    const { cy } = window.kgExplorer.graph;
    const obliging = cy.nodes('.provision').filter((n) => n.data('obliges').includes('azerbaijan'));
    const node = obliging.filter((n) => n.data('obliges').length === 1)[0] || obliging[0];
    const box = cy.container().getBoundingClientRect();
    const at = node.renderedPosition();
    return { key: node.data('key'), x: box.left + at.x, y: box.top + at.y };
  });
  await page.mouse.click(point.x, point.y);
  await page.waitForSelector('#evidence .quote', { timeout: 30000 });
  return point;
}

// The README's picture (docs/explorer.png, made by tests/browser/screenshot.py): the Lachin corridor's
// neighbourhood and the evidence of the provision that obliges Azerbaijan.
async function readme(page, browser, out) {
  await page.goto(`${base}/explore?entity=lachin_corridor`);
  await page.waitForSelector('#status[data-state="complete"]', { timeout: 30000 });
  await clickAzerbaijanProvision(page);
  await shot(browser, page, 'explorer', out);
}

async function explorer(page, browser, out) {
  // search by a differently written name, then the neighbourhood the search opens
  await page.goto(`${base}/explore`);
  await page.fill('#q', process.env.KG_SEARCH || 'LACHIN Corridor');
  await page.press('#q', 'Enter');
  await page.waitForURL(/entity=/, { timeout: 30000 });
  out.searchedUrl = page.url();
  // a typo: no entity has the name, the near names are offered
  await page.goto(`${base}/explore`);
  await page.fill('#q', 'Lachn corridor');
  await page.press('#q', 'Enter');
  await page.waitForSelector('#suggestions button.suggestion', { timeout: 30000 });
  out.nearNames = await page.locator('#suggestions button.suggestion').evaluateAll(
    (buttons) => buttons.map((b) => b.dataset.entity));
  // a URL may name the entity instead of giving its id
  await page.goto(`${base}/explore?entity=${encodeURIComponent('Lachin Corridor')}`);
  await page.waitForSelector('#entity h2', { timeout: 30000 });
  out.namedUrl = page.url();
  await page.goto(`${base}/explore?entity=lachin_corridor`);
  await page.waitForSelector('#status[data-state="complete"]', { timeout: 30000 });
  out.heading = await page.locator('#entity h2').innerText();
  out.status = await page.locator('#status').innerText();
  out.graph = await page.evaluate(() => {
    const { cy } = window.kgExplorer.graph;
    return { entities: cy.nodes('.entity').map((n) => n.id()), relations: cy.edges('.relation').map((e) => e.data('key')),
      provisions: cy.nodes('.provision').map((n) => ({ key: n.data('key'), obliges: n.data('obliges') })) };
  });
  out.facts = await page.locator('#facts button').allInnerTexts();
  await shot(browser, page, 'explorer', out);
  await shot(browser, page.locator('#cy'), 'explorer-graph', out);
  await page.click('#show-timeline');
  await page.waitForSelector('#timeline button.timeline-entry', { timeout: 30000 });
  out.timeline = await page.locator('#timeline button.timeline-entry').evaluateAll(
    (buttons) => buttons.map((b) => b.dataset.date));
  out.timelineText = await page.locator('#timeline').innerText();
  const point = await clickAzerbaijanProvision(page);
  out.clicked = point.key;
  out.evidence = await page.evaluate(() => ({
    fact: document.querySelector('#evidence').dataset.fact,
    quotes: [...document.querySelectorAll('#evidence .quote')].map((q) => q.textContent),
    documents: [...document.querySelectorAll('#evidence .document-link')].map((a) => a.getAttribute('href')),
    extractors: [...document.querySelectorAll('#evidence .extractor')].map((d) => d.textContent),
  }));
  await shot(browser, page, 'explorer-evidence', out);
  // filters: minimum confidence hides the weaker relations; colour by kind; one predicate (read by the server)
  const visible = () => page.evaluate(() => window.kgExplorer.graph.cy.edges('.relation').not('.hidden')
    .map((e) => ({ key: e.data('key'), predicate: e.data('predicate'), confidence: e.data('confidence') })));
  await page.locator('#min-confidence').fill('0.75');
  out.aboveThreshold = await visible();
  out.thresholdShown = await page.locator('#min-confidence-value').innerText();
  await page.locator('#min-confidence').fill('0');
  await page.selectOption('#colour-by', 'kind');
  out.kindLegend = await page.locator('#legend').innerText();
  // expand Azerbaijan by double-clicking it where it is drawn
  const before = await page.evaluate(() => window.kgExplorer.graph.cy.nodes('.entity').length);
  const at = await page.evaluate(() => {
    const { cy } = window.kgExplorer.graph;
    const box = cy.container().getBoundingClientRect();
    const p = cy.getElementById('azerbaijan').renderedPosition();
    return { x: box.left + p.x, y: box.top + p.y };
  });
  await page.mouse.dblclick(at.x, at.y);
  await page.waitForFunction(() => window.kgExplorer.state.cursors.has('azerbaijan'), null, { timeout: 30000 });
  await page.waitForFunction((n) => window.kgExplorer.graph.cy.nodes('.entity').length > n, before, { timeout: 30000 });
  out.expanded = { before, after: await page.evaluate(() => window.kgExplorer.graph.cy.nodes('.entity').length),
    azerbaijanEdges: await page.evaluate(() => window.kgExplorer.graph.cy.getElementById('azerbaijan')
      .connectedEdges('.relation').length) };
  await shot(browser, page.locator('#cy'), 'explorer-expanded', out);
  await page.selectOption('#predicate', 'CONNECTS');
  await page.waitForURL(/predicate=CONNECTS/, { timeout: 30000 });
  await page.waitForSelector('#status[data-state="complete"]', { timeout: 30000 });
  out.predicateUrl = page.url();
  out.onePredicate = await visible();
  await page.goBack();
  await page.waitForSelector('#status[data-state="complete"]', { timeout: 30000 });
  // the document view of the first quote
  await page.click(`#facts button[data-key="${point.key}"]`); // the same provision, from the keyboard-reachable list
  await page.waitForSelector('#evidence .document-link', { timeout: 30000 });
  await page.click('#evidence .document-link');
  await page.waitForSelector('.document-text mark.focus', { timeout: 30000 });
  out.documentUrl = page.url();
  out.marks = await page.evaluate(() => [...document.querySelectorAll('.document-text mark.focus')].map((m) => ({
    start: Number(m.dataset.start), end: Number(m.dataset.end), text: m.textContent })));
  out.allMarks = await page.locator('.document-text mark').count();
  out.documentText = await page.locator('.document-text').innerText();
  await shot(browser, page, 'document', out);
  await agreementClauses(page, browser, out);
}

// An agreement's clauses in reading order; a quote of one opens the document view highlighting it.
async function agreementClauses(page, browser, out) {
  await page.goto(`${base}/explore?entity=trilateral_statement_2020`);
  await page.waitForSelector('#clauses li.clause', { timeout: 30000 });
  out.clauses = await page.locator('#clauses li.clause').evaluateAll((items) => items.map((li) => ({
    provision: li.dataset.provision, type: li.dataset.type, head: li.querySelector('.clause-head').textContent,
    obliges: li.querySelector('.obliges').textContent, benefits: li.querySelector('.benefits').textContent,
    concerns: li.querySelector('.concerns').textContent,
    qualifiers: (li.querySelector('.qualifiers') || { textContent: '' }).textContent,
    quotes: [...li.querySelectorAll('.quote')].map((q) => q.textContent),
    links: [...li.querySelectorAll('a.clause-quote')].map((a) => a.getAttribute('href')) })));
  await shot(browser, page, 'explorer-clauses', out);
  // the last quote of the clause with the most qualifiers, by keyboard: focus its link and press Enter
  const target = out.clauses.reduce((a, b) => (b.qualifiers.length > a.qualifiers.length ? b : a));
  out.clauseClicked = { provision: target.provision, href: target.links[target.links.length - 1] };
  await page.locator(`#clauses a.clause-quote[href="${out.clauseClicked.href}"]`).focus();
  await page.keyboard.press('Enter');
  await page.waitForSelector('.document-text mark.current', { timeout: 30000 });
  out.clauseDocumentUrl = page.url();
  out.clauseMarks = await page.locator('.document-text mark.current').evaluateAll((marks) => marks.map((m) => ({
    start: Number(m.dataset.start), end: Number(m.dataset.end), text: m.textContent })));
}

// A graph where sources contradict each other: the contested edges are drawn apart and show both sides.
async function contested(page, browser, out) {
  await page.goto(`${base}/explore?entity=armenia`);
  await page.waitForSelector('#status[data-state="complete"]', { timeout: 30000 });
  out.edges = await page.evaluate(() => window.kgExplorer.graph.cy.edges('.relation').map((e) => ({
    key: e.data('key'), s: e.data('s'), predicate: e.data('predicate'), o: e.data('o'),
    contested: e.hasClass('contested'), contestedBy: e.data('contestedBy'),
    dashed: e.style('line-style'), colour: e.style('line-color') })));
  out.legend = await page.locator('#legend').innerText();
  out.entityPanel = await page.locator('#entity').innerText();
  out.contestedFacts = await page.locator('#facts button.contested').allInnerTexts();
  await shot(browser, page.locator('#cy'), 'contested-graph', out);
  // click the SIGNED edge where it is drawn (its midpoint)
  const at = await page.evaluate(() => {
    const { cy } = window.kgExplorer.graph;
    const edge = cy.edges('.relation').filter((e) => e.data('predicate') === 'SIGNED')[0];
    const box = cy.container().getBoundingClientRect();
    const p = edge.renderedMidpoint();
    return { key: edge.data('key'), x: box.left + p.x, y: box.top + p.y };
  });
  out.clickedEdge = at.key;
  await page.mouse.click(at.x, at.y);
  await page.waitForSelector('#evidence .contest-side.other-side .quote', { timeout: 30000 });
  out.sides = await page.locator('#evidence .contest-side').evaluateAll((sections) => sections.map((s) => ({
    side: s.classList.contains('other-side') ? 'other' : 'this', fact: s.dataset.fact,
    heading: s.querySelector('h4').textContent, quotes: [...s.querySelectorAll('.quote')].map((q) => q.textContent),
    documents: [...s.querySelectorAll('.document-link')].map((a) => a.getAttribute('href')) })));
  out.note = await page.locator('#evidence .contested-note').innerText();
  await shot(browser, page, 'contested-evidence', out);
}

async function claims(page, browser, out) {
  await page.goto(`${base}/explore?entity=stepanakert`);
  await page.waitForSelector('#status[data-state="complete"]', { timeout: 30000 });
  out.edges = await page.evaluate(() => window.kgExplorer.graph.cy.edges('.relation').map((e) => ({
    s: e.data('s'), predicate: e.data('predicate'), o: e.data('o'), claimed: e.hasClass('claimed'),
    claimedBy: e.data('claimedBy') })));
  out.legend = await page.locator('#legend').innerText();
  await shot(browser, page.locator('#cy'), 'claims-graph', out);
}

async function noPlayground(page, browser, out) {
  const response = await page.goto(`${base}/graphql`);
  out.playgroundStatus = response.status();
  out.playgroundHasGraphiQL = (await page.locator('.graphiql-container').count()) > 0;
  out.playgroundBody = (await page.locator('body').innerText()).slice(0, 300);
  out.playgroundErrors = out.errors.splice(0); // the refused page's 404 is expected; the explorer's errors are not
  await explorer(page, browser, out);
}

(async () => {
  const browser = await chromium.launch({
    executablePath: executable,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const out = { aborted: [], errors: [], screenshots: {} };
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('http://127.0.0.1:')) return route.continue();
      out.aborted.push(url);
      return route.abort();
    });
    page.on('pageerror', (error) => out.errors.push(String(error)));
    page.on('console', (message) => { if (message.type() === 'error') out.errors.push(message.text()); });
    const run = { playground, explorer, claims, contested, readme, 'no-playground': noPlayground }[scenario];
    await run(page, browser, out);
  } finally {
    await browser.close();
  }
  console.log(JSON.stringify(out));
})().catch((error) => { console.error(error); process.exit(1); });
