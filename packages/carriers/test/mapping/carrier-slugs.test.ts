import { describe, expect, it } from '@jest/globals';
import { detectCarrier, S10_OPERATORS, SEVENTEEN_TRACK_CARRIERS } from '../../src/index.js';
import { loadFixture } from '../load-fixture.js';

const { slugs } = loadFixture('aftership/couriers-all.slugs.json') as { slugs: string[] };
const AFTERSHIP = new Set(slugs);

/** Carriers newer than the recorded couriers list (2021); their slugs follow AfterShip's style. */
const NOT_IN_RECORDING = new Set(['cainiao', 'evri', 'amazon-shipping', 'tiktok-shipping', 'jd-logistics']);

describe('carrier slugs', () => {
  it('names S10 postal operators by their AfterShip slugs', () => {
    for (const [country, slug] of Object.entries(S10_OPERATORS)) expect([country, AFTERSHIP.has(slug)]).toEqual([country, true]);
  });

  it('names 17TRACK carriers by AfterShip slugs, except carriers newer than the recording', () => {
    for (const [key, slug] of Object.entries(SEVENTEEN_TRACK_CARRIERS)) {
      expect([key, slug, AFTERSHIP.has(slug) || NOT_IN_RECORDING.has(slug)]).toEqual([key, slug, true]);
    }
  });

  it('gives detection candidates the same slugs', () => {
    const numbers = ['470800204932', '1Z023E2X0214323462', '9400109104250532908587', '794843185271', '3318810025', 'YT2229521272164446', '4PX3001234567890CN', 'UG123456789YP',
      'K1506235620', 'JJD0099999999', 'GM2951173225174494', '01234567890128', '73891051146', 'SF1234567890123', 'JDVA00081960923', '3SKAAG5995399', '6A12345678901', 'EA123456785CN', '1001921334250001000300779017972697'];
    for (const number of numbers) {
      for (const { carrier } of detectCarrier(number)) expect([number, carrier, AFTERSHIP.has(carrier) || NOT_IN_RECORDING.has(carrier)]).toEqual([number, carrier, true]);
    }
  });
});
