import { BlobNotFoundError, ChecksumMismatchError, sha256Hex, type BlobStore } from '@parcelwatch/archive';
import { listProofs, type Database, type Proof } from '@parcelwatch/db';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { parseManifest, type ManifestPart } from '../bundle/manifest.js';
import { checkChain } from './chain.js';

export type FindingProblem = 'missing' | 'sha256_mismatch' | 'unreadable' | 'invalid_manifest' | 'manifest_disagrees' | 'chain_broken';

export interface Finding {
  proofId: string;
  kind: Proof['kind'];
  /** The object concerned (the manifest's key for chain and manifest findings). */
  key: string;
  problem: FindingProblem;
  detail: string;
  expected?: string | null;
  actual?: string | null;
}

export interface ProofCheck {
  proofId: string;
  kind: Proof['kind'];
  manifestKey: string;
  createdAt: string;
  /** Objects re-read and hashed: the manifest, its parts, the raw snapshots it lists. */
  objectsChecked: number;
  ok: boolean;
}

export interface VerifyReport {
  shipmentId: string;
  ok: boolean;
  proofs: ProofCheck[];
  findings: Finding[];
}

const recordedPartsSchema = z.array(z.object({ name: z.string(), key: z.string(), sha256: z.string(), size: z.number(), contentType: z.string() }));
const rawSnapshotsSchema = z.object({ snapshots: z.array(z.object({ key: z.string(), sha256: z.string() })) });

type ReadOutcome = { ok: true; body: Buffer } | { ok: false; problem: FindingProblem; detail: string; actual?: string };

/**
 * Re-reads every object of every proof of a shipment and hashes it: the manifest against
 * proofs.manifest_sha256, each part against the recorded parts, each raw snapshot a bundle lists
 * against its listed hash, and the chain of manifests. Never throws over a mismatch: every
 * problem is a finding (a store that cannot be reached at all still throws).
 */
export async function verifyProofs(db: Kysely<Database>, blobStore: BlobStore, shipmentId: string): Promise<VerifyReport> {
  const proofs = await listProofs(db, shipmentId);
  const findings: Finding[] = [];
  const checks: ProofCheck[] = [];
  const manifestPrevious = new Map<string, string | null>();
  const reads = new Map<string, Promise<ReadOutcome>>();
  // A raw snapshot listed by several bundles is read once.
  const read = (key: string) => {
    let outcome = reads.get(key);
    if (outcome === undefined) {
      outcome = readObject(blobStore, key);
      reads.set(key, outcome);
    }
    return outcome;
  };

  for (const proof of proofs) {
    const before = findings.length;
    const note = (key: string, problem: FindingProblem, detail: string, expected?: string | null, actual?: string | null) =>
      findings.push({ proofId: proof.id, kind: proof.kind, key, problem, detail, ...(expected !== undefined ? { expected } : {}), ...(actual !== undefined ? { actual } : {}) });
    const check = async (key: string, expected: string, what: string): Promise<Buffer | null> => {
      const outcome = await read(key);
      if (!outcome.ok) {
        note(key, outcome.problem, `${what}: ${outcome.detail}`, expected, outcome.actual ?? null);
        return null;
      }
      const actual = sha256Hex(outcome.body);
      if (actual !== expected) {
        note(key, 'sha256_mismatch', `${what} changed since it was stored`, expected, actual);
        return null;
      }
      return outcome.body;
    };
    let objectsChecked = 0;

    // The database's copy of the parts list: still the reference when the manifest was altered.
    const recorded = recordedPartsSchema.safeParse(proof.parts);
    const parts: ManifestPart[] = recorded.success ? recorded.data : [];
    if (!recorded.success) note(proof.object_key, 'invalid_manifest', 'the proofs row holds no readable parts list');

    objectsChecked += 1;
    const manifestBody = await check(proof.object_key, proof.manifest_sha256.trim(), 'manifest');
    if (manifestBody !== null) {
      const parsed = parseManifest(manifestBody);
      if (!parsed.ok) note(proof.object_key, 'invalid_manifest', parsed.reason);
      else {
        const m = parsed.manifest;
        manifestPrevious.set(proof.id, m.previousManifestSha256);
        const same = m.shipmentId === proof.shipment_id && m.kind === proof.kind && JSON.stringify(m.parts) === JSON.stringify(parts);
        if (!same) note(proof.object_key, 'manifest_disagrees', 'the manifest names another shipment, kind or parts list than the proofs row');
      }
    }

    for (const part of parts) {
      objectsChecked += 1;
      const body = await check(part.key, part.sha256, `part ${part.name}`);
      if (body === null || part.name !== 'raw-snapshots') continue;
      let listed: z.infer<typeof rawSnapshotsSchema>;
      try {
        listed = rawSnapshotsSchema.parse(JSON.parse(body.toString('utf8')));
      } catch (err) {
        note(part.key, 'invalid_manifest', `raw-snapshots part is not a snapshot list: ${(err as Error).message}`);
        continue;
      }
      for (const snapshot of listed.snapshots) {
        objectsChecked += 1;
        await check(snapshot.key, snapshot.sha256, 'raw snapshot');
      }
    }
    checks.push({ proofId: proof.id, kind: proof.kind, manifestKey: proof.object_key, createdAt: proof.created_at.toISOString(), objectsChecked, ok: findings.length === before });
  }

  const chainBreaks = checkChain(
    proofs.map((proof) => ({
      proofId: proof.id,
      manifestSha256: proof.manifest_sha256.trim(),
      recordedPrevious: proof.previous_sha256?.trim() ?? null,
      ...(manifestPrevious.has(proof.id) ? { manifestPrevious: manifestPrevious.get(proof.id) ?? null } : {}),
    })),
  );
  for (const broken of chainBreaks) {
    const proof = proofs.find((p) => p.id === broken.proofId)!;
    findings.push({
      proofId: proof.id,
      kind: proof.kind,
      key: proof.object_key,
      problem: 'chain_broken',
      detail: `the ${broken.source === 'database' ? 'proofs row' : 'manifest'} names another previous bundle than the one written before it`,
      expected: broken.expected,
      actual: broken.found,
    });
    const check = checks.find((c) => c.proofId === proof.id);
    if (check !== undefined) check.ok = false;
  }
  return { shipmentId, ok: findings.length === 0, proofs: checks, findings };
}

async function readObject(store: BlobStore, key: string): Promise<ReadOutcome> {
  try {
    return { ok: true, body: await store.get(key) };
  } catch (err) {
    if (err instanceof BlobNotFoundError) return { ok: false, problem: 'missing', detail: 'object not found' };
    // The store's own checksum caught it: the bytes at rest are not the ones written.
    if (err instanceof ChecksumMismatchError) return { ok: false, problem: 'sha256_mismatch', detail: 'the store reports its bytes do not match their stored checksum', actual: err.actual };
    return { ok: false, problem: 'unreadable', detail: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
  }
}
