import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { apiConfigSchema } from '@parcelwatch/api';
import { archiverConfigSchema } from '@parcelwatch/archiver';
import { compensationConfigSchema } from '@parcelwatch/compensation';
import { detectorConfigSchema } from '@parcelwatch/detector';
import { normalizerConfigSchema } from '@parcelwatch/normalizer';
import { notifierConfigSchema } from '@parcelwatch/notifier';
import { pollerConfigSchema } from '@parcelwatch/poller';

/*
 * docs/configuration.md is what an operator reads to deploy: every key a service's schema reads
 * has a row there, and no row names a key that nothing reads.
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const schemas = { apiConfigSchema, archiverConfigSchema, compensationConfigSchema, detectorConfigSchema, normalizerConfigSchema, notifierConfigSchema, pollerConfigSchema };

const read = () => new Set(Object.values(schemas).flatMap((schema) => Object.keys(schema.shape)));
const documented = () =>
  new Set([...readFileSync(path.join(root, 'docs/configuration.md'), 'utf8').matchAll(/^\| `([A-Z0-9_]+)` \|/gm)].map(([, key]) => key!));

describe('docs/configuration.md', () => {
  it('documents every setting a service reads', () => {
    const rows = documented();
    expect([...read()].filter((key) => !rows.has(key))).toEqual([]);
  });

  it('documents no setting that nothing reads', () => {
    const keys = read();
    expect([...documented()].filter((key) => !keys.has(key))).toEqual([]);
  });
});
