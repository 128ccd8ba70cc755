import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { EVENT_TYPES, jsonSchemaFiles } from '../src/index.js';

const DIR = path.join(import.meta.dirname, '..', 'json-schema');
const HOW_TO_FIX = 'run `npm run gen:json-schema -w @parcelwatch/contracts` and commit json-schema/';

describe('json-schema/ (generated)', () => {
  it('is up to date with the zod schemas', async () => {
    const expected = jsonSchemaFiles();
    const onDisk = (await readdir(DIR)).filter((name) => name.endsWith('.json')).sort();
    expect({ files: onDisk, fix: HOW_TO_FIX }).toEqual({ files: [...expected.keys()].sort(), fix: HOW_TO_FIX });
    const stale: string[] = [];
    for (const [name, text] of expected) {
      if ((await readFile(path.join(DIR, name), 'utf8')) !== text) stale.push(name);
    }
    expect({ stale, fix: HOW_TO_FIX }).toEqual({ stale: [], fix: HOW_TO_FIX });
  });

  it('has one schema per event type, naming it', () => {
    const files = jsonSchemaFiles();
    for (const type of Object.values(EVENT_TYPES)) {
      const schema = JSON.parse(files.get(`${type}.json`) ?? '{}') as { title?: string; properties?: { type?: unknown } };
      expect(schema.title).toBe(type);
      expect(schema.properties?.type).toEqual({ type: 'string', const: type });
    }
  });
});
