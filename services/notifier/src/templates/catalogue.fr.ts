import type { LocaleCatalogue } from './catalogue.types.js';

const ACTIONS: Record<string, string> = {
  store_coupon: 'un bon d’achat',
  free_shipping_voucher: 'un bon de livraison gratuite',
  partial_refund: 'un remboursement partiel',
  full_refund: 'un remboursement intégral',
  reship: 'un renvoi gratuit',
  priority_reship: 'un renvoi gratuit en livraison prioritaire',
  gift: 'un petit cadeau',
};

export const fr: LocaleCatalogue = {
  language: 'fr',
  greeting: 'Bonjour,',
  trackingLink: 'Suivre votre colis',
  closing: (merchant) => `Cordialement,\n${merchant}`,
  reference: (p) => `Commande ${p.orderRef} · numéro de suivi ${p.trackingNumber}`,
  offer(offer, f) {
    const main = offer.amount === null ? ACTIONS[offer.action]! : `${ACTIONS[offer.action]!} de ${f.money(offer.amount)}`;
    const extras = offer.addOns.map((a) => ACTIONS[a]!);
    return extras.length === 0 ? main : `${main}, ainsi que ${extras.join(' et ')}`;
  },
  templates: {
    shipped: {
      subject: (p) => `Votre commande ${p.orderRef} a été expédiée`,
      body: (p, f) =>
        `Votre commande est en route. Numéro de suivi : ${p.trackingNumber}.` +
        (p.estimatedDeliveryAt === null ? '' : `\nLivraison estimée : ${f.date(p.estimatedDeliveryAt)}.`),
      sms: (p) => `votre commande ${p.orderRef} a été expédiée. Suivi : ${p.trackingNumber}`,
    },
    departed_origin_country: {
      subject: (p) => `Votre commande ${p.orderRef} est en transit international`,
      body: (p, f) => `Votre colis a quitté ${p.originCountry === null ? 'le pays d’origine' : f.country(p.originCountry)} et est en route vers vous.`,
      sms: (p) => `votre commande ${p.orderRef} a quitté le pays d'origine.`,
    },
    customs_cleared: {
      subject: (p) => `Votre commande ${p.orderRef} a passé la douane`,
      body: () => 'Bonne nouvelle : votre colis a été dédouané et poursuit sa route vers le transporteur local.',
      sms: (p) => `votre commande ${p.orderRef} a été dédouanée.`,
    },
    out_for_delivery: {
      subject: (p) => `Votre commande ${p.orderRef} est en cours de livraison`,
      body: (p, f) => `Votre colis est en cours de livraison aujourd’hui (${f.date(p.occurredAt)}). Veillez à ce que quelqu’un puisse le réceptionner.`,
      sms: (p) => `votre commande ${p.orderRef} est livrée aujourd'hui. Merci d'être disponible pour la recevoir.`,
    },
    failed_attempt: {
      subject: (p) => `Action requise : échec de la tentative de livraison ${p.attempt} (commande ${p.orderRef})`,
      body: (p, f) =>
        `Le transporteur a tenté de livrer votre colis le ${f.dateTime(p.occurredAt)}, sans succès (tentative ${p.attempt}). ` +
        'Vérifiez votre adresse et contactez le transporteur avec votre numéro de suivi pour convenir d’une nouvelle livraison.',
      sms: (p) => `échec de la livraison ${p.attempt} de la commande ${p.orderRef}. Contactez le transporteur, suivi ${p.trackingNumber}.`,
    },
    available_for_pickup: {
      subject: (p) => `Votre commande ${p.orderRef} est disponible en point relais`,
      body: (p) => `Votre colis vous attend : ${p.pickupPoint ?? 'au point relais'}. Munissez-vous du numéro de suivi ${p.trackingNumber} et d’une pièce d’identité.`,
      sms: (p) => `la commande ${p.orderRef} est disponible${p.pickupPoint === null ? ' en point relais' : ` : ${p.pickupPoint}`}. Suivi : ${p.trackingNumber}`,
    },
    delivered: {
      subject: (p) => `Votre commande ${p.orderRef} a été livrée`,
      body: (p, f) => `Votre colis a été livré le ${f.dateTime(p.deliveredAt)}. Nous espérons que votre achat vous plaira.`,
      sms: (p, f) => `la commande ${p.orderRef} a été livrée le ${f.shortDateTime(p.deliveredAt)}. Bonne réception !`,
    },
    delay_notice: {
      subject: (p) => `Votre commande ${p.orderRef} a du retard`,
      body: (p, f) =>
        `Nous sommes désolés : votre colis n’est pas arrivé le ${f.calendarDate(p.referenceDate)} comme prévu. ` +
        'Il est toujours en route. Nous continuons à le suivre et vous écrirons dès qu’il sera livré.',
      sms: (p) => `désolés, votre commande ${p.orderRef} a du retard. Nous la suivons et vous écrirons à la livraison.`,
    },
    delay_apology: {
      subject: (p) => `Toutes nos excuses pour le retard de la commande ${p.orderRef}`,
      body: (p, f) => `Nous vous prions de nous excuser pour le retard de votre commande. En compensation, nous vous offrons ${fr.offer(p.offer, f)}.`,
      sms: (p, f) => `désolés pour le retard de ${p.orderRef}. Nous vous offrons ${fr.offer(p.offer, f)}.`,
    },
    damage_apology: {
      subject: (p) => `Toutes nos excuses : votre commande ${p.orderRef} a été endommagée`,
      body: (p, f) => `Nous vous prions de nous excuser : votre colis a été endommagé en chemin. En compensation, nous vous offrons ${fr.offer(p.offer, f)}.`,
      sms: (p, f) => `la commande ${p.orderRef} a été endommagée en transport. Désolés ! Nous vous offrons ${fr.offer(p.offer, f)}.`,
    },
    loss_apology: {
      subject: (p) => `Au sujet de votre commande ${p.orderRef} : toutes nos excuses`,
      body: (p, f) => `Nous sommes vraiment désolés : votre colis a été perdu en chemin. Nous vous offrons ${fr.offer(p.offer, f)}.`,
      sms: (p, f) => `la commande ${p.orderRef} a été perdue en transport. Nous vous offrons ${fr.offer(p.offer, f)}.`,
    },
    return_apology: {
      subject: (p) => `Au sujet de votre commande ${p.orderRef} : toutes nos excuses`,
      body: (p, f) => `Nous sommes vraiment désolés : le transporteur n’a pas pu livrer votre colis par sa propre faute et nous le renvoie. Nous vous offrons ${fr.offer(p.offer, f)}.`,
      sms: (p, f) => `erreur du transporteur : ${p.orderRef} nous revient. Nous vous offrons ${fr.offer(p.offer, f)}.`,
    },
    customs_hold: {
      subject: (p) => `Votre commande ${p.orderRef} est retenue en douane`,
      body: () => 'Votre colis est retenu par la douane. C’est généralement une formalité et vous n’avez rien à faire pour l’instant. Nous continuons à le suivre et vous écrirons de nouveau s’il est encore retenu dans quelques jours.',
      sms: (p) => `la commande ${p.orderRef} est retenue en douane. Rien à faire pour l'instant.`,
    },
    customs_action_needed: {
      subject: (p) => `Action requise : la douane retient la commande ${p.orderRef}`,
      body: (p) =>
        p.requirement === 'duties'
          ? 'La douane retient votre colis jusqu’au paiement des droits d’importation. Contactez le transporteur avec votre numéro de suivi pour les régler.'
          : 'La douane retient votre colis et a besoin de documents de votre part. Contactez le transporteur avec votre numéro de suivi pour les fournir.',
      sms: (p) =>
        `la douane retient ${p.orderRef} : ${p.requirement === 'duties' ? 'droits à payer' : 'documents manquants'}. Contactez le transporteur, suivi ${p.trackingNumber}.`,
    },
    customs_hold_reminder: {
      subject: (p) => `Rappel : la commande ${p.orderRef} est toujours en douane`,
      body: (p) =>
        `Votre colis est toujours retenu en douane.${p.requirement === null ? '' : p.requirement === 'duties' ? ' Les droits d’importation ne sont toujours pas réglés.' : ' Les documents manquent toujours.'} ` +
        'Contactez le transporteur avec votre numéro de suivi pour qu’il soit libéré.',
      sms: (p) => `la commande ${p.orderRef} est toujours en douane. Contactez le transporteur, suivi ${p.trackingNumber}.`,
    },
    stalled: {
      subject: (p) => `Des nouvelles de votre commande ${p.orderRef}`,
      body: (p) => `Votre colis n’a pas été scanné depuis ${Math.floor(p.daysWithoutScan)} jours. Nous le surveillons et vous écrirons dès qu’il sera livré, ou si le transporteur signale un problème.`,
      sms: (p) => `la commande ${p.orderRef} n'a pas bougé depuis quelques jours. Nous la surveillons et vous écrirons au moindre changement.`,
    },
    lost: {
      subject: (p) => `Votre commande ${p.orderRef} semble perdue`,
      body: () => 'Le transporteur signale votre colis comme perdu. Nous en sommes désolés. Un renvoi ou un remboursement est décidé selon notre politique de compensation, et vous recevrez un message dès qu’il sera approuvé.',
      sms: (p) => `le transporteur signale la commande ${p.orderRef} comme perdue. Désolés ! Un message suivra dès qu'une solution sera approuvée.`,
    },
    damaged: {
      subject: (p) => `Votre commande ${p.orderRef} a été endommagée pendant le transport`,
      body: () => 'Le transporteur signale que votre colis a été endommagé. Nous en sommes désolés. Un remboursement ou un renvoi est décidé selon notre politique de compensation, et vous recevrez un message dès qu’il sera approuvé.',
      sms: (p) => `le transporteur signale la commande ${p.orderRef} comme endommagée. Désolés ! Un message suivra dès qu'une solution sera approuvée.`,
    },
    returning: {
      subject: (p) => `Votre commande ${p.orderRef} nous est retournée`,
      body: () => 'Le transporteur nous renvoie votre colis. Si vous ne l’avez pas refusé, répondez-nous pour organiser une nouvelle livraison.',
      sms: (p) => `la commande ${p.orderRef} retourne à l'expéditeur. Contactez-nous si vous la voulez encore.`,
    },
    returned: {
      subject: (p) => `Votre commande ${p.orderRef} nous est revenue`,
      body: () => 'Votre colis nous est revenu. Dites-nous si vous souhaitez un nouvel envoi ou un remboursement.',
      sms: (p) => `la commande ${p.orderRef} nous est revenue. Nouvel envoi ou remboursement ? Contactez-nous.`,
    },
    pickup_uncollected: {
      subject: (p) => `Votre commande ${p.orderRef} attend d’être retirée`,
      body: (p) => `Votre colis attend toujours au point relais. Retirez-le rapidement avec le numéro de suivi ${p.trackingNumber}, sinon il sera retourné.`,
      sms: (p) => `la commande ${p.orderRef} attend au point relais. Retirez-la vite, sinon elle sera retournée.`,
    },
    pickup_reminder: {
      subject: (p) => `Rappel : la commande ${p.orderRef} attend toujours d’être retirée`,
      body: () => 'Votre colis attend toujours au point de retrait et sera retourné à l’expéditeur s’il n’est pas retiré. Merci de le récupérer au plus vite.',
      sms: (p) => `rappel : la commande ${p.orderRef} attend au point de retrait et repart si elle n'est pas retirée.`,
    },
    delivery_overdue: {
      subject: (p) => `Commande ${p.orderRef} : la livraison prend du retard`,
      body: () => 'Votre colis est parti en livraison mais n’a pas encore été livré. Nous continuons à le suivre et vous écrirons dès qu’il sera livré.',
      sms: (p) => `la commande ${p.orderRef} est partie en livraison mais n'est pas livrée. Nous continuons à la suivre.`,
    },
  },
};
