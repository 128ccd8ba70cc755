// One consuming service as a process of its own, for the SIGKILL fault test: started by
// service-child.ts with `node --import tsx`, configured by FAULT_SERVICE (JSON ServiceSettings),
// built with the create functions the fault pipeline uses, one message per transaction so a
// step's input takes many commits. On a fixed clock the parent moves over IPC ({ now }).
// Sends { ready: true } once consuming; { stop: true } stops it cleanly. { killAfterCommit: group }
// arms the fault ({ killAfterCommit: null } disarms it): the process SIGKILLs itself the moment a
// transaction that recorded a new message of that group has committed (before anything else
// runs: no offset commit, no next message), so it dies with part of its input done, not all.
import { createKafkaBus, databaseDeadLetters, type KafkaClientName } from '@parcelwatch/bus';
import { createCompensationService, DEFAULT_POLICY_PATH, loadPolicyStore } from '@parcelwatch/compensation';
import { createDb } from '@parcelwatch/db';
import { createDetectorService } from '@parcelwatch/detector';
import { createLogger } from '@parcelwatch/logger';
import { createNormalizerService } from '@parcelwatch/normalizer';
import { fixedClock, type Service } from '@parcelwatch/service-kit';
import { stageArchiver, stageBlobStore, stageMerchantWebhooks, stageNotifier, stageSenders } from '../e2e/notification-pipeline.builders.js';
import { killAfterCommitOf } from './commit-kill-switch.js';
import type { ServiceSettings } from './fault-pipeline.js';

const BATCH = 1;
const settings = JSON.parse(process.env['FAULT_SERVICE'] ?? '{}') as ServiceSettings;
const logger = createLogger({ name: `fault-${settings.service}`, level: 'error' });
const clock = fixedClock(settings.now);
const db = await createDb({ kind: 'postgres', url: settings.databaseUrl, max: 4 });
// A short session: the group hands a killed member's partitions to its successor within seconds.
const bus = createKafkaBus(process.env['KAFKA_CLIENT'] as KafkaClientName | undefined, { brokers: settings.brokers, clientId: `fault-${settings.service}`, logger, consumer: { sessionTimeoutMs: 10_000, heartbeatIntervalMs: 1_000 }, deadLetters: databaseDeadLetters(db) });
await bus.connect();

async function build(): Promise<Service> {
  const { topics: t, groups } = settings;
  const deps = { logger, clock, db, bus, maxBatchSize: BATCH };
  switch (settings.service) {
    case 'normalizer':
      return createNormalizerService({ ...deps, topics: { trackingSnapshots: t.trackingSnapshots, shipmentEvents: t.shipmentEvents }, groupId: groups.normalizer });
    case 'detector':
      return createDetectorService({ ...deps, policy: await loadPolicyStore(DEFAULT_POLICY_PATH, logger), topics: t, groupId: groups.detector, sweep: { enabled: false } });
    case 'compensation':
      return createCompensationService({
        ...deps,
        policy: await loadPolicyStore(DEFAULT_POLICY_PATH, logger),
        executor: null,
        topics: { delays: t.shipmentDelays, exceptions: t.shipmentExceptions, compensations: t.compensations },
        groupId: groups.compensation,
      });
    case 'notifier': {
      const notificationsTopic = t['notifications']!;
      const senders = stageSenders(settings.sinks, () => clock.now().toSeconds());
      return stageNotifier({ ...deps, topics: t }, { senders, merchantWebhooks: stageMerchantWebhooks(deps, notificationsTopic), notificationsTopic, groupId: groups.notifier });
    }
    case 'archiver':
      return stageArchiver({ ...deps, topics: t }, { blobStore: stageBlobStore(settings.sinks), proofsTopic: t['proofs']!, groupId: groups.archiver });
  }
}

const service = await build();
const armKill = killAfterCommitOf();

process.on('message', (message: { now?: string; stop?: boolean; killAfterCommit?: string | null }) => {
  if (message.now) clock.set(message.now);
  if (message.killAfterCommit !== undefined) armKill(message.killAfterCommit);
  if (message.stop) {
    void (async () => {
      await service.stop();
      await bus.disconnect();
      await db.destroy();
      process.exit(0);
    })();
  }
});
// The parent went away without stopping us (jest killed): do not outlive it.
process.on('disconnect', () => process.exit(0));

await service.start();
process.send?.({ ready: true });
