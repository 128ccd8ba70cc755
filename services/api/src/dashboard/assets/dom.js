// Building the DOM from data. Every value becomes a text node or an attribute set through the
// DOM API, never markup: carrier event text and buyer-supplied fields cannot inject HTML or
// script (the page's Trusted Types policy would also refuse any innerHTML assignment).

/** Attributes on `h` that hold a URL: only http(s) and same-origin paths get through. */
const URL_ATTRIBUTES = new Set(['href', 'src', 'action']);

export function safeUrl(value) {
  if (typeof value !== 'string' || value === '') return null;
  try {
    const url = new URL(value, window.location.origin);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

/**
 * h('a', { href, class: 'x', onclick: fn }, 'text', child): an element. Strings and numbers
 * become text nodes; null, undefined and false are skipped; arrays are flattened.
 */
export function h(tag, attributes = {}, ...children) {
  const element = tag.startsWith('svg:')
    ? document.createElementNS('http://www.w3.org/2000/svg', tag.slice(4))
    : document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2), value);
    } else if (URL_ATTRIBUTES.has(name)) {
      const url = safeUrl(String(value));
      if (url !== null) element.setAttribute(name, url);
    } else if (value === true) {
      element.setAttribute(name, '');
    } else {
      element.setAttribute(name, String(value));
    }
  }
  append(element, children);
  return element;
}

function append(parent, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else if (child instanceof Node) parent.appendChild(child);
    else parent.appendChild(document.createTextNode(String(child)));
  }
}

/** Replaces what `parent` holds with `children`. */
export function render(parent, ...children) {
  parent.replaceChildren();
  append(parent, children);
}

/** A table: `columns` are [heading, (row) => cell, className?]. */
export function table(columns, rows, options = {}) {
  return h(
    'table',
    { id: options.id, 'data-testid': options.testId },
    h('thead', {}, h('tr', {}, columns.map(([heading, , className]) => h('th', { class: className }, heading)))),
    h(
      'tbody',
      {},
      rows.length === 0
        ? h('tr', {}, h('td', { colspan: columns.length, class: 'muted' }, options.empty ?? 'nothing to show'))
        : rows.map((row) => h('tr', { 'data-id': options.rowId?.(row) }, columns.map(([, cell, className]) => h('td', { class: className }, cell(row))))),
    ),
  );
}

export const orDash = (value) => (value === null || value === undefined || value === '' ? '–' : value);

/** An ISO instant as "2026-03-01 14:05 UTC". */
export function utc(iso) {
  if (typeof iso !== 'string') return '–';
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** Minor units and currency, e.g. 12.50 USD (two decimals: the currencies ops see here have two). */
export function money(amount) {
  if (amount === null || amount === undefined) return '–';
  return `${(amount.amountMinor / 100).toFixed(2)} ${amount.currency}`;
}

export const percent = (share) => (share === null || share === undefined ? '–' : `${(share * 100).toFixed(1)}%`);
