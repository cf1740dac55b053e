// The commissioners' dashboard: sign in, choose an area, a year and a breakdown, and read every indicator.
import { ApiError, getJson, hasToken, reports, setToken } from './api.js';
import { readMeasure, readReport } from './fhir.js';
import { byId, el, setStatus } from './dom.js';
import { setUpLogin, showLogin } from './login.js';
import { renderSections } from './cards.js';
import { renderDetail } from './detail.js';
import { renderSideBySide } from './side.js';
import { chartCount, destroyChart, destroyCharts } from './charts.js';
import { sen2Label } from './format.js';

const state = { areas: [], regions: [], measures: [], measuresById: new Map(), trend: new Map(), side: new Map(), detailMeasure: null, view: null, detailCharts: [] };

// Exposed for the browser tests and for anyone checking the page: which reports are on screen and how many charts drew.
window.sendDashboard = { chartCount, state: () => state.view, ready: false };

function selected() {
  const area = state.areas.find(a => a.code === byId('area').value) || state.areas[0];
  const year = Number(byId('year').value);
  const span = Number(byId('trend-years').value);
  const first = Math.max(state.firstYear, year - span + 1);
  const years = [];
  for (let y = first; y <= year; y += 1) years.push(y);
  const stratifier = byId('stratifier');
  return { area, year, years, stratifierCode: stratifier.value, stratifierTitle: stratifier.selectedOptions[0] ? stratifier.selectedOptions[0].textContent : '' };
}

function handleError(e) {
  if (e instanceof ApiError && (e.status === 401 || e.status === 403)) {
    destroyCharts();
    showLogin(e.status === 401 ? `The token was refused or has expired (${e.message}). Sign in again.` : `Not allowed: ${e.message}`, true);
    return;
  }
  setStatus('status', `Could not load the figures: ${e.message}`, true);
}

async function signedIn() {
  setStatus('login-status', 'Checking the token...');
  try {
    const context = await getJson('api/areas');
    const catalogue = await getJson('api/measures');
    state.areas = context.areas;
    state.regions = context.regions;
    state.firstYear = context.sen2Years.first;
    byId('suppression-rule').textContent = `${context.suppressionRule} The rule is applied by the gateway before any figure leaves it, to every count, score and breakdown on this page.`;
    state.measures = (catalogue.entry || []).map(e => readMeasure(e.resource));
    state.measuresById = new Map(state.measures.map(m => [m.id, m]));
    fillControls(context);
  } catch (e) {
    showLogin(e instanceof ApiError && e.status === 403 ? `Not allowed: ${e.message}` : `Sign-in failed: ${e.message}`, true);
    return;
  }
  if (state.areas.length === 0) {
    showLogin('This gateway holds no local authority records yet.', true);
    return;
  }
  setStatus('login-status', '');
  byId('login').hidden = true;
  byId('dashboard').hidden = false;
  await load();
}

function fillControls(context) {
  const area = byId('area');
  area.replaceChildren(...state.areas.map(a => el('option', { value: a.code }, `${a.name} (${a.code})`)));
  const year = byId('year');
  const years = [];
  for (let y = context.sen2Years.latest; y >= context.sen2Years.first; y -= 1) years.push(y);
  year.replaceChildren(...years.map(y => el('option', { value: String(y) }, sen2Label(y))));
  const stratifiers = new Map();
  for (const m of state.measures) for (const s of m.stratifiers) if (!stratifiers.has(s.code)) stratifiers.set(s.code, s.title);
  byId('stratifier').replaceChildren(...[...stratifiers].map(([code, title]) => el('option', { value: code }, title)));
}

function sideSubjects(area) {
  const peers = state.areas.filter(a => (area.regionCode ? a.regionCode === area.regionCode : true));
  const subjects = peers.map(a => ({ subject: a.subject, code: a.code, name: a.name }));
  if (area.regionCode && peers.length > 1) subjects.push({ subject: area.regionCode, code: area.regionCode, name: `${area.regionName} (region)` });
  return subjects;
}

async function load() {
  const { area, year, years } = selected();
  setStatus('status', `Loading the figures for ${area.name}, ${sen2Label(year)}...`);
  window.sendDashboard.ready = false;
  try {
    const side = sideSubjects(area);
    const [trendReports, sideReports] = await Promise.all([
      reports([area.subject], years),
      side.length > 1 ? reports(side.map(s => s.subject), [year]) : Promise.resolve([]),
    ]);
    state.trend = new Map(trendReports.map(r => readReport(r, state.measuresById)).map(r => [`${r.measureId}|${r.sen2Year}`, r]));
    state.side = new Map(sideReports.map(r => readReport(r, state.measuresById)).map(r => [`${r.measureId}|${r.subjectCode}`, r]));
    state.view = { area: area.code, year, years, subjects: side.map(s => s.code) };
    render(area, year, years, side);
    setStatus('status', `Showing ${area.name}, ${sen2Label(year)}, with the trend from SEN2 ${years[0]}.`);
    window.sendDashboard.ready = true;
  } catch (e) {
    handleError(e);
  }
}

function render(area, year, years, side) {
  destroyCharts();
  byId('summary').textContent = `${area.name}${area.regionName ? `, ${area.regionName}` : ''}. ${state.measures.length} indicators for ${sen2Label(year)}.`;
  const charts = renderSections(byId('sections'), { measures: state.measures, area, year, years, trend: state.trend, onDetails: showDetails });
  renderSideBySide(byId('side-body'), { measures: state.measures, subjects: side, year, reports: state.side, regionName: area.regionName });
  for (const draw of charts) draw();
  if (state.detailMeasure) renderDetailPanel(false);
}

function renderDetailPanel(moveFocus) {
  const { area, year, stratifierCode, stratifierTitle } = selected();
  const measure = state.detailMeasure;
  for (const c of state.detailCharts) destroyChart(c);
  byId('detail-empty').hidden = true;
  const draws = renderDetail(byId('detail-body'), { measure, report: state.trend.get(`${measure.id}|${year}`), area, year, stratifierCode, stratifierTitle });
  state.detailCharts = draws.map(draw => draw());
  if (moveFocus) byId('detail').focus();
}

function showDetails(measure) {
  state.detailMeasure = measure;
  renderDetailPanel(true);
}

function setUpControls() {
  byId('controls').addEventListener('submit', event => {
    event.preventDefault();
    load();
  });
  byId('stratifier').addEventListener('change', () => { if (state.detailMeasure) renderDetailPanel(false); });
  byId('print').addEventListener('click', () => window.print());
  byId('sign-out').addEventListener('click', () => {
    destroyCharts();
    state.detailMeasure = null;
    byId('detail-body').replaceChildren();
    byId('detail-empty').hidden = false;
    showLogin('Signed out: the token has been forgotten.');
  });
}

async function start() {
  setUpControls();
  await setUpLogin(signedIn);
  if (hasToken()) setToken(null);
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
