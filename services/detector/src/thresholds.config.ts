import { readFile } from 'node:fs/promises';
import { describeIssues } from '@parcelwatch/contracts';
import { parse as parseYaml } from 'yaml';
import { thresholdsFileSchema, type ThresholdsFile } from './domain/thresholds.js';

export class ThresholdsFileError extends Error {
  readonly retriable = false;
  constructor(readonly path: string, reason: string) {
    super(`detection thresholds file ${path}: ${reason}`);
    this.name = 'ThresholdsFileError';
  }
}

/** Parses a thresholds file's text: YAML (a superset of JSON, so JSON files read the same way). */
export function parseThresholdsFile(text: string, path = '(inline)'): ThresholdsFile {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new ThresholdsFileError(path, `not valid YAML or JSON: ${(err as Error).message}`);
  }
  const result = thresholdsFileSchema.safeParse(raw ?? {});
  if (!result.success) throw new ThresholdsFileError(path, describeIssues(result.error.issues));
  return result.data;
}

/** Reads DETECTOR_THRESHOLDS_FILE at start; a bad file stops the service with the reason rather than detecting with wrong limits. */
export async function loadThresholdsFile(path: string): Promise<ThresholdsFile> {
  return parseThresholdsFile(await readFile(path, 'utf8'), path);
}
