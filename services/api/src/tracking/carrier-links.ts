/*
 * Carriers' own public tracking pages, for the buyer page's "track on the carrier's website"
 * link (a navigation the buyer chooses; the page itself requests nothing from them). A carrier
 * not listed gets no link rather than a guessed one.
 */

const CARRIERS: Readonly<Record<string, { name: string; url: (n: string) => string }>> = {
  ups: { name: 'UPS', url: (n) => `https://www.ups.com/track?tracknum=${n}` },
  usps: { name: 'USPS', url: (n) => `https://tools.usps.com/go/TrackConfirmAction?tLabels=${n}` },
  fedex: { name: 'FedEx', url: (n) => `https://www.fedex.com/fedextrack/?trknbr=${n}` },
  dhl: { name: 'DHL', url: (n) => `https://www.dhl.com/global-en/home/tracking.html?tracking-id=${n}` },
  'dhl-germany': { name: 'DHL Paket', url: (n) => `https://www.dhl.de/de/privatkunden/dhl-sendungsverfolgung.html?piececode=${n}` },
  yunexpress: { name: 'YunExpress', url: (n) => `https://www.yuntrack.com/parcelTracking?id=${n}` },
  yanwen: { name: 'Yanwen', url: (n) => `https://track.yw56.com.cn/en/querydel?nums=${n}` },
  '4px': { name: '4PX', url: (n) => `https://track.4px.com/#/result/0/${n}` },
  cainiao: { name: 'Cainiao', url: (n) => `https://global.cainiao.com/newDetail.htm?mailNoList=${n}` },
  'china-post': { name: 'China Post', url: (n) => `https://yjcx.ems.com.cn/qps/yjcx?mailNum=${n}` },
  'royal-mail': { name: 'Royal Mail', url: (n) => `https://www.royalmail.com/track-your-item#/tracking-results/${n}` },
  'canada-post': { name: 'Canada Post', url: (n) => `https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor=${n}` },
  'australia-post': { name: 'Australia Post', url: (n) => `https://auspost.com.au/mypost/track/details/${n}` },
  'la-poste-colissimo': { name: 'La Poste', url: (n) => `https://www.laposte.fr/outils/suivre-vos-envois?code=${n}` },
  'poste-italiane': { name: 'Poste Italiane', url: (n) => `https://www.poste.it/cerca/index.html#/risultati-spedizioni/${n}` },
  'spain-correos-es': { name: 'Correos', url: (n) => `https://www.correos.es/es/es/herramientas/localizador/envios/detalle?tracking-number=${n}` },
  postnl: { name: 'PostNL', url: (n) => `https://jouw.postnl.nl/track-and-trace/${n}` },
  'deutsch-post': { name: 'Deutsche Post', url: (n) => `https://www.deutschepost.de/de/s/sendungsverfolgung.html?piececode=${n}` },
};

export interface CarrierLink {
  name: string;
  url: string | null;
}

export function carrierLink(carrier: string, trackingNumber: string): CarrierLink {
  const known = CARRIERS[carrier];
  if (known === undefined) return { name: carrier.toUpperCase(), url: null };
  return { name: known.name, url: known.url(encodeURIComponent(trackingNumber)) };
}
