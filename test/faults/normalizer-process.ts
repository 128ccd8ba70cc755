// The normalizer as a process of its own, for the SIGKILL fault test: started by
// normalizer-child.ts with `node --import tsx`, configured by FAULT_NORMALIZER (JSON), on a fixed
// clock the parent moves over IPC ({ now }). Sends { ready: true } once consuming; { stop: true }
// stops it cleanly. One snapshot per transaction, so a step's snapshots take many commits.
import { databaseDeadLetters, KafkaBus } from '@parcelwatch/bus';
import { createDb } from '@parcelwatch/db';
import { createLogger } from '@parcelwatch/logger';
import { createNormalizerService } from '@parcelwatch/normalizer';
import { fixedClock } from '@parcelwatch/service-kit';

interface Settings {
  brokers: string[];
  databaseUrl: string;
  topics: { trackingSnapshots: string; shipmentEvents: string };
  groupId: string;
  now: string;
}

const settings = JSON.parse(process.env['FAULT_NORMALIZER'] ?? '{}') as Settings;
const logger = createLogger({ name: 'fault-normalizer', level: 'error' });
const clock = fixedClock(settings.now);
const db = await createDb({ kind: 'postgres', url: settings.databaseUrl, max: 4 });
const bus = new KafkaBus({ brokers: settings.brokers, clientId: 'fault-normalizer', logger, deadLetters: databaseDeadLetters(db) });
await bus.connect();
const service = createNormalizerService({ logger, clock, db, bus, topics: settings.topics, groupId: settings.groupId, maxBatchSize: 1 });

process.on('message', (message: { now?: string; stop?: boolean }) => {
  if (message.now) clock.set(message.now);
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
