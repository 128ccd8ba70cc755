import { PDFDocument, StandardFonts, type PDFFont, type PDFPage } from 'pdf-lib';
import type { ProofEvidence } from './proof-evidence.js';

/*
 * The human-readable page of a bundle: the timeline and the communication log. Deterministic
 * bytes for the same evidence: fixed metadata dates (the trigger time), no random document id,
 * no "now" anywhere, so a bundle rebuilt after a crash hashes the same.
 */

const PAGE = { width: 595.28, height: 841.89, margin: 48 };
const TITLES: Record<ProofEvidence['kind'], string> = { shipment: 'Proof of shipment', delivery: 'Proof of delivery', appeal: 'Appeal bundle' };

/** The standard fonts encode WinAnsi only: other characters are shown as '?' (the JSON parts keep them). */
function printable(text: string): string {
  return text.replace(/[^\u0020-\u007e\u00a0-\u00ff]/g, '?');
}

class Writer {
  private page: PDFPage;
  private y: number;
  constructor(
    private readonly doc: PDFDocument,
    private readonly font: PDFFont,
    private readonly bold: PDFFont,
  ) {
    this.page = doc.addPage([PAGE.width, PAGE.height]);
    this.y = PAGE.height - PAGE.margin;
  }

  line(text: string, options: { size?: number; bold?: boolean; indent?: number } = {}): void {
    const size = options.size ?? 9;
    const font = options.bold ? this.bold : this.font;
    const x = PAGE.margin + (options.indent ?? 0);
    for (const piece of this.wrap(printable(text), font, size, PAGE.width - PAGE.margin - x)) {
      if (this.y - size < PAGE.margin) {
        this.page = this.doc.addPage([PAGE.width, PAGE.height]);
        this.y = PAGE.height - PAGE.margin;
      }
      this.page.drawText(piece, { x, y: this.y - size, size, font });
      this.y -= size * 1.4;
    }
  }

  gap(points = 6): void {
    this.y -= points;
  }

  private wrap(text: string, font: PDFFont, size: number, width: number): string[] {
    const lines: string[] = [];
    let current = '';
    for (const word of text.split(' ')) {
      const candidate = current === '' ? word : `${current} ${word}`;
      if (font.widthOfTextAtSize(candidate, size) <= width || current === '') current = candidate;
      else {
        lines.push(current);
        current = word;
      }
    }
    lines.push(current);
    return lines;
  }
}

export async function renderProofPdf(evidence: ProofEvidence, createdAt: Date): Promise<Buffer> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  const title = `${TITLES[evidence.kind]} - shipment ${evidence.shipment.shipmentId}`;
  doc.setTitle(title);
  doc.setSubject(`${evidence.kind} bundle, evidence up to ${evidence.cutoff}`);
  doc.setProducer('parcelwatch archiver');
  doc.setCreator('parcelwatch archiver');
  doc.setCreationDate(createdAt);
  doc.setModificationDate(createdAt);
  const w = new Writer(doc, await doc.embedFont(StandardFonts.Helvetica), await doc.embedFont(StandardFonts.HelveticaBold));

  const s = evidence.shipment;
  w.line(title, { size: 14, bold: true });
  w.gap();
  w.line(`Order ${s.orderRef} - tracking number ${s.trackingNumber} (${s.carrier}, via ${s.provider})`);
  w.line(`Route ${s.originCountry ?? '?'} -> ${s.destinationCountry ?? '?'}; status ${s.status}; evidence up to ${evidence.cutoff} (UTC)`);
  w.line('Every part of this bundle, and this document, is listed with its SHA-256 in the bundle manifest.');
  w.gap(10);

  w.line(`Timeline (${evidence.timeline.length} checkpoints; carrier local time with UTC offset)`, { size: 11, bold: true });
  for (const c of evidence.timeline) {
    const local = c.localTime === null ? '' : ` local ${c.localTime}${c.utcOffset ?? ' (zone unknown)'}`;
    const place = c.location.text ?? [c.location.city, c.location.region, c.location.countryCode].filter((p) => p !== null).join(', ');
    w.line(`${c.occurredAt}${local} - ${c.milestone}${c.reason === null ? '' : `/${c.reason}`} - ${place || 'location not given'}`, { bold: true, indent: 6 });
    w.line(`${c.rawCode === null ? '' : `[${c.rawCode}] `}${c.rawText ?? ''} (${c.provider}, ${c.source})`, { indent: 18 });
  }
  w.gap(10);

  w.line(`Communications with the buyer (${evidence.communications.length})`, { size: 11, bold: true });
  if (evidence.communications.length === 0) w.line('none', { indent: 6 });
  for (const m of evidence.communications) {
    const when = m.sentAt === null ? `scheduled ${m.scheduledFor}` : `sent ${m.sentAt}`;
    w.line(`${when} - ${m.channel} - ${m.template} (${m.locale}) - ${m.status}, ${m.attempts} attempt(s)`, { indent: 6 });
    if (m.bodySha256 !== null || m.providerMessageId !== null) {
      w.line(`message id ${m.providerMessageId ?? '-'}; body SHA-256 ${m.bodySha256 ?? '-'}`, { indent: 18 });
    }
  }
  w.gap(10);

  w.line(`Exceptions (${evidence.exceptions.length}) and compensations (${evidence.compensations.length})`, { size: 11, bold: true });
  for (const e of evidence.exceptions) {
    w.line(`${e.openedAt} - ${e.kind} (${e.severity}) - ${e.status}${e.resolution === null ? '' : `, resolved: ${e.resolution}`}`, { indent: 6 });
  }
  for (const c of evidence.compensations) {
    w.line(`${c.decidedAt} - tier ${c.tier} ${c.action} ${c.amount.amountMinor} ${c.amount.currency} (minor units) - ${c.status} - rule ${c.ruleFired}`, { indent: 6 });
  }
  // No object streams: a plain, widely readable file; the output is the same either way.
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}
