import { describe, expect, it } from '@jest/globals';
import { CATALOGUES, SUPPORTED_LANGUAGES, TemplateError, bodySha256, renderNotification, resolveLocale } from '../src/templates/template-renderer.js';
import { gsm7Length, isGsm7, toGsm7 } from '../src/templates/gsm-alphabet.js';
import { TEMPLATE_IDS, TEMPLATE_PARAM_SCHEMAS, type TemplateId, type TemplateParams } from '../src/templates/template-params.js';

const common = { orderRef: '576461413019', trackingNumber: 'LX123456789CN', merchantName: 'Kettle & Co' };
const offer = { action: 'store_coupon' as const, amount: { amountMinor: 500, currency: 'EUR' as const }, addOns: [] };

/** Sample params per template; a long pickup point name is the worst case for SMS length. */
const SAMPLES: { [K in TemplateId]: TemplateParams[K] } = {
  shipped: { estimatedDeliveryAt: '2025-03-14T12:00:00Z' },
  departed_origin_country: { originCountry: 'CN' },
  customs_cleared: {},
  out_for_delivery: { occurredAt: '2025-03-12T06:30:00Z' },
  failed_attempt: { attempt: 2, occurredAt: '2025-03-12T13:05:00Z' },
  available_for_pickup: { pickupPoint: 'DHL Packstation 123' },
  delivered: { deliveredAt: '2025-03-12T13:05:00Z' },
  delay_notice: { referenceDate: '2025-03-10', daysLate: 3 },
  delay_apology: { offer },
  damage_apology: { offer: { action: 'partial_refund', amount: { amountMinor: 1500, currency: 'EUR' }, addOns: [] } },
  loss_apology: { offer: { action: 'full_refund', amount: { amountMinor: 4999, currency: 'EUR' }, addOns: ['gift'] } },
  return_apology: { offer: { action: 'priority_reship', amount: null, addOns: ['gift'] } },
  customs_hold: {},
  customs_action_needed: { requirement: 'duties' },
  customs_hold_reminder: { requirement: 'documents' },
  stalled: { daysWithoutScan: 6.4 },
  lost: {},
  damaged: {},
  returning: {},
  returned: {},
  pickup_uncollected: {},
  pickup_reminder: {},
  delivery_overdue: {},
};

const render = (template: TemplateId, locale: string, params: object = SAMPLES[template]) =>
  renderNotification(template, { ...common, ...params }, { locale, timeZone: 'Europe/Berlin', senderName: 'Kettle & Co' });

describe('template library', () => {
  it('has every template in every locale', () => {
    expect(SUPPORTED_LANGUAGES.sort()).toEqual(['de', 'en', 'es', 'fr', 'it']);
    for (const language of SUPPORTED_LANGUAGES) expect(Object.keys(CATALOGUES[language].templates).sort()).toEqual([...TEMPLATE_IDS].sort());
    expect(Object.keys(SAMPLES).sort()).toEqual([...TEMPLATE_IDS].sort());
  });

  it('renders every template in every locale with the same params, without gaps, and distinct per language', () => {
    for (const template of TEMPLATE_IDS) {
      const bodies = new Set<string>();
      for (const language of SUPPORTED_LANGUAGES) {
        const r = render(template, language);
        for (const text of [r.subject, r.email, r.sms, r.marketplace]) {
          expect(text).not.toMatch(/\bundefined\b|\bnull\b|\bNaN\b|\[object|Invalid DateTime/);
          expect(text.trim().length).toBeGreaterThan(10);
        }
        expect(r.subject).toContain(common.orderRef);
        expect(r.marketplace).toContain(common.trackingNumber);
        bodies.add(r.email);
      }
      expect(bodies.size).toBe(SUPPORTED_LANGUAGES.length);
    }
  });

  it('keeps every SMS in the GSM alphabet and within one 160-character message', () => {
    for (const template of TEMPLATE_IDS) {
      for (const language of SUPPORTED_LANGUAGES) {
        const { sms } = render(template, language);
        expect([template, language, isGsm7(sms)]).toEqual([template, language, true]);
        expect([template, language, gsm7Length(sms) <= 160, sms]).toEqual([template, language, true, sms]);
      }
    }
    expect(toGsm7('Votre colis n’est pas arrivé : envío ½')).toBe("Votre colis n'est pas arrivé : envio ?");
  });

  it('shows dates in the buyer language and zone, and money in the buyer locale', () => {
    // 23:30 UTC on 11 March is already 12 March in Berlin.
    const de = render('delivered', 'de-DE', { deliveredAt: '2025-03-11T23:30:00Z' });
    expect(de.email).toContain('Mittwoch, 12. März 2025');
    expect(de.email).toContain('00:30');
    expect(de.subject).toBe(`Ihre Bestellung ${common.orderRef} wurde zugestellt`);
    const en = render('delivered', 'en-US', { deliveredAt: '2025-03-11T23:30:00Z' });
    expect(en.email).toContain('Wednesday, March 12, 2025');
    expect(render('delay_apology', 'de-DE').email).toMatch(/einen Gutschein über 5,00\s€/);
    expect(render('delay_apology', 'en-US').email).toContain('a store coupon of €5.00');
    expect(render('loss_apology', 'fr-FR').email).toMatch(/un remboursement intégral de 49,99\s€, ainsi que un petit cadeau/);
    expect(render('departed_origin_country', 'it').email).toContain('ha lasciato Cina');
    expect(render('delay_notice', 'es').email).toContain('lunes, 10 de marzo de 2025');
  });

  it('refuses unknown templates and invalid params, and falls back to a language it has', () => {
    expect(() => render('no_such' as TemplateId, 'en')).toThrow(TemplateError);
    expect(() => render('failed_attempt', 'en', { attempt: 0, occurredAt: 'yesterday' })).toThrow(/failed_attempt/);
    expect(resolveLocale('de-AT', 'en')).toBe('de-AT');
    expect(resolveLocale('pt-BR', 'fr')).toBe('fr');
    expect(resolveLocale(null, 'ja')).toBe('en');
    expect(Object.keys(TEMPLATE_PARAM_SCHEMAS)).toHaveLength(TEMPLATE_IDS.length);
  });

  it('apologises for what happened: a delay, damage, a loss, a return by the carrier', () => {
    const en = (template: TemplateId) => render(template, 'en').email;
    expect(en('delay_apology')).toContain('late');
    expect(en('damage_apology')).toContain('damaged');
    expect(en('loss_apology')).toContain('lost');
    expect(en('return_apology')).toContain('through its own fault');
    // Only the delay apology speaks of lateness, in each language's own word for it.
    const LATE: Record<string, RegExp> = { en: /\blate\b/i, de: /Verspätung/i, es: /retraso/i, fr: /retard/i, it: /ritardo/i };
    for (const language of SUPPORTED_LANGUAGES) {
      expect([language, LATE[language]!.test(render('delay_apology', language).email)]).toEqual([language, true]);
      for (const template of ['damage_apology', 'loss_apology', 'return_apology'] as const) {
        const { email, sms } = render(template, language);
        expect([template, language, LATE[language]!.test(email) || LATE[language]!.test(sms)]).toEqual([template, language, false]);
      }
    }
    expect(render('damage_apology', 'de').email).toContain('beschädigt');
    expect(render('return_apology', 'es').email).toContain('por un error propio');
  });

  it('promises only what the code does: nobody asks a carrier anything, reminders are not "last"', () => {
    // Each phrase once claimed an action no code takes; a test per language keeps them out.
    const UNBACKED: Record<string, RegExp> = {
      en: /asked the carrier|checking with the carrier|looking into it|hear from us shortly|contact you about|last reminder/i,
      de: /beim Zusteller nachgefragt|fragen beim Zusteller|kümmern uns|melden uns in Kürze|melden uns mit einer Lösung|letzte Erinnerung/i,
      es: /consultado al transportista|consultamos con el transportista|lo estamos revisando|pronto te escribiremos|te contactaremos|último aviso/i,
      fr: /interrogé le transporteur|nous nous en occupons|nous vérifions|reviendrons vers vous|nous vous recontactons|dernier rappel/i,
      it: /contattato il corriere|verifichiamo|stiamo verificando|ti contatteremo|ultimo promemoria/i,
    };
    for (const template of TEMPLATE_IDS) {
      for (const language of SUPPORTED_LANGUAGES) {
        const r = render(template, language);
        for (const text of [r.subject, r.email, r.sms]) expect([template, language, UNBACKED[language]!.test(text), text]).toEqual([template, language, false, text]);
      }
    }
  });

  it('hashes what the buyer received', () => {
    expect(bodySha256('S', 'B')).toBe(bodySha256(null, 'S\n\nB'));
    expect(bodySha256(null, 'B')).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('the buyer tracking page link', () => {
  const url = 'https://track.kettle.example/t/Zm9vYmFyYmF6cXV4X19fLS0tMTIzNDU2';
  const withLink = (template: TemplateId, locale: string) =>
    renderNotification(template, { ...common, ...SAMPLES[template] }, { locale, timeZone: 'Europe/Berlin', senderName: 'Kettle & Co', trackingUrl: url });

  it('is in every template on every channel, introduced in the buyer language', () => {
    const labels = { en: 'Follow your parcel', es: 'Sigue tu paquete', de: 'Sendung verfolgen', fr: 'Suivre votre colis', it: 'Segui il tuo pacco' } as const;
    for (const language of SUPPORTED_LANGUAGES) {
      for (const template of TEMPLATE_IDS) {
        const rendered = withLink(template, language);
        expect(rendered.email).toContain(`${labels[language]}: ${url}`);
        expect(rendered.marketplace).toContain(`${labels[language]}: ${url}`);
        expect(rendered.sms.endsWith(` ${url}`)).toBe(true);
        expect(isGsm7(rendered.sms)).toBe(true);
      }
    }
  });

  it('is left out where the shipment has no live link', () => {
    const rendered = render('shipped', 'en');
    expect(rendered.email).not.toContain('/t/');
    expect(rendered.email).not.toContain('Follow your parcel');
  });
});
