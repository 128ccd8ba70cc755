import { z } from 'zod';
import { eventSchemasByType } from './events/registry.js';
import { EVENT_TYPES, TOPICS, dlqTopic } from './topics.js';
import type { EventType } from './topics.js';

/**
 * JSON Schema (draft 2020-12) for every event, for consumers written in other languages.
 * Generated in 'input' mode: objects do not forbid unknown properties, matching the zod
 * schemas, which ignore them — a v1 event may gain optional fields without breaking readers.
 * What JSON Schema cannot say (subject = data.shipmentId, zoneUnknown <=> offset null) is
 * checked only by the zod schemas.
 */
export function eventJsonSchema(type: EventType): Record<string, unknown> {
  const schema = z.toJSONSchema(eventSchemasByType[type], { io: 'input', unrepresentable: 'any' });
  return { ...schema, $id: `https://parcelwatch.dev/schemas/${type}.json`, title: type };
}

/** Every generated file, keyed by file name in packages/contracts/json-schema, as its exact text. */
export function jsonSchemaFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const type of Object.values(EVENT_TYPES)) {
    files.set(`${type}.json`, `${JSON.stringify(eventJsonSchema(type), null, 2)}\n`);
  }
  const topics = TOPICS.map((topic) => ({ ...topic, dlq: dlqTopic(topic.name) }));
  files.set('topics.json', `${JSON.stringify({ topics }, null, 2)}\n`);
  return files;
}
