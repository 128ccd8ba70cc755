// One shipment: the timeline with the carrier's local times, exceptions, the buyer
// communication log, compensations, and proof bundles with their short-lived download links.
import { getJson } from './api.js';
import { h, money, orDash, render, safeUrl, table, utc } from './dom.js';

/** The carrier's wall clock: the instant at its offset, or its own text when it gave no zone. */
function localTime(entry) {
  if (entry.localIso) return `${entry.localIso.slice(0, 16).replace('T', ' ')} (UTC${offsetText(entry.utcOffsetMinutes)})`;
  return entry.localTime ? `${entry.localTime} (zone unknown)` : '–';
}

function offsetText(minutes) {
  if (minutes === null || minutes === undefined) return '';
  const sign = minutes < 0 ? '−' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

function place(location) {
  return orDash(location.text ?? [location.city, location.state, location.country].filter(Boolean).join(', '));
}

/** A download link when the url is one a browser can follow (http/https), else why not. */
function downloadLink(label, url, testId) {
  if (safeUrl(url) === null) return h('span', { class: 'muted' }, `${label} (no download link: the archive serves none here)`);
  return h('a', { href: url, download: '', 'data-testid': testId, rel: 'noreferrer' }, label);
}

function proofBlock(proof) {
  return h(
    'div',
    { class: 'proof', 'data-proof': proof.id },
    h('h3', {}, `${proof.kind} bundle, ${utc(proof.createdAt)}`),
    h('p', { class: 'muted' }, `manifest SHA-256 ${proof.manifestSha256}`, proof.linksExpireAt ? `; links expire ${utc(proof.linksExpireAt)} (reload for fresh ones)` : ''),
    h(
      'ul',
      {},
      h('li', {}, downloadLink('manifest', proof.manifest.downloadUrl, 'proof-manifest')),
      proof.parts.map((part) => h('li', {}, downloadLink(orDash(part.name ?? part.key), part.downloadUrl, 'proof-part'), ` ${orDash(part.contentType)}, ${orDash(part.size)} bytes`)),
    ),
  );
}

export async function shipmentView({ view }, shipmentId) {
  const detail = await getJson(`/v1/shipments/${encodeURIComponent(shipmentId)}`);
  const s = detail.shipment;
  const summary = h(
    'dl',
    { class: 'summary' },
    [
      ['Tracking number', s.trackingNumber],
      ['Carrier', `${s.carrier} (via ${s.provider})`],
      ['Order', s.orderId],
      ['Merchant', s.merchantId],
      ['Lane', `${orDash(s.originCountry)} → ${orDash(s.destinationCountry)}`],
      ['Milestone', s.reason ? `${s.milestone} (${s.reason})` : s.milestone],
      ['Last scan', utc(s.lastCheckpointAt)],
      ['Promised', orDash(s.promisedDeliveryDate)],
      ['Delivered', utc(s.deliveredAt)],
      ['Order value', money(s.orderValue)],
      // Shown only when the poller cannot poll it (no carrier account for its provider).
      ...(s.pollProblem ? [['Polling', h('strong', { class: 'poll-problem' }, s.pollProblem)]] : []),
    ].flatMap(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]),
  );
  render(
    view,
    h('p', {}, h('a', { href: '/dashboard/stuck' }, '← Stuck parcels')),
    h('h1', {}, `Shipment ${s.trackingNumber}`),
    summary,
    h('h2', {}, 'Timeline'),
    table(
      [
        ['Local time', localTime],
        ['UTC', (e) => utc(e.occurredAt)],
        ['Milestone', (e) => (e.reason ? `${e.milestone} (${e.reason})` : e.milestone)],
        ['Location', (e) => place(e.location)],
        ['Carrier says', (e) => orDash(e.rawText)],
        ['Code', (e) => orDash(e.rawCode)],
        ['Source', (e) => e.source],
      ],
      detail.timeline,
      { id: 'timeline', empty: 'no checkpoints yet' },
    ),
    h('h2', {}, 'Exceptions'),
    table(
      [
        ['Kind', (e) => e.kind],
        ['Status', (e) => e.status],
        ['Severity', (e) => orDash(e.severity)],
        ['Opened', (e) => utc(e.openedAt)],
        ['Escalations', (e) => e.escalationCount, 'num'],
        ['Resolved', (e) => (e.resolvedAt ? `${utc(e.resolvedAt)} ${orDash(e.resolution)}` : '–')],
      ],
      detail.exceptions,
      { id: 'exceptions', empty: 'no exceptions' },
    ),
    h('h2', {}, 'Buyer notifications'),
    table(
      [
        ['Trigger', (n) => n.trigger],
        ['Channel', (n) => n.channel],
        ['Template', (n) => `${n.template} (${n.locale})`],
        ['Status', (n) => (n.deferReason ? `${n.status}: ${n.deferReason}` : n.errorCode ? `${n.status}: ${n.errorCode}` : n.status)],
        ['Sent', (n) => utc(n.sentAt)],
        ['Attempts', (n) => n.attempts, 'num'],
      ],
      detail.notifications,
      { id: 'notifications', empty: 'no messages' },
    ),
    h('h2', {}, 'Compensations'),
    table(
      [
        ['Tier', (c) => c.tier, 'num'],
        ['Action', (c) => c.action],
        ['Amount', (c) => money(c.amount)],
        ['Status', (c) => (c.rejectedReason ? `${c.status}: ${c.rejectedReason}` : c.status)],
        ['Approval', (c) => `${c.approvalLevel}${c.approver ? ` by ${c.approver}` : ''}`],
        ['Rule', (c) => c.ruleFired],
        ['Decided', (c) => utc(c.decidedAt)],
      ],
      detail.compensations,
      { id: 'compensations', empty: 'no compensations' },
    ),
    h('h2', {}, 'Proofs'),
    detail.proofs.length === 0 ? h('p', { class: 'muted' }, 'no proof bundles yet') : h('div', { id: 'proofs' }, detail.proofs.map(proofBlock)),
  );
}
