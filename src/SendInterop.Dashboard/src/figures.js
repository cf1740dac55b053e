// Where the page's figures come from: each shown number carries data-* attributes naming the MeasureReport it was
// read from (measure, subject, SEN2 year, which figure) and its raw value, so a test or an auditor can check every
// number on the page against GET /fhir/Measure/{id}/$evaluate-measure.
import { formatQuantity, suppressionReason } from './format.js';
import { el } from './dom.js';

export function figureAttrs(q, key) {
  const a = { 'data-measure': key.measure, 'data-subject': key.subject, 'data-year': String(key.year), 'data-kind': key.kind };
  if (!q || q.missing) a['data-missing'] = 'true';
  else if (q.suppressed) a['data-suppressed'] = q.suppressed;
  else a['data-value'] = String(q.value);
  return a;
}

/** A table cell for a figure: the formatted text, with its source in data-* attributes. */
export function figureCell(q, unit, key) {
  return { text: formatQuantity(q, unit), attrs: { ...figureAttrs(q, key), ...(q && q.suppressed ? { class: 'suppressed', title: `Suppressed: ${suppressionReason(q.suppressed)}` } : {}) } };
}

/** The headline figure of a card. */
export function figureSpan(q, unit, key) {
  const span = el('span', { class: `value${q && q.suppressed ? ' suppressed' : ''}`, ...figureAttrs(q, key) }, formatQuantity(q, unit));
  if (q && q.suppressed) return [span, el('span', { class: 'reason' }, ` (${suppressionReason(q.suppressed)})`)];
  return [span];
}

/** The figure a card shows: the score, or for the "number better off" quadrant the numerator count. */
export function headline(report, kind) {
  if (!report) return { missing: true };
  return kind === 'score' ? report.score : (report.populations[kind.replace('population:', '')] || { missing: true });
}

/** The value of a stratum: its score, or its count for a cohort (which has no score). */
export function stratumFigure(stratum, measure) {
  if (measure.scoring === 'cohort') return stratum.populations['initial-population'] || { missing: true };
  return stratum.score;
}
