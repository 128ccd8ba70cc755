import { describe, expect, it } from '@jest/globals';
import { deliveryEstimate, estimateDate, map17Track, mapAfterShip, mapDhl, mapFedex, mapUps, mapUsps } from '../../src/index.js';
import { clone, loadFixture } from '../load-fixture.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('estimateDate', () => {
  it('keeps the calendar day the carrier states, whatever the offset or time of day', () => {
    expect(estimateDate('2026-07-08T00:00:00-07:00')).toBe('2026-07-08');
    expect(estimateDate('2024-05-07T23:59:00-05:00')).toBe('2024-05-07');
    expect(estimateDate('2024-11-29T00:00:00')).toBe('2024-11-29');
    expect(estimateDate('20240205')).toBe('2024-02-05');
    expect(estimateDate('2021-07-05')).toBe('2021-07-05');
  });

  it('reads no date from text that names none', () => {
    for (const value of ['3 Business Days', '', '2024-13-45', '2024-02-30', 'tomorrow', null, undefined, 20240205]) expect(estimateDate(value)).toBeNull();
  });

  it('takes the point date first, a window alone by its start, and drops an end before the date', () => {
    expect(deliveryEstimate('2024-02-05', '2024-02-04', '2024-02-07')).toEqual({ date: '2024-02-05', latestDate: '2024-02-07' });
    expect(deliveryEstimate(null, '2024-02-04', '2024-02-07')).toEqual({ date: '2024-02-04', latestDate: '2024-02-07' });
    expect(deliveryEstimate(null, null, '2024-02-07')).toEqual({ date: '2024-02-07', latestDate: '2024-02-07' });
    expect(deliveryEstimate('2024-02-05', null, '2024-02-01')).toEqual({ date: '2024-02-05', latestDate: null });
    expect(deliveryEstimate(null, null, null)).toBeNull();
  });
});

describe('the providers\' own delivery estimates', () => {
  it('17TRACK: the time_metrics window of the Yanwen sample; none where the sample has nulls', () => {
    expect(map17Track(loadFixture('17track/gettrackinfo_yanwen_190012.json'), { trackingNumber: 'YT2616912345678901' }).estimatedDelivery).toEqual({
      date: '2026-07-08',
      latestDate: '2026-07-12',
    });
    expect(map17Track(loadFixture('17track/gettrackinfo_correios_2151.json')).estimatedDelivery).toBeNull();
  });

  it('AfterShip v4: the recorded trackings carry expected_delivery null, so no estimate', () => {
    expect(mapAfterShip(loadFixture('aftership/TrackingWithAdditionalFieldsTestCase.test_get_tracking.0.json')).estimatedDelivery).toBeNull();
  });

  it('AfterShip: the legacy expected_delivery string, then the EDD objects in order of trust', () => {
    const payload = loadFixture('aftership/TrackingWithAdditionalFieldsTestCase.test_get_tracking.0.json') as Json;
    payload.data.tracking.expected_delivery = '2021-01-20';
    expect(mapAfterShip(clone(payload)).estimatedDelivery).toEqual({ date: '2021-01-20', latestDate: null });

    // The EDD object as AfterShip's live predict-batch answered it (recorded cassette).
    const predicted = (loadFixture('aftership/EstimatedDeliveryDateTestCase.test_batch_predict_estimated_delivery_date.json') as Json).data.estimated_delivery_dates[0];
    payload.data.tracking.expected_delivery = null;
    payload.data.tracking.aftership_estimated_delivery_date = predicted;
    expect(mapAfterShip(clone(payload)).estimatedDelivery).toEqual({ date: '2021-07-05', latestDate: '2021-07-05' });

    payload.data.tracking.courier_estimated_delivery_date = { estimated_delivery_date: '2021-07-06', estimated_delivery_date_min: null, estimated_delivery_date_max: '2021-07-08' };
    expect(mapAfterShip(clone(payload)).estimatedDelivery).toEqual({ date: '2021-07-06', latestDate: '2021-07-08' });

    payload.data.tracking.latest_estimated_delivery = { type: 'range', source: 'Carrier', datetime: null, datetime_min: '2021-07-07T00:00:00+02:00', datetime_max: '2021-07-09T00:00:00+02:00' };
    expect(mapAfterShip(clone(payload)).estimatedDelivery).toEqual({ date: '2021-07-07', latestDate: '2021-07-09' });
  });

  it('USPS: the zone-less expectedDeliveryTimeStamp of the detail sample; v3r2\'s deliveryDateExpectation', () => {
    expect(mapUsps(loadFixture('usps/detail-delivered.json')).estimatedDelivery).toEqual({ date: '2024-11-29', latestDate: null });
    const batch = loadFixture('usps/v3r2-batch.json') as Json[];
    batch[0]!.deliveryDateExpectation = { expectedDeliveryDate: '2024-04-08', predictedDeliveryDate: '2024-04-09', guaranteedDeliveryDate: '3 Business Days' };
    expect(mapUsps(batch, { trackingNumber: '9400111899223197428490' }).estimatedDelivery).toEqual({ date: '2024-04-08', latestDate: null });
  });

  it('UPS: a rescheduled date over the scheduled one; the delivered date is no estimate', () => {
    const payload = loadFixture('ups/track-delivered.json') as Json;
    expect(mapUps(clone(payload)).estimatedDelivery).toBeNull();
    const pkg = payload.trackResponse.shipment[0].package[0];
    pkg.deliveryDate = [{ type: 'SDD', date: '20240201' }];
    expect(mapUps(clone(payload)).estimatedDelivery).toEqual({ date: '2024-02-01', latestDate: null });
    pkg.deliveryDate = [{ type: 'SDD', date: '20240201' }, { type: 'RDD', date: '20240205' }];
    expect(mapUps(clone(payload)).estimatedDelivery).toEqual({ date: '2024-02-05', latestDate: null });
  });

  it('FedEx: ESTIMATED_DELIVERY in dateAndTimes with the window end; none on the delivered sample', () => {
    const payload = loadFixture('fedex/track-delivered.json') as Json;
    expect(mapFedex(clone(payload)).estimatedDelivery).toBeNull();
    const result = payload.output.completeTrackResults[0].trackResults[0];
    result.dateAndTimes.push({ type: 'ESTIMATED_DELIVERY', dateTime: '2024-02-16T00:00:00-05:00' });
    result.estimatedDeliveryTimeWindow = { type: 'ESTIMATED_DELIVERY', window: { begins: '2024-02-16T08:00:00-05:00', ends: '2024-02-17T20:00:00-05:00' } };
    expect(mapFedex(clone(payload)).estimatedDelivery).toEqual({ date: '2024-02-16', latestDate: '2024-02-17' });
  });

  it('DHL: estimatedTimeOfDelivery of the express sample, with the time frame\'s end', () => {
    const payload = loadFixture('dhl/express-in-transit.json') as Json;
    expect(mapDhl(clone(payload)).estimatedDelivery).toEqual({ date: '2024-05-07', latestDate: null });
    payload.shipments[0].estimatedDeliveryTimeFrame = { estimatedFrom: '2024-05-07T09:00:00-05:00', estimatedThrough: '2024-05-08T18:00:00-05:00' };
    expect(mapDhl(clone(payload)).estimatedDelivery).toEqual({ date: '2024-05-07', latestDate: '2024-05-08' });
  });
});
