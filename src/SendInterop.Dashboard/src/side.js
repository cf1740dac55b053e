// Several LAs of a region side by side (and the region, the sum of its LAs), every indicator, one SEN2 year.
import { el } from './dom.js';
import { dataTable } from './table.js';
import { figureCell } from './figures.js';
import { sen2Label } from './format.js';

export function renderSideBySide(container, { measures, subjects, year, reports, regionName }) {
  container.replaceChildren();
  if (subjects.length < 2) {
    container.append(el('p', {}, 'Only one local authority has records in this gateway, so there is nothing to set beside it.'));
    return;
  }
  container.append(el('p', {}, regionName
    ? `Local authorities in ${regionName} that share records through this gateway, and the region as a whole (the sum of its LAs' records here), ${sen2Label(year)}.`
    : `The local authorities that share records through this gateway, ${sen2Label(year)}.`));
  const rows = measures.map(m => [m.title, ...subjects.map(s => {
    const r = reports.get(`${m.id}|${s.code}`);
    return figureCell(r ? r.score : { missing: true }, m.unit, { measure: m.id, subject: s.code, year, kind: 'score' });
  })]);
  container.append(dataTable({
    caption: `Every indicator side by side, ${sen2Label(year)}`,
    columns: ['Indicator', ...subjects.map(s => s.name)],
    rows,
    fileName: `side-by-side-${year}.csv`,
  }));
}
