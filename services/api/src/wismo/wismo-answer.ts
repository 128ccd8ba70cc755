import type { BuyerPageRows } from '@parcelwatch/db';
import { buyerPageView } from '../tracking/buyer-page.view.js';
import type { PageText } from '../tracking/text/index.js';

/*
 * One shipment's "where is my order" answer: the structured facts a bot can act on, and a text
 * it can send as it is, in the buyer's language, from the same view the tracking page renders
 * (so the page and the bot never say two different things).
 */

const iso = (value: Date | null) => value?.toISOString() ?? null;

export function wismoShipmentAnswer(rows: BuyerPageRows, locale: string, text: PageText, trackingUrl: string | null) {
  const s = rows.shipment;
  const view = buyerPageView(rows, locale, text);
  const estimate = view.delivered !== null ? view.delivered : view.estimate === null ? null : `${text.expectedDelivery}: ${view.estimate.text} (${view.estimate.source})`;
  const sentences = [
    `${text.answerIntro(s.order_id)}: ${view.statusText}.`,
    ...(estimate === null ? [] : [`${estimate}.`]),
    ...view.customs,
    ...view.problems,
    ...view.remedies,
    ...(trackingUrl === null ? [] : [`${text.answerFollow}: ${trackingUrl}`]),
  ];
  return {
    structured: {
      orderNumber: s.order_id,
      trackingNumber: s.tracking_number,
      carrier: { code: s.carrier, name: view.carrier.name, trackingUrl: view.carrier.url },
      milestone: s.status,
      reason: s.status_reason,
      statusAt: iso(s.status_at),
      lastCheckpointAt: iso(s.last_checkpoint_at),
      deliveredAt: iso(s.delivered_at),
      estimatedDelivery:
        s.delivered_at !== null
          ? null
          : s.estimated_delivery_at !== null
            ? { earliest: iso(s.estimated_delivery_at), latest: iso(s.estimated_delivery_latest_at), source: s.estimated_delivery_source ?? 'learned' }
            : s.promised_delivery_date !== null
              ? { earliest: s.promised_delivery_date, latest: s.promised_delivery_date, source: 'promised' }
              : null,
      openExceptions: rows.openExceptions.map((e) => ({ kind: e.kind, status: e.status, severity: e.severity, openedAt: e.opened_at.toISOString() })),
      remedies: rows.remedies.map((r) => ({ tier: r.tier, action: r.action, status: r.status, amount: r.amount_minor > 0 ? { amountMinor: r.amount_minor, currency: r.currency } : null })),
      trackingUrl,
    },
    text: sentences.join(' '),
  };
}
