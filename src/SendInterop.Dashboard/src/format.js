// How numbers, withheld values and times read on the page (and in its CSV files).
const numberFormat = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1 });

export const SUPPRESSED_TEXT = 'suppressed';

const reasons = {
  primary: 'a count from 1 to 5',
  complement: 'would reveal a count from 1 to 5 by subtraction',
  secondary: 'withheld so that another withheld figure cannot be worked out',
  'derived-score': 'computed from a withheld count',
  masked: 'withheld',
};
export const suppressionReason = code => reasons[code] || reasons.masked;

export function unitSuffix(unit) {
  if (unit === '%') return '%';
  if (unit === 'wk') return ' weeks';
  if (unit === '/10*3') return ' per 1,000';
  return '';
}

// The text of a quantity ({value} | {suppressed} | {missing}) with its unit.
export function formatQuantity(q, unit = '1') {
  if (!q || q.missing) return 'not available';
  if (q.suppressed) return SUPPRESSED_TEXT;
  return numberFormat.format(q.value) + unitSuffix(unit);
}

export function formatNumber(value, unit = '1') {
  return value === null || value === undefined ? 'not available' : numberFormat.format(value) + unitSuffix(unit);
}

const dateTime = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', timeZone: 'UTC', timeZoneName: 'short' });
const dateOnly = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });

export const formatInstant = iso => (iso ? dateTime.format(new Date(iso)) : 'unknown');
export const formatDate = iso => (iso ? dateOnly.format(new Date(iso + 'T00:00:00Z')) : 'unknown');

// SEN2 2025: census on the third Thursday of January 2025, activity in calendar 2024.
export const sen2Label = year => `SEN2 ${year}`;
