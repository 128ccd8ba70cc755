// The reference for the exception e2e: what the detector and compensation should have decided,
// replayed step by step from each journey's TRUE timeline (what the poller could see at each step)
// and the documented rules (ARCHITECTURE.md "Detection" and "Compensation tiers", the detector and
// compensation READMEs, the shipped policy). Written apart from the services' code on purpose.
import type { Journey, JourneyEvent } from '@parcelwatch/carrier-sandbox';
import { DateTime } from 'luxon';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Default thresholds (ARCHITECTURE.md table). */
const T = { stallDays: 5, postalStallDays: 7, customsHours: 48, overdueHours: 24, pickupDays: 3, lostDays: 30, tier1: 3, tier2: 14 };
/** Reminders (detector README): a level every 72 h a customs hold lasts (at most 2), every 2 days a parcel waits at a pickup point (at most 1). */
const REMINDER = { customsHours: 72, customsMax: 2, pickupDays: 2, pickupMax: 1 };
const reminderLevel = (firedAt: number, now: number, every: number, max: number): number => Math.min(max, Math.floor((now - firedAt) / every));
const SEVERITY: Record<string, string[]> = {
  not_picked_up: ['medium'],
  stalled: ['medium'],
  customs_hold: ['medium', 'high'],
  delivery_overdue: ['medium'],
  failed_delivery: ['medium', 'high'],
  pickup_uncollected: ['medium', 'high'],
  returning: ['medium', 'high'],
  lost: ['critical'],
  damaged: ['high'],
  late: ['low', 'medium', 'high'],
};

/** A shipment as registered: its journey and what the seller told us. */
export interface RegisteredJourney {
  journey: Journey;
  promisedDeliveryDate: string;
  orderValue: { amountMinor: number; currency: 'USD' | 'EUR' };
  /** The carrier the tracking number was detected as (china-post is a postal lane). */
  postal: boolean;
}

export interface ExpectedException {
  kind: string;
  status: 'open' | 'escalated' | 'resolved';
  severity: string;
  resolution: string | null;
}
export interface ExpectedCompensation {
  tier: number;
  action: string;
  amountMinor: number;
  currency: string;
  approval: string;
  status: string;
}
export interface Expected {
  trackingNumber: string;
  exceptions: ExpectedException[];
  maxDaysLate: number;
  tier: number;
  compensations: ExpectedCompensation[];
  /** A step where a compensation trigger on one topic and another on the other topic arrive together: their order decides. */
  ambiguous: string | null;
}

interface State {
  status: string;
  reason: string | null;
  statusAt: number;
  lastAt: number;
  infoAt: number | null;
  pickedUpAt: number | null;
  customsClearedAt: number | null;
  deliveredAt: number | null;
  returnedAt: number | null;
  failedAttempts: number;
}

/** The reasons 17TRACK's sub-statuses can carry back (its mapping drops the rest). */
function storedReason(event: JourneyEvent): string | null {
  switch (event.kind) {
    case 'origin_hub_arrival':
    case 'destination_hub_arrival':
      return 'arrived_destination_country';
    case 'departed_hub':
      return 'departed_origin';
    case 'delivered':
      return 'other';
    default:
      return event.reason ?? null;
  }
}

function stateAt(events: readonly JourneyEvent[], at: number): State | null {
  const seen = events.filter((e) => Date.parse(e.occurredAt) <= at);
  if (seen.length === 0) return null;
  const ms = (e: JourneyEvent) => Date.parse(e.occurredAt);
  const first = (pred: (e: JourneyEvent) => boolean) => {
    const e = seen.find(pred);
    return e ? ms(e) : null;
  };
  const last = seen[seen.length - 1]!;
  // The status moves only when milestone or reason changes: its time is the start of the last run.
  let runStart = seen.length - 1;
  while (runStart > 0 && seen[runStart - 1]!.milestone === last.milestone && storedReason(seen[runStart - 1]!) === storedReason(last)) runStart -= 1;
  return {
    status: last.milestone,
    reason: storedReason(last),
    statusAt: ms(seen[runStart]!),
    lastAt: ms(last),
    infoAt: first((e) => e.milestone === 'info_received'),
    pickedUpAt: first((e) => !['info_received', 'pending', 'not_found'].includes(e.milestone)),
    customsClearedAt: first((e) => e.reason === 'customs_released'),
    deliveredAt: first((e) => e.milestone === 'delivered'),
    returnedAt: first((e) => e.milestone === 'exception' && e.reason === 'returned'),
    failedAttempts: seen.filter((e) => e.milestone === 'failed_attempt').length,
  };
}

/** Buyer-calendar days from the promised date to the local date of `at`; 0 before its end. */
function daysLate(promised: string, zone: string, at: number): number {
  const deadline = DateTime.fromISO(promised, { zone }).plus({ days: 1 }).startOf('day').toMillis();
  if (at < deadline) return 0;
  const today = DateTime.fromMillis(at, { zone }).startOf('day');
  return Math.round(today.diff(DateTime.fromISO(promised, { zone }).startOf('day'), 'days').days);
}

const tierOf = (days: number): number => (days >= T.tier2 ? 2 : days >= T.tier1 ? 1 : 0);

type Verdict = { fire: number } | 'clear' | 'hold';

function verdicts(s: State | null, r: RegisteredJourney, now: number, late: number): Record<string, Verdict> {
  if (s === null) return {};
  const exception = (...reasons: string[]) => s.status === 'exception' && s.reason !== null && reasons.includes(s.reason);
  const returned = exception('returned');
  const delivered = s.status === 'delivered';
  const v: Record<string, Verdict> = {};
  v['not_picked_up'] = s.pickedUpAt === null && ['pending', 'info_received', 'not_found'].includes(s.status) && s.infoAt !== null && now >= s.infoAt + 72 * HOUR ? { fire: 0 } : 'clear';
  v['stalled'] = s.status === 'in_transit' && now >= s.lastAt + (r.postal ? T.postalStallDays : T.stallDays) * DAY ? { fire: 0 } : 'clear';
  const processing = s.status === 'in_transit' && s.reason === 'customs_processing' && !(s.customsClearedAt !== null && s.customsClearedAt >= s.statusAt);
  const held = exception('customs_hold', 'customs_documents_required', 'duties_unpaid');
  const customsFiredAt = held ? s.statusAt : processing ? s.statusAt + T.customsHours * HOUR : null;
  v['customs_hold'] = customsFiredAt !== null && now >= customsFiredAt ? { fire: reminderLevel(customsFiredAt, now, REMINDER.customsHours * HOUR, REMINDER.customsMax) } : 'clear';
  v['delivery_overdue'] = s.status === 'out_for_delivery' && now >= s.statusAt + T.overdueHours * HOUR ? { fire: 0 } : 'clear';
  const settled = delivered || s.status === 'available_for_pickup' || exception('returning', 'returned');
  v['failed_delivery'] = s.failedAttempts >= 1 && !settled ? { fire: s.failedAttempts >= 2 ? 1 : 0 } : 'clear';
  const pickupFiredAt = s.statusAt + T.pickupDays * DAY;
  v['pickup_uncollected'] = s.status === 'available_for_pickup' && now >= pickupFiredAt ? { fire: reminderLevel(pickupFiredAt, now, REMINDER.pickupDays * DAY, REMINDER.pickupMax) } : 'clear';
  v['returning'] = exception('returning') ? { fire: 0 } : returned ? { fire: 1 } : delivered ? 'clear' : 'hold';
  const silent = s.pickedUpAt !== null && !delivered && !returned && !['pending', 'info_received', 'not_found', 'available_for_pickup'].includes(s.status) && now >= s.lastAt + T.lostDays * DAY;
  v['lost'] = exception('lost', 'destroyed') || silent ? { fire: 0 } : 'clear';
  v['damaged'] = exception('damaged') ? { fire: 0 } : 'hold';
  v['late'] = !delivered && !returned && late >= 1 ? { fire: tierOf(late) } : 'clear';
  return v;
}

/** Compensation under the shipped policy (README "Policy"), for one trigger. */
class Compensator {
  readonly rows: ExpectedCompensation[] = [];
  constructor(private readonly value: RegisteredJourney['orderValue']) {}

  private get baseMinor(): number {
    return this.value.currency === 'EUR' ? Math.round(this.value.amountMinor / 0.92) : this.value.amountMinor;
  }

  private approval(): { approval: string; status: string } {
    const usd = this.baseMinor;
    if (usd < 3000) return { approval: 'auto', status: 'approved' };
    return { approval: usd <= 10000 ? 'supervisor' : 'manager', status: 'pending' };
  }

  decide(tier: number): void {
    if (tier === 0 || this.rows.some((row) => row.tier >= tier)) return;
    const due = this.rows.filter((row) => row.tier < tier && ['pending', 'approved', 'executing', 'executed'].includes(row.status)).reduce((sum, row) => sum + row.amountMinor, 0);
    const currency = this.value.currency;
    if (tier === 1) {
      this.rows.push({ tier, action: 'coupon', amountMinor: currency === 'EUR' ? 460 : 500, currency, ...this.approval() });
      return;
    }
    const full = tier === 2 ? Math.round((this.value.amountMinor * 30) / 100) : this.value.amountMinor;
    const amountMinor = full - due;
    const action = tier === 2 ? 'partial_refund' : 'full_refund';
    if (amountMinor <= 0) this.rows.push({ tier, action, amountMinor: 0, currency, approval: this.approval().approval, status: 'rejected' });
    else this.rows.push({ tier, action, amountMinor, currency, ...this.approval() });
  }
}

/** Replays the run's steps for one registered journey. */
export function expectedFor(r: RegisteredJourney, steps: readonly number[]): Expected {
  const open = new Map<string, { level: number; row: ExpectedException }>();
  const rows: ExpectedException[] = [];
  const compensator = new Compensator(r.orderValue);
  let recorded = 0;
  let ambiguous: string | null = null;
  const zone = r.journey.destination.zone;
  for (const now of steps) {
    const s = stateAt(r.journey.events, now);
    let asOf = now;
    if (s?.deliveredAt != null && s.status === 'delivered') asOf = Math.min(now, s.deliveredAt);
    else if (s?.status === 'exception' && s.reason === 'returned') asOf = Math.min(now, s.returnedAt ?? now);
    const late = s === null ? 0 : daysLate(r.promisedDeliveryDate, zone, asOf);
    const v = verdicts(s, r, now, late);
    const lostFires = typeof v['lost'] === 'object';
    const opened: string[] = [];
    for (const [kind, verdict] of Object.entries(v)) {
      const current = open.get(kind);
      if (kind === 'stalled' && lostFires) {
        if (current) close(kind, 'superseded');
        continue;
      }
      if (verdict === 'hold') continue;
      if (verdict === 'clear') {
        if (current) close(kind, s?.status === 'delivered' ? 'delivered' : s?.status === 'exception' && s.reason === 'returned' ? 'returned' : 'progressed');
        continue;
      }
      const severities = SEVERITY[kind]!;
      if (!current) {
        const row: ExpectedException = { kind, status: 'open', severity: severities[0]!, resolution: null };
        rows.push(row);
        open.set(kind, { level: 0, row });
        opened.push(kind);
      }
      const entry = open.get(kind)!;
      if (verdict.fire > entry.level) {
        entry.level = verdict.fire;
        entry.row.status = 'escalated';
        entry.row.severity = severities[Math.min(verdict.fire, severities.length - 1)]!;
      }
    }
    // A return is compensated (tier 3) only when the carrier caused it: in these journeys, a missorting before it.
    const carrierFault = r.journey.events.some((e) => e.kind === 'missorted' && Date.parse(e.occurredAt) <= now);
    const triggers = opened.filter((kind) => kind === 'lost' || kind === 'damaged' || (kind === 'returning' && carrierFault));
    const delayTier = late > recorded ? tierOf(late) : 0;
    if (late > recorded) recorded = late;
    const delayDecides = delayTier > 0 && !compensator.rows.some((row) => row.tier >= delayTier);
    if (triggers.length > 0 && delayDecides) ambiguous ??= `${new Date(now).toISOString()}: ${triggers.join(',')} with a ${late}-day delay`;
    for (const kind of triggers) compensator.decide(kind === 'damaged' ? 2 : 3);
    compensator.decide(delayTier);
  }
  return { trackingNumber: r.journey.trackingNumber, exceptions: sortRows(rows), maxDaysLate: recorded, tier: tierOf(recorded), compensations: compensator.rows, ambiguous };

  function close(kind: string, resolution: string): void {
    const entry = open.get(kind)!;
    entry.row.status = 'resolved';
    entry.row.resolution = resolution;
    open.delete(kind);
  }
}

export function sortRows<R extends { kind: string; status: string; severity: string; resolution: string | null }>(rows: R[]): R[] {
  const key = (r: R) => `${r.kind}|${r.status}|${r.severity}|${r.resolution ?? ''}`;
  return [...rows].sort((a, b) => key(a).localeCompare(key(b)));
}
