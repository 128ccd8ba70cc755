import { newRequestId } from '../marketplace/sandbox-marketplace.js';
import type { ProviderReply } from './provider.types.js';

/** TikTok answers business errors with HTTP 200 and a non-zero `code`; overload and outages with 429/503. */
export function tiktokError(code: number, message: string, status = 200, headers?: Record<string, string>): ProviderReply {
  return { status, body: { code, message, request_id: newRequestId(), data: null }, ...(headers ? { headers } : {}) };
}

export function tiktokSuccess(data: Record<string, unknown>, requestId = newRequestId()) {
  return { code: 0, message: 'Success', request_id: requestId, data };
}
