import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

/**
 * Buyer PII never reaches a log line: these paths are censored wherever they appear
 * one or two levels deep in a logged object (a shipment, a contact, an event's data).
 */
const PII_KEYS = ['email', 'phone', 'address', 'buyerEmail', 'buyerPhone', 'buyerAddress', 'buyerName', 'postalAddress', 'recipient'];

export const REDACTED_PATHS: string[] = PII_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]);

export interface LoggerSettings {
  name: string;
  level?: string;
  /** Human-friendly output for a terminal; JSON otherwise (production, CI). */
  pretty?: boolean;
  /** Where lines go; defaults to stdout. Tests pass a stream to read what was logged. */
  destination?: NodeJS.WritableStream;
}

export function createLogger(settings: LoggerSettings): Logger {
  const options: LoggerOptions = {
    name: settings.name,
    level: settings.level ?? process.env.LOG_LEVEL ?? 'info',
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    base: { service: settings.name },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (settings.destination) return pino(options, settings.destination as pino.DestinationStream);
  if (settings.pretty) {
    return pino({ ...options, transport: { target: 'pino-pretty', options: { colorize: true, singleLine: true } } });
  }
  return pino(options);
}
