import { countryCodeSchema, EXCEPTION_KINDS, merchantIdSchema, type ExceptionKind } from '@parcelwatch/contracts';
import { z } from 'zod';

const positive = z.number().positive();
const wholeDays = z.int().min(1);

/** Every rule's thresholds (ARCHITECTURE.md "Detection"); keys are the exception kinds. */
export const thresholdsSchema = z.object({
  not_picked_up: z.object({ hours: positive }).strict(),
  /** `postalDays` applies on postal lanes (see postal-carriers.ts), `days` on the rest. */
  stalled: z.object({ days: positive, postalDays: positive }).strict(),
  /** A reminder level every `reminderHours` the hold persists after it opened, up to `maxReminders`. */
  customs_hold: z.object({ processingHours: positive, reminderHours: positive, maxReminders: z.int().min(0) }).strict(),
  delivery_overdue: z.object({ hours: positive }).strict(),
  failed_delivery: z.object({ escalateAtAttempt: z.int().min(2) }).strict(),
  /** A reminder level every `reminderDays` the parcel still waits after it opened, up to `maxReminders`. */
  pickup_uncollected: z.object({ days: positive, reminderDays: positive, maxReminders: z.int().min(0) }).strict(),
  returning: z.object({}).strict(),
  lost: z.object({ days: positive }).strict(),
  damaged: z.object({}).strict(),
  /**
   * The transit estimate used when no date was promised: `defaultP50Days`/`defaultP90Days` until
   * a carrier + lane has `minHistorySamples` deliveries. Past `maxTrackedDays` late the delay is
   * no longer re-checked daily: by then the parcel is handled as lost, and a daily event for ever
   * would only be noise. The delay tiers are not here: they are the compensation policy's
   * (@parcelwatch/policy), so a delay event and the compensation it earns cannot disagree.
   */
  late: z
    .object({
      minHistorySamples: z.int().min(1),
      defaultP50Days: positive,
      defaultP90Days: positive,
      maxTrackedDays: wholeDays,
    })
    .strict(),
});
export type Thresholds = z.infer<typeof thresholdsSchema>;

/**
 * The table's defaults. Reminders: a customs hold is recalled to the buyer 3 and 6 days after it
 * opened (duties or documents often wait on the buyer); a parcel at a pickup point is told to the
 * buyer after 3 days and gets one last call 2 days later, 5 days in: UPS Access Points, DHL and
 * PostNL send a parcel back after 7 days (USPS and La Poste after 15), so the call still comes
 * in time. Transit defaults: 12 days median and 20 days p90 from pickup to
 * delivery, what sellers quote for economy CN -> US/EU lanes (ePacket, YunExpress), until 30
 * delivered shipments of the carrier + lane give a measured figure.
 */
export const DEFAULT_THRESHOLDS: Thresholds = {
  not_picked_up: { hours: 72 },
  stalled: { days: 5, postalDays: 7 },
  customs_hold: { processingHours: 48, reminderHours: 72, maxReminders: 2 },
  delivery_overdue: { hours: 24 },
  failed_delivery: { escalateAtAttempt: 2 },
  pickup_uncollected: { days: 3, reminderDays: 2, maxReminders: 1 },
  returning: {},
  lost: { days: 30 },
  damaged: {},
  late: { minHistorySamples: 30, defaultP50Days: 12, defaultP90Days: 20, maxTrackedDays: 60 },
};

/** Where an override applies; an unset scope matches any shipment. */
export interface OverrideScope {
  carrier: string | null;
  originCountry: string | null;
  destinationCountry: string | null;
  merchantId: string | null;
}

export interface ThresholdOverride extends OverrideScope {
  rule: ExceptionKind;
  /** Some fields of that rule's thresholds. */
  threshold: Record<string, number>;
  source: 'file' | 'database';
}

/** Validates one override's threshold against its rule: only that rule's fields, each valid. */
export function parseOverrideThreshold(rule: ExceptionKind, threshold: unknown): z.ZodSafeParseResult<Record<string, number>> {
  return (thresholdsSchema.shape[rule] as z.ZodObject).partial().safeParse(threshold) as z.ZodSafeParseResult<Record<string, number>>;
}

/** The config file (YAML or JSON): optional new defaults, then scoped overrides. */
export const thresholdsFileSchema = z
  .object({
    defaults: z.object(Object.fromEntries(EXCEPTION_KINDS.map((kind) => [kind, (thresholdsSchema.shape[kind] as z.ZodObject).partial().optional()]))).strict().optional(),
    overrides: z
      .array(
        z
          .object({
            rule: z.enum(EXCEPTION_KINDS),
            carrier: z.string().min(1).optional(),
            origin: countryCodeSchema.optional(),
            destination: countryCodeSchema.optional(),
            merchantId: merchantIdSchema.optional(),
            threshold: z.record(z.string(), z.number()),
          })
          .strict()
          .superRefine((entry, ctx) => {
            const parsed = parseOverrideThreshold(entry.rule, entry.threshold);
            if (!parsed.success) for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, path: ['threshold', ...issue.path] } as never);
          }),
      )
      .default([]),
  })
  .strict();
export type ThresholdsFile = z.infer<typeof thresholdsFileSchema>;

export interface ShipmentScope {
  carrier: string;
  originCountry: string | null;
  destinationCountry: string | null;
  merchantId: string;
}

function matches(override: OverrideScope, shipment: ShipmentScope): boolean {
  return (
    (override.carrier === null || override.carrier === shipment.carrier) &&
    (override.originCountry === null || override.originCountry === shipment.originCountry) &&
    (override.destinationCountry === null || override.destinationCountry === shipment.destinationCountry) &&
    (override.merchantId === null || override.merchantId === shipment.merchantId)
  );
}

/**
 * Precedence, most specific last (it wins field by field): compared in this order,
 * 1. naming the merchant beats not naming it (a seller's own setting is the most specific),
 * 2. then the lane: origin + destination beats one of them beats neither,
 * 3. then naming the carrier beats not,
 * 4. at equal scope, the database (edited live by ops) beats the config file,
 * 5. then, within one source, the later entry wins.
 */
function specificity(override: ThresholdOverride): number[] {
  const laneParts = (override.originCountry === null ? 0 : 1) + (override.destinationCountry === null ? 0 : 1);
  return [override.merchantId === null ? 0 : 1, laneParts, override.carrier === null ? 0 : 1, override.source === 'database' ? 1 : 0];
}

function compareSpecificity(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i += 1) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
  return 0;
}

/** Orders overrides least specific first (stable, so a later entry of equal rank stays later). */
export function orderBySpecificity(overrides: readonly ThresholdOverride[]): ThresholdOverride[] {
  return overrides
    .map((override, index) => ({ override, index, rank: specificity(override) }))
    .sort((a, b) => compareSpecificity(a.rank, b.rank) || a.index - b.index)
    .map((entry) => entry.override);
}

/** The thresholds for one shipment: defaults, then every matching override from least to most specific. */
export function thresholdsFor(base: Thresholds, ordered: readonly ThresholdOverride[], shipment: ShipmentScope): Thresholds {
  let result: Thresholds | null = null;
  for (const override of ordered) {
    if (!matches(override, shipment)) continue;
    result ??= structuredClone(base);
    Object.assign(result[override.rule], override.threshold);
  }
  return result ?? base;
}

/** Applies a file's `defaults` to the built-in table. */
export function withDefaults(base: Thresholds, file: ThresholdsFile | null): Thresholds {
  const result = structuredClone(base);
  for (const [kind, partial] of Object.entries(file?.defaults ?? {})) if (partial) Object.assign(result[kind as ExceptionKind], partial);
  return thresholdsSchema.parse(result);
}

export function fileOverrides(file: ThresholdsFile | null): ThresholdOverride[] {
  return (file?.overrides ?? []).map((entry) => ({
    rule: entry.rule,
    carrier: entry.carrier ?? null,
    originCountry: entry.origin ?? null,
    destinationCountry: entry.destination ?? null,
    merchantId: entry.merchantId ?? null,
    threshold: entry.threshold,
    source: 'file',
  }));
}
