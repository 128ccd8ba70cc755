import type { Kysely } from 'kysely';
import { normalizeTrackingNumber } from '@parcelwatch/carriers';
import { buildTrackingSnapshotEvent, encodeSnapshotPayload, fitsJsonb, idFromName, snapshotSha256, type SnapshotPayload } from '@parcelwatch/contracts';
import { enqueueOutbox, findShipmentsByTrackingNumber, recordWebhookReceipt, type Database, transactionWithOutbox } from '@parcelwatch/db';
import type { Clock } from '@parcelwatch/service-kit';
import { isWebhookProvider, SIGNATURE_HEADERS, verifySignature, type WebhookProvider } from './webhook-signature.js';

export type WebhookSecrets = Partial<Record<WebhookProvider, string>>;

export type WebhookOutcome =
  | { kind: 'accepted'; snapshots: number }
  /** Signed and fresh, but about no shipment we track: 202, nothing written. */
  | { kind: 'ignored'; reason: 'unknown_tracking_number'; trackingNumber: string }
  | { kind: 'refused'; status: 400 | 401 | 404; error: string; message: string };

export interface WebhookIntakeDeps {
  db: Kysely<Database>;
  clock: Clock;
  secrets: WebhookSecrets;
  /** How far a signed timestamp may be from now, either way, in seconds. */
  toleranceSeconds: number;
  /**
   * How long receipts of pushes without a signed time are kept (the retention policy's
   * untimedWebhookReceiptDays): such a push whose newest event is older cannot be told from a
   * replay of a pruned receipt, and is refused. Default 90.
   */
  untimedReceiptDays?: number;
  snapshotsTopic: string;
}

export interface WebhookIntake {
  receive(provider: string, headers: Readonly<Record<string, string | string[] | undefined>>, rawBody: Buffer): Promise<WebhookOutcome>;
}

/** What the push says about itself, read after the signature has been checked. */
interface PushFacts {
  trackingNumber: string | null;
  event: string | null;
  eventId: string | null;
  signedAt: Date | null;
  /** 17TRACK: the newest carrier event the push reports (it carries no signed time). */
  newestEventAt: Date | null;
}

function asRecord(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}
/** A non-empty string PostgreSQL can store (the facts land in text and jsonb columns); anything else counts as absent. */
const asString = (value: unknown): string | null => (typeof value === 'string' && value !== '' && fitsJsonb(value) ? value : null);

function readFacts(provider: WebhookProvider, body: Record<string, unknown>): PushFacts {
  if (provider === '17track') {
    const latest = asRecord(asRecord(asRecord(body.data)?.track_info)?.latest_event);
    const at = asString(latest?.time_utc) ?? asString(latest?.time_iso);
    const newest = at === null ? null : new Date(at);
    return {
      trackingNumber: asString(asRecord(body.data)?.number),
      event: asString(body.event),
      eventId: null,
      signedAt: null,
      newestEventAt: newest !== null && Number.isFinite(newest.getTime()) ? newest : null,
    };
  }
  const msg = asRecord(body.msg);
  // The flat tracking of 2024-07+ webhooks, or v4's `{ tracking }`.
  const number = asString(msg?.tracking_number) ?? asString(asRecord(msg?.tracking)?.tracking_number);
  // A ts no Date can hold (1e300) is as good as missing: NaN would slip past the window check.
  const signed = typeof body.ts === 'number' ? new Date(body.ts * 1000) : null;
  const ts = signed !== null && Number.isFinite(signed.getTime()) ? signed : null;
  return { trackingNumber: number, event: asString(body.event), eventId: asString(body.event_id), signedAt: ts, newestEventAt: null };
}

/** What shipment registration accepts as a tracking number, after `normalizeTrackingNumber`. */
const REGISTRABLE_NUMBER = /^[A-Z0-9]{4,64}$/;

/**
 * The push as the snapshot carries it: as JSON when jsonb can hold it, else as the exact bytes in
 * base64 (the normalizer parses those the same way), so a signed push is never refused, or
 * answered with a 500, for text the database cannot store.
 */
function snapshotPayload(body: Record<string, unknown>, rawBody: Buffer, contentType: string | string[] | undefined): SnapshotPayload {
  const type = (Array.isArray(contentType) ? contentType[0] : contentType) ?? 'application/json';
  return encodeSnapshotPayload({ bytes: rawBody, contentType: type.includes('json') ? type : 'application/json', json: { value: body } });
}

const DAY_MS = 86_400_000;
const DEFAULT_UNTIMED_RECEIPT_DAYS = 90;

class ReplayRefused extends Error {
  readonly retriable = false;
}

const refuse = (status: 400 | 401 | 404, error: string, message: string): WebhookOutcome => ({ kind: 'refused', status, error, message });

/**
 * Carrier push intake: signature over the raw bytes (constant time), then freshness and
 * replay, then one `tracking.snapshot.captured` per shipment with that number, written to the
 * outbox in the transaction that records the receipt. A refused push writes nothing.
 */
export function createWebhookIntake(deps: WebhookIntakeDeps): WebhookIntake {
  return {
    async receive(provider, headers, rawBody) {
      const secret = isWebhookProvider(provider) ? deps.secrets[provider] : undefined;
      if (!isWebhookProvider(provider) || secret === undefined) {
        return refuse(404, 'unknown_provider', `no webhook is configured for provider "${provider}"`);
      }
      const header = headers[SIGNATURE_HEADERS[provider]];
      const presented = Array.isArray(header) ? header[0] : header;
      if (!verifySignature(provider, rawBody, secret, presented)) {
        return refuse(401, 'invalid_signature', `missing or invalid ${SIGNATURE_HEADERS[provider]} signature`);
      }

      let body: Record<string, unknown> | null;
      try {
        body = asRecord(JSON.parse(rawBody.toString('utf8')));
      } catch {
        body = null;
      }
      if (body === null) return refuse(400, 'invalid_body', 'body must be a JSON object');
      const facts = readFacts(provider, body);
      const now = deps.clock.now().toJSDate();
      if (provider === 'aftership') {
        if (facts.signedAt === null) return refuse(401, 'replay', 'ts is missing: a push without its timestamp cannot be checked for replay');
        const skewSeconds = Math.abs(now.getTime() - facts.signedAt.getTime()) / 1000;
        if (skewSeconds > deps.toleranceSeconds) {
          return refuse(401, 'replay', `ts is ${Math.round(skewSeconds)} s away from now; at most ${deps.toleranceSeconds} s is accepted`);
        }
      }
      if (facts.signedAt === null && facts.newestEventAt !== null) {
        const days = deps.untimedReceiptDays ?? DEFAULT_UNTIMED_RECEIPT_DAYS;
        const ageDays = (now.getTime() - facts.newestEventAt.getTime()) / DAY_MS;
        if (ageDays > days) {
          return refuse(401, 'replay', `the push carries no timestamp and its newest event is ${Math.floor(ageDays)} days old; receipts of such pushes are kept ${days} days, so an older one cannot be told from a replay`);
        }
      }
      if (facts.trackingNumber === null) return refuse(400, 'invalid_body', 'the push names no tracking number');

      const trackingNumber = normalizeTrackingNumber(facts.trackingNumber);
      // Registration only takes numbers of this shape, so any other names no shipment of ours;
      // and PostgreSQL would refuse a NUL in the lookup (a 500 the provider would retry).
      if (!REGISTRABLE_NUMBER.test(trackingNumber)) return { kind: 'ignored', reason: 'unknown_tracking_number', trackingNumber: JSON.stringify(trackingNumber.slice(0, 80)) };
      const shipments = await findShipmentsByTrackingNumber(deps.db, trackingNumber, provider);
      if (shipments.length === 0) return { kind: 'ignored', reason: 'unknown_tracking_number', trackingNumber };

      const sha256 = snapshotSha256(rawBody);
      const replayKey = facts.eventId === null ? `sha256:${sha256}` : `event:${facts.eventId}`;
      const fetchedAt = now.toISOString();
      try {
        await transactionWithOutbox(deps.db, async (trx) => {
          const fresh = await recordWebhookReceipt(trx, { provider, replayKey, bodySha256: sha256, signedAt: facts.signedAt, receivedAt: now });
          if (!fresh) throw new ReplayRefused(`${provider} webhook ${replayKey} was already accepted`);
          const payload = snapshotPayload(body, rawBody, headers['content-type']);
          await enqueueOutbox(
            trx,
            shipments.map((shipment) => {
              const snapshotId = idFromName('webhook-snapshot', provider, replayKey, shipment.id);
              const built = buildTrackingSnapshotEvent({
                shipment,
                snapshotId,
                eventId: idFromName('tracking.snapshot.captured', snapshotId),
                provider,
                source: 'webhook',
                fetchedAt,
                httpStatus: null,
                sha256,
                payload,
                metadata: {
                  webhookEvent: facts.event,
                  webhookEventId: facts.eventId,
                  signedAt: facts.signedAt?.toISOString() ?? null,
                  signatureVerified: true,
                  byteSize: rawBody.length,
                },
                producer: 'parcelwatch/api',
                capturedAt: fetchedAt,
              });
              // Every input was checked above; a failure here is a defect, not the provider's fault.
              if (!built.ok) throw new Error(`webhook snapshot for shipment ${shipment.id}: ${built.reason}`);
              return { topic: deps.snapshotsTopic, key: shipment.id, event: built.event };
            }),
          );
        });
      } catch (err) {
        if (err instanceof ReplayRefused) return refuse(401, 'replay', err.message);
        throw err;
      }
      return { kind: 'accepted', snapshots: shipments.length };
    },
  };
}
