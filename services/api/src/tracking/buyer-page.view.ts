import { DateTime } from 'luxon';
import { brandingOf, CURRENCY_EXPONENTS } from '@parcelwatch/contracts';
import type { BuyerPageRows } from '@parcelwatch/db';
import { carrierLink, type CarrierLink } from './carrier-links.js';
import { PROGRESS_STEPS, type CustomsNotice, type ExceptionKind, type PageText, type RemedyAction } from './text/index.js';

/*
 * The buyer page as the buyer reads it, from the stored rows: pure, so its rules (which step of
 * the bar, which customs notice, which remedy words) are tested without a server.
 */

export interface Branding {
  logoUrl: string | null;
  primary: string;
  onPrimary: string;
  accent: string;
}

export interface TimelineLine {
  when: string;
  iso: string;
  location: string | null;
  carrierText: string;
  meaning: string;
}

export interface BuyerPageView {
  locale: string;
  zone: string;
  text: PageText;
  merchantName: string;
  supportEmail: string | null;
  branding: Branding;
  orderRef: string;
  trackingNumber: string;
  carrier: CarrierLink;
  statusText: string;
  /** Index in PROGRESS_STEPS reached (-1: none yet). */
  stepReached: number;
  delivered: string | null;
  estimate: { text: string; source: string } | null;
  customs: string[];
  problems: string[];
  remedies: string[];
  timeline: TimelineLine[];
}

const DEFAULT_PRIMARY = '#1f4e79';
const DEFAULT_ACCENT = '#1f4e79';

/** Relative luminance (WCAG) of #rrggbb. */
function luminance(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

/** Black or white, whichever contrasts more with the background. */
export function readableOn(background: string): string {
  const l = luminance(background);
  return (l + 0.05) / 0.05 > 1.05 / (l + 0.05) ? '#000000' : '#ffffff';
}

/** An accent that reads as link text on white (4.5:1), else the default. */
function accentOnWhite(accent: string | null | undefined): string {
  if (accent === null || accent === undefined) return DEFAULT_ACCENT;
  return 1.05 / (luminance(accent) + 0.05) >= 4.5 ? accent : DEFAULT_ACCENT;
}

export function brandingView(settings: Record<string, unknown>): Branding {
  const branding = brandingOf(settings);
  const primary = branding.primaryColor ?? DEFAULT_PRIMARY;
  return { logoUrl: branding.logoUrl ?? null, primary, onPrimary: readableOn(primary), accent: accentOnWhite(branding.accentColor) };
}

function stepReached(s: BuyerPageRows['shipment']): number {
  if (s.delivered_at !== null || s.status === 'delivered') return 3;
  if (s.out_for_delivery_at !== null || ['out_for_delivery', 'available_for_pickup', 'failed_attempt'].includes(s.status)) return 2;
  if (s.picked_up_at !== null || s.departed_origin_at !== null || s.last_checkpoint_at !== null || s.status === 'in_transit') return 1;
  return 0;
}

const CUSTOMS_REASONS: readonly string[] = ['customs_processing', 'customs_hold', 'customs_documents_required', 'duties_unpaid', 'held_for_payment'] satisfies CustomsNotice[];

export function buyerPageView(rows: BuyerPageRows, locale: string, text: PageText): BuyerPageView {
  const s = rows.shipment;
  const zone = DateTime.local().setZone(s.buyer_timezone).isValid ? s.buyer_timezone : 'UTC';
  const at = (instant: Date) => DateTime.fromJSDate(instant).setZone(zone).setLocale(locale);
  const day = (instant: Date) => at(instant).toLocaleString(DateTime.DATE_HUGE);
  const money = (amountMinor: number, currency: string) => new Intl.NumberFormat(locale, { style: 'currency', currency }).format(amountMinor / 10 ** (CURRENCY_EXPONENTS[currency as keyof typeof CURRENCY_EXPONENTS] ?? 2));

  const estimate = (() => {
    if (s.delivered_at !== null) return null;
    if (s.estimated_delivery_at !== null) {
      const from = day(s.estimated_delivery_at);
      const to = s.estimated_delivery_latest_at === null ? null : day(s.estimated_delivery_latest_at);
      const source = s.estimated_delivery_source === 'carrier' ? text.estimateSource.carrier : text.estimateSource.learned;
      return { text: to === null || to === from ? from : text.between(from, to), source };
    }
    if (s.promised_delivery_date !== null) {
      return { text: DateTime.fromISO(s.promised_delivery_date).setLocale(locale).toLocaleString(DateTime.DATE_HUGE), source: text.estimateSource.promised };
    }
    return null;
  })();

  const reason = s.status_reason ?? '';
  const customs = CUSTOMS_REASONS.includes(reason) ? [text.customs[reason as CustomsNotice]] : [];
  if (customs.length === 0 && rows.openExceptions.some((e) => e.kind === 'customs_hold')) customs.push(text.customs.customs_hold);

  const remedies = rows.remedies.map((r) => {
    const action = text.actions[r.action as RemedyAction] ?? r.action;
    const addOns = (Array.isArray(r.add_ons) ? r.add_ons : []).flatMap((a) => (typeof a === 'string' && a in text.actions ? [text.actions[a as RemedyAction]] : []));
    const words = [action, ...addOns].join(' + ');
    const amount = r.amount_minor > 0 && !['reship', 'priority_reship'].includes(r.action) ? money(r.amount_minor, r.currency) : null;
    return text.remedy(words, amount, r.status === 'executed');
  });
  const problems = rows.openExceptions.map((e) => text.exceptions[e.kind as ExceptionKind] ?? text.status.exception);
  if (problems.length > 0 && remedies.length === 0) remedies.push(text.sellerLooking);

  const branding = brandingView(rows.merchant.settings);
  return {
    locale,
    zone,
    text,
    merchantName: rows.merchant.name,
    supportEmail: rows.merchant.supportEmail,
    branding,
    orderRef: s.order_id,
    trackingNumber: s.tracking_number,
    carrier: carrierLink(s.carrier, s.tracking_number),
    statusText: text.status[s.status] ?? s.status,
    stepReached: stepReached(s),
    delivered: s.delivered_at === null ? null : text.deliveredOn(day(s.delivered_at)),
    estimate,
    customs,
    problems,
    remedies,
    timeline: rows.checkpoints.map((c) => ({
      when: at(c.occurred_at).toLocaleString({ ...DateTime.DATE_MED_WITH_WEEKDAY, hour: '2-digit', minute: '2-digit' }),
      iso: c.occurred_at.toISOString(),
      location: c.location_text ?? ([c.city, c.country].filter((part) => part !== null).join(', ') || null),
      carrierText: c.raw_text ?? c.raw_code ?? '',
      meaning: (c.reason !== null ? text.reasons[c.reason] : undefined) ?? text.status[c.milestone] ?? c.milestone,
    })),
  };
}

export { PROGRESS_STEPS };
