/**
 * Every tracking-number format the detector knows: a name for people and the check digit
 * scheme it carries (null: the carrier publishes none, so only the shape can match).
 * docs/carrier-detection.md lists where each shape and scheme comes from.
 */
export const FORMATS = {
  'ups-1z': { name: 'UPS 1Z (18 characters)', check: 'UPS mod 10 check digit' },
  'ups-waybill': { name: 'UPS waybill (letter + 10 digits)', check: 'UPS waybill mod 10 check digit' },
  'usps-impb': { name: 'USPS IMpb (20-22 or 26 digits, 9x identifier)', check: 'IMpb mod 10 check digit' },
  'usps-20': { name: 'USPS 20 digits without a 9x identifier', check: 'mod 10 check digit' },
  'usps-20-91': { name: 'USPS IMpb written without its "91" identifier', check: 'IMpb mod 10 check digit (with "91" in front)' },
  'fedex-express-12': { name: 'FedEx Express 12 digits', check: 'FedEx mod 11 check digit' },
  'fedex-ground-15': { name: 'FedEx Ground 15 digits', check: 'mod 10 check digit' },
  'fedex-ground-96': { name: 'FedEx Ground 96 barcode (22 digits)', check: 'mod 10 check digit of the 15-digit Ground number' },
  'fedex-96-20': { name: 'FedEx 96 number (20 digits)', check: null },
  'fedex-22': { name: 'FedEx 22 digits', check: null },
  'fedex-express-34': { name: 'FedEx Express barcode (34 digits, 10...)', check: 'FedEx mod 11 check digit of the 13-digit serial' },
  'fedex-ground-gsn': { name: 'FedEx Ground GSN barcode (34 digits, 96...)', check: 'FedEx mod 11 check digit of the 13-digit serial' },
  'fedex-32': { name: 'FedEx 32-digit barcode', check: null },
  'fedex-smartpost-20': { name: 'FedEx SmartPost (IMpb without its "92" identifier)', check: 'IMpb mod 10 check digit (with "92" in front)' },
  'fedex-ground-economy': { name: 'FedEx Ground Economy handed to USPS (IMpb 92...)', check: 'IMpb mod 10 check digit' },
  'sscc-18': { name: 'GS1 SSCC-18 shipping container code', check: 'GS1 mod 10 check digit' },
  'dhl-express-10': { name: 'DHL Express waybill (10 digits)', check: 'DHL mod 7 check digit' },
  'dhl-express-11': { name: 'DHL Express waybill (11 digits)', check: 'DHL mod 7 check digit' },
  'dhl-piece-id': { name: 'DHL Express piece id (JJD, JVGL, JD...)', check: null },
  'dhl-paket-12': { name: 'DHL Paket Identcode (12 digits)', check: 'Identcode mod 10 check digit (weights 4, 9)' },
  'dhl-ecommerce-gm': { name: 'DHL eCommerce (GM + digits)', check: null },
  'dhl-ecommerce-prefixed': { name: 'DHL eCommerce (country prefix + 10-39 digits)', check: null },
  'dhl-ecommerce-14': { name: 'DHL eCommerce 14 digits', check: null },
  'upu-s10': { name: 'UPU S10 international postal item', check: 'S10 mod 11 check digit' },
  'yanwen-yp': { name: 'Yanwen S10-shaped number ending YP', check: null },
  yanwen: { name: 'Yanwen prefix', check: null },
  'postnl-3s': { name: 'PostNL 3S code', check: null },
  'colissimo-13': { name: 'Colissimo (digit, letter, 11 digits)', check: null },
  'dpd-14': { name: 'DPD parcel number (14 digits)', check: null },
  'gls-11': { name: 'GLS parcel number (11 digits)', check: null },
  'sf-express': { name: 'SF Express (SF + 12-13 digits)', check: null },
  'jd-logistics': { name: 'JD Logistics (JD + letters and digits)', check: null },
  'yunexpress-yt': { name: 'YunExpress (YT + 16 digits)', check: null },
  '4px': { name: '4PX (4PX + digits)', check: null },
  '4px-304': { name: '4PX all-digit 304...', check: null },
  'cainiao-lp': { name: 'Cainiao (LP + digits)', check: null },
  'cainiao-cn': { name: 'Cainiao (CN + route letters + digits)', check: null },
  'jt-jt': { name: 'J&T Express (JT + 13 digits)', check: null },
} as const satisfies Record<string, { name: string; check: string | null }>;

export type FormatId = keyof typeof FORMATS;
