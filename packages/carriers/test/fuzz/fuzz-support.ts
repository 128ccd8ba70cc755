import fc from 'fast-check';
import { checkpointSchema, milestoneStatusSchema, type Provider } from '@parcelwatch/contracts';
import { mapPayload, PayloadError, type MappedTracking, type MapOptions } from '../../src/index.js';

/*
 * Shared pieces of the mapper fuzz tests: how many runs, the odd text carriers send, JSON
 * mutations of real payloads, and the one property every mapper must keep.
 */

/**
 * Runs per property: `base` (sized so the whole set stays fast), or FUZZ_RUNS for a deeper run.
 * No fixed seed: every run explores new inputs. A failure prints its seed and path; FUZZ_SEED and
 * FUZZ_PATH replay exactly that case.
 */
export function fuzzParams<T>(base: number): fc.Parameters<T> {
  const runs = Number(process.env.FUZZ_RUNS);
  const seed = process.env.FUZZ_SEED;
  const path = process.env.FUZZ_PATH;
  return {
    numRuns: Number.isInteger(runs) && runs > 0 ? runs : base,
    ...(seed ? { seed: Number(seed) } : {}),
    ...(path ? { path } : {}),
  };
}

/** Characters that break naive text handling: lone surrogates, bidi and zero-width marks, NUL, combining marks, non-BMP. */
export const ODD_CHARACTERS = [
  '\u0000', '\u0007', '\u001b', '\r\n', '\t', '\u2028', '\u2029', '\u0085',
  '\uD800', '\uDBFF', '\uDC00', '\uDFFF', // lone surrogates
  '\u200E', '\u200F', '\u202A', '\u202E', '\u2066', '\u2069', '\u061C', // bidi marks and overrides
  '\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF', '\u00AD', // zero-width, BOM, soft hyphen
  'e\u0301', 'Z\u0335\u0321\u031B\u0353\u0343a\u0337l\u0338g\u0336o\u0335', // combining marks
  '📦', '👨‍👩‍👧‍👦', '🇨🇳', '🏳️‍🌈', '𝕏', '𠜎', '\u{10FFFF}', '\uFFFD', '\uFFFF', // non-BMP, ZWJ, flags, specials
  'İ', 'ß', 'ﬁ', 'Ⅻ', 'Ǆ', // case mapping changes the length
  '已签收', '清关', '派送失败', 'مرحبا', 'שלום', 'Ünïcödé', '"', '\\', '%s', '${x}', '<script>',
] as const;

const oddCharacter = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...ODD_CHARACTERS) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)) },
  { weight: 2, arbitrary: fc.constantFrom('Delivered', 'In transit', 'Shenzhen', 'Arrived at hub', ' ', 'CN', '2025-03-01T10:00:00+08:00') },
);

/** Text mixing real words with odd characters. */
export const oddText = fc.array(oddCharacter, { maxLength: 12 }).map((parts) => parts.join(''));

/** Time texts carriers send, and ones they should not: odd zones, impossible dates, epoch numbers as text. */
export const oddTimeText = fc.oneof(
  fc
    .record({
      year: fc.constantFrom('0000', '0001', '1969', '1970', '2024', '2025', '9999', '10000'),
      month: fc.constantFrom('00', '01', '02', '12', '13'),
      day: fc.constantFrom('00', '01', '28', '29', '30', '31', '32'),
      sep: fc.constantFrom('T', ' ', 't', '  '),
      hour: fc.constantFrom('0', '00', '9', '12', '23', '24', '99'),
      minute: fc.constantFrom('00', '30', '59', '60'),
      second: fc.constantFrom('', ':00', ':59', ':60', ':00.123456789'),
      zone: fc.constantFrom('', 'Z', 'z', '+00:00', '-00:00', '+08:00', '+0800', '+8', '-3', '-03:30', '+05:45', '+14:00', '-12:00', '-13:00', '+14:30', '+15:00', '-99:99', ' +08:00', '[Asia/Shanghai]', ' CST', 'GMT+8'),
    })
    .map(({ year, month, day, sep, hour, minute, second, zone }) => `${year}-${month}-${day}${sep}${hour}:${minute}${second}${zone}`),
  fc.date({ min: new Date(-8.64e15), max: new Date(8.64e15), noInvalidDate: true }).map((date) => date.toISOString()),
  fc.constantFrom('', ' ', 'now', 'null', '2025-02-29', '2024-02-29', '2025-03-30T02:30:00', '1710000000', '1710000000000', '2025-13-01T00:00:00Z', '２０２５-０３-０１', '2025-03-01T10:00:00+08:00\u0000'),
  oddText,
);

/** A value of the wrong type for whatever field it replaces (arrays for objects and the like). */
export const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1.5, Number.MAX_SAFE_INTEGER, 1e308, -0, '', '0', 'null', [], {}, [null], [{}], { 0: 'a' }),
  fc.integer(),
  fc.double(),
  oddText,
  fc.jsonValue({ maxDepth: 2 }),
);

type Json = unknown;
type Container = Record<string, unknown> | unknown[];

function isContainer(value: unknown): value is Container {
  return typeof value === 'object' && value !== null;
}

/** Every place in a JSON value: its parent and its key (the root has none). */
function places(root: Json): Array<{ parent: Container; key: string | number }> {
  const found: Array<{ parent: Container; key: string | number }> = [];
  const walk = (value: Json) => {
    if (Array.isArray(value)) value.forEach((item, index) => { found.push({ parent: value, key: index }); walk(item); });
    else if (isContainer(value)) for (const [key, item] of Object.entries(value)) { found.push({ parent: value, key }); walk(item); }
  };
  walk(root);
  return found;
}

export type Mutation =
  | { kind: 'drop'; at: number }
  | { kind: 'replace'; at: number; value: unknown }
  | { kind: 'wrapInArray'; at: number }
  | { kind: 'unwrapArray'; at: number }
  | { kind: 'injectText'; at: number; text: string; position: number }
  | { kind: 'time'; at: number; text: string }
  | { kind: 'addKey'; at: number; key: string; value: unknown }
  | { kind: 'repeat'; at: number; times: number }
  | { kind: 'longText'; at: number; length: number };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: wrongValue }),
  fc.record({ kind: fc.constant('wrapInArray' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('unwrapArray' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('injectText' as const), at: fc.nat(), text: oddText, position: fc.nat() }),
  fc.record({ kind: fc.constant('time' as const), at: fc.nat(), text: oddTimeText }),
  fc.record({ kind: fc.constant('addKey' as const), at: fc.nat(), key: fc.constantFrom('__proto__', 'constructor', 'extra', '', 'toString', 'events', 'status'), value: wrongValue }),
);

/** Mutations that make a payload big: many events, megabyte strings. Kept apart so they run fewer times. */
export const hugeMutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('repeat' as const), at: fc.nat(), times: fc.integer({ min: 100, max: 3_000 }) }),
  fc.record({ kind: fc.constant('longText' as const), at: fc.nat(), length: fc.integer({ min: 100_000, max: 1_500_000 }) }),
);

const TIME_KEY = /time|date|timestamp|millis/i;

/** Applies mutations in order to a copy of `payload`; each picks its place modulo the places there are then. */
export function mutate(payload: Json, mutations: readonly Mutation[]): Json {
  const copy = structuredClone(payload);
  for (const m of mutations) {
    const all = places(copy);
    // Time mutations go to time-like fields, text injections to strings, when there are any.
    const candidates =
      m.kind === 'time'
        ? all.filter(({ key }) => typeof key === 'string' && TIME_KEY.test(key))
        : m.kind === 'injectText'
          ? all.filter(({ parent, key }) => typeof (parent as Record<string | number, unknown>)[key] === 'string')
          : all;
    const pool = candidates.length > 0 ? candidates : all;
    const place = pool[m.at % Math.max(pool.length, 1)];
    if (!place) continue;
    const { parent, key } = place;
    const record = parent as Record<string | number, unknown>;
    const current = record[key];
    switch (m.kind) {
      case 'drop':
        if (Array.isArray(parent)) parent.splice(key as number, 1);
        else delete record[key];
        break;
      case 'replace':
        record[key] = structuredClone(m.value);
        break;
      case 'wrapInArray':
        record[key] = [current];
        break;
      case 'unwrapArray':
        record[key] = Array.isArray(current) ? current[0] : current;
        break;
      case 'injectText': {
        const text = typeof current === 'string' ? current : (JSON.stringify(current) ?? '');
        const at = m.position % (text.length + 1);
        record[key] = `${text.slice(0, at)}${m.text}${text.slice(at)}`;
        break;
      }
      case 'time':
        record[key] = m.text;
        break;
      case 'addKey':
        // A copy: the generated value may be one of wrongValue's shared constants (`[{}]`), and a
        // later mutation of this payload must not write into it (that made it cyclic for every
        // run after, a stack overflow in the test, not in a mapper: JSON is never cyclic).
        if (isContainer(current) && !Array.isArray(current)) Object.defineProperty(current, m.key, { value: structuredClone(m.value), enumerable: true, writable: true, configurable: true });
        else record[key] = { [m.key]: structuredClone(m.value) };
        break;
      case 'repeat':
        if (Array.isArray(current) && current.length > 0) record[key] = Array.from({ length: m.times }, (_, i) => structuredClone(current[i % current.length]));
        else if (isContainer(current)) record[key] = Array.from({ length: m.times }, () => structuredClone(current));
        break;
      case 'longText':
        record[key] = (typeof current === 'string' && current.length > 0 ? current : 'x📦').repeat(Math.ceil(m.length / (typeof current === 'string' && current.length > 0 ? current.length : 3))).slice(0, m.length);
        break;
    }
  }
  return copy;
}

const IDS = {
  checkpointId: '0193a1b2-0000-7000-8000-00000000c0de',
  snapshotId: '0193a1b2-0000-7000-8000-00000000beef',
};

const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** A string PostgreSQL text and jsonb columns can hold: no NUL, no unpaired surrogate. */
export function isStorableText(value: string): boolean {
  return !value.includes('\u0000') && !UNPAIRED_SURROGATE.test(value);
}

function storableStrings(value: unknown, path: string, problems: string[]): void {
  if (typeof value === 'string') {
    if (!isStorableText(value)) problems.push(`${path}: ${JSON.stringify(value.slice(0, 40))}`);
  } else if (Array.isArray(value)) value.forEach((item, index) => storableStrings(item, `${path}[${index}]`, problems));
  else if (isContainer(value)) for (const [key, item] of Object.entries(value)) storableStrings(item, `${path}.${key}`, problems);
}

/**
 * What a mapping must give: a tracking whose status and every checkpoint pass the contracts'
 * schemas (as the normalizer completes them), oldest first, with text the database can store.
 */
export function assertValidTracking(provider: Provider, mapped: MappedTracking): void {
  const problems: string[] = [];
  const status = milestoneStatusSchema.safeParse({ milestone: mapped.milestone, reason: mapped.reason });
  if (!status.success) problems.push(`status ${mapped.milestone}/${mapped.reason}: ${status.error.message}`);
  if (mapped.provider !== provider) problems.push(`provider ${mapped.provider}`);
  if (typeof mapped.trackingNumber !== 'string') problems.push('trackingNumber is not a string');
  mapped.checkpoints.forEach((checkpoint, index) => {
    const parsed = checkpointSchema.safeParse({ ...checkpoint, ...IDS, source: 'poll', provider });
    if (!parsed.success) problems.push(`checkpoints[${index}]: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const previous = mapped.checkpoints[index - 1];
    if (previous && previous.occurredAt > checkpoint.occurredAt) problems.push(`checkpoints[${index}] is older than the one before`);
  });
  storableStrings({ trackingNumber: mapped.trackingNumber, carrier: mapped.carrier, checkpoints: mapped.checkpoints, unknownCodes: mapped.unknownCodes, providerError: mapped.providerError }, 'mapped', problems);
  if (problems.length > 0) throw new Error(`${provider}: invalid mapping:\n  ${problems.slice(0, 8).join('\n  ')}`);
}

export type Outcome = { kind: 'mapped'; mapped: MappedTracking } | { kind: 'refused'; error: PayloadError };

/**
 * The property of every mapper: it maps to a valid tracking, or refuses with a PayloadError
 * (not retriable, naming the provider and saying why). Anything else is rethrown: a bug.
 */
export function mapOrRefuse(provider: Provider, payload: unknown, options: MapOptions = {}): Outcome {
  let mapped: MappedTracking;
  try {
    mapped = mapPayload(provider, payload, options);
  } catch (err) {
    if (!(err instanceof PayloadError)) throw err;
    if (err.retriable !== false || err.provider !== provider || !err.message.startsWith(`${provider} payload: `) || err.message.length <= `${provider} payload: `.length) {
      throw new Error(`malformed PayloadError: ${err.message}`, { cause: err });
    }
    return { kind: 'refused', error: err };
  }
  assertValidTracking(provider, mapped);
  return { kind: 'mapped', mapped };
}
