// Where a checkpoint's time goes in the pipeline bench, from the timestamps the pipeline writes
// itself (no instrumentation in the product): per shipment of a latency run,
//   due -> normalizer transaction start   (processed_messages.processed_at of the snapshot: Kafka + the normalizer's queue)
//   -> shipment event published            (outbox.published_at: the normalizer's handler, its commit and the relay's wait)
//   -> notifier transaction start           (notifications.created_at: Kafka + the notifier's queue)
//   -> email sent                           (notifications.sent_at: planning, the dispatch loop's wait, claim and send)
import type { Database } from '@parcelwatch/db';
import { sql, type Kysely } from 'kysely';
import { percentile } from './pipeline-workload.js';

export interface StageInput {
  shipmentId: string;
  snapshotEventId: string;
  due: number;
}

export type StageFigures = Record<string, { p50: number; p99: number }>;

export async function stageBreakdown(db: Kysely<Database>, normalizerGroup: string, shipmentEventsTopic: string, items: readonly StageInput[]): Promise<StageFigures> {
  const rows = await sql<{ shipment_id: string; normalized: Date; published: Date; planned: Date; sent: Date }>`
    SELECT i.shipment_id, p.processed_at AS normalized, o.published AS published, n.created_at AS planned, n.sent_at AS sent
    FROM jsonb_to_recordset(${JSON.stringify(items.map((i) => ({ shipment_id: i.shipmentId, event_id: i.snapshotEventId })))}::jsonb) AS i(shipment_id uuid, event_id text)
    JOIN processed_messages p ON p.consumer_group = ${normalizerGroup} AND p.message_id = i.event_id
    -- One pass over the topic's rows (outbox has no index by key): a hash join, not a scan per shipment.
    JOIN (SELECT message_key, max(published_at) AS published FROM outbox WHERE topic = ${shipmentEventsTopic} GROUP BY message_key) o ON o.message_key = i.shipment_id::text
    JOIN notifications n ON n.shipment_id = i.shipment_id AND n.status = 'sent'`.execute(db);
  const due = new Map(items.map((i) => [i.shipmentId, i.due]));
  const spans: Record<string, number[]> = { 'Kafka + normalizer queue': [], 'normalizer handler + relay wait': [], 'Kafka + notifier queue': [], 'notifier planning + dispatch (wait, claim, send)': [], total: [] };
  for (const row of rows.rows) {
    const t0 = due.get(row.shipment_id)!;
    const [a, b, c, d] = [row.normalized, row.published, row.planned, row.sent].map((t) => new Date(t).getTime()) as [number, number, number, number];
    spans['Kafka + normalizer queue']!.push(a - t0);
    spans['normalizer handler + relay wait']!.push(b - a);
    spans['Kafka + notifier queue']!.push(c - b);
    spans['notifier planning + dispatch (wait, claim, send)']!.push(d - c);
    spans['total']!.push(d - t0);
  }
  const figures: StageFigures = {};
  for (const [name, values] of Object.entries(spans)) {
    values.sort((x, y) => x - y);
    figures[name] = { p50: Math.round(percentile(values, 50)), p99: Math.round(percentile(values, 99)) };
  }
  return figures;
}
