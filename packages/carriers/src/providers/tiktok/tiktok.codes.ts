import type { CodeTable } from '../../mapping/status-resolver.js';

/**
 * TikTok Shop Get Tracking (202309) sends no status code at all: every event is mapped from
 * its description by the shared keyword rules. The table is empty on purpose; it exists so
 * every provider has one and the table tests cover it.
 */
export const TIKTOK_EVENT_CODES = {} as const satisfies CodeTable;

/**
 * Envelope codes that answer "no such order / no tracking" rather than a failed request.
 * Not in the captured reference (it lists only 36009003 for this endpoint); the mapper also
 * accepts a message saying "not found" / "does not exist".
 */
export const TIKTOK_NOT_FOUND_CODES: ReadonlySet<string> = new Set(['25007006']);
