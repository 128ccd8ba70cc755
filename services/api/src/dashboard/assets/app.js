// The dashboard shell: sign-in, navigation between views (history API: each view has its own
// URL under /dashboard, served the same page), and the message line for errors and results.
import { ApiError, getJson, session, whoami } from './api.js';
import { h, render } from './dom.js';
import { approvalsView } from './approvals.js';
import { performanceView } from './performance.js';
import { shipmentView } from './shipment.js';
import { stuckView } from './stuck.js';

const view = document.getElementById('view');
const messageLine = document.getElementById('message');
const nav = document.getElementById('nav');
const signOutButton = document.getElementById('sign-out');
const who = document.getElementById('who');

/** The signed-in key's name and role beside Sign out. */
async function showWho() {
  try {
    const me = await whoami();
    who.textContent = me.key === null ? '' : `${me.key.name} (${me.key.role})`;
    who.hidden = me.key === null;
  } catch {
    // A view's own call reports the problem (a 401 signs out).
    who.hidden = true;
  }
}

/** Shows `text` on the message line: an error (default) or a result (`ok`). */
export function showMessage(text, kind = 'error') {
  messageLine.textContent = text;
  messageLine.className = kind === 'ok' ? 'message ok' : 'message';
  messageLine.hidden = false;
}

export function clearMessage() {
  messageLine.hidden = true;
  messageLine.textContent = '';
}

/** What a failed call shows: the api's message for 401/403 and every other 4xx. A 401 also signs out. */
export function showError(err) {
  if (err instanceof ApiError) {
    showMessage(`${err.status === 401 ? 'Not signed in' : err.status === 403 ? 'Not allowed' : 'Request failed'} (${err.status}): ${err.message}`);
    if (err.status === 401) {
      session.signOut();
      void route();
    }
    return;
  }
  showMessage(`Request failed: ${err instanceof Error ? err.message : String(err)}`);
}

export function navigate(path) {
  window.history.pushState(null, '', path);
  clearMessage();
  void route();
}

function signInView() {
  nav.hidden = true;
  signOutButton.hidden = true;
  who.hidden = true;
  const input = h('input', { id: 'api-key', name: 'apiKey', type: 'password', autocomplete: 'off', required: true, placeholder: 'pw_…' });
  const form = h(
    'form',
    { class: 'sign-in', id: 'sign-in' },
    h('h1', {}, 'Sign in'),
    h('p', { class: 'muted' }, 'Paste an API key (viewer, approver or admin). `parcelwatch start` keeps an admin key in data/admin-key. The key stays in this tab only.'),
    h('label', {}, 'API key', input),
    h('div', {}, h('button', { type: 'submit', class: 'primary' }, 'Sign in')),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const key = input.value.trim();
    try {
      // Any report the key may read proves it; an ingest key gets the api's 403 message.
      await getJson('/v1/reports/compensations/queue?limit=1', { key });
      session.signIn(key);
      clearMessage();
      const next = window.location.pathname === '/dashboard' || window.location.pathname === '/dashboard/' ? '/dashboard/stuck' : window.location.pathname + window.location.search;
      navigate(next);
    } catch (err) {
      showError(err);
    }
  });
  render(view, form);
  input.focus();
}

const ROUTES = [
  [/^\/dashboard\/?$/, () => stuckView],
  [/^\/dashboard\/stuck$/, () => stuckView],
  [/^\/dashboard\/performance$/, () => performanceView],
  [/^\/dashboard\/approvals$/, () => approvalsView],
  [/^\/dashboard\/shipments\/([^/]+)$/, (match) => (context) => shipmentView(context, decodeURIComponent(match[1]))],
];

async function route() {
  if (!session.key()) return signInView();
  nav.hidden = false;
  signOutButton.hidden = false;
  void showWho();
  const path = window.location.pathname;
  for (const link of nav.querySelectorAll('a')) link.classList.toggle('current', path.startsWith(link.getAttribute('href')));
  for (const [pattern, pick] of ROUTES) {
    const match = pattern.exec(path);
    if (match === null) continue;
    const show = pick(match);
    render(view, h('p', { class: 'muted' }, 'Loading…'));
    try {
      await show({ view, navigate, showError, showMessage, clearMessage, query: new URLSearchParams(window.location.search) });
    } catch (err) {
      showError(err);
    }
    return;
  }
  render(view, h('p', {}, 'No such page. ', h('a', { href: '/dashboard/stuck' }, 'Stuck parcels')));
}

// Same-page links (nav, shipment links) switch views without a reload.
document.addEventListener('click', (event) => {
  const link = event.target instanceof Element ? event.target.closest('a') : null;
  if (link === null || link.hasAttribute('download') || link.target === '_blank') return;
  const url = new URL(link.href, window.location.href);
  if (url.origin !== window.location.origin || !url.pathname.startsWith('/dashboard')) return;
  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
  event.preventDefault();
  navigate(url.pathname + url.search);
});

signOutButton.addEventListener('click', () => {
  session.signOut();
  clearMessage();
  navigate('/dashboard');
});
window.addEventListener('popstate', () => void route());
void route();
