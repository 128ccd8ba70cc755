// Carrier and lane performance over a date range: on-time rate and p90 transit days as bar
// charts, then every figure of GET /v1/reports/carrier-performance in a table.
import { getJson } from './api.js';
import { barChart } from './chart.js';
import { h, orDash, percent, render, table } from './dom.js';

const DAY_MS = 86_400_000;
const isoDay = (ms) => new Date(ms).toISOString().slice(0, 10);

const groupLabel = (row, groupBy) => (groupBy === 'carrier' ? row.carrier : `${row.carrier} ${orDash(row.originCountry)}→${orDash(row.destinationCountry)}`);
const days = (value) => (value === null || value === undefined ? '–' : `${Number(value).toFixed(1)} d`);

export async function performanceView({ view, showError, clearMessage, query }) {
  const state = {
    from: query.get('from') ?? isoDay(Date.now() - 90 * DAY_MS),
    to: query.get('to') ?? isoDay(Date.now()),
    groupBy: query.get('groupBy') ?? 'carrier',
    carrier: query.get('carrier') ?? '',
  };
  const form = h(
    'form',
    { class: 'filters', id: 'performance-filters' },
    h('label', {}, 'From', h('input', { type: 'date', name: 'from', value: state.from, required: true })),
    h('label', {}, 'To (inclusive)', h('input', { type: 'date', name: 'to', value: state.to, required: true })),
    h('label', {}, 'By', h('select', { name: 'groupBy' }, h('option', { value: 'carrier', selected: state.groupBy === 'carrier' }, 'carrier'), h('option', { value: 'lane', selected: state.groupBy === 'lane' }, 'lane'))),
    h('label', {}, 'Carrier', h('input', { name: 'carrier', value: state.carrier, size: 12, placeholder: 'all' })),
    h('button', { type: 'submit', class: 'primary' }, 'Show'),
  );
  const results = h('div', { id: 'performance-results' });

  async function load() {
    const params = new URLSearchParams({ from: state.from, to: state.to, groupBy: state.groupBy });
    if (state.carrier !== '') params.set('carrier', state.carrier);
    window.history.replaceState(null, '', `/dashboard/performance?${params}`);
    const report = await getJson(`/v1/reports/carrier-performance?${params}`);
    const bars = (pick) => report.rows.map((row) => ({ label: groupLabel(row, report.groupBy), value: pick(row) }));
    render(
      results,
      h('p', { class: 'muted' }, `Shipments registered ${report.from.slice(0, 10)} to ${report.to.slice(0, 10)} (end exclusive), by ${report.groupBy}.`),
      report.rows.length === 0
        ? h('p', { class: 'muted' }, 'no shipments in this range')
        : h(
            'div',
            { class: 'charts' },
            barChart({ title: 'On-time rate', bars: bars((r) => r.onTimeRate), max: 1, format: percent, testId: 'chart-on-time' }),
            barChart({ title: 'p90 transit days', bars: bars((r) => r.p90TransitDays), format: days, className: 'second', testId: 'chart-p90' }),
          ),
      table(
        [
          [report.groupBy === 'carrier' ? 'Carrier' : 'Lane', (r) => groupLabel(r, report.groupBy)],
          ['Shipments', (r) => r.shipments, 'num'],
          ['Delivered', (r) => r.delivered, 'num'],
          ['On time', (r) => percent(r.onTimeRate), 'num'],
          ['Median transit', (r) => days(r.medianTransitDays), 'num'],
          ['p90 transit', (r) => days(r.p90TransitDays), 'num'],
          ['Exceptions', (r) => percent(r.exceptionRate), 'num'],
          ['Customs holds', (r) => percent(r.customsHoldRate), 'num'],
          ['Lost', (r) => percent(r.lostRate), 'num'],
        ],
        report.rows,
        { id: 'performance-table', empty: 'no shipments in this range' },
      ),
    );
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(form);
    for (const name of Object.keys(state)) state[name] = String(data.get(name) ?? '').trim();
    clearMessage();
    load().catch(showError);
  });
  render(view, h('h1', {}, 'Carrier performance'), form, results);
  await load();
}
