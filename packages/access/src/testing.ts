import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { randomUUID } from 'node:crypto';
import { createDb, insertApiKey, migrateToLatest, type Database } from '@parcelwatch/db';
import { createLogger } from '@parcelwatch/logger';
import { createHealthServer, createMetricsRegistry, fixedClock, type Clock } from '@parcelwatch/service-kit';
import { generateApiKey, withAccessLayer, type Role } from './index.js';

/*
 * For tests (`@parcelwatch/access/testing`): a service's own HTTP server as its main.ts builds
 * it (createHealthServer through runService, routes wrapped by withAccessLayer), on a migrated
 * PGlite with real API keys. Compensation, notifier and archiver test their own ports with it.
 */
export interface OwnPortServer {
  db: Kysely<Database>;
  clock: Clock;
  call(method: string, path: string, key: string | null, body?: unknown): Promise<{ status: number; body: { error?: string; message?: string } | null }>;
  merchant(): Promise<string>;
  key(role: Role, merchantIds: readonly string[]): Promise<string>;
  close(): Promise<void>;
}

export async function startOwnPortServer(register: (app: FastifyInstance, deps: { db: Kysely<Database>; clock: Clock }) => void): Promise<OwnPortServer> {
  const logger = createLogger({ name: 'own-port-access', level: 'silent' });
  const db = await createDb({ kind: 'pglite' });
  await migrateToLatest(db);
  const clock = fixedClock('2026-03-02T10:00:00.000Z');
  const server = createHealthServer({
    logger,
    registry: createMetricsRegistry({ service: 'own-port-access' }),
    checks: [],
    port: 0,
    routes: withAccessLayer({ db, clock, logger }, (app) => register(app, { db, clock })),
  });
  const url = await server.listen();
  return {
    db,
    clock,
    async call(method, path, key, body) {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(key === null ? {} : { authorization: `Bearer ${key}` }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: text === '' ? null : JSON.parse(text) };
    },
    async merchant() {
      const id = randomUUID();
      await db.insertInto('merchants').values({ id, name: `merchant ${id.slice(0, 8)}` }).execute();
      return id;
    },
    async key(role, merchantIds) {
      const generated = generateApiKey();
      await insertApiKey(db, { id: randomUUID(), name: `${role} test key`, keyHash: generated.hash, prefix: generated.prefix, role, merchantIds, createdAt: new Date() });
      return generated.key;
    },
    async close() {
      await server.close();
      await db.destroy();
    },
  };
}
