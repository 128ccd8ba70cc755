import { describe, expect, it } from '@jest/globals';
import type { Provider } from '@parcelwatch/contracts';
import { classifyReturn, type CheckpointEvidence } from '../src/domain/return-cause.js';

// Timelines in event-time order, with the codes and texts each provider really sends
// (carrier-apis/*.md, carrier-samples/taxonomies).

const scan = (provider: Provider, milestone: string, reason: string | null, rawCode: string | null, rawText: string): CheckpointEvidence => ({ provider, milestone, reason, rawCode, rawText });
const transit = (provider: Provider, rawCode: string | null = null): CheckpointEvidence => scan(provider, 'in_transit', 'arrived_hub', rawCode, 'Arrived at facility');

describe('return cause from carrier checkpoints', () => {
  it('17TRACK: damaged in transport, then returning: the carrier is at fault', () => {
    const timeline = [
      transit('17track', 'InTransit_Other'),
      scan('17track', 'exception', 'damaged', 'Exception_Damage', 'Damaged in transport'),
      scan('17track', 'exception', 'returning', 'Exception_Returning', 'Em devolução ao remetente'),
    ];
    expect(classifyReturn(timeline)).toEqual({ cause: 'damaged', carrierFault: true, causeCode: '17track:Exception_Damage' });
  });

  it('17TRACK: recipient refused before delivery: not the carrier', () => {
    const timeline = [transit('17track'), scan('17track', 'exception', 'other', 'Exception_Rejected', 'Recusado pelo destinatário'), scan('17track', 'exception', 'returning', 'Exception_Returning', 'Being returned to sender')];
    expect(classifyReturn(timeline)).toEqual({ cause: 'refused', carrierFault: false, causeCode: '17track:Exception_Rejected' });
  });

  it('AfterShip: "Rejected by carrier" (Exception_009) is the carrier\'s own failure', () => {
    const timeline = [transit('aftership', 'InTransit_003'), scan('aftership', 'exception', 'other', 'Exception_009', 'Rejected by carrier'), scan('aftership', 'exception', 'returning', 'Exception_010', 'Returning to sender')];
    expect(classifyReturn(timeline)).toMatchObject({ cause: 'carrier_error', carrierFault: true });
  });

  it('AfterShip: incorrect address (Exception_007) and pick up missed (Exception_008) are not', () => {
    const address = [transit('aftership'), scan('aftership', 'exception', 'other', 'Exception_007', 'Incorrect Address'), scan('aftership', 'exception', 'returning', 'Exception_010', 'Returning to sender')];
    expect(classifyReturn(address)).toMatchObject({ cause: 'address_issue', carrierFault: false });
    const missed = [scan('aftership', 'available_for_pickup', 'at_pickup_point', 'AvailableForPickup_001', 'Available for pickup'), scan('aftership', 'exception', 'other', 'Exception_008', 'Pick up missed'), scan('aftership', 'exception', 'returned', 'Exception_011', 'Returned to sender')];
    expect(classifyReturn(missed)).toMatchObject({ cause: 'unclaimed', carrierFault: false });
  });

  it('USPS: the reason is on the return scan itself (RTS 22 insufficient address, 27 unclaimed) or a missent scan before it', () => {
    expect(classifyReturn([transit('usps', '10'), scan('usps', 'exception', 'returning', '22', 'Return to Sender: Insufficient Address')])).toEqual({ cause: 'address_issue', carrierFault: false, causeCode: 'usps:22' });
    expect(classifyReturn([transit('usps', '07'), scan('usps', 'exception', 'returning', '27', 'Return to Sender: Unclaimed')])).toMatchObject({ cause: 'unclaimed', carrierFault: false });
    expect(classifyReturn([transit('usps', '10'), scan('usps', 'exception', 'delayed_carrier', '08', 'Missent'), scan('usps', 'exception', 'returning', '09', 'Return to Sender')])).toEqual({ cause: 'misrouted', carrierFault: true, causeCode: 'usps:08' });
  });

  it('UPS: 059 damage reported, 068 sent to lost and found (its label came off), 064 delivery refused', () => {
    const returning = scan('ups', 'exception', 'returning', '035', 'Returning to Sender');
    expect(classifyReturn([transit('ups', '005'), scan('ups', 'exception', 'damaged', '059', 'Damage Reported'), returning])).toMatchObject({ cause: 'damaged', carrierFault: true, causeCode: 'ups:059' });
    expect(classifyReturn([transit('ups', '005'), scan('ups', 'exception', 'other', '068', 'Sent to Lost and Found'), returning])).toMatchObject({ cause: 'label_unreadable', carrierFault: true });
    expect(classifyReturn([transit('ups', '005'), scan('ups', 'failed_attempt', 'refused', '064', 'Delivery Refused'), returning])).toMatchObject({ cause: 'refused', carrierFault: false });
  });

  it('FedEx and DHL: coarse codes, so the description decides', () => {
    const fedex = [transit('fedex', 'AR'), scan('fedex', 'exception', 'other', 'DE', 'Package was misrouted - delivery delayed'), scan('fedex', 'exception', 'returning', 'RS', 'Return to Shipper')];
    expect(classifyReturn(fedex)).toEqual({ cause: 'misrouted', carrierFault: true, causeCode: 'fedex:DE' });
    const dhl = [transit('dhl', 'transit'), scan('dhl', 'exception', 'returning', 'failure', 'The shipment could not be delivered due to a carrier operational error and is being returned')];
    expect(classifyReturn(dhl)).toMatchObject({ cause: 'carrier_error', carrierFault: true });
    const dhlLabel = [transit('dhl', 'transit'), scan('dhl', 'exception', 'other', 'failure', 'Shipping label damaged, unable to identify consignee'), scan('dhl', 'exception', 'returning', 'failure', 'Returned to shipper')];
    expect(classifyReturn(dhlLabel)).toMatchObject({ cause: 'label_unreadable', carrierFault: true });
  });

  it('damage wins over a refusal that followed it (a buyer refusing a broken parcel)', () => {
    const timeline = [scan('17track', 'exception', 'damaged', 'Exception_Damage', 'Damaged'), scan('17track', 'failed_attempt', 'refused', 'DeliveryFailure_Rejected', 'Recipient refused'), scan('17track', 'exception', 'returning', 'Exception_Returning', 'Returning')];
    expect(classifyReturn(timeline)).toMatchObject({ cause: 'damaged', carrierFault: true });
  });

  it('a refusal by the carrier is not read as the buyer\'s', () => {
    const timeline = [transit('tiktok'), scan('tiktok', 'exception', 'returning', null, 'Parcel refused by carrier at sorting center, returning to seller')];
    expect(classifyReturn(timeline)).toEqual({ cause: 'carrier_error', carrierFault: true, causeCode: null });
  });

  it('a parcel that waited at a pickup point and went back was not collected', () => {
    const timeline = [scan('ups', 'available_for_pickup', 'at_pickup_point', null, 'Held at access point'), scan('ups', 'exception', 'returning', '035', 'Returning to Sender')];
    expect(classifyReturn(timeline)).toMatchObject({ cause: 'unclaimed', carrierFault: false });
  });

  it('without any sign the cause is unknown and nobody is blamed', () => {
    expect(classifyReturn([transit('17track'), scan('17track', 'exception', 'returning', 'Exception_Returning', 'Em devolução ao remetente')])).toEqual({ cause: 'unknown', carrierFault: false, causeCode: null });
    expect(classifyReturn([])).toEqual({ cause: 'unknown', carrierFault: false, causeCode: null });
  });

  it('looks only at the events that led to the return, not at the whole journey', () => {
    const early = scan('17track', 'exception', 'damaged', 'Exception_Damage', 'Damaged');
    const timeline = [early, ...Array.from({ length: 7 }, () => transit('17track')), scan('17track', 'exception', 'returning', 'Exception_Returning', 'Returning')];
    expect(classifyReturn(timeline).cause).toBe('unknown');
  });
});
