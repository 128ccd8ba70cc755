import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { PROVIDERS, type Provider } from '@parcelwatch/contracts';
import { loadFixture } from '../load-fixture.js';
import { fuzzParams, hugeMutation, mapOrRefuse, mutate, mutation, oddText, wrongValue } from './fuzz-support.js';

/*
 * Property: whatever a provider sends, its mapper either maps it to checkpoints that pass the
 * contracts' schemas (and that the database can store), or refuses it with a PayloadError that
 * says why. A TypeError, RangeError or stack overflow here would reach the normalizer as an
 * unknown error, which halts the partition instead of dead-lettering one message.
 */

/** `refused`: a real error body that is not a tracking answer (the mapper must refuse it). */
type Sample = { name: string; provider: Provider; payload: unknown; options?: { trackingNumber: string }; refused?: true };

function samples(): Sample[] {
  const seventeen = loadFixture('17track/gettrackinfo_yanwen_190012.json') as { data: { accepted: unknown[] } };
  const aftership = loadFixture('aftership/TrackingWithAdditionalFieldsTestCase.test_get_tracking.0.json') as { data: { tracking: unknown } };
  return [
    { name: '17track yanwen', provider: '17track', payload: seventeen, options: { trackingNumber: (seventeen.data.accepted[0] as { number: string }).number } },
    { name: '17track correios', provider: '17track', payload: loadFixture('17track/gettrackinfo_correios_2151.json') },
    { name: '17track returning', provider: '17track', payload: loadFixture('17track/gettrackinfo_exception_returning.json') },
    { name: '17track push', provider: '17track', payload: { event: 'TRACKING_UPDATED', data: seventeen.data.accepted[0] } },
    { name: '17track stopped', provider: '17track', payload: loadFixture('17track/webhook_tracking_stopped.json') },
    { name: 'aftership postnl', provider: 'aftership', payload: aftership },
    { name: 'aftership push', provider: 'aftership', payload: { event: 'tracking_update', event_id: 'e-1', ts: 1_700_000_000, msg: aftership.data.tracking } },
    { name: 'aftership pending', provider: 'aftership', payload: loadFixture('aftership/TrackingTestCase.test_get_tracking.json') },
    { name: 'aftership 4003', provider: 'aftership', payload: loadFixture('aftership/error_created_tracking_number_is_failed.json'), refused: true },
    { name: 'usps detail', provider: 'usps', payload: loadFixture('usps/detail-delivered.json') },
    { name: 'usps batch', provider: 'usps', payload: loadFixture('usps/v3r2-batch.json'), options: { trackingNumber: '9400111899223197428490' } },
    { name: 'usps 150001', provider: 'usps', payload: loadFixture('usps/error-150001.json') },
    { name: 'ups delivered', provider: 'ups', payload: loadFixture('ups/track-delivered.json') },
    { name: 'ups not found', provider: 'ups', payload: loadFixture('ups/not-found.json') },
    { name: 'fedex delivered', provider: 'fedex', payload: loadFixture('fedex/track-delivered.json') },
    { name: 'fedex not found', provider: 'fedex', payload: loadFixture('fedex/not-found.json') },
    { name: 'dhl express', provider: 'dhl', payload: loadFixture('dhl/express-in-transit.json') },
    { name: 'dhl paket', provider: 'dhl', payload: loadFixture('dhl/parcel-de-delivered.json') },
    { name: 'dhl 404', provider: 'dhl', payload: loadFixture('dhl/not-found.json') },
    { name: 'tiktok', provider: 'tiktok', payload: loadFixture('tiktok/get-tracking.json'), options: { trackingNumber: 'TT123' } },
  ];
}

const SAMPLES = samples();
const sample = fc.constantFrom(...SAMPLES);
const provider = fc.constantFrom(...PROVIDERS);

describe('carrier mappers under fuzzing', () => {
  it('map every real sample unchanged (the baseline the mutations start from)', () => {
    for (const s of SAMPLES) expect([s.name, mapOrRefuse(s.provider, s.payload, s.options).kind]).toEqual([s.name, s.refused ? 'refused' : 'mapped']);
  });

  it('map or refuse with a PayloadError: real samples with keys dropped, types changed, unicode injected, times garbled', () => {
    fc.assert(
      fc.property(sample, fc.array(mutation, { minLength: 1, maxLength: 5 }), (s, mutations) => {
        mapOrRefuse(s.provider, mutate(s.payload, mutations), s.options);
      }),
      fuzzParams(1_500),
    );
  });

  it('map or refuse with a PayloadError: random JSON and wrong-typed roots, under every provider', () => {
    const payload = fc.oneof(
      fc.jsonValue({ maxDepth: 4 }),
      wrongValue,
      fc.anything({ maxDepth: 3, withNullPrototype: true, withBigInt: true, withDate: true, withMap: true, withTypedArray: true, withSparseArray: true }),
      // The keys each mapper dispatches on, with random contents.
      fc.record({ event: fc.jsonValue(), data: fc.jsonValue(), msg: fc.jsonValue(), meta: fc.jsonValue(), code: fc.jsonValue() }, { requiredKeys: [] }),
      fc.record({ output: fc.jsonValue(), errors: fc.jsonValue(), response: fc.jsonValue(), shipments: fc.jsonValue(), status: fc.jsonValue(), error: fc.jsonValue() }, { requiredKeys: [] }),
    );
    fc.assert(
      fc.property(provider, payload, fc.option(oddText, { nil: undefined }), (p, body, trackingNumber) => {
        mapOrRefuse(p, body, trackingNumber === undefined ? {} : { trackingNumber });
      }),
      fuzzParams(1_500),
    );
  });

  it('map or refuse huge payloads: thousands of events, megabyte strings', () => {
    fc.assert(
      fc.property(sample, hugeMutation, fc.array(mutation, { maxLength: 2 }), (s, huge, others) => {
        mapOrRefuse(s.provider, mutate(s.payload, [huge, ...others]), s.options);
      }),
      fuzzParams(25),
    );
  });

  it('never need the caller to know the number: a batch without options.trackingNumber is refused or mapped, not crashed', () => {
    fc.assert(
      fc.property(sample, fc.array(mutation, { maxLength: 3 }), (s, mutations) => {
        mapOrRefuse(s.provider, mutate(s.payload, mutations));
      }),
      fuzzParams(300),
    );
  });
});
