import { sha256Hex, type BlobStore } from '@parcelwatch/archive';
import { createIdempotentHandler, schemaParser, type BatchHandler, type MessageParser, type ReceivedMessage, type SafeParseSchema, type TransactionalDb } from '@parcelwatch/bus';
import { snapshotPayloadBytes, trackingSnapshotCapturedEventSchema, type TrackingSnapshotCapturedEvent } from '@parcelwatch/contracts';
import { recordArchivedSnapshots } from '@parcelwatch/db';
import { putOnce } from './bundle/blob-writes.js';
import { rawSnapshotKey } from './bundle/proof-keys.js';

export const snapshotParser: MessageParser<TrackingSnapshotCapturedEvent> = schemaParser(
  trackingSnapshotCapturedEventSchema as unknown as SafeParseSchema<TrackingSnapshotCapturedEvent>,
  'tracking snapshot',
);

/** Blob writes in flight at once for one batch (each is a file write + fsync, or an S3 PUT). */
const PUT_CONCURRENCY = 8;

type ArchivedRow = Parameters<typeof recordArchivedSnapshots>[1][number];

/**
 * Copies each raw carrier snapshot into the blob store and records where, on the snapshot's row. The blobs are written
 * first, outside the transaction (a connection is not held across file or S3 I/O; on embedded
 * PGlite, the one session would wait on every fsync), then the batch's rows go in with one
 * statement inside it. A blob written for a batch whose transaction then fails is written again
 * under the same key with the same bytes on redelivery (putOnce sees them and writes nothing),
 * and a row never points at a blob not yet stored. A redelivered snapshot finds its row archived
 * and changes nothing.
 */
export function createSnapshotArchiveHandler(options: { db: TransactionalDb; groupId: string; blobStore: BlobStore; retentionMs: number }): BatchHandler<TrackingSnapshotCapturedEvent> {
  async function store(messages: readonly ReceivedMessage<TrackingSnapshotCapturedEvent>[]): Promise<Map<string, ArchivedRow>> {
    const rows = new Map<string, ArchivedRow>();
    const seen = new Set<string>();
    const unique = messages.filter(({ event }) => !seen.has(event.data.snapshotId) && seen.add(event.data.snapshotId));
    for (let i = 0; i < unique.length; i += PUT_CONCURRENCY) {
      await Promise.all(
        unique.slice(i, i + PUT_CONCURRENCY).map(async ({ event }) => {
          const data = event.data;
          const fetchedAt = new Date(data.fetchedAt);
          const { bytes: body, ext, contentType } = snapshotPayloadBytes(data.payload);
          const key = rawSnapshotKey(event.merchantid, data.shipmentId, fetchedAt, sha256Hex(body), ext);
          const put = await putOnce(options.blobStore, key, body, { contentType, retainUntil: new Date(fetchedAt.getTime() + options.retentionMs) });
          rows.set(data.snapshotId, {
            id: data.snapshotId,
            shipmentId: data.shipmentId,
            provider: data.provider,
            source: data.source,
            fetchedAt: data.fetchedAt,
            httpStatus: data.httpStatus,
            sha256: data.sha256,
            byteSize: body.length,
            metadata: data.metadata,
            blobKey: key,
            archivedSha256: put.sha256,
            contentType,
            retainUntil: put.retainedUntil,
          });
        }),
      );
    }
    return rows;
  }

  return async (messages, context) => {
    const stored = await store(messages);
    const record = createIdempotentHandler<TrackingSnapshotCapturedEvent>({
      db: options.db,
      groupId: options.groupId,
      apply: async (trx, fresh) => {
        const rows = [...new Set(fresh.map((m) => m.event.data.snapshotId))].map((id) => stored.get(id)!);
        const archived = new Set(await recordArchivedSnapshots(trx, rows));
        for (const row of rows.filter((r) => archived.has(r.id))) context.logger.debug({ shipmentId: row.shipmentId, snapshotId: row.id, sha256: row.archivedSha256 }, 'raw snapshot archived');
      },
    });
    await record(messages, context);
  };
}
