// Accessible data tables, each with a CSV download of exactly what the table shows.
let tableCount = 0;

function el(tag, attrs = {}, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

// RFC 4180: quote every field that holds a comma, quote or line break; lines end with CRLF.
export function toCsv(rows) {
  const field = v => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return rows.map(r => r.map(field).join(',')).join('\r\n') + '\r\n';
}

// The table's text as rows: the header row, then each body row (the first cell of a body row is its row header).
export function tableRows(table) {
  return [...table.querySelectorAll('tr')].map(tr => [...tr.children].map(c => c.textContent.trim()));
}

function download(table, fileName) {
  const blob = new Blob([toCsv(tableRows(table))], { type: 'text/csv;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const a = el('a', { href: url, download: fileName });
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

/**
 * A table with caption, column headers (scope=col), row headers (scope=row) and a "Download CSV" button.
 * cells: [{ text, attrs }] or strings; the first cell of each row is the row header.
 */
export function dataTable({ caption, columns, rows, fileName, className }) {
  tableCount += 1;
  const id = `table-${tableCount}`;
  const wrapper = el('div', { class: `table-block ${className || ''}`.trim() });
  const scroll = el('div', { class: 'table-scroll', role: 'region', 'aria-labelledby': `${id}-caption`, tabindex: '0' });
  const table = el('table', { id, 'data-csv-name': fileName });
  const cap = el('caption', { id: `${id}-caption` }, caption);
  table.appendChild(cap);
  const thead = el('thead');
  const hr = el('tr');
  for (const c of columns) hr.appendChild(el('th', { scope: 'col' }, c));
  thead.appendChild(hr);
  table.appendChild(thead);
  const tbody = el('tbody');
  for (const row of rows) {
    const tr = el('tr');
    row.forEach((cell, i) => {
      const c = typeof cell === 'string' ? { text: cell } : cell;
      const td = el(i === 0 ? 'th' : 'td', { ...(i === 0 ? { scope: 'row' } : {}), ...(c.attrs || {}) }, c.text);
      tr.appendChild(td);
    });
    tbody.appendChild(tr);
  }
  table.appendChild(tbody);
  scroll.appendChild(table);
  const button = el('button', { type: 'button', class: 'csv-button', 'aria-describedby': `${id}-caption`, 'data-csv-for': id }, 'Download CSV');
  button.addEventListener('click', () => download(table, fileName));
  wrapper.appendChild(scroll);
  wrapper.appendChild(button);
  return wrapper;
}
