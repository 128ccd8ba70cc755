// What the exception pipeline stored, in the oracle's shape, and a readable diff between the two.
import type { Database } from '@parcelwatch/db';
import type { Kysely } from 'kysely';
import { sortRows, type Expected } from './exception-pipeline.oracle.js';

export type Outcome = Omit<Expected, 'ambiguous'>;

export async function storedOutcomes(db: Kysely<Database>): Promise<Map<string, Outcome>> {
  const shipments = await db.selectFrom('shipments').select(['id', 'tracking_number']).orderBy('tracking_number').execute();
  const exceptions = await db.selectFrom('exceptions').select(['shipment_id', 'kind', 'status', 'severity', 'resolution']).execute();
  const delays = await db.selectFrom('delays').select(['shipment_id', 'days_late', 'tier']).where('against', '=', 'promised').execute();
  const compensations = await db
    .selectFrom('compensations')
    .select(['shipment_id', 'tier', 'action', 'amount_minor', 'currency', 'approval_level', 'status'])
    .orderBy('tier')
    .execute();
  const outcomes = new Map<string, Outcome>();
  for (const s of shipments) {
    const latest = delays.filter((d) => d.shipment_id === s.id).sort((a, b) => b.days_late - a.days_late)[0];
    outcomes.set(s.tracking_number, {
      trackingNumber: s.tracking_number,
      exceptions: sortRows(exceptions.filter((e) => e.shipment_id === s.id).map((e) => ({ kind: e.kind, status: e.status, severity: e.severity, resolution: e.resolution }))),
      maxDaysLate: latest?.days_late ?? 0,
      tier: latest?.tier ?? 0,
      compensations: compensations
        .filter((c) => c.shipment_id === s.id)
        .map((c) => ({ tier: c.tier, action: c.action, amountMinor: c.amount_minor, currency: c.currency.trim(), approval: c.approval_level, status: c.status })),
    });
  }
  return outcomes;
}

const line = (o: Outcome | undefined): string =>
  o === undefined
    ? 'missing'
    : [
        `exceptions ${o.exceptions.map((e) => `${e.kind}:${e.status}:${e.severity}${e.resolution ? `:${e.resolution}` : ''}`).join(' ') || '-'}`,
        `late ${o.maxDaysLate}d tier ${o.tier}`,
        `compensations ${o.compensations.map((c) => `t${c.tier}:${c.action}:${c.amountMinor}${c.currency}:${c.approval}:${c.status}`).join(' ') || '-'}`,
      ].join(' | ');

/** One block per shipment that differs: what was expected and what is stored. */
export function diffOutcomes(expected: readonly Outcome[], stored: Map<string, Outcome>, label = (tn: string) => tn): string[] {
  const diffs: string[] = [];
  for (const want of expected) {
    const have = stored.get(want.trackingNumber);
    const a = line(want);
    const b = line(have);
    if (a !== b) diffs.push(`${label(want.trackingNumber)}\n  expected ${a}\n  stored   ${b}`);
  }
  for (const tn of stored.keys()) if (!expected.some((e) => e.trackingNumber === tn)) diffs.push(`${tn}: stored but not planned`);
  return diffs;
}
