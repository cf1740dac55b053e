// Browser checks of the dashboard in real headless Chromium (Debian's, driven by playwright-core; never a downloaded
// browser). Run by tests/SendInterop.Gateway.Tests/Dashboard (xunit) against a gateway in Development with demo data:
//   node test/browser-check.mjs --base http://127.0.0.1:PORT [--chromium /usr/bin/chromium] [--out result.json]
// Prints one JSON object: { checks: [{ name, passed, detail }], ... }. Exit code 0 even when checks fail (the caller
// asserts on each check); 2 when the run itself could not start.
import { chromium } from 'playwright-core';
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, a, i, all) => (a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []));
const base = (args.base || '').replace(/\/$/, '');
const executablePath = args.chromium || process.env.SENDINTEROP_CHROMIUM || '/usr/bin/chromium';
if (!base) { console.error('usage: browser-check.mjs --base http://127.0.0.1:PORT'); process.exit(2); }

const checks = [];
const check = (name, passed, detail = '') => checks.push({ name, passed: Boolean(passed), detail: typeof detail === 'string' ? detail : JSON.stringify(detail) });
const consoleErrors = [];

// ---- API side: what the gateway's FHIR operation answers, for comparison with the page ------------------------------
async function apiToken() {
  const q = new URLSearchParams({ organisation: 'la-926', role: 'commissioner', scope: 'system/Measure.rs', purposes: 'commissioning' });
  const r = await fetch(`${base}/auth/dev-token?${q}`, { method: 'POST' });
  if (!r.ok) throw new Error(`dev-token ${r.status}`);
  return (await r.json()).access_token;
}

const code = c => c && c.coding && c.coding[0] && c.coding[0].code;
const masked = e => Boolean(e && e.extension && e.extension.some(x => x.url === 'http://hl7.org/fhir/StructureDefinition/data-absent-reason'));
const fromCount = p => (p ? (typeof p.count === 'number' ? { value: p.count } : masked(p._count) ? { suppressed: true } : { missing: true }) : { missing: true });
const fromScore = s => (s ? (typeof s.value === 'number' ? { value: s.value } : masked(s) ? { suppressed: true } : { missing: true }) : { missing: true });

// The figure a data-kind names, read from the API's MeasureReport (scoring: cohort has no score, its figure is its count).
function expected(report, kind, scoring) {
  const group = report.group[0];
  const pop = (list, c) => (list || []).find(p => code(p.code) === c);
  if (kind === 'score') return group.measureScore ? fromScore(group.measureScore) : scoring === 'cohort' ? fromCount(pop(group.population, 'initial-population')) : { missing: true };
  if (kind.startsWith('population:')) return fromCount(pop(group.population, kind.split(':')[1]));
  const [k, strat, value, population] = kind.split(':');
  const stratifier = (group.stratifier || []).find(s => code(s.code[0]) === strat);
  const stratum = stratifier && stratifier.stratum.find(s => code(s.value) === value);
  if (!stratum) return { missing: true };
  if (k === 'stratum') return stratum.measureScore ? fromScore(stratum.measureScore) : scoring === 'cohort' ? fromCount(pop(stratum.population, 'initial-population')) : { missing: true };
  return fromCount(pop(stratum.population, population));
}

// The number a cell's text shows: "1,234" -> 1234, "95.3%" -> 95.3, "12.1 weeks" -> 12.1.
const shownNumber = text => Number(text.replace(/per 1,000|weeks|%|,/g, '').trim());

async function compareWithApi(figures, token) {
  const measures = await (await fetch(`${base}/fhir/Measure`, { headers: { Authorization: `Bearer ${token}`, Accept: 'application/fhir+json' } })).json();
  const scoring = Object.fromEntries(measures.entry.map(e => [e.resource.id, code(e.resource.scoring)]));
  const keys = [...new Set(figures.map(f => `${f.measure}|${f.subject}|${f.year}`))];
  const reports = new Map();
  const queue = [...keys];
  async function worker() {
    while (queue.length > 0) {
      const key = queue.shift();
      const [measure, subject, year] = key.split('|');
      const r = await fetch(`${base}/fhir/Measure/${measure}/$evaluate-measure?sen2Year=${year}&subject=${encodeURIComponent(subject)}`,
        { headers: { Authorization: `Bearer ${token}`, Accept: 'application/fhir+json' } });
      reports.set(key, r.ok ? await r.json() : { error: r.status });
    }
  }
  await Promise.all([worker(), worker(), worker(), worker()]);
  const mismatches = [];
  let values = 0; let suppressed = 0;
  for (const f of figures) {
    const report = reports.get(`${f.measure}|${f.subject}|${f.year}`);
    if (!report || report.error) { mismatches.push({ f, problem: `API ${report && report.error}` }); continue; }
    const want = expected(report, f.kind, scoring[f.measure]);
    if (want.value !== undefined) {
      values += 1;
      if (f.value === null || Number(f.value) !== want.value || shownNumber(f.text) !== want.value) mismatches.push({ f, want });
    } else if (want.suppressed) {
      suppressed += 1;
      if (!f.suppressed || !/suppressed/.test(f.text)) mismatches.push({ f, want });
    } else if (!f.missing) mismatches.push({ f, want });
  }
  return { reports: reports.size, figures: figures.length, values, suppressed, mismatches: mismatches.slice(0, 10), mismatchCount: mismatches.length };
}

// ---- CSV -----------------------------------------------------------------------------------------------------------
function parseCsv(text) {
  const rows = []; let row = []; let field = ''; let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i += 1; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; } else if (c === '\r') { /* CRLF */ } else if (c === '\n') { row.push(field); rows.push(row); row = []; field = ''; } else field += c;
  }
  if (field !== '' || row.length > 0) { row.push(field); rows.push(row); }
  return rows;
}

async function checkCsv(page, buttonLocator, label) {
  const tableId = await buttonLocator.getAttribute('data-csv-for');
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 15000 }), buttonLocator.click()]);
  const path = await download.path();
  const csv = parseCsv(readFileSync(path, 'utf8'));
  const table = await page.evaluate(id => [...document.getElementById(id).querySelectorAll('tr')].map(tr => [...tr.children].map(c => c.textContent.trim())), tableId);
  const same = JSON.stringify(csv) === JSON.stringify(table);
  check(`csv:${label}`, same && csv.length > 1, { file: download.suggestedFilename(), rows: csv.length, same, first: csv[1] });
}

// ---- keyboard --------------------------------------------------------------------------------------------------------
async function tabStops(page, count) {
  const stops = [];
  for (let i = 0; i < count; i += 1) {
    await page.keyboard.press('Tab');
    stops.push(await page.evaluate(() => { const a = document.activeElement; return a ? (a.id || a.getAttribute('data-csv-for') && 'csv' || a.className || a.tagName) : null; }));
  }
  return stops;
}

async function axe(page, label) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } });
    return { violations: r.violations.map(v => ({ id: v.id, impact: v.impact, nodes: v.nodes.length, help: v.help, target: v.nodes[0] && v.nodes[0].target })), passes: r.passes.length };
  });
  const serious = result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical');
  check(`axe:${label}`, serious.length === 0, { serious, other: result.violations.filter(v => !serious.includes(v)), passes: result.passes });
}

// ---- the run ---------------------------------------------------------------------------------------------------------
const profile = mkdtempSync(join(tmpdir(), 'sendinterop-chromium-'));
let browser;
try {
  browser = await chromium.launch({
    executablePath, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`].filter(a => !a.startsWith('--user-data-dir')),
  });
} catch (e) {
  console.log(JSON.stringify({ fatal: `Chromium did not start (${executablePath}): ${e.message.split('\n')[0]}`, checks }));
  rmSync(profile, { recursive: true, force: true });
  process.exit(2);
}

try {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1366, height: 900 } });
  const page = await context.newPage();
  page.on('console', m => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', e => consoleErrors.push(`pageerror: ${e.message}`));
  page.on('requestfailed', r => consoleErrors.push(`requestfailed: ${r.url()} ${r.failure() && r.failure().errorText}`));

  const response = await page.goto(`${base}/dashboard/`, { waitUntil: 'load' });
  await page.waitForSelector('#dev-form:not([hidden])', { timeout: 15000 });
  check('page-loads', response.status() === 200 && (await page.title()).includes('SEND dashboard') && await page.isVisible('#login'),
    { status: response.status(), title: await page.title(), csp: response.headers()['content-security-policy'] });
  await axe(page, 'login');

  // Keyboard: from the top of the page, Tab reaches the token field, its button, the organisation and the dev button.
  const loginStops = await tabStops(page, 8);
  check('keyboard-login', ['token-input', 'dev-organisation', 'dev-token-button'].every(id => loginStops.includes(id)), loginStops);

  // Sign in with the keyboard: focus the organisation, Tab to the button, Enter.
  await page.focus('#dev-organisation');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => window.sendDashboard && window.sendDashboard.ready === true, null, { timeout: 120000 });
  check('signed-in', await page.isVisible('#dashboard') && !(await page.isVisible('#login')), await page.textContent('#status'));
  const storage = await page.evaluate(() => ({ local: localStorage.length, session: sessionStorage.length, cookie: document.cookie }));
  check('token-memory-only', storage.local === 0 && storage.session === 0 && storage.cookie === '', storage);

  // Charts: Chart.js instances exist, and the canvases have drawn pixels.
  const charts = await page.evaluate(() => {
    const canvases = [...document.querySelectorAll('#sections canvas')];
    const drawn = canvases.filter(c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) return true; return false; });
    return { instances: window.sendDashboard.chartCount(), canvases: canvases.length, drawn: drawn.length, labelled: canvases.filter(c => c.getAttribute('role') === 'img' && c.getAttribute('aria-label')).length };
  });
  check('charts-render', charts.instances > 0 && charts.drawn === charts.canvases && charts.canvases > 0 && charts.labelled === charts.canvases, charts);

  const structure = await page.evaluate(() => ({
    sections: [...document.querySelectorAll('.dashboard-section > h2')].map(h => h.textContent),
    quadrants: [...document.querySelectorAll('#section-A .quadrant > h3')].map(h => h.firstChild.textContent),
    computed: document.querySelectorAll('#sections .indicator .computed').length,
    cards: document.querySelectorAll('#sections .indicator').length,
    comparators: document.querySelectorAll('#sections .comparators li').length,
    suppressedShown: document.querySelectorAll('#sections [data-suppressed]').length,
    rule: document.getElementById('suppression-rule').textContent,
    sideColumns: document.querySelectorAll('#side-body thead th').length,
  }));
  check('sections-and-quadrants', structure.sections.length === 2 && structure.quadrants.length === 4 && structure.computed === structure.cards && structure.cards > 0
    && /1 to 5/.test(structure.rule) && structure.sideColumns >= 3, structure);

  // Drill-down with the keyboard: Enter on a card's details button opens the panel and moves focus to it.
  const drill = page.locator('#section-A button.drill').first();
  await drill.focus();
  await page.keyboard.press('Enter');
  await page.waitForSelector('#detail-body table', { timeout: 15000 });
  const detail = await page.evaluate(() => ({ focus: document.activeElement && document.activeElement.id, tables: document.querySelectorAll('#detail-body table').length, canvases: document.querySelectorAll('#detail-body canvas').length }));
  check('drill-down', detail.focus === 'detail' && detail.tables >= 1, detail);

  // Keyboard: the settings and a CSV button are reachable with Tab from the top of the dashboard.
  await page.focus('#main');
  const stops = await tabStops(page, 12);
  check('keyboard-controls', ['area', 'year', 'trend-years', 'stratifier', 'apply', 'print', 'sign-out'].every(id => stops.includes(id)), stops);
  // Change the breakdown with the keyboard and show figures again.
  await page.focus('#stratifier');
  await page.keyboard.press('ArrowDown');
  await page.waitForTimeout(300);

  // Every figure on the page equals the API's MeasureReport for the same measure, subject, year.
  const figures = await page.evaluate(() => [...document.querySelectorAll('[data-measure][data-kind]')].map(e => ({
    measure: e.dataset.measure, subject: e.dataset.subject, year: e.dataset.year, kind: e.dataset.kind,
    value: e.dataset.value === undefined ? null : e.dataset.value, suppressed: e.dataset.suppressed || null, missing: e.dataset.missing === 'true', text: e.textContent.trim(),
  })));
  const comparison = await compareWithApi(figures, await apiToken());
  check('numbers-match-api', comparison.mismatchCount === 0 && comparison.values > 20 && comparison.suppressed > 0, comparison);

  // CSV downloads equal their tables: a trend table, the populations table, the breakdown, the side-by-side table.
  await checkCsv(page, page.locator('#sections button.csv-button').first(), 'trend');
  await checkCsv(page, page.locator('#detail-body button.csv-button').first(), 'populations');
  await checkCsv(page, page.locator('#detail-body button.csv-button').last(), 'breakdown');
  await checkCsv(page, page.locator('#side-body button.csv-button').first(), 'side-by-side');

  await axe(page, 'dashboard');

  // Print: controls and buttons hidden, figures shown.
  await page.emulateMedia({ media: 'print' });
  const print = await page.evaluate(() => ({
    controls: getComputedStyle(document.getElementById('controls')).display,
    csvButtons: getComputedStyle(document.querySelector('.csv-button')).display,
    sections: getComputedStyle(document.getElementById('section-A')).display,
  }));
  check('print-css', print.controls === 'none' && print.csvButtons === 'none' && print.sections !== 'none', print);
  await page.emulateMedia({ media: 'screen' });

  // Another area and year through the controls (selects driven by the keyboard), then sign out forgets the token.
  await page.focus('#area');
  await page.keyboard.press('ArrowDown');
  await page.focus('#apply');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => window.sendDashboard.ready === true && window.sendDashboard.state().area !== '926', null, { timeout: 60000 }).catch(() => {});
  const switched = await page.evaluate(() => window.sendDashboard.state());
  check('change-area', switched && switched.area !== '926', switched);
  await page.click('#sign-out');
  check('sign-out', await page.isVisible('#login') && !(await page.isVisible('#dashboard')), await page.textContent('#login-status'));

  check('no-console-errors', consoleErrors.length === 0, consoleErrors.slice(0, 10));
  await context.close();
} catch (e) {
  check('run', false, e.stack || String(e));
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}

const result = { checks, passed: checks.filter(c => c.passed).length, failed: checks.filter(c => !c.passed).length };
if (args.out) writeFileSync(args.out, JSON.stringify(result, null, 2));
console.log(JSON.stringify(result));
