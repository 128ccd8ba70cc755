import { describe, expect, it } from '@jest/globals';
import {
  detectCarrier,
  dhlExpressCheckDigit,
  dhlPaketCheckDigit,
  fedex12CheckDigit,
  mod10Weight31,
  normalizeTrackingNumber,
  s10CheckDigit,
  upsCheckDigit,
} from '../../src/index.js';

/** Replace the digit at `index` by another digit, so the check digit no longer matches. */
function flipDigit(value: string, index: number): string {
  const digit = Number(value[index]);
  return `${value.slice(0, index)}${(digit + 1) % 10}${value.slice(index + 1)}`;
}

const ups = (body15: string) => `1Z${body15}${upsCheckDigit(body15)}`;
const impb = (body: string) => `${body}${mod10Weight31(body)}`;
const fedex12 = (body11: string) => `${body11}${fedex12CheckDigit(body11)}`;
const dhl = (body9: string) => `${body9}${dhlExpressCheckDigit(body9)}`;
const dhlPaket = (body11: string) => `${body11}${dhlPaketCheckDigit(body11)}`;
const s10 = (service: string, serial8: string, country: string) => `${service}${serial8}${s10CheckDigit(serial8)}${country}`;

function top(input: string) {
  const [first] = detectCarrier(input);
  if (!first) throw new Error(`no candidate for ${input}`);
  return first;
}

describe('normalizeTrackingNumber', () => {
  it('removes spaces and dashes and upper-cases', () => {
    expect(normalizeTrackingNumber(' 1z 023e-2x02 1432 3462 ')).toBe('1Z023E2X0214323462');
  });
});

describe('UPS 1Z', () => {
  it.each(['1Z023E2X0214323462', '1Z81WV380316886897'])('accepts the real number %s from ups.md', (number) => {
    expect(top(number)).toMatchObject({ carrier: 'ups', checkDigitValid: true, normalized: number });
  });

  it('accepts constructed numbers with letters in the body, written with spaces', () => {
    const number = ups('A1B2C3D4E5F6G7H');
    expect(top(number.replace(/(.{4})/g, '$1 ').toLowerCase())).toMatchObject({ carrier: 'ups', checkDigitValid: true });
  });

  it('reports a flipped digit as a failed check digit with lower confidence', () => {
    const bad = flipDigit('1Z023E2X0214323462', 10);
    const candidate = top(bad);
    expect(candidate).toMatchObject({ carrier: 'ups', checkDigitValid: false });
    expect(candidate.confidence).toBeLessThan(top('1Z023E2X0214323462').confidence);
  });
});

describe('USPS IMpb', () => {
  it('accepts the real 22-digit number from usps.md', () => {
    expect(top('9400 1091 0425 0532 9085 87')).toMatchObject({ carrier: 'usps', checkDigitValid: true });
  });

  it('strips a 420+ZIP5 and a 420+ZIP9 routing prefix', () => {
    const tracking = impb('940011120255584233266');
    expect(top(`42034442${tracking}`)).toMatchObject({ carrier: 'usps', normalized: tracking, checkDigitValid: true });
    expect(top(`420344421234${tracking}`)).toMatchObject({ carrier: 'usps', normalized: tracking, checkDigitValid: true });
  });

  it('accepts 20- and 21-digit forms', () => {
    expect(top(impb('9101234567890123456'))).toMatchObject({ carrier: 'usps', checkDigitValid: true });
    expect(top(impb('93001234567890123456'))).toMatchObject({ carrier: 'usps', checkDigitValid: true });
  });

  it('fails the check on a flipped digit', () => {
    expect(top(flipDigit('9400109104250532908587', 8))).toMatchObject({ carrier: 'usps', checkDigitValid: false });
  });

  it('accepts the 26-digit form, bare and behind a 420+ZIP5 prefix', () => {
    const long = impb('9270190164917312345678912');
    expect(long).toHaveLength(26);
    expect(top(long)).toMatchObject({ carrier: 'usps', normalized: long, checkDigitValid: true });
    expect(top(`42010001${long}`)).toMatchObject({ carrier: 'usps', normalized: long, checkDigitValid: true });
  });

  it('reads 20 digits without a 9x identifier (Certified Mail 71…) as USPS, as is or with "91" in front', () => {
    const certified = impb('7112345678912345678');
    expect(top(certified)).toMatchObject({ carrier: 'usps', format: 'usps-20', checkDigitValid: true });
    const withoutIdentifier = `${'7196901075600307738'}${mod10Weight31('917196901075600307738')}`;
    expect(top(withoutIdentifier)).toMatchObject({ carrier: 'usps', format: 'usps-20-91', checkDigitValid: true });
  });

  it('lists FedEx Ground Economy second for a valid 92 number with service type 29, never first', () => {
    const number = impb('926129090000000000001');
    const candidates = detectCarrier(number);
    expect(candidates.map((c) => c.carrier)).toEqual(['usps', 'fedex']);
  });
});

describe('FedEx', () => {
  it.each(['794843185271', '270872375308', '776094337676'])('accepts the real 12-digit number %s from fedex.md', (number) => {
    const [first, ...rest] = detectCarrier(number);
    expect(first).toMatchObject({ carrier: 'fedex', checkDigitValid: true, format: 'fedex-express-12' });
    // 12 digits are also DHL Paket's length: listed, with its own check digit failing.
    expect(rest).toEqual([expect.objectContaining({ carrier: 'dhl-germany', checkDigitValid: false })]);
    expect(rest[0]!.confidence).toBeLessThan(first!.confidence);
  });

  it('checks constructed 12-digit numbers and rejects flipped ones', () => {
    const number = fedex12('12345678901');
    expect(top(number).checkDigitValid).toBe(true);
    expect(top(flipDigit(number, 3)).checkDigitValid).toBe(false);
  });

  it('checks the 15-digit Ground form with mod 10', () => {
    expect(top('449044304137821')).toMatchObject({ carrier: 'fedex', checkDigitValid: true });
    expect(top(flipDigit('449044304137821', 0))).toMatchObject({ carrier: 'fedex', checkDigitValid: false });
  });

  it('checks the 22-digit Ground 96 barcode by the mod 10 digit of its last 15 digits', () => {
    const barcode = `9611020${impb('98765431234567')}`;
    expect(top(barcode)).toMatchObject({ carrier: 'fedex', format: 'fedex-ground-96', checkDigitValid: true });
    expect(top(flipDigit(barcode, 12))).toMatchObject({ carrier: 'fedex', format: 'fedex-ground-96', checkDigitValid: false });
    // The USPS reading of a 96 barcode (not an IMpb channel identifier) stays far below.
    expect(detectCarrier(barcode).find((c) => c.carrier === 'usps')?.confidence).toBeLessThan(0.2);
  });

  it('reads 20 digits without a 9x identifier as FedEx SmartPost when "92" + the digits pass the IMpb check', () => {
    const body = '6129999882082117181';
    const smartPost = `${body}${mod10Weight31(`92${body}`)}`;
    expect(top(smartPost)).toMatchObject({ carrier: 'fedex', format: 'fedex-smartpost-20', checkDigitValid: true });
    expect(detectCarrier(smartPost).map((c) => c.carrier)).toContain('usps');
  });

  it('ranks FedEx over USPS for 96 barcodes (20 and 22 digits)', () => {
    for (const [number, checked] of [['96119876543210123456', null], ['9611020987654312345672', true]] as const) {
      const candidates = detectCarrier(number);
      expect(candidates[0]).toMatchObject({ carrier: 'fedex', checkDigitValid: checked });
      expect(candidates.map((c) => c.carrier)).toContain('usps');
    }
  });
});

describe('DHL Express', () => {
  it('checks the mod-7 digit', () => {
    const number = dhl('123456789');
    expect(number).toBe('1234567891');
    expect(top(number)).toMatchObject({ carrier: 'dhl', checkDigitValid: true });
    expect(top(flipDigit(number, 4))).toMatchObject({ carrier: 'dhl', checkDigitValid: false });
  });
});

describe('DHL Paket', () => {
  it('reads the parcel-de number of dhl.md as DHL Paket first (Identcode weights 4 and 9), FedEx second', () => {
    const candidates = detectCarrier('4708 0020 4932');
    expect(candidates[0]).toMatchObject({ carrier: 'dhl-germany', checkDigitValid: true, normalized: '470800204932' });
    expect(candidates[1]).toMatchObject({ carrier: 'fedex', checkDigitValid: false });
  });

  it('lists both carriers when a 12-digit number passes both checks, FedEx first', () => {
    // Search a number valid for both readings, so the test states the ambiguity, not luck.
    let both = '';
    for (let serial = 10_000_000_000; !both; serial += 1) {
      const number = dhlPaket(String(serial));
      if (number.endsWith(String(fedex12CheckDigit(number.slice(0, 11))))) both = number;
    }
    expect(detectCarrier(both).map((c) => [c.carrier, c.checkDigitValid])).toEqual([
      ['fedex', true],
      ['dhl-germany', true],
    ]);
  });
});

describe('UPU S10', () => {
  it('computes the documented weights, including the 10 -> 0 and 11 -> 5 cases', () => {
    expect(s10CheckDigit('12345678')).toBe(5);
    expect(s10CheckDigit('00004000')).toBe(0); // sum 4*3 = 12, 11 - 12 mod 11 = 10 -> 0
    expect(s10CheckDigit('00000000')).toBe(5); // sum 0, 11 - 0 = 11 -> 5
    expect(s10CheckDigit('00000001')).toBe(4); // sum 7, 11 - 7 = 4
  });

  it('names the postal operator from the country suffix', () => {
    expect(top(s10('LX', '12345678', 'CN'))).toMatchObject({ carrier: 'china-post', checkDigitValid: true, format: 'upu-s10' });
    expect(top(s10('RR', '87654321', 'HK'))).toMatchObject({ carrier: 'hong-kong-post', checkDigitValid: true });
    expect(top(s10('EA', '00000001', 'US'))).toMatchObject({ carrier: 'usps', checkDigitValid: true });
    expect(top(s10('RR', '11112222', 'ZA'))).toMatchObject({ carrier: 'upu-za', checkDigitValid: true });
  });

  it('fails the check on a flipped digit and ignores non-country suffixes', () => {
    const valid = s10('LX', '12345678', 'CN');
    expect(top(flipDigit(valid, 5))).toMatchObject({ carrier: 'china-post', checkDigitValid: false });
    expect(detectCarrier('LX123456785ZZ')).toEqual([]);
  });
});

describe('sample numbers from the reference files', () => {
  it('names the operator of synthetic S10 samples but reports their check digit as wrong', () => {
    // RA123456789HK (AfterShip fixture) and AA123456789BR (17TRACK fixture) are made up.
    expect(top('RA123456789HK')).toMatchObject({ carrier: 'hong-kong-post', checkDigitValid: false });
    expect(top('AA123456789BR')).toMatchObject({ carrier: 'brazil-correios', checkDigitValid: false });
    // aftership.md's create-tracking example is shaped like an IMpb but fails its check.
    expect(top('9400111899223197428490')).toMatchObject({ carrier: 'usps', checkDigitValid: false });
  });
});

describe('China cross-border', () => {
  it('recognizes YunExpress, 4PX, Cainiao, J&T and Yanwen with heuristic confidence', () => {
    expect(top('YT2616912345678901')).toMatchObject({ carrier: 'yunexpress', checkDigitValid: null });
    expect(top('4PX3001234567890CN')).toMatchObject({ carrier: '4px', checkDigitValid: null });
    expect(top('LP00123456789012')).toMatchObject({ carrier: 'cainiao', checkDigitValid: null });
    expect(top('CNUSUP00012345678')).toMatchObject({ carrier: 'cainiao', checkDigitValid: null });
    expect(top('JT0001234567890')).toMatchObject({ carrier: 'jtexpress', checkDigitValid: null });
    expect(top('304123456789012')).toMatchObject({ carrier: '4px', format: '4px-304', checkDigitValid: null });
    expect(top('UG123456789YP')).toMatchObject({ carrier: 'yanwen', checkDigitValid: null });
    expect(top('LP00123456789012').confidence).toBeLessThan(top('1Z023E2X0214323462').confidence);
  });
});

describe('ambiguity', () => {
  it('returns nothing for unknown shapes and garbage', () => {
    expect(detectCarrier('hello world')).toEqual([]);
    expect(detectCarrier('12')).toEqual([]);
    expect(detectCarrier('1Z02/3E2X0214323462')).toEqual([]);
  });

  it('ranks candidates in descending confidence with scores in 0..1', () => {
    for (const number of ['9611020987654312345672', '9400109104250532908587', '1234567891']) {
      const candidates = detectCarrier(number);
      const scores = candidates.map((c) => c.confidence);
      expect([...scores].sort((a, b) => b - a)).toEqual(scores);
      for (const score of scores) expect(score >= 0 && score <= 1).toBe(true);
    }
  });
});
