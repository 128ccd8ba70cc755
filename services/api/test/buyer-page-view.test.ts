import { describe, expect, it } from '@jest/globals';
import type { BuyerPageRows, Compensation, Shipment, ShipmentException } from '@parcelwatch/db';
import { brandingView, buyerPageView, readableOn } from '../src/tracking/buyer-page.view.js';
import { PAGE_TEXTS, pageLocale } from '../src/tracking/text/index.js';

/* The tracking page's rules, pure: which step, which date, which notice, which words for a remedy. */

const shipment = (over: Partial<Shipment> = {}) =>
  ({
    id: 's1', merchant_id: 'm1', order_id: 'O-1', tracking_number: 'YT1234567890123456', carrier: 'yunexpress', status: 'in_transit', status_reason: null,
    buyer_timezone: 'America/New_York', delivered_at: null, out_for_delivery_at: null, picked_up_at: new Date('2026-03-01T00:00:00Z'), departed_origin_at: null,
    last_checkpoint_at: null, estimated_delivery_at: null, estimated_delivery_latest_at: null, estimated_delivery_source: null, promised_delivery_date: null, ...over,
  }) as Shipment;

const rows = (over: Partial<BuyerPageRows> = {}): BuyerPageRows => ({
  shipment: shipment(),
  checkpoints: [],
  openExceptions: [],
  remedies: [],
  merchant: { name: 'Kettle & Co', supportEmail: null, defaultLocale: 'en-US', settings: {} },
  buyerLocale: null,
  ...over,
});

describe('buyer page view', () => {
  it('writes on brand colours in whichever of black or white reads, and keeps an unreadable accent off links', () => {
    expect(readableOn('#ffd400')).toBe('#000000');
    expect(readableOn('#1f4e79')).toBe('#ffffff');
    expect(brandingView({ branding: { accentColor: '#ffff00' } }).accent).toBe('#1f4e79');
    expect(brandingView({ branding: { primaryColor: 'red' } }).primary).toBe('#1f4e79');
  });

  it('shows the learned range with its source in the buyer zone, and the promised date when nothing else is known', () => {
    const learned = buyerPageView(rows({ shipment: shipment({ estimated_delivery_at: new Date('2026-03-10T03:00:00Z'), estimated_delivery_latest_at: new Date('2026-03-13T12:00:00Z'), estimated_delivery_source: 'learned' }) }), 'en-US', PAGE_TEXTS.en);
    // 03:00 UTC on the 10th is still the 9th in New York.
    expect(learned.estimate).toEqual({ text: 'between Monday, March 9, 2026 and Friday, March 13, 2026', source: 'estimate from past deliveries on this route' });
    const promised = buyerPageView(rows({ shipment: shipment({ promised_delivery_date: '2026-03-20' }) }), 'de-DE', PAGE_TEXTS.de);
    expect(promised.estimate).toEqual({ text: 'Freitag, 20. März 2026', source: 'beim Kauf zugesagtes Datum' });
  });

  it('tells the buyer what to do about customs, and what the seller is doing about an open exception', () => {
    const exception = { kind: 'customs_hold', status: 'open', opened_at: new Date() } as ShipmentException;
    const offered = { action: 'partial_refund', add_ons: ['gift'], amount_minor: 1250, currency: 'EUR', status: 'approved' } as unknown as Compensation;
    const view = buyerPageView(rows({ shipment: shipment({ status: 'exception', status_reason: 'duties_unpaid' }), openExceptions: [exception], remedies: [offered] }), 'fr-FR', PAGE_TEXTS.fr);
    expect(view.customs).toEqual([PAGE_TEXTS.fr.customs.duties_unpaid]);
    expect(view.problems).toEqual(['Le colis est retenu en douane.']);
    expect(view.remedies).toEqual(['Proposé : un remboursement partiel + un petit cadeau (12,50\u00a0€).']);
    const waiting = buyerPageView(rows({ openExceptions: [{ ...exception, kind: 'stalled' }] }), 'en', PAGE_TEXTS.en);
    expect(waiting.remedies).toEqual([PAGE_TEXTS.en.sellerLooking]);
  });

  it('fills the bar up to the furthest step reached, and picks the page language from the first candidate it speaks', () => {
    expect(buyerPageView(rows({ shipment: shipment({ picked_up_at: null, status: 'info_received' }) }), 'en', PAGE_TEXTS.en).stepReached).toBe(0);
    expect(buyerPageView(rows(), 'en', PAGE_TEXTS.en).stepReached).toBe(1);
    expect(buyerPageView(rows({ shipment: shipment({ status: 'failed_attempt' }) }), 'en', PAGE_TEXTS.en).stepReached).toBe(2);
    expect(buyerPageView(rows({ shipment: shipment({ status: 'exception', delivered_at: new Date() }) }), 'en', PAGE_TEXTS.en).stepReached).toBe(3);
    expect(pageLocale('pt-BR', null, 'it-IT', 'en').locale).toBe('it-IT');
    expect(pageLocale(undefined, 'zz').locale).toBe('en');
  });
});
