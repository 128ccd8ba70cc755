import { z } from 'zod';

/**
 * Two-level status taxonomy (close to AfterShip's tag/subtag and 17TRACK's status/sub-status).
 * A milestone says where the parcel is in its journey; a reason refines it. Milestones
 * `pending`, `expired` and `not_found` carry no reason (`null`).
 */
export const MILESTONES = [
  'pending',
  'info_received',
  'in_transit',
  'out_for_delivery',
  'available_for_pickup',
  'failed_attempt',
  'delivered',
  'exception',
  'expired',
  'not_found',
] as const;
export const milestoneSchema = z.enum(MILESTONES);
export type Milestone = z.infer<typeof milestoneSchema>;

export const REASONS_BY_MILESTONE = {
  pending: [],
  info_received: ['label_created'],
  in_transit: [
    'picked_up',
    'departed_origin',
    'arrived_hub',
    'departed_hub',
    'customs_processing',
    'customs_released',
    'arrived_destination_country',
    'forwarded',
    'in_transit_other',
  ],
  out_for_delivery: ['out_for_delivery'],
  available_for_pickup: ['at_pickup_point'],
  failed_attempt: ['recipient_unavailable', 'business_closed', 'refused', 'address_issue', 'security', 'other'],
  delivered: ['signed', 'left_at_door', 'neighbour', 'pickup_point', 'other'],
  exception: [
    'customs_hold',
    'customs_documents_required',
    'duties_unpaid',
    'returning',
    'returned',
    'damaged',
    'lost',
    'destroyed',
    'delayed_weather',
    'delayed_carrier',
    'held_for_payment',
    'cancelled',
    'other',
  ],
  expired: [],
  not_found: [],
} as const satisfies Record<Milestone, readonly string[]>;

export type ReasonOf<M extends Milestone> = (typeof REASONS_BY_MILESTONE)[M][number];
export type Reason = ReasonOf<Milestone>;
export const REASONS = [...new Set(Object.values(REASONS_BY_MILESTONE).flat())] as unknown as readonly [
  Reason,
  ...Reason[],
];
/** Any known reason, regardless of milestone. Use `milestoneStatusSchema` to check a pair. */
export const reasonSchema = z.enum(REASONS);

/** A milestone with a reason valid for it, e.g. `{ milestone: 'delivered', reason: 'signed' }`. */
export type MilestoneStatus = {
  [M in Milestone]: { milestone: M; reason: [ReasonOf<M>] extends [never] ? null : ReasonOf<M> };
}[Milestone];

function reasonFor(milestone: Milestone) {
  const reasons: readonly string[] = REASONS_BY_MILESTONE[milestone];
  const [first, ...rest] = reasons;
  return first === undefined ? z.null() : z.enum([first, ...rest]);
}

/**
 * `{ ...shape, milestone, reason }` as a discriminated union on `milestone`, so the pair is
 * checked by the schema (and by the generated JSON Schema), and narrowing on `milestone`
 * narrows `reason` in TypeScript.
 */
export function withStatus<TShape extends z.ZodRawShape>(
  shape: TShape,
): z.ZodType<z.output<z.ZodObject<TShape>> & MilestoneStatus> {
  const variants = MILESTONES.map((milestone) =>
    z.object({ ...shape, milestone: z.literal(milestone), reason: reasonFor(milestone) }),
  );
  // The variants are built from data, so TypeScript cannot see the union's members; the
  // declared return type states what the discriminator enforces at runtime.
  return z.discriminatedUnion('milestone', variants as unknown as [z.ZodObject, ...z.ZodObject[]]) as never;
}

export const milestoneStatusSchema = withStatus({}).meta({ id: 'MilestoneStatus' });

export function isValidStatus(milestone: string, reason: string | null): boolean {
  return milestoneStatusSchema.safeParse({ milestone, reason }).success;
}

/**
 * Journey progress, for the "never move backwards" rule. The last-mile milestones share one
 * rank because a parcel legitimately cycles between them (out for delivery -> failed attempt
 * -> held at a pickup point -> out for delivery again). `exception` and `expired` have no
 * rank: they can happen at any point and are handled by explicit rules in `isForwardMove`.
 */
export const PROGRESS_RANK: Readonly<Record<Milestone, number | null>> = {
  pending: 0,
  not_found: 0,
  info_received: 1,
  in_transit: 2,
  out_for_delivery: 3,
  available_for_pickup: 3,
  failed_attempt: 3,
  delivered: 4,
  exception: null,
  expired: null,
};

const RETURN_REASONS: readonly Reason[] = ['returning', 'returned'];
/** Reasons after which nothing the carrier reports changes the status. */
const TERMINAL_EXCEPTION_REASONS: readonly Reason[] = ['returned', 'destroyed'];
/** What can still happen to a parcel on its way back to the sender. */
const DURING_RETURN_REASONS: readonly Reason[] = ['returned', 'lost', 'destroyed', 'damaged'];

export type StatusInput = Milestone | { milestone: Milestone; reason?: Reason | null };

function toStatus(input: StatusInput): { milestone: Milestone; reason: Reason | null } {
  return typeof input === 'string' ? { milestone: input, reason: null } : { milestone: input.milestone, reason: input.reason ?? null };
}

/**
 * Should a shipment whose status is `from` take the status `to` of a NEWER event?
 *
 * Callers first compare event times: an event older than the shipment's latest checkpoint
 * never changes the status (a late scan is added to the timeline only). This function then
 * guards against carriers that emit a newer but less advanced scan (a hub scan after
 * delivery, a "label created" after pickup):
 * - same milestone and reason: no move; same milestone, other reason: moves (a newer scan
 *   refines it, e.g. arrived_hub -> departed_hub), except out of a terminal exception.
 * - `exception/returned` and `exception/destroyed` are terminal: nothing moves them.
 * - `delivered` is final except for a newer return: delivered -> exception/returning|returned
 *   (or a newer delivered scan with another reason, e.g. left_at_door -> signed).
 * - `exception/returning` only moves on to returned, lost, destroyed or damaged; mappers must
 *   map "delivered back to sender" to exception/returned, not to delivered.
 * - nothing moves back to `pending` / `not_found` (except pending -> not_found).
 * - `expired` (set by the time sweep) may replace any other non-final status; any newer real
 *   carrier event moves a shipment out of `expired`.
 * - any non-final status may move to `exception`; an exception is left by a newer event that
 *   is at least in transit (a customs hold released, a lost parcel found).
 * - otherwise the progress rank must grow, or stay within the last-mile group.
 */
export function isForwardMove(fromInput: StatusInput, toInput: StatusInput): boolean {
  const from = toStatus(fromInput);
  const to = toStatus(toInput);
  if (from.milestone === to.milestone && from.reason === to.reason) return false;
  if (from.milestone === 'exception' && from.reason !== null && TERMINAL_EXCEPTION_REASONS.includes(from.reason)) {
    return false;
  }
  if (from.milestone === 'delivered') {
    if (to.milestone === 'delivered') return true;
    return to.milestone === 'exception' && to.reason !== null && RETURN_REASONS.includes(to.reason);
  }
  if (from.milestone === 'exception' && from.reason === 'returning') {
    return to.milestone === 'exception' && to.reason !== null && DURING_RETURN_REASONS.includes(to.reason);
  }
  if (to.milestone === 'pending' || to.milestone === 'not_found') {
    return from.milestone === 'pending' && to.milestone === 'not_found';
  }
  if (to.milestone === 'expired' || to.milestone === 'exception') return true;
  if (from.milestone === to.milestone) return true;

  const toRank = PROGRESS_RANK[to.milestone] ?? 0;
  if (from.milestone === 'expired') return true;
  if (from.milestone === 'exception') return toRank >= (PROGRESS_RANK.in_transit ?? 0);
  const fromRank = PROGRESS_RANK[from.milestone] ?? 0;
  return toRank > fromRank || (toRank === fromRank && toRank === PROGRESS_RANK.out_for_delivery);
}
