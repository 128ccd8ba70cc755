import { createHash } from 'node:crypto';
import { currencyExponent, notificationLanguageOf, type Money } from '@parcelwatch/contracts';
import { DateTime } from 'luxon';
import { de } from './catalogue.de.js';
import { en } from './catalogue.en.js';
import { es } from './catalogue.es.js';
import { fr } from './catalogue.fr.js';
import { it } from './catalogue.it.js';
import type { Formatter, LocaleCatalogue, SupportedLanguage, TemplateText } from './catalogue.types.js';
import { toGsm7 } from './gsm-alphabet.js';
import { commonParamsSchema, isTemplateId, TEMPLATE_PARAM_SCHEMAS, type TemplateId } from './template-params.js';

export const CATALOGUES: Readonly<Record<SupportedLanguage, LocaleCatalogue>> = { en, es, de, fr, it };
export const SUPPORTED_LANGUAGES = Object.keys(CATALOGUES) as SupportedLanguage[];

const languageOf = (locale: string | null | undefined): SupportedLanguage | null => notificationLanguageOf(locale);

/**
 * The locale a buyer is written to in: theirs when we have its language, else the merchant's
 * default, else English. The full tag is kept ("de-AT") so dates and money follow the region.
 */
export function resolveLocale(buyerLocale: string | null, merchantLocale: string | null): string {
  if (languageOf(buyerLocale) !== null) return buyerLocale!;
  if (languageOf(merchantLocale) !== null) return merchantLocale!;
  return 'en';
}

export function createFormatter(locale: string, zone: string): Formatter {
  const at = (instant: string) => DateTime.fromISO(instant, { zone: 'utc' }).setZone(zone).setLocale(locale);
  return {
    locale,
    zone,
    date: (instant) => at(instant).toLocaleString(DateTime.DATE_HUGE),
    calendarDate: (isoDate) => DateTime.fromISO(isoDate, { zone: 'utc' }).setLocale(locale).toLocaleString(DateTime.DATE_HUGE),
    shortDateTime: (instant) => at(instant).toLocaleString(DateTime.DATETIME_SHORT),
    dateTime: (instant) => at(instant).toLocaleString({ ...DateTime.DATE_HUGE, hour: '2-digit', minute: '2-digit' }),
    money: (amount: Money) =>
      new Intl.NumberFormat(locale, { style: 'currency', currency: amount.currency }).format(amount.amountMinor / 10 ** currencyExponent(amount.currency)),
    country: (code) => new Intl.DisplayNames([locale], { type: 'region' }).of(code) ?? code,
  };
}

export interface RenderedNotification {
  template: TemplateId;
  locale: string;
  subject: string;
  /** Plain-text email body: greeting, message, order reference, sign-off. */
  email: string;
  /** GSM-alphabet SMS, prefixed with the sender name. */
  sms: string;
  /** The marketplace chat message: message and order reference. */
  marketplace: string;
}

export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

export interface RenderOptions {
  locale: string;
  timeZone: string;
  senderName: string;
  /** The buyer's tracking page; every channel carries it when there is one. */
  trackingUrl?: string | null;
}

/** Renders a stored notification: validates its params, picks the catalogue, formats for the buyer. */
export function renderNotification(template: string, params: unknown, options: RenderOptions): RenderedNotification {
  if (!isTemplateId(template)) throw new TemplateError(`unknown template ${template}`);
  const common = commonParamsSchema.safeParse(params);
  const own = TEMPLATE_PARAM_SCHEMAS[template].safeParse(params);
  if (!common.success || !own.success) throw new TemplateError(`params of ${template} are invalid: ${(common.error ?? own.error)?.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const catalogue = CATALOGUES[languageOf(options.locale) ?? 'en'];
  const text = catalogue.templates[template] as TemplateText<unknown>;
  const f = createFormatter(options.locale, options.timeZone);
  const p = { ...common.data, ...own.data } as never;
  const body = text.body(p, f);
  const reference = catalogue.reference(common.data);
  const sms = text.sms(p, f);
  const url = options.trackingUrl ?? null;
  const link = url === null ? '' : `\n\n${catalogue.trackingLink}: ${url}`;
  return {
    template,
    locale: options.locale,
    subject: text.subject(p, f),
    email: `${catalogue.greeting}\n\n${body}${link}\n\n${reference}\n\n${catalogue.closing(options.senderName)}\n`,
    // The link is never folded: its characters are all in the GSM alphabet already.
    sms: `${toGsm7(`${options.senderName}: ${sms}`)}${url === null ? '' : ` ${url}`}`,
    marketplace: `${body}${link}\n\n${reference}`,
  };
}

/** SHA-256 (hex) of what a buyer received: subject and body for email, the text alone for SMS and chat. */
export function bodySha256(subject: string | null, body: string): string {
  return createHash('sha256').update(subject === null ? body : `${subject}\n\n${body}`, 'utf8').digest('hex');
}
