import { sha256Hex, type BlobStore } from '@parcelwatch/archive';
import { schemaParser, type BatchContext, type DbTransaction, type MessageParser, type ReceivedMessage, type SafeParseSchema } from '@parcelwatch/bus';
import { trackingSnapshotCapturedEventSchema, type TrackingSnapshotCapturedEvent } from '@parcelwatch/contracts';
import { findArchivedSnapshots, insertArchivedSnapshot } from '@parcelwatch/db';
import { putOnce } from './bundle/blob-writes.js';
import { rawSnapshotKey } from './bundle/proof-keys.js';

export const snapshotParser: MessageParser<TrackingSnapshotCapturedEvent> = schemaParser(
  trackingSnapshotCapturedEventSchema as unknown as SafeParseSchema<TrackingSnapshotCapturedEvent>,
  'tracking snapshot',
);

/** The bytes to keep: a JSON body as JSON text, anything else decoded from its base64 transport. */
export function snapshotBytes(payload: TrackingSnapshotCapturedEvent['data']['payload']): { body: Buffer; ext: 'json' | 'bin'; contentType: string } {
  if (payload.encoding === 'json') return { body: Buffer.from(JSON.stringify(payload.body) ?? 'null', 'utf8'), ext: 'json', contentType: 'application/json' };
  return { body: Buffer.from(payload.body, 'base64'), ext: 'bin', contentType: payload.contentType };
}

/**
 * Copies each raw carrier snapshot into the blob store and records it. A redelivered snapshot
 * finds its row and is skipped; one whose blob was stored before a crash is written again under
 * the same key with the same bytes (putOnce sees them and writes nothing).
 */
export function createSnapshotArchiver(options: { blobStore: BlobStore; retentionMs: number }) {
  return async (trx: DbTransaction, messages: ReceivedMessage<TrackingSnapshotCapturedEvent>[], context?: BatchContext): Promise<void> => {
    const known = new Set((await findArchivedSnapshots(trx, messages.map((m) => m.event.data.snapshotId))).map((row) => row.snapshot_id));
    for (const { event } of messages) {
      const data = event.data;
      if (known.has(data.snapshotId)) continue;
      known.add(data.snapshotId);
      const fetchedAt = new Date(data.fetchedAt);
      const { body, ext, contentType } = snapshotBytes(data.payload);
      const key = rawSnapshotKey(event.merchantid, data.shipmentId, fetchedAt, sha256Hex(body), ext);
      const put = await putOnce(options.blobStore, key, body, {
        contentType,
        retainUntil: new Date(fetchedAt.getTime() + options.retentionMs),
      });
      await insertArchivedSnapshot(trx, {
        snapshot_id: data.snapshotId,
        shipment_id: data.shipmentId,
        blob_key: key,
        sha256: put.sha256,
        received_sha256: data.sha256,
        content_type: contentType,
        byte_size: body.length,
        fetched_at: fetchedAt,
        retain_until: put.retainedUntil,
      });
      context?.logger.debug({ shipmentId: data.shipmentId, snapshotId: data.snapshotId, sha256: put.sha256 }, 'raw snapshot archived');
    }
  };
}
