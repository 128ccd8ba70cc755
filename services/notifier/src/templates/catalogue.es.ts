import type { LocaleCatalogue } from './catalogue.types.js';

const ACTIONS: Record<string, string> = {
  store_coupon: 'un cupón de la tienda',
  free_shipping_voucher: 'un vale de envío gratuito',
  partial_refund: 'un reembolso parcial',
  full_refund: 'un reembolso completo',
  reship: 'un reenvío gratuito',
  priority_reship: 'un reenvío gratuito con envío prioritario',
  gift: 'un pequeño regalo',
};

export const es: LocaleCatalogue = {
  language: 'es',
  greeting: 'Hola:',
  trackingLink: 'Sigue tu paquete',
  closing: (merchant) => `Un saludo,\n${merchant}`,
  reference: (p) => `Pedido ${p.orderRef} · número de seguimiento ${p.trackingNumber}`,
  offer(offer, f) {
    const main = offer.amount === null ? ACTIONS[offer.action]! : `${ACTIONS[offer.action]!} de ${f.money(offer.amount)}`;
    const extras = offer.addOns.map((a) => ACTIONS[a]!);
    return extras.length === 0 ? main : `${main}, además de ${extras.join(' y ')}`;
  },
  templates: {
    shipped: {
      subject: (p) => `Tu pedido ${p.orderRef} ha sido enviado`,
      body: (p, f) =>
        `Tu pedido está en camino. Número de seguimiento: ${p.trackingNumber}.` +
        (p.estimatedDeliveryAt === null ? '' : `\nEntrega estimada: ${f.date(p.estimatedDeliveryAt)}.`),
      sms: (p) => `tu pedido ${p.orderRef} ha sido enviado. Seguimiento: ${p.trackingNumber}`,
    },
    departed_origin_country: {
      subject: (p) => `Tu pedido ${p.orderRef} está en tránsito internacional`,
      body: (p, f) => `Tu paquete ha salido de ${p.originCountry === null ? 'el país de origen' : f.country(p.originCountry)} y va de camino hacia ti.`,
      sms: (p) => `tu pedido ${p.orderRef} ha salido del país de origen.`,
    },
    customs_cleared: {
      subject: (p) => `Tu pedido ${p.orderRef} ha pasado la aduana`,
      body: () => 'Buenas noticias: tu paquete ha superado la aduana y continúa hacia el transportista local para su entrega.',
      sms: (p) => `tu pedido ${p.orderRef} ha pasado la aduana.`,
    },
    out_for_delivery: {
      subject: (p) => `Tu pedido ${p.orderRef} está en reparto`,
      body: (p, f) => `Tu paquete está hoy en reparto (${f.date(p.occurredAt)}). Asegúrate de que alguien pueda recibirlo.`,
      sms: (p) => `tu pedido ${p.orderRef} se entrega hoy. Por favor, está disponible para recibirlo.`,
    },
    failed_attempt: {
      subject: (p) => `Acción necesaria: falló el intento de entrega ${p.attempt} del pedido ${p.orderRef}`,
      body: (p, f) =>
        `El transportista intentó entregar tu paquete el ${f.dateTime(p.occurredAt)}, sin éxito (intento ${p.attempt}). ` +
        'Revisa tu dirección y contacta con el transportista con tu número de seguimiento para acordar una nueva entrega.',
      sms: (p) => `falló el intento de entrega ${p.attempt} del pedido ${p.orderRef}. Contacta con el transportista, seguimiento ${p.trackingNumber}.`,
    },
    available_for_pickup: {
      subject: (p) => `Tu pedido ${p.orderRef} está listo para recoger`,
      body: (p) => `Tu paquete te espera en ${p.pickupPoint ?? 'el punto de recogida'}. Lleva tu número de seguimiento ${p.trackingNumber} y un documento de identidad.`,
      sms: (p) => `el pedido ${p.orderRef} está listo para recoger${p.pickupPoint === null ? '' : ` en ${p.pickupPoint}`}. Seguimiento: ${p.trackingNumber}`,
    },
    delivered: {
      subject: (p) => `Tu pedido ${p.orderRef} ha sido entregado`,
      body: (p, f) => `Tu paquete se entregó el ${f.dateTime(p.deliveredAt)}. ¡Esperamos que disfrutes de tu compra!`,
      sms: (p, f) => `el pedido ${p.orderRef} se entregó el ${f.shortDateTime(p.deliveredAt)}. ¡Que lo disfrutes!`,
    },
    delay_notice: {
      subject: (p) => `Tu pedido ${p.orderRef} lleva retraso`,
      body: (p, f) =>
        `Lo sentimos: tu paquete no llegó el ${f.calendarDate(p.referenceDate)} como estaba previsto. ` +
        'Sigue en camino. Seguimos su rastreo y te escribiremos cuando se entregue.',
      sms: (p) => `lo sentimos, tu pedido ${p.orderRef} lleva retraso. Seguimos su rastreo y te avisaremos al entregarse.`,
    },
    delay_apology: {
      subject: (p) => `Disculpa por el retraso del pedido ${p.orderRef}`,
      body: (p, f) => `Te pedimos disculpas por el retraso de tu pedido. Para compensarlo te ofrecemos ${es.offer(p.offer, f)}.`,
      sms: (p, f) => `disculpa el retraso del pedido ${p.orderRef}. Te ofrecemos ${es.offer(p.offer, f)}.`,
    },
    damage_apology: {
      subject: (p) => `Disculpa por los daños del pedido ${p.orderRef}`,
      body: (p, f) => `Te pedimos disculpas porque tu paquete sufrió daños en el camino. Para compensarlo te ofrecemos ${es.offer(p.offer, f)}.`,
      sms: (p, f) => `el pedido ${p.orderRef} sufrió daños en el transporte. Lo sentimos. Te ofrecemos ${es.offer(p.offer, f)}.`,
    },
    loss_apology: {
      subject: (p) => `Sobre tu pedido ${p.orderRef}: nuestras disculpas`,
      body: (p, f) => `Lo sentimos mucho: tu paquete se perdió en el camino. Te ofrecemos ${es.offer(p.offer, f)}.`,
      sms: (p, f) => `el pedido ${p.orderRef} se perdió en el transporte. Lo sentimos. Te ofrecemos ${es.offer(p.offer, f)}.`,
    },
    return_apology: {
      subject: (p) => `Sobre tu pedido ${p.orderRef}: nuestras disculpas`,
      body: (p, f) => `Lo sentimos mucho: el transportista no pudo entregar tu paquete por un error propio y nos lo devuelve. Te ofrecemos ${es.offer(p.offer, f)}.`,
      sms: (p, f) => `error del transportista: el pedido ${p.orderRef} vuelve. Te ofrecemos ${es.offer(p.offer, f)}.`,
    },
    customs_hold: {
      subject: (p) => `Tu pedido ${p.orderRef} está retenido en aduana`,
      body: () => 'La aduana retiene tu paquete. Suele ser un trámite rutinario y por ahora no tienes que hacer nada. Seguimos su rastreo y te volveremos a escribir si en unos días sigue retenido.',
      sms: (p) => `el pedido ${p.orderRef} está retenido en aduana. Por ahora no tienes que hacer nada.`,
    },
    customs_action_needed: {
      subject: (p) => `Acción necesaria: la aduana retiene el pedido ${p.orderRef}`,
      body: (p) =>
        p.requirement === 'duties'
          ? 'La aduana retiene tu paquete hasta que se paguen los aranceles. Contacta con el transportista con tu número de seguimiento para pagarlos.'
          : 'La aduana retiene tu paquete y necesita documentos tuyos. Contacta con el transportista con tu número de seguimiento para enviarlos.',
      sms: (p) =>
        `la aduana retiene ${p.orderRef}: ${p.requirement === 'duties' ? 'aranceles pendientes' : 'faltan documentos'}. Contacta con el transportista, ${p.trackingNumber}.`,
    },
    customs_hold_reminder: {
      subject: (p) => `Recordatorio: el pedido ${p.orderRef} sigue en aduana`,
      body: (p) =>
        `Tu paquete sigue retenido en aduana.${p.requirement === null ? '' : p.requirement === 'duties' ? ' Los aranceles siguen sin pagar.' : ' Siguen faltando los documentos.'} ` +
        'Contacta con el transportista con tu número de seguimiento para que lo liberen.',
      sms: (p) => `el pedido ${p.orderRef} sigue en aduana. Contacta con el transportista, seguimiento ${p.trackingNumber}.`,
    },
    stalled: {
      subject: (p) => `Novedades sobre tu pedido ${p.orderRef}`,
      body: (p) => `Tu paquete lleva ${Math.floor(p.daysWithoutScan)} días sin un nuevo escaneo. Lo seguimos vigilando y te escribiremos cuando se entregue o si el transportista informa de un problema.`,
      sms: (p) => `el pedido ${p.orderRef} lleva unos días sin novedades del transportista. Lo vigilamos y te avisaremos si algo cambia.`,
    },
    lost: {
      subject: (p) => `Tu pedido ${p.orderRef} parece haberse perdido`,
      body: () => 'El transportista informa de que tu paquete se ha perdido. Lo sentimos mucho. Un reenvío o un reembolso se decide según nuestra política de compensación, y recibirás un mensaje en cuanto se apruebe.',
      sms: (p) => `el transportista da el pedido ${p.orderRef} por perdido. Lo sentimos. Recibirás un mensaje cuando se apruebe un reembolso o reenvío.`,
    },
    damaged: {
      subject: (p) => `Tu pedido ${p.orderRef} sufrió daños en el transporte`,
      body: () => 'El transportista informa de que tu paquete ha sufrido daños. Lo sentimos mucho. Un reembolso o un reenvío se decide según nuestra política de compensación, y recibirás un mensaje en cuanto se apruebe.',
      sms: (p) => `el transportista informa de daños en el pedido ${p.orderRef}. Lo sentimos. Recibirás un mensaje cuando se apruebe una solución.`,
    },
    returning: {
      subject: (p) => `Tu pedido ${p.orderRef} está siendo devuelto`,
      body: () => 'El transportista nos está devolviendo tu paquete. Si no lo rechazaste, responde a este mensaje para organizar una nueva entrega.',
      sms: (p) => `el pedido ${p.orderRef} vuelve al remitente. Escríbenos si todavía lo quieres.`,
    },
    returned: {
      subject: (p) => `Tu pedido ${p.orderRef} nos ha sido devuelto`,
      body: () => 'Tu paquete ha vuelto a nosotros. Dinos si prefieres que lo enviemos de nuevo o que te lo reembolsemos.',
      sms: (p) => `el pedido ${p.orderRef} nos ha sido devuelto. ¿Reenvío o reembolso? Escríbenos.`,
    },
    pickup_uncollected: {
      subject: (p) => `Tu pedido ${p.orderRef} espera a ser recogido`,
      body: (p) => `Tu paquete sigue en el punto de recogida. Recógelo pronto con el número de seguimiento ${p.trackingNumber} o será devuelto.`,
      sms: (p) => `el pedido ${p.orderRef} sigue en el punto de recogida. Recógelo pronto o será devuelto.`,
    },
    pickup_reminder: {
      subject: (p) => `Recordatorio: el pedido ${p.orderRef} sigue esperando a que lo recojas`,
      body: () => 'Tu paquete sigue en el punto de recogida y se devolverá al remitente si no lo recoges. Por favor, recógelo cuanto antes.',
      sms: (p) => `recordatorio: el pedido ${p.orderRef} sigue en el punto de recogida y vuelve al remitente si no lo recoges.`,
    },
    delivery_overdue: {
      subject: (p) => `Pedido ${p.orderRef}: la entrega se está retrasando`,
      body: () => 'Tu paquete salió a reparto pero aún no se ha entregado. Seguimos su rastreo y te escribiremos cuando se entregue.',
      sms: (p) => `el pedido ${p.orderRef} salió a reparto pero no se ha entregado. Seguimos su rastreo.`,
    },
  },
};
