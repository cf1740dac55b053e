// Small DOM helpers: every text goes in through textContent, never as HTML.
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'dataset') Object.assign(e.dataset, v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c));
  return e;
}

export const byId = id => document.getElementById(id);

export function setStatus(id, text, isError = false) {
  const node = byId(id);
  node.textContent = text;
  node.classList.toggle('error', isError);
}
