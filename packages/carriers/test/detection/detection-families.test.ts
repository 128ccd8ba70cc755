import { describe, expect, it } from '@jest/globals';
import { detectCarrier, type DetectionCandidate } from '../../src/index.js';
import { oneDigitMutations, SCHEMES } from './check-schemes.js';

/**
 * Per family: numbers from the carrier's documentation or published samples (source named per
 * row), the carrier each must rank first, and for checked formats every one-digit mutation
 * inside the checked part, none of which may read valid in that format except where the
 * carrier's own arithmetic cannot see the change (check-schemes.ts says where).
 */
type Row = { family: string; number: string; carrier: string; format: string; checked: boolean; source: string };

const ROWS: Row[] = [
  { family: 'DHL Express 10', number: '3318810025', carrier: 'dhl', format: 'dhl-express-10', checked: true, source: 'tracking_number_data dhl.json' },
  { family: 'DHL Express 11', number: '73891051146', carrier: 'dhl', format: 'dhl-express-11', checked: true, source: 'tracking_number_data dhl.json' },
  { family: 'DHL piece id JJD', number: 'JJD0099999999', carrier: 'dhl', format: 'dhl-piece-id', checked: false, source: 'tracking_number_data dhl.json' },
  { family: 'DHL piece id JVGL', number: 'JVGL0999999990', carrier: 'dhl', format: 'dhl-piece-id', checked: false, source: 'tracking_number_data dhl.json' },
  { family: 'DHL eCommerce GM', number: 'GM2951173225174494', carrier: 'dhl-global-mail', format: 'dhl-ecommerce-gm', checked: false, source: 'tracking_number_data dhl.json' },
  { family: 'DHL Paket', number: '470800204932', carrier: 'dhl-germany', format: 'dhl-paket-12', checked: true, source: 'dhl.md (parcel-de)' },
  { family: 'FedEx Express 12', number: '794843185271', carrier: 'fedex', format: 'fedex-express-12', checked: true, source: 'fedex.md' },
  { family: 'FedEx Ground 15', number: '041441760228964', carrier: 'fedex', format: 'fedex-ground-15', checked: true, source: 'tracking_number_data fedex.json' },
  { family: 'FedEx Ground 96 (22)', number: '9611020987654312345672', carrier: 'fedex', format: 'fedex-ground-96', checked: true, source: 'tracking_number_data fedex.json' },
  { family: 'FedEx Express 34', number: '1001921334250001000300779017972697', carrier: 'fedex', format: 'fedex-express-34', checked: true, source: 'tracking_number_data fedex.json' },
  { family: 'FedEx Ground GSN 34', number: '9622001560001234567100794808390594', carrier: 'fedex', format: 'fedex-ground-gsn', checked: true, source: 'tracking_number_data fedex.json' },
  { family: 'FedEx SSCC-18', number: '000123450000000027', carrier: 'fedex', format: 'sscc-18', checked: true, source: 'tracking_number_data fedex.json' },
  { family: 'FedEx SmartPost 20', number: '61299998820821171811', carrier: 'fedex', format: 'fedex-smartpost-20', checked: true, source: 'tracking_number_data fedex.json' },
  { family: 'UPS 1Z', number: '1Z023E2X0214323462', carrier: 'ups', format: 'ups-1z', checked: true, source: 'ups.md' },
  { family: 'UPS waybill K', number: 'K1506235620', carrier: 'ups', format: 'ups-waybill', checked: true, source: 'tracking_number_data ups.json' },
  { family: 'UPS waybill J', number: 'J4603636537', carrier: 'ups', format: 'ups-waybill', checked: true, source: 'tracking_number_data ups.json' },
  { family: 'UPS waybill V', number: 'V0490119172', carrier: 'ups', format: 'ups-waybill', checked: true, source: 'tracking_number_data ups.json' },
  { family: 'USPS IMpb 22', number: '9400109104250532908587', carrier: 'usps', format: 'usps-impb', checked: true, source: 'usps.md' },
  { family: 'USPS IMpb 26', number: '92748931507708513018050063', carrier: 'usps', format: 'usps-impb', checked: true, source: 'tracking_number_data usps.json' },
  { family: 'USPS 20', number: '03071790000523483741', carrier: 'usps', format: 'usps-20', checked: true, source: 'tracking_number_data usps.json' },
  { family: 'S10 Royal Mail', number: 'RB123456785GB', carrier: 'royal-mail', format: 'upu-s10', checked: true, source: 'UPU S10 example, tracking_number_data s10.json' },
  { family: 'S10 China Post', number: 'RB123456785CN', carrier: 'china-post', format: 'upu-s10', checked: true, source: 'UPU S10 example serial' },
  { family: 'S10 China EMS', number: 'EA123456785CN', carrier: 'china-ems', format: 'upu-s10', checked: true, source: 'UPU S10 example serial' },
  { family: 'S10 ePacket', number: 'LX123456785CN', carrier: 'china-post', format: 'upu-s10', checked: true, source: 'UPU S10 example serial' },
  { family: 'S10 PostNL', number: 'RB123456785NL', carrier: 'postnl', format: 'upu-s10', checked: true, source: 'UPU S10 example serial' },
  { family: 'S10 La Poste', number: 'CP123456785FR', carrier: 'la-poste-colissimo', format: 'upu-s10', checked: true, source: 'UPU S10 example serial' },
  { family: 'S10 Deutsche Post', number: 'RB123456785DE', carrier: 'deutsch-post', format: 'upu-s10', checked: true, source: 'UPU S10 example serial' },
  { family: 'S10 Correos', number: 'RB123456785ES', carrier: 'spain-correos-es', format: 'upu-s10', checked: true, source: 'UPU S10 example serial' },
  { family: 'S10 Poste Italiane', number: 'RB123456785IT', carrier: 'poste-italiane', format: 'upu-s10', checked: true, source: 'UPU S10 example serial' },
  { family: 'S10 China Post (check digit 6)', number: 'LX876543216CN', carrier: 'china-post', format: 'upu-s10', checked: true, source: 'UPU S10 weights, serial 87654321' },
  { family: 'S10 USPS', number: 'RB123456785US', carrier: 'usps', format: 'upu-s10', checked: true, source: 'tracking_number_data s10.json' },
  { family: 'PostNL 3S', number: '3SKAAG5995399', carrier: 'postnl', format: 'postnl-3s', checked: false, source: 'AfterShip SDK cassette' },
  { family: 'Colissimo', number: '6A12345678901', carrier: 'la-poste-colissimo', format: 'colissimo-13', checked: false, source: 'Colissimo label shape' },
  { family: 'SF Express', number: 'SF1234567890123', carrier: 'sf-express', format: 'sf-express', checked: false, source: 'SF waybill shape (SF + 13 digits)' },
  { family: 'JD Logistics', number: 'JDVA00081960923', carrier: 'jd-logistics', format: 'jd-logistics', checked: false, source: 'JD waybill shape (JDVA + 11 digits)' },
  { family: 'YunExpress', number: 'YT2616912345678901', carrier: 'yunexpress', format: 'yunexpress-yt', checked: false, source: 'carrier-samples (17TRACK SDK)' },
  { family: 'Yanwen', number: 'UG123456789YP', carrier: 'yanwen', format: 'yanwen-yp', checked: false, source: 'Yanwen YP shape' },
  { family: 'Cainiao LP', number: 'LP00123456789012', carrier: 'cainiao', format: 'cainiao-lp', checked: false, source: 'Cainiao LP shape' },
  { family: 'Cainiao CN', number: 'CNUSUP00012345678', carrier: 'cainiao', format: 'cainiao-cn', checked: false, source: 'Cainiao CN route shape' },
  { family: '4PX', number: '4PX3001234567890CN', carrier: '4px', format: '4px', checked: false, source: '4PX shape' },
  { family: 'J&T', number: 'JT0001234567890', carrier: 'jtexpress', format: 'jt-jt', checked: false, source: 'J&T shape' },
];

const validIn = (candidates: DetectionCandidate[], format: string) => candidates.some((c) => c.format === format && c.checkDigitValid === true);

describe.each(ROWS)('$family ($source)', (row) => {
  it(`ranks ${row.carrier} first and says why`, () => {
    const [first] = detectCarrier(row.number);
    expect(first).toMatchObject({ carrier: row.carrier, format: row.format, checkDigitValid: row.checked ? true : null });
    expect(first?.reason).toContain(row.checked ? 'valid' : 'no check digit');
  });

  it('reads the same written in lower case with spaces and dashes', () => {
    const typed = row.number.toLowerCase().replace(/(.{4})/g, '$1 ').replace(/ (.)/, '-$1');
    expect(detectCarrier(typed)[0]).toMatchObject({ carrier: row.carrier, format: row.format });
  });

  if (row.checked) {
    it('calls no one-digit mutation valid in this format outside the scheme\'s blind spot', () => {
      const scheme = SCHEMES[row.format];
      if (!scheme) throw new Error(`no scheme for ${row.format}`);
      const mutations = oneDigitMutations(row.number, scheme.range(row.number));
      expect(mutations.length).toBeGreaterThan(0);
      const wrong = mutations.filter(({ mutated, index, digit }) => validIn(detectCarrier(mutated), row.format) && !scheme.blind(row.number, index, digit));
      expect(wrong.map(({ mutated }) => mutated)).toEqual([]);
      // And the blind spot is real, not a loophole: every change it names is one the scheme accepts.
      const blind = mutations.filter(({ index, digit }) => scheme.blind(row.number, index, digit));
      expect(blind.filter(({ mutated }) => !validIn(detectCarrier(mutated), row.format)).map(({ mutated }) => mutated)).toEqual([]);
    });
  }
});

describe('ambiguity told as it is', () => {
  it('lists DPD and DHL eCommerce for a bare 14-digit number, neither as checked', () => {
    const candidates = detectCarrier('01234567890128');
    expect(candidates.map((c) => c.carrier).sort()).toEqual(['dhl-global-mail', 'dpd']);
    for (const c of candidates) expect(c).toMatchObject({ checkDigitValid: null, reason: expect.stringContaining('no check digit') });
  });

  it('puts a checked DHL Express 11-digit reading above GLS, and below it when the check fails', () => {
    expect(detectCarrier('73891051146').map((c) => c.carrier)).toEqual(['dhl', 'gls']);
    expect(detectCarrier('73891051147').map((c) => c.carrier)).toEqual(['gls', 'dhl']);
  });

  it('reads a DHL SSCC behind the 00 identifier as DHL Paket', () => {
    // 00 + 3 40434 ... + GS1 check digit.
    const body = '34043416109401234';
    const weights = [...body].reverse().reduce((sum, d, i) => sum + Number(d) * (i % 2 === 0 ? 3 : 1), 0);
    const sscc = `00${body}${(10 - (weights % 10)) % 10}`;
    expect(detectCarrier(sscc)[0]).toMatchObject({ carrier: 'dhl-germany', format: 'sscc-18', checkDigitValid: true });
  });

  it('tells JD Logistics waybills from DHL JD piece ids by length', () => {
    expect(detectCarrier('JD014600003828880512')[0]).toMatchObject({ carrier: 'dhl', format: 'dhl-piece-id' });
    expect(detectCarrier('JD0088574362041')[0]).toMatchObject({ carrier: 'jd-logistics' });
  });

  it('normalizes a 34-digit FedEx barcode to the 12-digit number FedEx tracks', () => {
    expect(detectCarrier('1001921334250001000300779017972697')[0]?.normalized).toBe('779017972697');
  });
});
