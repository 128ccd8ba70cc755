import type { Provider } from '@parcelwatch/contracts';

/**
 * A batch answer (17TRACK: 40 numbers in one body) cut down to one shipment's part, so each
 * shipment's snapshot carries only its own tracking data. The provider's envelope (code,
 * meta, the other fields of `data`/`output`) is kept and the shipment's element is kept
 * exactly as the provider sent it, so the provider's mapper reads the slice like a
 * one-number answer. Returns null when the answer holds nothing for the number.
 */
type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const same = (a: unknown, b: string) => typeof a === 'string' && a.trim().toUpperCase() === b.trim().toUpperCase();

function sliceArray(items: unknown, pick: (item: Json) => unknown, number: string): Json[] {
  if (!Array.isArray(items)) return [];
  return items.filter((item): item is Json => isObject(item) && same(pick(item), number));
}

function slice17Track(body: Json, number: string): Json | null {
  const data = body.data;
  if (!isObject(data)) return null;
  const accepted = sliceArray(data.accepted, (item) => item.number, number);
  const rejected = sliceArray(data.rejected, (item) => item.number, number);
  if (accepted.length === 0 && rejected.length === 0) return null;
  return { ...body, data: { ...data, accepted, rejected } };
}

function sliceAfterShip(body: Json, number: string): Json | null {
  const data = body.data;
  if (!isObject(data) || !Array.isArray(data.trackings)) return null;
  const trackings = sliceArray(data.trackings, (item) => item.tracking_number, number);
  if (trackings.length === 0) return null;
  return { ...body, data: { ...data, trackings } };
}

function sliceFedex(body: Json, number: string): Json | null {
  const output = body.output;
  if (!isObject(output)) return null;
  const completeTrackResults = sliceArray(output.completeTrackResults, (item) => item.trackingNumber, number);
  if (completeTrackResults.length === 0) return null;
  return { ...body, output: { ...output, completeTrackResults } };
}

const SLICERS: Partial<Record<Provider, (body: Json, number: string) => Json | null>> = {
  '17track': slice17Track,
  aftership: sliceAfterShip,
  fedex: sliceFedex,
};

/** Whether answers of this provider can hold several numbers (and so are sliced). */
export function answersInBatches(provider: Provider): boolean {
  return SLICERS[provider] !== undefined;
}

export function sliceBatchAnswer(provider: Provider, body: unknown, number: string): unknown {
  const slicer = SLICERS[provider];
  if (!slicer) return body;
  return isObject(body) ? slicer(body, number) : null;
}
