import { readFile } from 'node:fs/promises';
import { detectCarrier, isProvider, mapPayload, PayloadError, type MappedTracking } from '@parcelwatch/carriers';

/** Thrown for operator mistakes (bad arguments, unreadable file): exit 2 with the message. */
export class UsageError extends Error {
  readonly retriable = false;
}

/** Thrown when a payload cannot be read: exit 1 with the message. */
export class UnreadablePayloadError extends Error {
  readonly retriable = false;
}

export const PROVIDER_NAMES = ['17track', 'aftership', 'usps', 'ups', 'fedex', 'dhl', 'tiktok'] as const;

/** `parcelwatch carriers detect <number>`: ranked candidates, most likely first. */
export function carriersDetect(number: string | undefined): string {
  if (number === undefined || number.trim() === '') throw new UsageError('carriers detect needs a tracking number');
  const candidates = detectCarrier(number).map(({ carrier, confidence, checkDigitValid, format, reason }) => ({ carrier, confidence, checkDigitValid, format, reason }));
  return JSON.stringify(candidates, null, 2);
}

function formatOffset(minutes: number | null): string | null {
  if (minutes === null) return null;
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

function present(mapped: MappedTracking) {
  return {
    trackingNumber: mapped.trackingNumber,
    milestone: mapped.milestone,
    reason: mapped.reason,
    checkpoints: mapped.checkpoints.map((cp) => ({
      milestone: cp.milestone,
      reason: cp.reason,
      occurredAt: cp.occurredAt,
      localTime: cp.localTime,
      utcOffset: formatOffset(cp.utcOffsetMinutes),
      zoneUnknown: cp.zoneUnknown,
      location: cp.location,
      rawCode: cp.rawCode,
      rawText: cp.rawText,
    })),
    ...(mapped.unknownCodes.length > 0 ? { unknownCodes: mapped.unknownCodes } : {}),
  };
}

/** `parcelwatch carriers map --provider <p> [--tracking-number <n>] <file>`: one raw API response, read into the taxonomy. */
export async function carriersMap(options: { provider: string | undefined; file: string | undefined; trackingNumber?: string | undefined }): Promise<string> {
  const { provider, file } = options;
  if (provider === undefined || !isProvider(provider)) {
    throw new UsageError(`--provider must be one of ${PROVIDER_NAMES.join(', ')}${provider === undefined ? '' : ` (got '${provider}')`}`);
  }
  if (file === undefined) throw new UsageError('carriers map needs the file holding one raw API response');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch (err) {
    throw new UnreadablePayloadError(`${file} is not JSON: ${(err as Error).message}`);
  }
  try {
    const mapped = mapPayload(provider, payload, options.trackingNumber === undefined ? {} : { trackingNumber: options.trackingNumber });
    return JSON.stringify(present(mapped), null, 2);
  } catch (err) {
    if (err instanceof PayloadError) throw new UnreadablePayloadError(`cannot read ${provider} payload in ${file}: ${err.message}`);
    throw err;
  }
}
