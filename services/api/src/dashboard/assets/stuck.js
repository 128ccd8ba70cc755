// Stuck parcels: the filters of GET /v1/reports/stuck, a page at a time by cursor, and the
// CSV of every page for the same filters.
import { download, getJson } from './api.js';
import { h, orDash, render, table, utc } from './dom.js';

/** Query parameters the form edits, in the order they are shown. */
const FILTERS = ['merchantId', 'carrier', 'origin', 'destination', 'milestone', 'exceptionKind', 'minDays', 'promisedPassed', 'sort', 'order', 'limit'];

/** The allowed values of the report's enum parameters, read from the api's own description. */
async function stuckEnums() {
  const doc = await getJson('/openapi.json');
  const parameters = doc.paths?.['/v1/reports/stuck']?.get?.parameters ?? [];
  const values = (name) => parameters.find((p) => p.name === name)?.schema?.enum ?? [];
  return { milestone: values('milestone'), exceptionKind: values('exceptionKind'), sort: values('sort') };
}

function select(name, label, options, current, anyLabel = 'any') {
  return h(
    'label',
    {},
    label,
    h('select', { name }, anyLabel === null ? null : h('option', { value: '' }, anyLabel), options.map(([value, text]) => h('option', { value, selected: value === current }, text))),
  );
}

const input = (name, label, current, attributes = {}) => h('label', {}, label, h('input', { name, value: current ?? '', ...attributes }));

/** The report's query string for the current filters (empty fields left out). */
function reportQuery(filters, extra = {}) {
  const params = new URLSearchParams();
  for (const name of FILTERS) {
    const value = filters.get(name);
    if (value !== null && value !== '') params.set(name, value);
  }
  for (const [name, value] of Object.entries(extra)) params.set(name, value);
  return params;
}

export async function stuckView({ view, showError, clearMessage, query }) {
  const enums = await stuckEnums();
  const filters = new URLSearchParams(query);
  const form = h(
    'form',
    { class: 'filters', id: 'stuck-filters' },
    input('merchantId', 'Merchant id', filters.get('merchantId'), { size: 36 }),
    input('carrier', 'Carrier', filters.get('carrier'), { size: 12, placeholder: 'yunexpress' }),
    input('origin', 'Lane from', filters.get('origin'), { size: 3, maxlength: 2, placeholder: 'CN' }),
    input('destination', 'Lane to', filters.get('destination'), { size: 3, maxlength: 2, placeholder: 'US' }),
    select('milestone', 'Milestone', enums.milestone.map((m) => [m, m]), filters.get('milestone')),
    select('exceptionKind', 'Exception', enums.exceptionKind.map((k) => [k, k]), filters.get('exceptionKind')),
    input('minDays', 'Min days without scan', filters.get('minDays'), { type: 'number', min: 0 }),
    select('promisedPassed', 'Promised date passed', [['true', 'yes'], ['false', 'no']], filters.get('promisedPassed')),
    select('sort', 'Sort', enums.sort.map((s) => [s, s.replaceAll('_', ' ')]), filters.get('sort') ?? 'days_without_scan', null),
    select('order', 'Order', [['asc', 'ascending'], ['desc', 'descending']], filters.get('order'), 'default'),
    input('limit', 'Rows', filters.get('limit') ?? '50', { type: 'number', min: 1, max: 500 }),
    h('button', { type: 'submit', class: 'primary' }, 'Apply'),
  );
  const results = h('div', { id: 'stuck-results' });
  const pageLabel = h('span', { class: 'muted', id: 'stuck-page' });
  const nextButton = h('button', { type: 'button', id: 'stuck-next', disabled: true }, 'Next page');
  const firstButton = h('button', { type: 'button', id: 'stuck-first', disabled: true }, 'First page');
  const csvButton = h('button', { type: 'button', id: 'stuck-csv' }, 'Download CSV');
  let current = filters;
  let nextCursor = null;
  let page = 1;

  async function load(cursor) {
    const params = reportQuery(current, cursor ? { cursor } : {});
    const body = await getJson(`/v1/reports/stuck?${params}`);
    nextCursor = body.nextCursor;
    nextButton.disabled = nextCursor === null;
    firstButton.disabled = page === 1;
    pageLabel.textContent = `page ${page}, ${body.items.length} row${body.items.length === 1 ? '' : 's'}`;
    render(
      results,
      table(
        [
          ['Tracking number', (r) => h('a', { href: `/dashboard/shipments/${encodeURIComponent(r.shipmentId)}`, 'data-shipment': r.shipmentId }, r.trackingNumber)],
          ['Order', (r) => r.orderId],
          ['Carrier', (r) => r.carrier],
          ['Lane', (r) => `${orDash(r.originCountry)} → ${orDash(r.destinationCountry)}`],
          ['Milestone', (r) => (r.reason ? `${r.milestone} (${r.reason})` : r.milestone)],
          ['Days without scan', (r) => r.daysWithoutScan, 'num'],
          ['Last scan', (r) => utc(r.lastCheckpointAt)],
          ['Promised', (r) => `${orDash(r.promisedDeliveryDate)}${r.promisedDatePassed ? ' (passed)' : ''}`],
          ['Open exceptions', (r) => r.openExceptions.join(', ') || '–'],
        ],
        body.items,
        { id: 'stuck-table', rowId: (r) => r.shipmentId, empty: 'no stuck parcels for these filters' },
      ),
    );
  }

  async function run(work) {
    try {
      clearMessage();
      await work();
    } catch (err) {
      showError(err);
    }
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    current = reportQuery(new URLSearchParams(new FormData(form)));
    // The filters are in the address, so a reload or a shared link shows the same list.
    window.history.replaceState(null, '', `/dashboard/stuck${current.size > 0 ? `?${current}` : ''}`);
    page = 1;
    void run(() => load(null));
  });
  nextButton.addEventListener('click', () => {
    if (nextCursor === null) return;
    page += 1;
    void run(() => load(nextCursor));
  });
  firstButton.addEventListener('click', () => {
    page = 1;
    void run(() => load(null));
  });
  csvButton.addEventListener('click', () => {
    void run(() => download(`/v1/reports/stuck?${reportQuery(current, { format: 'csv' })}`, 'stuck-parcels.csv'));
  });

  render(view, h('h1', {}, 'Stuck parcels'), form, h('div', { class: 'actions' }, firstButton, nextButton, pageLabel, csvButton), results);
  await load(null);
}
