// Opens the explorer on each target entity in Chromium (playwright-core) and times the page's GraphQL requests and
// the time until the neighbourhood is drawn; prints one JSON line. Requests to other hosts are aborted.
// usage: node explore_driver.cjs BASE_URL TARGETS_JSON SAMPLES WARMUP CHROMIUM
const { chromium } = require('playwright-core');

const [base, targetsJson, samplesText, warmupText, executable] = process.argv.slice(2);
const targets = JSON.parse(targetsJson);
const [samples, warmup] = [Number(samplesText), Number(warmupText)];

(async () => {
  const browser = await chromium.launch({ executablePath: executable,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  const results = {};
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.route('**/*', (route) => (route.request().url().startsWith('http://127.0.0.1:')
      ? route.continue() : route.abort()));
    const started = new Map();
    let record = null;
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.url().endsWith('/graphql')) started.set(request, performance.now());
    });
    page.on('requestfinished', (request) => {
      if (!started.has(request)) return;
      const ms = performance.now() - started.get(request);
      started.delete(request);
      const name = (JSON.parse(request.postData()).query.match(/query\s+(\w+)/) || [null, 'anonymous'])[1];
      if (record) (record[name] = record[name] || []).push(ms);
    });
    // 'relations': the relations are drawn; 'complete': the provisions and counts too
    const reached = (states) => page.waitForFunction((wanted) => {
      const box = document.querySelector('#status');
      if (/^(No entity|Could not)/.test(box.textContent)) throw new Error(box.textContent);
      return wanted.includes(box.dataset.state);
    }, states, { timeout: 120000 });
    for (const target of targets) {
      const out = { open: [], complete: [], more: [], requests: {}, status: '' };
      for (let i = 0; i < warmup + samples; i += 1) {
        record = i >= warmup ? out.requests : null;
        const t0 = performance.now();
        await page.goto(`${base}/explore?entity=${encodeURIComponent(target.id)}`);
        await reached(['relations', 'complete']);
        if (i >= warmup) out.open.push(performance.now() - t0);
        await reached(['complete']);
        if (i >= warmup) out.complete.push(performance.now() - t0);
        out.status = await page.locator('#status').innerText();
        if (await page.locator('#more').isEnabled()) {
          const before = out.status;
          const t1 = performance.now();
          await page.click('#more');
          await page.waitForFunction((text) => document.querySelector('#status').textContent !== text
            && /^(Showing|Could not)/.test(document.querySelector('#status').textContent), before, { timeout: 120000 });
          if (i >= warmup) out.more.push(performance.now() - t1);
          out.statusAfterMore = await page.locator('#status').innerText();
        }
      }
      results[target.name] = out;
    }
  } finally {
    await browser.close();
  }
  console.log(JSON.stringify(results));
})().catch((error) => { console.error(error); process.exit(1); });
