import { canonicalJson } from './canonical-json.js';
import type { BundlePart } from './manifest.js';
import type { ProofEvidence } from './proof-evidence.js';
import { renderProofPdf } from './proof-pdf.js';

const json = (name: string, value: unknown): BundlePart => ({ name, ext: 'json', contentType: 'application/json', body: Buffer.from(canonicalJson(value), 'utf8') });

/** The parts of a bundle, in manifest order: four JSON documents and the PDF summary. */
export async function bundleParts(evidence: ProofEvidence, createdAt: Date): Promise<BundlePart[]> {
  const { shipment, cutoff } = evidence;
  return [
    json('timeline', { shipment, cutoff, checkpoints: evidence.timeline }),
    json('raw-snapshots', { shipmentId: shipment.shipmentId, cutoff, snapshots: evidence.snapshots }),
    json('communications', { shipmentId: shipment.shipmentId, cutoff, messages: evidence.communications }),
    json('compensation-history', { shipmentId: shipment.shipmentId, cutoff, exceptions: evidence.exceptions, compensations: evidence.compensations }),
    { name: 'summary', ext: 'pdf', contentType: 'application/pdf', body: await renderProofPdf(evidence, createdAt) },
  ];
}
