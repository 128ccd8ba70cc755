import type { Money, NotificationLanguage } from '@parcelwatch/contracts';
import type { CommonParams, Offer, TemplateId, TemplateParams } from './template-params.js';

/** Dates, money and countries in the buyer's language and time zone. */
export interface Formatter {
  readonly locale: string;
  readonly zone: string;
  /** A day in full, e.g. "Monday, March 3, 2025" / "Montag, 3. März 2025". */
  date(instant: string): string;
  /** A calendar date that has no zone of its own (a promised delivery date). */
  calendarDate(isoDate: string): string;
  /** Short day and time for SMS, e.g. "3/3/25, 14:05". */
  shortDateTime(instant: string): string;
  dateTime(instant: string): string;
  money(amount: Money): string;
  country(code: string): string;
}

export type Rendered<P> = (params: P & CommonParams, f: Formatter) => string;

export interface TemplateText<P> {
  subject: Rendered<P>;
  /** The message itself (email body between greeting and sign-off; the marketplace message). */
  body: Rendered<P>;
  /** Short form for SMS: the renderer prefixes the sender and folds it to the GSM alphabet. */
  sms: Rendered<P>;
}

/** The languages with a catalogue: the set merchant onboarding accepts as a default locale. */
export type SupportedLanguage = NotificationLanguage;

/** One language's texts: every template, plus the frame around them. */
export interface LocaleCatalogue {
  language: SupportedLanguage;
  greeting: string;
  /** Before the buyer tracking page's link, e.g. "Follow your parcel: https://…/t/…". */
  trackingLink: string;
  closing(merchantName: string): string;
  reference(params: CommonParams): string;
  /** The compensation in words, e.g. "a 5.00 USD coupon" / "a free replacement". */
  offer(offer: Offer, f: Formatter): string;
  templates: { [K in TemplateId]: TemplateText<TemplateParams[K]> };
}
