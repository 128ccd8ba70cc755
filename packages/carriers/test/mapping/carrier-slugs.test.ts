import { describe, expect, it } from '@jest/globals';
import { detectCarrier, S10_OPERATORS, SEVENTEEN_TRACK_CARRIERS } from '../../src/index.js';
import { loadFixture } from '../load-fixture.js';

const { slugs } = loadFixture('aftership/couriers-all.slugs.json') as { slugs: string[] };
const AFTERSHIP = new Set(slugs);

/** Carriers newer than the recorded couriers list (2021); their slugs follow AfterShip's style. */
const NOT_IN_RECORDING = new Set(['cainiao', 'evri', 'amazon-shipping', 'tiktok-shipping']);

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
    for (const number of ['470800204932', '1Z023E2X0214323462', '9400109104250532908587', '794843185271', '3318810025', 'YT2229521272164446', '4PX3001234567890CN', 'UG123456789YP']) {
      for (const { carrier } of detectCarrier(number)) expect([number, carrier, AFTERSHIP.has(carrier)]).toEqual([number, carrier, true]);
    }
  });
});
