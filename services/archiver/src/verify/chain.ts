/**
 * The chain rule: a shipment's bundles, in the order they were written, each name the one
 * before (the first names none). A bundle removed, swapped or slipped in shows as a link that
 * does not match. Pure: the verifier feeds it what the database and the manifests say.
 */
export interface ChainLink {
  proofId: string;
  manifestSha256: string;
  /** The predecessor the database recorded. */
  recordedPrevious: string | null;
  /** The predecessor the stored manifest names; undefined when the manifest could not be trusted. */
  manifestPrevious?: string | null;
}

export interface ChainBreak {
  proofId: string;
  expected: string | null;
  found: string | null;
  /** Which record disagrees: the proofs row or the stored manifest. */
  source: 'database' | 'manifest';
}

export function checkChain(links: readonly ChainLink[]): ChainBreak[] {
  const breaks: ChainBreak[] = [];
  links.forEach((link, index) => {
    const expected = index === 0 ? null : (links[index - 1]?.manifestSha256 ?? null);
    if (link.recordedPrevious !== expected) breaks.push({ proofId: link.proofId, expected, found: link.recordedPrevious, source: 'database' });
    if (link.manifestPrevious !== undefined && link.manifestPrevious !== expected) {
      breaks.push({ proofId: link.proofId, expected, found: link.manifestPrevious, source: 'manifest' });
    }
  });
  return breaks;
}
