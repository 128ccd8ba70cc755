import type { ProofKind } from '@parcelwatch/contracts';

/*
 * Key layout (ARCHITECTURE.md "Proof archive"):
 *   proofs/<merchant>/<shipment>/<kind>/<time>-<manifestSha256>.manifest.json
 *   proofs/<merchant>/<shipment>/<kind>/<time>-<partSha256>.<part>.<ext>
 *   raw/<merchant>/<shipment>/<fetchedAt>-<sha256>.json|.bin
 * Every key carries its content's hash, so one key always holds one content: a rewrite after
 * a crash writes the same bytes, and nothing is ever overwritten with something else.
 */

/** An instant as a key segment: UTC, millisecond precision, no colons (safe on every filesystem). */
export function keyTime(at: Date): string {
  return at.toISOString().replace(/:/g, '-');
}

export function proofPrefix(merchantId: string, shipmentId: string, kind: ProofKind): string {
  return `proofs/${merchantId}/${shipmentId}/${kind}`;
}

export function partKey(prefix: string, at: Date, sha256: string, name: string, ext: string): string {
  return `${prefix}/${keyTime(at)}-${sha256}.${name}.${ext}`;
}

export function manifestKey(prefix: string, at: Date, sha256: string): string {
  return `${prefix}/${keyTime(at)}-${sha256}.manifest.json`;
}

export function rawSnapshotKey(merchantId: string, shipmentId: string, fetchedAt: Date, sha256: string, ext: 'json' | 'bin'): string {
  return `raw/${merchantId}/${shipmentId}/${keyTime(fetchedAt)}-${sha256}.${ext}`;
}
