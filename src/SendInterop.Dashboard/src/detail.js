// The drill-down for one indicator: its populations, and its breakdown by the chosen stratifier as a chart and a table.
import { el } from './dom.js';
import { dataTable } from './table.js';
import { barChart } from './charts.js';
import { figureCell, stratumFigure } from './figures.js';
import { computedText } from './cards.js';
import { sen2Label } from './format.js';

const POPULATION_NAMES = {
  'initial-population': 'Initial population',
  denominator: 'Denominator',
  'denominator-exclusion': 'Denominator exclusions',
  numerator: 'Numerator',
  'measure-population': 'Measure population',
  'measure-observation': 'Measure observation',
};

export function renderDetail(container, { measure, report, area, year, stratifierCode, stratifierTitle }) {
  container.replaceChildren();
  const charts = [];
  container.append(el('h3', { id: 'detail-title' }, `${measure.title}, ${area.name}, ${sen2Label(year)}`));
  container.append(el('p', {}, measure.description));
  container.append(el('p', { class: 'meta' }, `Logic model: ${measure.logicModel}. Scoring: ${measure.scoring}.`));
  if (!report) {
    container.append(el('p', {}, 'No figures for this year.'));
    return charts;
  }
  container.append(el('p', { class: 'computed' }, computedText(report)));

  const popRows = Object.entries(report.populations).map(([code, q]) => [
    POPULATION_NAMES[code] || code,
    figureCell(q, '1', { measure: measure.id, subject: area.code, year, kind: `population:${code}` }),
    measure.populations[code] || '',
  ]);
  popRows.push(['Figure', figureCell(report.score, measure.unit, { measure: measure.id, subject: area.code, year, kind: 'score' }), measure.scoring === 'cohort' ? 'The count of the initial population.' : 'The indicator\'s score.']);
  container.append(dataTable({ caption: `Populations of ${measure.title}, ${area.name}, ${sen2Label(year)}`, columns: ['Population', 'Count', 'Definition'], rows: popRows, fileName: `${measure.id}-populations-${area.code}-${year}.csv` }));

  const strata = report.strata[stratifierCode];
  container.append(el('h4', {}, `Breakdown by ${stratifierTitle.toLowerCase()}`));
  if (!strata) {
    container.append(el('p', {}, `${measure.title} has no breakdown by ${stratifierTitle.toLowerCase()}.`));
    return charts;
  }
  const labels = strata.map(s => s.text);
  const values = strata.map(s => { const q = stratumFigure(s, measure); return q && typeof q.value === 'number' ? q.value : null; });
  const canvas = el('canvas', { role: 'img', 'aria-label': `Bar chart of ${measure.title} by ${stratifierTitle.toLowerCase()} for ${area.name}, ${sen2Label(year)}. The table after the chart gives every figure.` });
  container.append(el('figure', { class: 'chart-figure' },
    sizedBox(canvas, strata.length),
    el('figcaption', {}, `${measure.title} by ${stratifierTitle.toLowerCase()}. Suppressed strata have no bar.`)));
  charts.push(() => barChart(canvas, labels, values, measure.title));

  const hasDenominator = strata.some(s => s.populations.denominator);
  const columns = [stratifierTitle, 'Figure', hasDenominator ? 'Denominator' : 'Initial population', 'Numerator'];
  const rows = strata.map(s => [
    s.text,
    figureCell(stratumFigure(s, measure), measure.scoring === 'cohort' ? '1' : measure.unit, { measure: measure.id, subject: area.code, year, kind: `stratum:${stratifierCode}:${s.code}` }),
    figureCell(s.populations[hasDenominator ? 'denominator' : 'initial-population'], '1', { measure: measure.id, subject: area.code, year, kind: `stratum-population:${stratifierCode}:${s.code}:${hasDenominator ? 'denominator' : 'initial-population'}` }),
    s.populations.numerator ? figureCell(s.populations.numerator, '1', { measure: measure.id, subject: area.code, year, kind: `stratum-population:${stratifierCode}:${s.code}:numerator` }) : 'not applicable',
  ]);
  container.append(dataTable({ caption: `${measure.title} by ${stratifierTitle.toLowerCase()}, ${area.name}, ${sen2Label(year)}`, columns, rows, fileName: `${measure.id}-by-${stratifierCode}-${area.code}-${year}.csv` }));
  return charts;
}

// Room for each bar (set through the CSSOM, which the page's Content-Security-Policy allows, unlike style attributes).
function sizedBox(canvas, bars) {
  const box = el('div', { class: 'chart-box breakdown' }, canvas);
  box.style.height = `${Math.max(120, 34 * bars + 60)}px`;
  return box;
}
