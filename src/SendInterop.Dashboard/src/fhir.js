// Reads the FHIR Measures and MeasureReports the gateway sends into plain objects for the page.
const SD = 'https://fhir.sendinterop.org.uk/StructureDefinition/';
const DATA_ABSENT = 'http://hl7.org/fhir/StructureDefinition/data-absent-reason';
const SUPPRESSION_REASON = SD + 'small-number-suppression-reason';

const ext = (element, url) => ((element && element.extension) || []).find(e => e.url === url);
const exts = (element, url) => ((element && element.extension) || []).filter(e => e.url === url);
const sub = (e, url) => ext(e, url);
const code = concept => concept && concept.coding && concept.coding[0] && concept.coding[0].code;

export function readMeasure(m) {
  const coding = url => { const e = ext(m, SD + url); return e && e.valueCoding ? e.valueCoding : {}; };
  const group = (m.group && m.group[0]) || {};
  return {
    id: m.id,
    title: m.title || m.name || m.id,
    description: (m.description || '').replace(/\s+/g, ' '),
    section: coding('indicator-dashboard-section').code,
    sectionTitle: coding('indicator-dashboard-section').display,
    quadrant: coding('indicator-rba-quadrant').code,
    logicModel: coding('indicator-logic-model-column').display || coding('indicator-logic-model-column').code,
    periodType: coding('indicator-period-type').code,
    unit: coding('indicator-score-unit').code || '1',
    unitText: coding('indicator-score-unit').display || '',
    comparatorSeries: coding('indicator-comparator').code || null,
    scoring: code(m.scoring),
    improvement: code(m.improvementNotation) || null,
    populations: Object.fromEntries((group.population || []).map(p => [code(p.code), p.description || code(p.code)])),
    stratifiers: (group.stratifier || []).map(s => ({ code: code(s.code), title: s.description || (s.code && s.code.text) || code(s.code) })),
  };
}

// A number that may be withheld: { value } or { suppressed: reason }; { missing: true } when the report has none.
function quantity(element, value) {
  if (typeof value === 'number') return { value };
  if (ext(element, DATA_ABSENT)) {
    const reason = ext(element, SUPPRESSION_REASON);
    return { suppressed: (reason && reason.valueCode) || 'masked' };
  }
  return { missing: true };
}

function populations(list) {
  const result = {};
  for (const p of list || []) result[code(p.code)] = quantity(p._count, p.count);
  return result;
}

function score(group, measure) {
  if (group.measureScore) return quantity(group.measureScore, group.measureScore.value);
  // A cohort's figure is its count (the FHIR report carries no score for it).
  if (measure && measure.scoring === 'cohort') {
    const pops = populations(group.population);
    return pops['initial-population'] || { missing: true };
  }
  return { missing: true };
}

export function readReport(r, measuresByUrl) {
  const measureId = (r.measure || '').split('|')[0].split('/').pop();
  const measure = measuresByUrl.get(measureId);
  const group = (r.group && r.group[0]) || {};
  const referenceDate = (ext(r, SD + 'indicator-reference-date') || {}).valueDate || '';
  const subject = (ext(r, SD + 'indicator-report-subject') || {}).valueCoding || {};
  const freshness = ext(r, SD + 'indicator-projection-freshness');
  const comparators = exts(r, SD + 'indicator-comparator-value').map(c => ({
    level: (sub(c, 'level') || {}).valueCode,
    code: ((sub(c, 'geography') || {}).valueCoding || {}).code,
    name: ((sub(c, 'geography') || {}).valueCoding || {}).display,
    period: (sub(c, 'period') || {}).valueString,
    value: sub(c, 'value') ? sub(c, 'value').valueDecimal : null,
    status: (sub(c, 'status') || {}).valueCode || null,
  }));
  return {
    measureId,
    subjectCode: subject.code,
    subjectName: subject.display,
    sen2Year: Number(referenceDate.slice(0, 4)),
    referenceDate,
    periodStart: r.period && r.period.start,
    periodEnd: r.period && r.period.end,
    computedAt: (ext(r, SD + 'indicator-computed-at') || {}).valueDateTime || r.date,
    newestRow: freshness ? ((sub(freshness, 'newestRow') || {}).valueDateTime || null) : null,
    lastRebuild: freshness ? ((sub(freshness, 'lastRebuild') || {}).valueDateTime || null) : null,
    score: score(group, measure),
    populations: populations(group.population),
    strata: Object.fromEntries((group.stratifier || []).map(s => [code(s.code[0] || s.code), (s.stratum || []).map(st => ({
      code: code(st.value),
      text: (st.value && st.value.text) || code(st.value),
      score: st.measureScore ? quantity(st.measureScore, st.measureScore.value) : { missing: true },
      populations: populations(st.population),
    }))])),
    comparators,
  };
}
