// Sections A and B, each in the four RBA quadrants, one card per indicator: value, comparators, trend chart with its
// table, when it was computed, and a way into the details.
import { el } from './dom.js';
import { dataTable } from './table.js';
import { trendChart } from './charts.js';
import { figureCell, figureSpan, headline } from './figures.js';
import { formatDate, formatInstant, formatNumber, sen2Label, unitSuffix } from './format.js';

export const QUADRANTS = [
  { id: 'how-much', title: 'How much did we do?', subtitle: 'Quantity of effort', measureQuadrant: 'how-much', kind: 'score' },
  { id: 'how-well', title: 'How well did we do it?', subtitle: 'Quality of effort', measureQuadrant: 'how-well', kind: 'score' },
  { id: 'better-off-number', title: 'Is anyone better off? (number)', subtitle: 'Quantity of effect: the people counted as better off', measureQuadrant: 'better-off', kind: 'population:numerator' },
  { id: 'better-off-percent', title: 'Is anyone better off? (%)', subtitle: 'Quality of effect', measureQuadrant: 'better-off', kind: 'score' },
];

const SECTIONS = [
  { code: 'A', title: 'Section A: understanding local need' },
  { code: 'B', title: 'Section B: quality and outcomes' },
];

const LEVEL_NAMES = { national: 'England', regional: 'Region', 'local-authority': 'DfE published', 'statistical-neighbour': 'Statistical neighbour' };

function comparatorLabel(c) {
  if (c.level === 'local-authority') return `${c.name} as published by DfE`;
  if (c.level === 'statistical-neighbour') return `${c.name} (statistical neighbour)`;
  return c.name || LEVEL_NAMES[c.level];
}

// DfE labels academic-year figures 202425: shown as 2024/25.
const dfePeriod = p => (/^\d{6}$/.test(p || '') ? `${p.slice(0, 4)}/${p.slice(4)}` : p);

function comparatorText(c, unit) {
  if (c.value !== null && c.value !== undefined) return formatNumber(c.value, unit);
  return c.status === 'suppressed' ? 'suppressed by DfE' : 'not available';
}

function periodText(measure, report) {
  if (!report) return '';
  return measure.periodType === 'snapshot'
    ? `${sen2Label(report.sen2Year)}: on the census day, ${formatDate(report.referenceDate)}`
    : `${sen2Label(report.sen2Year)}: activity ${formatDate(report.periodStart)} to ${formatDate(report.periodEnd)}`;
}

export function computedText(report) {
  if (!report) return '';
  const parts = [`Computed ${formatInstant(report.computedAt)}`];
  if (report.newestRow) parts.push(`newest record counted updated ${formatInstant(report.newestRow)}`);
  return parts.join('; ') + '.';
}

/** The comparator series present in a trend: keys "level|code" in a stable order (England, region, neighbours, DfE LA). */
function comparatorSeries(reports) {
  const order = { national: 0, regional: 1, 'statistical-neighbour': 2, 'local-authority': 3 };
  const seen = new Map();
  for (const r of reports) for (const c of (r ? r.comparators : [])) seen.set(`${c.level}|${c.code}`, c);
  return [...seen.values()].sort((a, b) => order[a.level] - order[b.level] || String(a.name).localeCompare(String(b.name)));
}

function trendBlock(measure, kind, area, years, trend, isNumber) {
  const reports = years.map(y => trend.get(`${measure.id}|${y}`));
  const unit = isNumber ? '1' : measure.unit;
  const comparators = isNumber ? [] : comparatorSeries(reports);
  const title = isNumber ? `${measure.title}: number better off` : measure.title;
  const labels = years.map(String);
  const block = el('div', { class: 'trend' });

  if (!isNumber) {
    const chartSeries = [{ label: area.name, kind: 'subject', values: reports.map(r => { const q = headline(r, kind); return q && typeof q.value === 'number' ? q.value : null; }) }];
    // Counts are charted alone: an LA's count beside England's would flatten the LA's line to nothing. Rates and
    // percentages are charted with their comparators. Every comparator stays in the table either way.
    const charted = measure.scoring === 'cohort' ? [] : comparators.filter(c => c.level !== 'local-authority');
    for (const c of charted) {
      chartSeries.push({
        label: `${comparatorLabel(c)} (DfE)`, kind: c.level,
        values: reports.map(r => { const m = r && r.comparators.find(x => x.level === c.level && x.code === c.code); return m && m.value !== null && m.value !== undefined ? m.value : null; }),
      });
    }
    const canvas = el('canvas', { role: 'img', 'aria-label': `Line chart of ${measure.title} for ${area.name}${charted.length ? ' with DfE comparators' : ''}, SEN2 ${years[0]} to ${years[years.length - 1]}. The table after the chart gives every figure.` });
    const figure = el('figure', { class: 'chart-figure' }, el('div', { class: 'chart-box' }, canvas),
      el('figcaption', {}, `Trend of ${measure.title.toLowerCase()}, SEN2 ${years[0]} to ${years[years.length - 1]}${unitSuffix(unit) ? ` (${unitSuffix(unit).trim()})` : ''}. Gaps are suppressed or unavailable figures.`));
    block.append(figure);
    block.pendingChart = () => trendChart(canvas, labels, chartSeries, measure.unitText === 'count' ? '' : measure.unitText);
  }

  const columns = ['SEN2 year', area.name, ...comparators.map(c => `${comparatorLabel(c)} (DfE)`)];
  const rows = years.map((y, i) => {
    const r = reports[i];
    return [String(y), figureCell(headline(r, kind), unit, { measure: measure.id, subject: area.code, year: y, kind }),
      ...comparators.map(c => { const m = r && r.comparators.find(x => x.level === c.level && x.code === c.code); return m ? comparatorText(m, unit) : 'not available'; })];
  });
  block.append(dataTable({ caption: `${title}: trend for ${area.name}`, columns, rows, fileName: `${measure.id}${isNumber ? '-number' : ''}-trend-${area.code}.csv`, className: 'compact' }));
  return block;
}

function card(measure, quadrant, area, year, years, trend, onDetails) {
  const isNumber = quadrant.kind !== 'score';
  const report = trend.get(`${measure.id}|${year}`);
  const headingId = `h-${quadrant.id}-${measure.id}`;
  const article = el('article', { class: 'indicator', 'aria-labelledby': headingId, 'data-card': measure.id });
  const title = isNumber ? `${measure.title}: number better off` : measure.title;
  article.append(el('h4', { id: headingId }, title));
  const value = headline(report, quadrant.kind);
  article.append(el('p', { class: 'figure' }, ...figureSpan(value, isNumber ? '1' : measure.unit, { measure: measure.id, subject: area.code, year, kind: quadrant.kind })));
  article.append(el('p', { class: 'period' }, periodText(measure, report)));
  if (isNumber) {
    article.append(el('p', { class: 'definition' }, `Counted in the numerator of "${measure.title}": ${measure.populations.numerator || ''}`));
  } else {
    article.append(el('p', { class: 'definition' }, measure.description));
    const comparators = report ? report.comparators : [];
    if (comparators.length > 0) {
      article.append(el('ul', { class: 'comparators', 'aria-label': `Comparators for ${measure.title}` },
        comparators.map(c => el('li', {}, `${comparatorLabel(c)} (DfE ${dfePeriod(c.period)}): `, el('strong', {}, comparatorText(c, measure.unit))))));
    } else {
      article.append(el('p', { class: 'comparators none' }, 'No DfE comparator for this indicator and year.'));
    }
  }
  const trendNode = trendBlock(measure, quadrant.kind, area, years, trend, isNumber);
  article.append(trendNode);
  article.append(el('p', { class: 'computed' }, computedText(report)));
  const button = el('button', { type: 'button', class: 'drill', 'aria-controls': 'detail' }, 'Details and breakdown');
  button.append(el('span', { class: 'visually-hidden' }, `: ${title}`));
  button.addEventListener('click', () => onDetails(measure));
  article.append(button);
  article.pendingChart = trendNode.pendingChart;
  return article;
}

/** Renders both sections; returns the chart builders to run once the nodes are in the document. */
export function renderSections(container, { measures, area, year, years, trend, onDetails }) {
  container.replaceChildren();
  const charts = [];
  for (const section of SECTIONS) {
    const sectionNode = el('section', { id: `section-${section.code}`, class: 'dashboard-section', 'aria-labelledby': `section-${section.code}-heading` },
      el('h2', { id: `section-${section.code}-heading` }, section.title));
    const grid = el('div', { class: 'quadrants' });
    for (const quadrant of QUADRANTS) {
      const inQuadrant = measures.filter(m => m.section === section.code && m.quadrant === quadrant.measureQuadrant);
      const q = el('section', { class: `quadrant quadrant-${quadrant.id}`, 'aria-labelledby': `q-${section.code}-${quadrant.id} section-${section.code}-heading` },
        el('h3', { id: `q-${section.code}-${quadrant.id}` }, quadrant.title, el('span', { class: 'subtitle' }, quadrant.subtitle)));
      if (inQuadrant.length === 0) q.append(el('p', { class: 'empty' }, 'No indicator of this kind in this section.'));
      for (const m of inQuadrant) {
        const c = card(m, quadrant, area, year, years, trend, onDetails);
        if (c.pendingChart) charts.push(c.pendingChart);
        q.append(c);
      }
      grid.append(q);
    }
    sectionNode.append(grid);
    container.append(sectionNode);
  }
  return charts;
}
