import { readFileSync } from 'node:fs';
import path from 'node:path';

const FIXTURES = path.join(import.meta.dirname, 'fixtures');

/** A fixture parsed as JSON, fresh per call so tests can mutate it. */
export function loadFixture(relativePath: string): unknown {
  return JSON.parse(readFileSync(path.join(FIXTURES, relativePath), 'utf8'));
}

/** A deep copy of any JSON value, for building variants of a fixture. */
export function clone<T>(value: T): T {
  return structuredClone(value);
}
