import { sha256Hex } from '@parcelwatch/archive';
import { PROOF_KINDS, type EventRef, type ProofKind } from '@parcelwatch/contracts';
import { z } from 'zod';
import { canonicalJson } from './canonical-json.js';
import { manifestKey, partKey } from './proof-keys.js';

export const MANIFEST_VERSION = 1;

export interface ManifestPart {
  name: string;
  key: string;
  sha256: string;
  size: number;
  contentType: string;
}

export interface ProofManifest {
  version: number;
  shipmentId: string;
  merchantId: string;
  kind: ProofKind;
  /** The trigger's time: the milestone's instant, or when an appeal bundle was asked for. */
  createdAt: string;
  trigger: EventRef | null;
  /** Who asked for an appeal bundle (an opaque ops user id); null for automatic bundles. */
  requestedBy: string | null;
  /** The manifest SHA-256 of the shipment's latest earlier bundle of any kind; null for the first. */
  previousManifestSha256: string | null;
  parts: ManifestPart[];
}

/** A part before it is stored: its bytes and how it is named. */
export interface BundlePart {
  name: string;
  ext: string;
  contentType: string;
  body: Buffer;
}

export interface BuiltBundle {
  manifest: ProofManifest;
  manifestBody: Buffer;
  manifestSha256: string;
  manifestKey: string;
  /** The parts with their keys, in manifest order. */
  parts: Array<ManifestPart & { body: Buffer }>;
}

export interface BundleHeader {
  prefix: string;
  shipmentId: string;
  merchantId: string;
  kind: ProofKind;
  createdAt: Date;
  trigger: EventRef | null;
  requestedBy: string | null;
  previousManifestSha256: string | null;
}

/** Hashes every part, names it by its hash, and builds the manifest that lists them. Pure. */
export function buildBundle(header: BundleHeader, parts: readonly BundlePart[]): BuiltBundle {
  const names = new Set<string>();
  const stored = parts.map((part) => {
    if (names.has(part.name)) throw new Error(`bundle part ${part.name} appears twice`);
    names.add(part.name);
    const sha256 = sha256Hex(part.body);
    return {
      name: part.name,
      key: partKey(header.prefix, header.createdAt, sha256, part.name, part.ext),
      sha256,
      size: part.body.length,
      contentType: part.contentType,
      body: part.body,
    };
  });
  const manifest: ProofManifest = {
    version: MANIFEST_VERSION,
    shipmentId: header.shipmentId,
    merchantId: header.merchantId,
    kind: header.kind,
    createdAt: header.createdAt.toISOString(),
    trigger: header.trigger,
    requestedBy: header.requestedBy,
    previousManifestSha256: header.previousManifestSha256,
    parts: stored.map(({ body: _body, ...part }) => part),
  };
  const manifestBody = Buffer.from(canonicalJson(manifest), 'utf8');
  const manifestSha256 = sha256Hex(manifestBody);
  return { manifest, manifestBody, manifestSha256, manifestKey: manifestKey(header.prefix, header.createdAt, manifestSha256), parts: stored };
}

const sha256 = z.string().regex(/^[0-9a-f]{64}$/);
const manifestSchema = z.object({
  version: z.literal(MANIFEST_VERSION),
  shipmentId: z.string(),
  merchantId: z.string(),
  kind: z.enum(PROOF_KINDS),
  createdAt: z.string(),
  trigger: z.object({ type: z.string(), id: z.string() }).nullable(),
  requestedBy: z.string().nullable(),
  previousManifestSha256: sha256.nullable(),
  parts: z.array(z.object({ name: z.string(), key: z.string(), sha256, size: z.int().min(0), contentType: z.string() })).min(1),
});

/** Reads a stored manifest back; a reason instead of a manifest when it is not one. */
export function parseManifest(body: Buffer): { ok: true; manifest: ProofManifest } | { ok: false; reason: string } {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch (err) {
    return { ok: false, reason: `not JSON: ${(err as Error).message}` };
  }
  const result = manifestSchema.safeParse(json);
  if (!result.success) return { ok: false, reason: result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
  return { ok: true, manifest: result.data };
}
