import type { Env } from '@parcelwatch/config';
import { UsageError } from './carriers.command.js';
import type { Output } from './command-db.js';

/*
 * `parcelwatch wismo <order> --email <email> | --postcode <postcode> [--locale <tag>]` and
 * `parcelwatch wismo --tracking-number <n>`: asks the api's POST /v1/wismo, as a help desk's bot
 * does, with the bot key in PARCELWATCH_API_KEY, at PARCELWATCH_API_URL (default the local
 * `parcelwatch start`), and prints the answer a buyer would be sent, then the facts behind it.
 */

export const DEFAULT_API_URL = 'http://127.0.0.1:3000';

export interface WismoOptions {
  order?: string;
  email?: string;
  postcode?: string;
  trackingNumber?: string;
  locale?: string;
  json?: boolean;
}

interface WismoShipment {
  orderNumber: string;
  trackingNumber: string;
  carrier: { name: string; trackingUrl: string | null };
  milestone: string;
  estimatedDelivery: { earliest: string; latest: string | null; source: string } | null;
  openExceptions: { kind: string }[];
  trackingUrl: string | null;
}

function questionOf(options: WismoOptions): Record<string, string> {
  const locale: Record<string, string> = options.locale === undefined ? {} : { locale: options.locale };
  if (options.trackingNumber !== undefined) {
    if (options.order !== undefined || options.email !== undefined || options.postcode !== undefined) throw new UsageError('wismo: ask by --tracking-number alone, or by an order number with --email or --postcode');
    return { trackingNumber: options.trackingNumber, ...locale };
  }
  if (options.order === undefined) throw new UsageError('wismo needs an order number (with --email or --postcode) or --tracking-number');
  if ((options.email === undefined) === (options.postcode === undefined)) throw new UsageError('wismo: give the order with one of --email or --postcode (two factors before anything is said)');
  return { orderNumber: options.order, ...(options.email !== undefined ? { email: options.email } : { postcode: options.postcode! }), ...locale };
}

export async function wismoCommand(options: WismoOptions, out: Output = process.stdout, env: Env = process.env): Promise<number> {
  const question = questionOf(options);
  const key = env['PARCELWATCH_API_KEY']?.trim();
  if (key === undefined || key === '') throw new UsageError('wismo asks the api with a bot key: set PARCELWATCH_API_KEY (parcelwatch keys create --role bot ...)');
  const base = (env['PARCELWATCH_API_URL']?.trim() || DEFAULT_API_URL).replace(/\/+$/, '');
  let response: Response;
  try {
    response = await fetch(`${base}/v1/wismo`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(question) });
  } catch (cause) {
    throw new UsageError(`wismo: cannot reach the api at ${base} (${(cause as Error).message}); set PARCELWATCH_API_URL`);
  }
  const body = (await response.json().catch(() => ({}))) as { found?: boolean; answer?: { locale: string; text: string }; shipments?: WismoShipment[]; message?: string };
  if (options.json === true) {
    out.write(`${JSON.stringify(body, null, 2)}\n`);
    return response.status === 200 ? 0 : 1;
  }
  if (body.answer === undefined) throw new UsageError(`wismo: the api answered ${response.status}: ${body.message ?? 'no answer'}`);
  out.write(`${body.answer.text}\n`);
  for (const s of body.shipments ?? []) {
    const edd = s.estimatedDelivery === null ? 'unknown' : `${s.estimatedDelivery.earliest}${s.estimatedDelivery.latest !== null && s.estimatedDelivery.latest !== s.estimatedDelivery.earliest ? ` to ${s.estimatedDelivery.latest}` : ''} (${s.estimatedDelivery.source})`;
    out.write(
      `\n  order ${s.orderNumber} · ${s.carrier.name} ${s.trackingNumber}\n  status: ${s.milestone}\n  expected delivery: ${edd}\n` +
        `  open exceptions: ${s.openExceptions.map((e) => e.kind).join(', ') || 'none'}\n  tracking page: ${s.trackingUrl ?? 'none (revoked)'}\n`,
    );
  }
  return body.found === true ? 0 : 1;
}
