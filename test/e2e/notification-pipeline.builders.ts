// How the notification e2e builds its notifier and archiver, apart from the stages that run them:
// a fault test's child process (test/faults/service-process.ts) builds them the same way. No
// test harness imported here (it needs jest), only the services.
import { createS3BlobStore, createS3Client, type S3BlobStore } from '@parcelwatch/archive';
import { createArchiverService, type ArchiverService } from '@parcelwatch/archiver';
import type { EventBus } from '@parcelwatch/bus';
import type { Database } from '@parcelwatch/db';
import type { Logger } from '@parcelwatch/logger';
import { createTikTokShopMarketplace } from '@parcelwatch/marketplace';
import { parseOutboundAllow } from '@parcelwatch/outbound';
import {
  createEmailSender,
  createMarketplaceMessageSender,
  createMerchantWebhooks,
  createNotifierService,
  createSmsSender,
  seededRandom,
  type ChannelSender,
  type MerchantWebhooksSubsystem,
  type NotifierService,
} from '@parcelwatch/notifier';
import type { Clock } from '@parcelwatch/service-kit';
import type { s3Settings } from '@parcelwatch/test-harness';
import type { Kysely } from 'kysely';

export const SMS_CREDENTIALS = { accountSid: 'ACe2e0000001', authToken: 'e2e-sms-token' };
export const SHOP = { appKey: 'e2e-app', appSecret: 'e2e-app-secret', accessToken: 'e2e-token', shopCipher: 'ROW_e2e' };

/** Where the stages' servers listen: what a notifier or archiver in another process needs to reach them. */
export interface StageSinks {
  smtpUrl: string;
  smsUrl: string;
  marketplaceUrl: string;
  s3: ReturnType<typeof s3Settings>;
  bucket: string;
}

/** The notifier's or archiver's inputs: the pipeline's clock, database, bus and topics. */
export interface StageDeps {
  logger: Logger;
  clock: Clock;
  db: Kysely<Database>;
  bus: EventBus;
  topics: Record<string, string>;
  /** Messages per transaction (default: the service's). */
  maxBatchSize?: number;
}

/** The buyer channels, on the sinks. */
export function stageSenders(sinks: StageSinks, nowSeconds: () => number): ChannelSender[] {
  return [
    createEmailSender({ smtpUrl: sinks.smtpUrl, defaultFrom: 'notifications@e2e.example' }),
    createSmsSender({ baseUrl: sinks.smsUrl, ...SMS_CREDENTIALS, from: '+15550000000' }),
    createMarketplaceMessageSender(createTikTokShopMarketplace({ baseUrl: sinks.marketplaceUrl, ...SHOP, shopCipher: () => SHOP.shopCipher, nowSeconds })),
  ];
}

export function stageBlobStore(sinks: StageSinks): S3BlobStore {
  const s3 = sinks.s3;
  const client = createS3Client({ endpoint: s3.endpoint, region: s3.region, forcePathStyle: s3.forcePathStyle, credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } });
  return createS3BlobStore({ client, bucket: sinks.bucket });
}

export function stageMerchantWebhooks(deps: Pick<StageDeps, 'logger' | 'clock' | 'db'>, notificationsTopic: string): MerchantWebhooksSubsystem {
  return createMerchantWebhooks({
    db: deps.db,
    clock: deps.clock,
    logger: deps.logger,
    notificationsTopic,
    // The stages' receiver listens on loopback: allowed explicitly, as an on-premises receiver would be.
    allow: parseOutboundAllow('127.0.0.1/32').entries,
    worker: { intervalMs: 0, disableAfterFailures: 20, random: seededRandom(7) },
  });
}

export function stageNotifier(deps: StageDeps, parts: { senders: ChannelSender[]; merchantWebhooks: MerchantWebhooksSubsystem; notificationsTopic: string; groupId: string }): NotifierService {
  const t = deps.topics;
  return createNotifierService({
    logger: deps.logger,
    clock: deps.clock,
    db: deps.db,
    bus: deps.bus,
    senders: parts.senders,
    merchantWebhooks: parts.merchantWebhooks,
    topics: { shipmentEvents: t['shipmentEvents']!, exceptions: t['shipmentExceptions']!, delays: t['shipmentDelays']!, compensations: t['compensations']!, notifications: parts.notificationsTopic },
    groupId: parts.groupId,
    dispatchIntervalMs: 0,
    ...(deps.maxBatchSize ? { maxBatchSize: deps.maxBatchSize } : {}),
  });
}

export function stageArchiver(deps: StageDeps, parts: { blobStore: S3BlobStore; proofsTopic: string; groupId: string }): ArchiverService {
  return createArchiverService({
    logger: deps.logger,
    clock: deps.clock,
    db: deps.db,
    bus: deps.bus,
    blobStore: parts.blobStore,
    topics: { snapshots: deps.topics['trackingSnapshots']!, shipmentEvents: deps.topics['shipmentEvents']!, proofs: parts.proofsTopic },
    groupId: parts.groupId,
    ...(deps.maxBatchSize ? { maxBatchSize: deps.maxBatchSize } : {}),
  });
}
