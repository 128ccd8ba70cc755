import type { LocaleCatalogue } from './catalogue.types.js';

const ACTIONS: Record<string, string> = {
  store_coupon: 'einen Gutschein',
  free_shipping_voucher: 'einen Gutschein für kostenlosen Versand',
  partial_refund: 'eine Teilerstattung',
  full_refund: 'eine volle Erstattung',
  reship: 'eine kostenlose Ersatzlieferung',
  priority_reship: 'eine kostenlose Ersatzlieferung per Expressversand',
  gift: 'ein kleines Geschenk',
};

export const de: LocaleCatalogue = {
  language: 'de',
  greeting: 'Hallo,',
  trackingLink: 'Sendung verfolgen',
  closing: (merchant) => `Viele Grüße\n${merchant}`,
  reference: (p) => `Bestellung ${p.orderRef} · Sendungsnummer ${p.trackingNumber}`,
  offer(offer, f) {
    const main = offer.amount === null ? ACTIONS[offer.action]! : `${ACTIONS[offer.action]!} über ${f.money(offer.amount)}`;
    const extras = offer.addOns.map((a) => ACTIONS[a]!);
    return extras.length === 0 ? main : `${main} und dazu ${extras.join(' und ')}`;
  },
  templates: {
    shipped: {
      subject: (p) => `Ihre Bestellung ${p.orderRef} wurde versandt`,
      body: (p, f) =>
        `Ihre Bestellung ist unterwegs. Sendungsnummer: ${p.trackingNumber}.` +
        (p.estimatedDeliveryAt === null ? '' : `\nVoraussichtliche Zustellung: ${f.date(p.estimatedDeliveryAt)}.`),
      sms: (p) => `Ihre Bestellung ${p.orderRef} wurde versandt. Sendungsnummer: ${p.trackingNumber}`,
    },
    departed_origin_country: {
      subject: (p) => `Ihre Bestellung ${p.orderRef} ist international unterwegs`,
      body: (p, f) => `Ihr Paket hat ${p.originCountry === null ? 'das Herkunftsland' : f.country(p.originCountry)} verlassen und ist auf dem Weg zu Ihnen.`,
      sms: (p) => `Ihre Bestellung ${p.orderRef} hat das Herkunftsland verlassen.`,
    },
    customs_cleared: {
      subject: (p) => `Ihre Bestellung ${p.orderRef} ist verzollt`,
      body: () => 'Gute Nachricht: Ihr Paket wurde vom Zoll freigegeben und geht nun an den Zusteller vor Ort.',
      sms: (p) => `Ihre Bestellung ${p.orderRef} wurde vom Zoll freigegeben.`,
    },
    out_for_delivery: {
      subject: (p) => `Ihre Bestellung ${p.orderRef} wird heute zugestellt`,
      body: (p, f) => `Ihr Paket ist heute (${f.date(p.occurredAt)}) in der Zustellung. Bitte sorgen Sie dafür, dass jemand es annehmen kann.`,
      sms: (p) => `Ihre Bestellung ${p.orderRef} wird heute zugestellt. Bitte seien Sie erreichbar.`,
    },
    failed_attempt: {
      subject: (p) => `Handlungsbedarf: Zustellversuch ${p.attempt} für Bestellung ${p.orderRef} gescheitert`,
      body: (p, f) =>
        `Der Zusteller hat am ${f.dateTime(p.occurredAt)} versucht, Ihr Paket zuzustellen, leider ohne Erfolg (Versuch ${p.attempt}). ` +
        'Bitte prüfen Sie Ihre Adresse und vereinbaren Sie mit Ihrer Sendungsnummer beim Zusteller eine neue Zustellung.',
      sms: (p) => `Zustellversuch ${p.attempt} für Bestellung ${p.orderRef} gescheitert. Bitte Zusteller kontaktieren, Sendung ${p.trackingNumber}.`,
    },
    available_for_pickup: {
      subject: (p) => `Ihre Bestellung ${p.orderRef} liegt zur Abholung bereit`,
      body: (p) => `Ihr Paket wartet auf Sie: ${p.pickupPoint ?? 'in der Abholstelle'}. Bitte bringen Sie die Sendungsnummer ${p.trackingNumber} und einen Ausweis mit.`,
      sms: (p) => `Bestellung ${p.orderRef} liegt zur Abholung bereit${p.pickupPoint === null ? '' : `: ${p.pickupPoint}`}. Sendung: ${p.trackingNumber}`,
    },
    delivered: {
      subject: (p) => `Ihre Bestellung ${p.orderRef} wurde zugestellt`,
      body: (p, f) => `Ihr Paket wurde am ${f.dateTime(p.deliveredAt)} zugestellt. Viel Freude mit Ihrem Einkauf!`,
      sms: (p, f) => `Bestellung ${p.orderRef} wurde am ${f.shortDateTime(p.deliveredAt)} zugestellt. Viel Freude!`,
    },
    delay_notice: {
      subject: (p) => `Ihre Bestellung ${p.orderRef} verspätet sich`,
      body: (p, f) =>
        `Es tut uns leid: Ihr Paket ist nicht wie geplant bis ${f.calendarDate(p.referenceDate)} angekommen. ` +
        'Es ist weiterhin unterwegs. Wir verfolgen es weiter und schreiben Ihnen, sobald es zugestellt ist.',
      sms: (p) => `Ihre Bestellung ${p.orderRef} verspätet sich leider. Wir verfolgen sie und melden uns bei Zustellung.`,
    },
    delay_apology: {
      subject: (p) => `Entschuldigung für die Verspätung von Bestellung ${p.orderRef}`,
      body: (p, f) => `Bitte entschuldigen Sie die Verspätung Ihrer Bestellung. Als Ausgleich erhalten Sie ${de.offer(p.offer, f)}.`,
      sms: (p, f) => `Entschuldigung für die Verspätung von ${p.orderRef}. Sie erhalten ${de.offer(p.offer, f)}.`,
    },
    damage_apology: {
      subject: (p) => `Entschuldigung: Ihre Bestellung ${p.orderRef} wurde beschädigt`,
      body: (p, f) => `Bitte entschuldigen Sie, dass Ihr Paket auf dem Weg zu Ihnen beschädigt wurde. Als Ausgleich erhalten Sie ${de.offer(p.offer, f)}.`,
      sms: (p, f) => `Bestellung ${p.orderRef} wurde beim Transport beschädigt. Entschuldigung! Sie erhalten ${de.offer(p.offer, f)}.`,
    },
    loss_apology: {
      subject: (p) => `Zu Ihrer Bestellung ${p.orderRef}: unsere Entschuldigung`,
      body: (p, f) => `Es tut uns sehr leid: Ihr Paket ist auf dem Weg zu Ihnen verloren gegangen. Sie erhalten ${de.offer(p.offer, f)}.`,
      sms: (p, f) => `Bestellung ${p.orderRef} ging beim Transport verloren. Sie erhalten ${de.offer(p.offer, f)}.`,
    },
    return_apology: {
      subject: (p) => `Zu Ihrer Bestellung ${p.orderRef}: unsere Entschuldigung`,
      body: (p, f) => `Es tut uns sehr leid: Der Zusteller konnte Ihr Paket durch eigenes Verschulden nicht zustellen und schickt es an uns zurück. Sie erhalten ${de.offer(p.offer, f)}.`,
      sms: (p, f) => `Fehler des Zustellers: ${p.orderRef} geht zurück. Sie erhalten ${de.offer(p.offer, f)}.`,
    },
    customs_hold: {
      subject: (p) => `Ihre Bestellung ${p.orderRef} wird vom Zoll geprüft`,
      body: () => 'Ihr Paket wird vom Zoll zurückgehalten. Das ist meist Routine, und Sie müssen vorerst nichts tun. Wir verfolgen es weiter und melden uns wieder, falls es in einigen Tagen noch festgehalten wird.',
      sms: (p) => `Bestellung ${p.orderRef} wird vom Zoll geprüft. Sie müssen vorerst nichts tun.`,
    },
    customs_action_needed: {
      subject: (p) => `Handlungsbedarf: Der Zoll hält Bestellung ${p.orderRef} zurück`,
      body: (p) =>
        p.requirement === 'duties'
          ? 'Der Zoll hält Ihr Paket zurück, bis die Einfuhrabgaben bezahlt sind. Bitte wenden Sie sich mit Ihrer Sendungsnummer an den Zusteller.'
          : 'Der Zoll hält Ihr Paket zurück und benötigt Unterlagen von Ihnen. Bitte wenden Sie sich mit Ihrer Sendungsnummer an den Zusteller.',
      sms: (p) =>
        `Zoll hält ${p.orderRef} zurück: ${p.requirement === 'duties' ? 'Abgaben offen' : 'Unterlagen fehlen'}. Bitte Zusteller kontaktieren, Sendung ${p.trackingNumber}.`,
    },
    customs_hold_reminder: {
      subject: (p) => `Erinnerung: Bestellung ${p.orderRef} ist weiterhin beim Zoll`,
      body: (p) =>
        `Ihr Paket wird weiterhin vom Zoll zurückgehalten.${p.requirement === null ? '' : p.requirement === 'duties' ? ' Die Einfuhrabgaben sind noch offen.' : ' Die Unterlagen fehlen noch.'} ` +
        'Bitte wenden Sie sich mit Ihrer Sendungsnummer an den Zusteller, damit es freigegeben wird.',
      sms: (p) => `Bestellung ${p.orderRef} ist weiter beim Zoll. Bitte Zusteller kontaktieren, Sendung ${p.trackingNumber}.`,
    },
    stalled: {
      subject: (p) => `Neuigkeiten zu Ihrer Bestellung ${p.orderRef}`,
      body: (p) => `Ihr Paket wurde seit ${Math.floor(p.daysWithoutScan)} Tagen nicht mehr gescannt. Wir behalten es im Blick und schreiben Ihnen, sobald es zugestellt ist oder der Zusteller ein Problem meldet.`,
      sms: (p) => `Bestellung ${p.orderRef} hat seit einigen Tagen keinen neuen Scan. Wir behalten sie im Blick und melden uns bei Neuem.`,
    },
    lost: {
      subject: (p) => `Ihre Bestellung ${p.orderRef} ist offenbar verloren gegangen`,
      body: () => 'Der Zusteller meldet Ihr Paket als verloren. Das tut uns sehr leid. Über Ersatz oder Erstattung wird nach unseren Entschädigungsregeln entschieden; Sie erhalten eine Nachricht, sobald sie genehmigt ist.',
      sms: (p) => `Der Zusteller meldet ${p.orderRef} als verloren. Entschuldigung! Sie erhalten eine Nachricht, sobald Ersatz oder Erstattung genehmigt ist.`,
    },
    damaged: {
      subject: (p) => `Ihre Bestellung ${p.orderRef} wurde beim Transport beschädigt`,
      body: () => 'Der Zusteller meldet, dass Ihr Paket beschädigt wurde. Das tut uns sehr leid. Über Erstattung oder Ersatz wird nach unseren Entschädigungsregeln entschieden; Sie erhalten eine Nachricht, sobald sie genehmigt ist.',
      sms: (p) => `Der Zusteller meldet ${p.orderRef} als beschädigt. Entschuldigung! Sie erhalten eine Nachricht, sobald eine Lösung genehmigt ist.`,
    },
    returning: {
      subject: (p) => `Ihre Bestellung ${p.orderRef} wird zurückgeschickt`,
      body: () => 'Der Zusteller schickt Ihr Paket an uns zurück. Falls Sie die Annahme nicht verweigert haben, antworten Sie bitte, damit wir neu liefern können.',
      sms: (p) => `Bestellung ${p.orderRef} geht an den Absender zurück. Melden Sie sich, wenn Sie sie noch möchten.`,
    },
    returned: {
      subject: (p) => `Ihre Bestellung ${p.orderRef} ist zu uns zurückgekommen`,
      body: () => 'Ihr Paket ist wieder bei uns angekommen. Bitte teilen Sie uns mit, ob wir es erneut senden oder erstatten sollen.',
      sms: (p) => `Bestellung ${p.orderRef} ist zu uns zurückgekommen. Neu senden oder erstatten? Bitte melden.`,
    },
    pickup_uncollected: {
      subject: (p) => `Ihre Bestellung ${p.orderRef} wartet auf Abholung`,
      body: (p) => `Ihr Paket liegt noch in der Abholstelle. Bitte holen Sie es bald mit der Sendungsnummer ${p.trackingNumber} ab, sonst geht es zurück.`,
      sms: (p) => `Bestellung ${p.orderRef} liegt noch in der Abholstelle. Bitte bald abholen, sonst geht sie zurück.`,
    },
    pickup_reminder: {
      subject: (p) => `Erinnerung: Bestellung ${p.orderRef} wartet noch auf Abholung`,
      body: () => 'Ihr Paket liegt noch in der Abholstelle und geht an den Absender zurück, wenn es nicht abgeholt wird. Bitte holen Sie es so bald wie möglich ab.',
      sms: (p) => `Erinnerung: ${p.orderRef} liegt noch in der Abholstelle und geht sonst an den Absender zurück. Bitte abholen.`,
    },
    delivery_overdue: {
      subject: (p) => `Bestellung ${p.orderRef}: die Zustellung dauert länger`,
      body: () => 'Ihr Paket war in der Zustellung, wurde aber noch nicht zugestellt. Wir verfolgen es weiter und schreiben Ihnen, sobald es zugestellt ist.',
      sms: (p) => `Bestellung ${p.orderRef} war in Zustellung, ist aber noch nicht da. Wir verfolgen sie weiter.`,
    },
  },
};
