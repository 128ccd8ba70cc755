import type { LocaleCatalogue } from './catalogue.types.js';

const ACTIONS: Record<string, string> = {
  store_coupon: 'a store coupon',
  free_shipping_voucher: 'a free-shipping voucher',
  partial_refund: 'a partial refund',
  full_refund: 'a full refund',
  reship: 'a free replacement',
  priority_reship: 'a free replacement sent by priority shipping',
  gift: 'a small gift',
};

export const en: LocaleCatalogue = {
  language: 'en',
  greeting: 'Hello,',
  trackingLink: 'Follow your parcel',
  closing: (merchant) => `Kind regards,\n${merchant}`,
  reference: (p) => `Order ${p.orderRef} · tracking number ${p.trackingNumber}`,
  offer(offer, f) {
    const main = offer.amount === null ? ACTIONS[offer.action]! : `${ACTIONS[offer.action]!} of ${f.money(offer.amount)}`;
    const extras = offer.addOns.map((a) => ACTIONS[a]!);
    return extras.length === 0 ? main : `${main}, plus ${extras.join(' and ')}`;
  },
  templates: {
    shipped: {
      subject: (p) => `Your order ${p.orderRef} has shipped`,
      body: (p, f) =>
        `Your order is on its way. Tracking number: ${p.trackingNumber}.` +
        (p.estimatedDeliveryAt === null ? '' : `\nEstimated delivery: ${f.date(p.estimatedDeliveryAt)}.`),
      sms: (p) => `your order ${p.orderRef} has shipped. Tracking: ${p.trackingNumber}`,
    },
    departed_origin_country: {
      subject: (p) => `Your order ${p.orderRef} is on its international journey`,
      body: (p, f) => `Your parcel has left ${p.originCountry === null ? 'the country of origin' : f.country(p.originCountry)} and is on its way to you.`,
      sms: (p) => `your order ${p.orderRef} has left the country of origin.`,
    },
    customs_cleared: {
      subject: (p) => `Your order ${p.orderRef} has cleared customs`,
      body: () => 'Good news: your parcel has cleared customs and continues to the local carrier for delivery.',
      sms: (p) => `your order ${p.orderRef} has cleared customs.`,
    },
    out_for_delivery: {
      subject: (p) => `Your order ${p.orderRef} is out for delivery`,
      body: (p, f) => `Your parcel is out for delivery today (${f.date(p.occurredAt)}). Please make sure someone can receive it.`,
      sms: (p) => `your order ${p.orderRef} is out for delivery today. Please be available to receive it.`,
    },
    failed_attempt: {
      subject: (p) => `Action needed: delivery attempt ${p.attempt} for order ${p.orderRef} failed`,
      body: (p, f) =>
        `The carrier tried to deliver your parcel on ${f.dateTime(p.occurredAt)} but could not (attempt ${p.attempt}). ` +
        'Please check your address and contact the carrier with your tracking number to arrange a new delivery.',
      sms: (p) => `delivery attempt ${p.attempt} of order ${p.orderRef} failed. Please contact the carrier with tracking ${p.trackingNumber}.`,
    },
    available_for_pickup: {
      subject: (p) => `Your order ${p.orderRef} is ready for pickup`,
      body: (p) => `Your parcel is waiting for you at ${p.pickupPoint ?? 'the pickup point'}. Bring your tracking number ${p.trackingNumber} and an ID.`,
      sms: (p) => `order ${p.orderRef} is ready for pickup${p.pickupPoint === null ? '' : ` at ${p.pickupPoint}`}. Tracking: ${p.trackingNumber}`,
    },
    delivered: {
      subject: (p) => `Your order ${p.orderRef} has been delivered`,
      body: (p, f) => `Your parcel was delivered on ${f.dateTime(p.deliveredAt)}. We hope you enjoy your purchase.`,
      sms: (p, f) => `order ${p.orderRef} was delivered ${f.shortDateTime(p.deliveredAt)}. Enjoy!`,
    },
    delay_notice: {
      subject: (p) => `Your order ${p.orderRef} is running late`,
      body: (p, f) =>
        `We are sorry: your parcel did not arrive by ${f.calendarDate(p.referenceDate)} as planned. ` +
        'It is still on its way. We keep tracking it and will write to you when it is delivered.',
      sms: (p) => `sorry, your order ${p.orderRef} is running late. We keep tracking it and will write when it is delivered.`,
    },
    delay_apology: {
      subject: (p) => `We are sorry about the delay of order ${p.orderRef}`,
      body: (p, f) => `We apologise that your order is late. To make up for it we are giving you ${en.offer(p.offer, f)}.`,
      sms: (p, f) => `sorry for the delay of order ${p.orderRef}. We are giving you ${en.offer(p.offer, f)}.`,
    },
    damage_apology: {
      subject: (p) => `We are sorry your order ${p.orderRef} was damaged`,
      body: (p, f) => `We apologise that your parcel was damaged on its way to you. To make up for it we are giving you ${en.offer(p.offer, f)}.`,
      sms: (p, f) => `sorry, order ${p.orderRef} was damaged in transit. We are giving you ${en.offer(p.offer, f)}.`,
    },
    loss_apology: {
      subject: (p) => `About your order ${p.orderRef}: our apologies`,
      body: (p, f) => `We are very sorry: your parcel was lost on its way to you. We are giving you ${en.offer(p.offer, f)}.`,
      sms: (p, f) => `sorry, order ${p.orderRef} was lost in transit. We are giving you ${en.offer(p.offer, f)}.`,
    },
    return_apology: {
      subject: (p) => `About your order ${p.orderRef}: our apologies`,
      body: (p, f) => `We are very sorry: the carrier could not deliver your parcel through its own fault and is sending it back to us. We are giving you ${en.offer(p.offer, f)}.`,
      sms: (p, f) => `carrier error: order ${p.orderRef} is coming back. Sorry! We give you ${en.offer(p.offer, f)}.`,
    },
    customs_hold: {
      subject: (p) => `Your order ${p.orderRef} is held at customs`,
      body: () => 'Your parcel is being held by customs. This is usually routine and nothing is needed from you for now. We keep tracking it and will write again if it is still held in a few days.',
      sms: (p) => `order ${p.orderRef} is held at customs. Nothing is needed from you yet.`,
    },
    customs_action_needed: {
      subject: (p) => `Action needed: customs is holding order ${p.orderRef}`,
      body: (p) =>
        p.requirement === 'duties'
          ? 'Customs is holding your parcel until the import duties are paid. Please contact the carrier with your tracking number to pay them.'
          : 'Customs is holding your parcel and needs documents from you. Please contact the carrier with your tracking number to provide them.',
      sms: (p) =>
        `customs holds order ${p.orderRef} until ${p.requirement === 'duties' ? 'duties are paid' : 'you send documents'}. Contact the carrier, tracking ${p.trackingNumber}.`,
    },
    customs_hold_reminder: {
      subject: (p) => `Reminder: order ${p.orderRef} is still held at customs`,
      body: (p) =>
        `Your parcel is still held by customs.${p.requirement === null ? '' : p.requirement === 'duties' ? ' The import duties are still unpaid.' : ' The documents are still missing.'} ` +
        'Please contact the carrier with your tracking number so it can be released.',
      sms: (p) => `order ${p.orderRef} is still held at customs. Please contact the carrier, tracking ${p.trackingNumber}.`,
    },
    stalled: {
      subject: (p) => `An update on order ${p.orderRef}`,
      body: (p) => `Your parcel has had no new scan for ${Math.floor(p.daysWithoutScan)} days. We are watching it and will write to you when it is delivered, or if the carrier reports a problem.`,
      sms: (p) => `order ${p.orderRef} has had no carrier update for a few days. We are watching it and will write if anything changes.`,
    },
    lost: {
      subject: (p) => `Your order ${p.orderRef} appears to be lost`,
      body: () => 'The carrier reports your parcel as lost. We are very sorry. A replacement or refund is being decided under our compensation policy, and you will receive a message as soon as it is approved.',
      sms: (p) => `the carrier reports order ${p.orderRef} as lost. Sorry! You will get a message once a refund or replacement is approved.`,
    },
    damaged: {
      subject: (p) => `Your order ${p.orderRef} was damaged in transit`,
      body: () => 'The carrier reports that your parcel was damaged. We are very sorry. A refund or replacement is being decided under our compensation policy, and you will receive a message as soon as it is approved.',
      sms: (p) => `the carrier reports order ${p.orderRef} as damaged. Sorry! You will get a message once a refund or replacement is approved.`,
    },
    returning: {
      subject: (p) => `Your order ${p.orderRef} is being returned`,
      body: () => 'The carrier is returning your parcel to us. If you did not refuse it, please reply so we can arrange a new delivery.',
      sms: (p) => `order ${p.orderRef} is being returned to the sender. Contact us if you still want it.`,
    },
    returned: {
      subject: (p) => `Your order ${p.orderRef} was returned to us`,
      body: () => 'Your parcel has arrived back with us. Please reply to tell us whether you would like it sent again or refunded.',
      sms: (p) => `order ${p.orderRef} was returned to us. Please contact us: reship or refund?`,
    },
    pickup_uncollected: {
      subject: (p) => `Your order ${p.orderRef} is waiting to be collected`,
      body: (p) => `Your parcel is still waiting at the pickup point. Please collect it soon with tracking number ${p.trackingNumber}, or it will be returned.`,
      sms: (p) => `order ${p.orderRef} is still waiting at the pickup point. Collect it soon or it goes back.`,
    },
    pickup_reminder: {
      subject: (p) => `Reminder: order ${p.orderRef} is still waiting to be collected`,
      body: () => 'Your parcel is still waiting at the pickup point and will be returned to the sender if it is not collected. Please pick it up as soon as possible.',
      sms: (p) => `reminder: order ${p.orderRef} is still at the pickup point and goes back to the sender if not collected.`,
    },
    delivery_overdue: {
      subject: (p) => `Order ${p.orderRef}: delivery is taking longer`,
      body: () => 'Your parcel went out for delivery but has not been delivered yet. We keep tracking it and will write to you when it is delivered.',
      sms: (p) => `order ${p.orderRef} was out for delivery but is not delivered yet. We keep tracking it.`,
    },
  },
};
