// Horizontal bar charts drawn as inline SVG: one bar per carrier or lane. No library, no
// inline styles (the CSP allows none): colours come from classes in dashboard.css.
import { h } from './dom.js';

const ROW = 22;
const LABEL_WIDTH = 190;
const BAR_WIDTH = 320;
const VALUE_WIDTH = 70;

/**
 * bars: [{ label, value }] (value null = no data). `max` fixes the scale (1 for rates);
 * otherwise the largest value. `format` prints a value.
 */
export function barChart({ title, bars, max, format, className = '', testId }) {
  const top = Math.max(max ?? 0, ...bars.map((b) => b.value ?? 0)) || 1;
  const height = bars.length * ROW + 24;
  const width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH;
  return h(
    'figure',
    { class: 'chart', 'data-testid': testId },
    h('figcaption', {}, title),
    h(
      'svg:svg',
      { width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': title },
      h('svg:line', { class: 'axis', x1: LABEL_WIDTH, y1: 0, x2: LABEL_WIDTH, y2: bars.length * ROW }),
      bars.map((bar, i) => {
        const y = i * ROW;
        const length = bar.value === null ? 0 : Math.max(1, Math.round((bar.value / top) * BAR_WIDTH));
        return h(
          'svg:g',
          { 'data-label': bar.label },
          h('svg:text', { x: LABEL_WIDTH - 6, y: y + 15, 'text-anchor': 'end' }, bar.label),
          h('svg:rect', { class: `bar-fill ${className}`, x: LABEL_WIDTH, y: y + 4, width: length, height: ROW - 8 }, h('svg:title', {}, `${bar.label}: ${format(bar.value)}`)),
          h('svg:text', { x: LABEL_WIDTH + length + 6, y: y + 15 }, format(bar.value)),
        );
      }),
      h('svg:text', { x: LABEL_WIDTH, y: bars.length * ROW + 18, class: 'muted' }, `scale 0 – ${format(top)}`),
    ),
  );
}
