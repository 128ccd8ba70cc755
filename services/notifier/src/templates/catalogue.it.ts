import type { LocaleCatalogue } from './catalogue.types.js';

const ACTIONS: Record<string, string> = {
  store_coupon: 'un buono sconto',
  free_shipping_voucher: 'un buono per la spedizione gratuita',
  partial_refund: 'un rimborso parziale',
  full_refund: 'un rimborso completo',
  reship: 'una nuova spedizione gratuita',
  priority_reship: 'una nuova spedizione gratuita prioritaria',
  gift: 'un piccolo regalo',
};

export const it: LocaleCatalogue = {
  language: 'it',
  greeting: 'Buongiorno,',
  trackingLink: 'Segui il tuo pacco',
  closing: (merchant) => `Cordiali saluti,\n${merchant}`,
  reference: (p) => `Ordine ${p.orderRef} · numero di tracciamento ${p.trackingNumber}`,
  offer(offer, f) {
    const main = offer.amount === null ? ACTIONS[offer.action]! : `${ACTIONS[offer.action]!} di ${f.money(offer.amount)}`;
    const extras = offer.addOns.map((a) => ACTIONS[a]!);
    return extras.length === 0 ? main : `${main}, oltre a ${extras.join(' e ')}`;
  },
  templates: {
    shipped: {
      subject: (p) => `Il tuo ordine ${p.orderRef} è stato spedito`,
      body: (p, f) =>
        `Il tuo ordine è in viaggio. Numero di tracciamento: ${p.trackingNumber}.` +
        (p.estimatedDeliveryAt === null ? '' : `\nConsegna prevista: ${f.date(p.estimatedDeliveryAt)}.`),
      sms: (p) => `il tuo ordine ${p.orderRef} è stato spedito. Tracciamento: ${p.trackingNumber}`,
    },
    departed_origin_country: {
      subject: (p) => `Il tuo ordine ${p.orderRef} è in transito internazionale`,
      body: (p, f) => `Il tuo pacco ha lasciato ${p.originCountry === null ? 'il paese di origine' : f.country(p.originCountry)} ed è in viaggio verso di te.`,
      sms: (p) => `il tuo ordine ${p.orderRef} ha lasciato il paese di origine.`,
    },
    customs_cleared: {
      subject: (p) => `Il tuo ordine ${p.orderRef} ha superato la dogana`,
      body: () => 'Buone notizie: il tuo pacco è stato sdoganato e prosegue verso il corriere locale per la consegna.',
      sms: (p) => `il tuo ordine ${p.orderRef} è stato sdoganato.`,
    },
    out_for_delivery: {
      subject: (p) => `Il tuo ordine ${p.orderRef} è in consegna`,
      body: (p, f) => `Il tuo pacco è in consegna oggi (${f.date(p.occurredAt)}). Assicurati che qualcuno possa riceverlo.`,
      sms: (p) => `il tuo ordine ${p.orderRef} è in consegna oggi. Assicurati di essere disponibile.`,
    },
    failed_attempt: {
      subject: (p) => `Azione richiesta: tentativo di consegna ${p.attempt} non riuscito per l'ordine ${p.orderRef}`,
      body: (p, f) =>
        `Il corriere ha provato a consegnare il tuo pacco il ${f.dateTime(p.occurredAt)}, senza successo (tentativo ${p.attempt}). ` +
        'Controlla il tuo indirizzo e contatta il corriere con il numero di tracciamento per concordare una nuova consegna.',
      sms: (p) => `tentativo di consegna ${p.attempt} dell'ordine ${p.orderRef} non riuscito. Contatta il corriere, tracciamento ${p.trackingNumber}.`,
    },
    available_for_pickup: {
      subject: (p) => `Il tuo ordine ${p.orderRef} è pronto per il ritiro`,
      body: (p) => `Il tuo pacco ti aspetta presso ${p.pickupPoint ?? 'il punto di ritiro'}. Porta il numero di tracciamento ${p.trackingNumber} e un documento d'identità.`,
      sms: (p) => `l'ordine ${p.orderRef} è pronto per il ritiro${p.pickupPoint === null ? '' : ` presso ${p.pickupPoint}`}. Tracciamento: ${p.trackingNumber}`,
    },
    delivered: {
      subject: (p) => `Il tuo ordine ${p.orderRef} è stato consegnato`,
      body: (p, f) => `Il tuo pacco è stato consegnato il ${f.dateTime(p.deliveredAt)}. Speriamo che il tuo acquisto ti piaccia.`,
      sms: (p, f) => `l'ordine ${p.orderRef} è stato consegnato il ${f.shortDateTime(p.deliveredAt)}. Buon acquisto!`,
    },
    delay_notice: {
      subject: (p) => `Il tuo ordine ${p.orderRef} è in ritardo`,
      body: (p, f) =>
        `Ci dispiace: il tuo pacco non è arrivato entro il ${f.calendarDate(p.referenceDate)} come previsto. ` +
        'È ancora in viaggio. Continuiamo a seguirlo e ti scriveremo quando sarà consegnato.',
      sms: (p) => `ci dispiace, l'ordine ${p.orderRef} è in ritardo. Continuiamo a seguirlo e ti scriveremo alla consegna.`,
    },
    delay_apology: {
      subject: (p) => `Ci scusiamo per il ritardo dell'ordine ${p.orderRef}`,
      body: (p, f) => `Ci scusiamo per il ritardo del tuo ordine. Per rimediare ti offriamo ${it.offer(p.offer, f)}.`,
      sms: (p, f) => `scusa per il ritardo di ${p.orderRef}. Ti offriamo ${it.offer(p.offer, f)}.`,
    },
    damage_apology: {
      subject: (p) => `Ci scusiamo: l'ordine ${p.orderRef} è stato danneggiato`,
      body: (p, f) => `Ci scusiamo perché il tuo pacco è stato danneggiato durante il viaggio. Per rimediare ti offriamo ${it.offer(p.offer, f)}.`,
      sms: (p, f) => `l'ordine ${p.orderRef} è stato danneggiato nel trasporto. Ci dispiace! Ti offriamo ${it.offer(p.offer, f)}.`,
    },
    loss_apology: {
      subject: (p) => `Il tuo ordine ${p.orderRef}: le nostre scuse`,
      body: (p, f) => `Ci dispiace molto: il tuo pacco è andato perso durante il viaggio. Ti offriamo ${it.offer(p.offer, f)}.`,
      sms: (p, f) => `l'ordine ${p.orderRef} è andato perso nel trasporto. Ti offriamo ${it.offer(p.offer, f)}.`,
    },
    return_apology: {
      subject: (p) => `Il tuo ordine ${p.orderRef}: le nostre scuse`,
      body: (p, f) => `Ci dispiace molto: il corriere non ha potuto consegnare il tuo pacco per un proprio errore e ce lo sta restituendo. Ti offriamo ${it.offer(p.offer, f)}.`,
      sms: (p, f) => `errore del corriere: l'ordine ${p.orderRef} torna indietro. Ti offriamo ${it.offer(p.offer, f)}.`,
    },
    customs_hold: {
      subject: (p) => `Il tuo ordine ${p.orderRef} è fermo in dogana`,
      body: () => 'Il tuo pacco è trattenuto dalla dogana. Di solito è una formalità e per ora non devi fare nulla. Continuiamo a seguirlo e ti scriveremo di nuovo se tra qualche giorno sarà ancora fermo.',
      sms: (p) => `l'ordine ${p.orderRef} è fermo in dogana. Per ora non devi fare nulla.`,
    },
    customs_action_needed: {
      subject: (p) => `Azione richiesta: la dogana trattiene l'ordine ${p.orderRef}`,
      body: (p) =>
        p.requirement === 'duties'
          ? 'La dogana trattiene il tuo pacco finché non vengono pagati i dazi. Contatta il corriere con il numero di tracciamento per pagarli.'
          : 'La dogana trattiene il tuo pacco e ha bisogno di documenti da parte tua. Contatta il corriere con il numero di tracciamento per fornirli.',
      sms: (p) =>
        `la dogana trattiene ${p.orderRef}: ${p.requirement === 'duties' ? 'dazi da pagare' : 'documenti mancanti'}. Contatta il corriere, tracciamento ${p.trackingNumber}.`,
    },
    customs_hold_reminder: {
      subject: (p) => `Promemoria: l'ordine ${p.orderRef} è ancora in dogana`,
      body: (p) =>
        `Il tuo pacco è ancora trattenuto in dogana.${p.requirement === null ? '' : p.requirement === 'duties' ? ' I dazi non sono ancora stati pagati.' : ' Mancano ancora i documenti.'} ` +
        'Contatta il corriere con il numero di tracciamento per farlo sbloccare.',
      sms: (p) => `l'ordine ${p.orderRef} è ancora in dogana. Contatta il corriere, tracciamento ${p.trackingNumber}.`,
    },
    stalled: {
      subject: (p) => `Aggiornamento sul tuo ordine ${p.orderRef}`,
      body: (p) => `Il tuo pacco non ha nuove scansioni da ${Math.floor(p.daysWithoutScan)} giorni. Lo teniamo d'occhio e ti scriveremo quando sarà consegnato o se il corriere segnala un problema.`,
      sms: (p) => `l'ordine ${p.orderRef} non ha aggiornamenti da qualche giorno. Lo teniamo d'occhio e ti scriveremo se cambia qualcosa.`,
    },
    lost: {
      subject: (p) => `Il tuo ordine ${p.orderRef} risulta smarrito`,
      body: () => 'Il corriere segnala il tuo pacco come smarrito. Ci dispiace molto. Una nuova spedizione o un rimborso viene deciso secondo la nostra politica di compensazione, e riceverai un messaggio appena sarà approvato.',
      sms: (p) => `il corriere segnala l'ordine ${p.orderRef} come smarrito. Ci dispiace! Riceverai un messaggio appena una soluzione sarà approvata.`,
    },
    damaged: {
      subject: (p) => `Il tuo ordine ${p.orderRef} si è danneggiato durante il trasporto`,
      body: () => 'Il corriere segnala che il tuo pacco è stato danneggiato. Ci dispiace molto. Un rimborso o una nuova spedizione viene deciso secondo la nostra politica di compensazione, e riceverai un messaggio appena sarà approvato.',
      sms: (p) => `il corriere segnala l'ordine ${p.orderRef} come danneggiato. Ci dispiace! Riceverai un messaggio appena una soluzione sarà approvata.`,
    },
    returning: {
      subject: (p) => `Il tuo ordine ${p.orderRef} sta tornando al mittente`,
      body: () => 'Il corriere ci sta restituendo il tuo pacco. Se non lo hai rifiutato, rispondi per organizzare una nuova consegna.',
      sms: (p) => `l'ordine ${p.orderRef} torna al mittente. Contattaci se lo vuoi ancora.`,
    },
    returned: {
      subject: (p) => `Il tuo ordine ${p.orderRef} ci è stato restituito`,
      body: () => 'Il tuo pacco è tornato da noi. Facci sapere se preferisci una nuova spedizione o un rimborso.',
      sms: (p) => `l'ordine ${p.orderRef} ci è stato restituito. Nuova spedizione o rimborso? Contattaci.`,
    },
    pickup_uncollected: {
      subject: (p) => `Il tuo ordine ${p.orderRef} attende il ritiro`,
      body: (p) => `Il tuo pacco è ancora al punto di ritiro. Ritiralo presto con il numero di tracciamento ${p.trackingNumber}, altrimenti verrà restituito.`,
      sms: (p) => `l'ordine ${p.orderRef} è ancora al punto di ritiro. Ritiralo presto o verrà restituito.`,
    },
    pickup_reminder: {
      subject: (p) => `Promemoria: l'ordine ${p.orderRef} è ancora da ritirare`,
      body: () => 'Il tuo pacco è ancora al punto di ritiro e verrà restituito al mittente se non viene ritirato. Ritiralo il prima possibile.',
      sms: (p) => `promemoria: l'ordine ${p.orderRef} è ancora al punto di ritiro e torna al mittente se non lo ritiri.`,
    },
    delivery_overdue: {
      subject: (p) => `Ordine ${p.orderRef}: la consegna sta richiedendo più tempo`,
      body: () => 'Il tuo pacco è uscito per la consegna ma non è ancora stato consegnato. Continuiamo a seguirlo e ti scriveremo quando sarà consegnato.',
      sms: (p) => `l'ordine ${p.orderRef} è uscito per la consegna ma non è arrivato. Continuiamo a seguirlo.`,
    },
  },
};
