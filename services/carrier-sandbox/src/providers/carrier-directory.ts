/** Carriers as the aggregators name them (17TRACK numeric keys from its published list). */
export interface CarrierInfo {
  key17track: number;
  name: string;
  alias: string;
  country: string;
  homepage: string;
}

export const CARRIERS: Readonly<Record<string, CarrierInfo>> = {
  yunexpress: { key17track: 190008, name: 'YunExpress', alias: 'YUNEXPRESS', country: 'CN', homepage: 'https://www.yuntrack.com/' },
  yanwen: { key17track: 190012, name: 'Yanwen', alias: 'YANWEN', country: 'CN', homepage: 'https://track.yw56.com.cn/' },
  '4px': { key17track: 190094, name: '4PX', alias: '4PX', country: 'CN', homepage: 'https://www.4px.com/' },
  cainiao: { key17track: 190271, name: 'Cainiao', alias: 'CAINIAO', country: 'CN', homepage: 'https://global.cainiao.com/' },
  usps: { key17track: 21051, name: 'USPS', alias: 'USPS', country: 'US', homepage: 'https://www.usps.com/' },
  ups: { key17track: 100002, name: 'UPS', alias: 'UPS', country: 'US', homepage: 'https://www.ups.com/' },
  fedex: { key17track: 100003, name: 'FedEx', alias: 'FEDEX', country: 'US', homepage: 'https://www.fedex.com/' },
  dhl: { key17track: 7041, name: 'DHL Paket', alias: 'DHL-PAKET', country: 'DE', homepage: 'https://www.dhl.de/' },
  postnl: { key17track: 14041, name: 'PostNL', alias: 'POSTNL', country: 'NL', homepage: 'https://www.postnl.nl/' },
  laposte: { key17track: 6051, name: 'La Poste', alias: 'LA-POSTE', country: 'FR', homepage: 'https://www.laposte.fr/' },
};

export function carrierInfo(slug: string): CarrierInfo {
  const info = CARRIERS[slug];
  if (!info) throw new Error(`unknown carrier slug ${slug}`);
  return info;
}
