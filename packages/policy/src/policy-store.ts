import { readFile } from 'node:fs/promises';
import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Logger } from '@parcelwatch/logger';
import { parse as parseYaml } from 'yaml';
import { parsePolicy, type CompensationPolicy } from './policy.schema.js';

/** The policy shipped with parcelwatch: the ARCHITECTURE.md tiers. */
export const DEFAULT_POLICY_PATH = fileURLToPath(new URL('../policy/default.policy.yaml', import.meta.url));

export class PolicyError extends Error {
  readonly retriable = false;
  constructor(
    readonly path: string,
    readonly errors: readonly string[],
  ) {
    super(`compensation policy ${path} is invalid:\n  ${errors.join('\n  ')}`);
    this.name = 'PolicyError';
  }
}

export type ReloadOutcome =
  | { outcome: 'loaded'; version: string }
  | { outcome: 'unchanged'; version: string }
  | { outcome: 'refused'; version: string; errors: readonly string[] };

/** Where decisions read the policy; tests may pass a fixed one. */
export interface PolicySource {
  current(): CompensationPolicy;
}

export interface PolicyStore extends PolicySource {
  /** Reads the file again; an invalid file keeps the current policy and says why. */
  reload(): Promise<ReloadOutcome>;
  /** Reloads whenever the file changes (stat polling: survives editors that replace the file). */
  watch(intervalMs?: number): void;
  close(): void;
}

/** The shipped policy, for a caller given none (tests, tools); a service reads its file through loadPolicyStore. */
export function defaultPolicy(): CompensationPolicy {
  const parsed = parsePolicy(parseYaml(readFileSync(DEFAULT_POLICY_PATH, 'utf8')));
  if (!parsed.ok) throw new PolicyError(DEFAULT_POLICY_PATH, parsed.errors);
  return parsed.policy;
}

type ReadResult = { ok: true; policy: CompensationPolicy; text: string } | { ok: false; errors: string[] };

async function readPolicy(path: string): Promise<ReadResult> {
  let text: string;
  let raw: unknown;
  try {
    text = await readFile(path, 'utf8');
    raw = parseYaml(text);
  } catch (err) {
    return { ok: false, errors: [`cannot read: ${(err as Error).message}`] };
  }
  const parsed = parsePolicy(raw);
  return parsed.ok ? { ...parsed, text } : parsed;
}

/** Loads the policy file; throws a PolicyError listing every problem if the first load fails. */
export async function loadPolicyStore(path: string, logger: Logger): Promise<PolicyStore> {
  const first = await readPolicy(path);
  if (!first.ok) throw new PolicyError(path, first.errors);
  let policy = first.policy;
  let text = first.text;
  let watching = false;
  logger.info({ path, version: policy.version }, 'compensation policy loaded');

  async function reload(): Promise<ReloadOutcome> {
    let next = await readPolicy(path);
    if (next.ok && next.text === text) return { outcome: 'unchanged', version: policy.version };
    // Decisions name the version they followed: a new content under an old version would make that ambiguous.
    if (next.ok && next.policy.version === policy.version) next = { ok: false, errors: [`version: still "${policy.version}"; change it with every edit`] };
    if (!next.ok) {
      logger.error({ path, errors: next.errors, keptVersion: policy.version }, 'compensation policy refused; the previous one stays');
      return { outcome: 'refused', version: policy.version, errors: next.errors };
    }
    logger.info({ path, from: policy.version, to: next.policy.version }, 'compensation policy reloaded');
    policy = next.policy;
    text = next.text;
    return { outcome: 'loaded', version: policy.version };
  }

  const onChange = () => void reload();
  return {
    current: () => policy,
    reload,
    watch(intervalMs = 1_000) {
      if (watching) return;
      watching = true;
      watchFile(path, { interval: intervalMs, persistent: false }, onChange);
    },
    close() {
      if (watching) unwatchFile(path, onChange);
      watching = false;
    },
  };
}
