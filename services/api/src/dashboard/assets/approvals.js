// The approval queue: pending compensations, green-channel (VIP) cases first with a badge, then
// oldest first, as the api orders them, with approve and reject. Reject asks
// for a reason; approve asks for evidence references when the policy requires them. A decided
// row leaves the list; the api's answer (or its refusal) is shown. A key whose role may not
// decide (a viewer) sees the queue read-only: the buttons are disabled and say why.
import { getJson, postJson, whoami } from './api.js';
import { h, money, render, table } from './dom.js';

export async function approvalsView({ view, showError, showMessage, clearMessage }) {
  const [body, me] = await Promise.all([getJson('/v1/reports/compensations/queue?limit=200'), whoami()]);
  const mayDecide = me.may.decideCompensations;
  const readOnly = `this ${me.key?.role ?? ''} key may not approve or reject; an approver or admin key can`;
  const count = h('p', { class: 'muted', id: 'queue-count' });
  const setCount = (n) => (count.textContent = `${n} pending decision${n === 1 ? '' : 's'}`);
  let remaining = body.items.length;
  setCount(remaining);

  function decisionCell(item) {
    const cell = h('div', { class: 'decision' });
    const approve = h('button', { type: 'button', class: 'primary', 'data-action': 'approve' }, 'Approve');
    const reject = h('button', { type: 'button', 'data-action': 'reject' }, 'Reject');
    if (!mayDecide) {
      for (const button of [approve, reject]) Object.assign(button, { disabled: true, title: readOnly });
    }
    const idle = () => render(cell, approve, reject);

    async function decide(verb, payload) {
      try {
        clearMessage();
        const result = await postJson(`/compensations/${encodeURIComponent(item.compensationId)}/${verb}`, payload);
        showMessage(`${verb === 'approve' ? 'Approved' : 'Rejected'}: tier ${result.tier} ${result.action} for ${item.trackingNumber}, now ${result.status}${result.approver ? ` (by ${result.approver})` : ''}.`, 'ok');
        cell.closest('tr')?.remove();
        remaining -= 1;
        setCount(remaining);
      } catch (err) {
        showError(err);
      }
    }

    /** An inline field and a confirm button in place of the two buttons. */
    function ask(verb, label, placeholder, toPayload) {
      const field = h('input', { name: `${verb}-input`, placeholder, 'aria-label': label, required: verb === 'reject' });
      const confirm = h('button', { type: 'button', class: 'primary', 'data-action': `confirm-${verb}` }, verb === 'approve' ? 'Confirm approve' : 'Confirm reject');
      const cancel = h('button', { type: 'button' }, 'Cancel');
      confirm.addEventListener('click', () => {
        const text = field.value.trim();
        if (text === '') return showMessage(`${label}: required`);
        void decide(verb, toPayload(text));
      });
      cancel.addEventListener('click', idle);
      render(cell, field, confirm, cancel);
      field.focus();
    }

    approve.addEventListener('click', () => {
      if (item.evidenceRequired) ask('approve', 'Evidence', 'proof or message references, comma-separated', (text) => ({ evidence: text.split(',').map((s) => s.trim()).filter(Boolean) }));
      else void decide('approve', {});
    });
    reject.addEventListener('click', () => ask('reject', 'Reason', 'why this is rejected', (reason) => ({ reason })));
    idle();
    return cell;
  }

  render(
    view,
    h('h1', {}, 'Approval queue'),
    count,
    mayDecide ? null : h('p', { class: 'muted', id: 'queue-read-only' }, `Read only: ${readOnly}.`),
    table(
      [
        ['Shipment', (r) => [h('a', { href: `/dashboard/shipments/${encodeURIComponent(r.shipmentId)}` }, r.trackingNumber), vipBadge(r)]],
        ['Order', (r) => r.orderId],
        ['Carrier', (r) => r.carrier],
        ['Tier', (r) => r.tier, 'num'],
        ['Action', (r) => r.action],
        ['Amount', (r) => money(r.amount)],
        ['Needs', (r) => `${r.approvalLevel}${r.evidenceRequired ? ' + evidence' : ''}`],
        ['Rule', (r) => r.ruleFired],
        ['Why', (r) => r.explanation ?? '–'],
        ['Waiting', (r) => `${r.waitingHours} h`, 'num'],
        ['Decision', decisionCell],
      ],
      body.items,
      { id: 'approval-table', rowId: (r) => r.compensationId, empty: 'nothing waiting for approval' },
    ),
  );
}

/** Green channel: a buyer with 500+ USD lifetime spend, handled first (the queue already comes in that order). */
function vipBadge(item) {
  if (item.channel !== 'green') return null;
  return h('span', { class: 'badge vip', 'data-badge': 'vip', title: 'Green channel: lifetime spend reaches the VIP threshold; handled first, reship first' }, 'VIP');
}
