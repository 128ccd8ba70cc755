import { describe, expect, it } from '@jest/globals';
import type { Provider } from '@parcelwatch/contracts';
import { mapPayload } from '../../src/index.js';
import { clone, loadFixture } from '../load-fixture.js';

/*
 * Every provider's customs events, by code and by text, land on a customs stage (held,
 * released, documents required, duties, processing) and never on another one. Each case puts
 * one event into a real recorded payload of that provider and reads the mapped checkpoint.
 */
// Payloads are navigated field by field; typing each provider's shape would repeat the schemas.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
type Event = { code: string | null; text: string; extra?: Record<string, unknown> };

/** Per provider: the recorded payload and how to make its event list exactly one event. */
const PROVIDERS: Record<Provider, { fixture: string; put: (payload: Json, event: Event) => void }> = {
  ups: {
    fixture: 'ups/track-delivered.json',
    put: (payload, { code, text, extra }) => {
      const pkg = payload.trackResponse.shipment[0].package[0];
      const first = clone(pkg.activity.at(-1));
      first.status = { type: 'X', description: text, ...(code === null ? {} : { statusCode: code }), ...extra };
      pkg.activity = [first];
      pkg.currentStatus = { ...first.status, code: code ?? first.status.code };
    },
  },
  fedex: {
    fixture: 'fedex/track-delivered.json',
    put: (payload, { code, text, extra }) => {
      const result = payload.output.completeTrackResults[0].trackResults[0];
      const first = clone(result.scanEvents.at(-1));
      Object.assign(first, { eventType: code, eventDescription: text, derivedStatusCode: code, ...extra });
      result.scanEvents = [first];
      result.latestStatusDetail = { code, derivedCode: code, description: text, statusByLocale: text };
    },
  },
  dhl: {
    fixture: 'dhl/express-in-transit.json',
    put: (payload, { code, text }) => {
      const shipment = payload.shipments[0];
      const first = clone(shipment.events.at(-1));
      Object.assign(first, { statusCode: code, status: text, description: text });
      shipment.events = [first];
      shipment.status = first;
    },
  },
  usps: {
    fixture: 'usps/detail-delivered.json',
    put: (payload, { code, text }) => {
      const first = clone(payload.trackingEvents.at(-1));
      Object.assign(first, { eventCode: code, eventType: text });
      payload.trackingEvents = [first];
      payload.statusCategory = null;
      payload.status = text;
    },
  },
  '17track': {
    fixture: '17track/gettrackinfo_yanwen_190012.json',
    put: (payload, { code, text }) => {
      payload.data.accepted = payload.data.accepted.slice(0, 1);
      payload.data.rejected = [];
      const info = payload.data.accepted[0].track_info;
      const provider = info.tracking.providers[0];
      const first = clone(provider.events.at(-1));
      Object.assign(first, { sub_status: code, description: text, description_translation: { lang: 'en', description: text } });
      provider.events = [first];
      info.tracking.providers = [provider];
      info.latest_event = first;
      info.latest_status = { status: 'InTransit', sub_status: code, sub_status_descr: text };
    },
  },
  aftership: {
    fixture: 'aftership/TrackingWithAdditionalFieldsTestCase.test_get_tracking.0.json',
    put: (payload, { code, text }) => {
      const tracking = payload.data.tracking;
      const first = clone(tracking.checkpoints.at(-1));
      Object.assign(first, { subtag: code, tag: code?.split('_')[0] ?? 'InTransit', message: text });
      tracking.checkpoints = [first];
      Object.assign(tracking, { subtag: code, tag: first.tag, subtag_message: text });
    },
  },
  tiktok: {
    fixture: 'tiktok/get-tracking.json',
    put: (payload, { text }) => {
      payload.data.tracking = [{ description: text, update_time_millis: 1694419200000 }];
    },
  },
};

function mapOne(provider: Provider, event: Event) {
  const { fixture, put } = PROVIDERS[provider];
  const payload = loadFixture(fixture) as Json;
  put(payload, event);
  const mapped = mapPayload(provider, payload);
  const checkpoint = mapped.checkpoints.at(-1);
  return { milestone: checkpoint?.milestone, reason: checkpoint?.reason, summary: `${mapped.milestone}/${mapped.reason}` };
}

type Case = readonly [Provider, string | null, string, string];

/** By code: each provider's published customs codes (../shared/carrier-apis). */
const BY_CODE: readonly Case[] = [
  ['ups', '012', 'Clearance in Progress', 'customs_processing'],
  ['ups', '014', 'Clearance Completed', 'customs_released'],
  ['ups', '058', 'Clearance Information Required', 'customs_documents_required'],
  ['ups', '092', 'Customs Clearance in Progress', 'customs_processing'],
  ['fedex', 'CP', 'Clearance in progress', 'customs_processing'],
  ['fedex', 'CC', 'International shipment release - Import', 'customs_released'],
  ['fedex', 'CD', 'Clearance delay - Import', 'customs_hold'],
  ['17track', 'InTransit_CustomsProcessing', 'Customs processing', 'customs_processing'],
  ['17track', 'InTransit_CustomsReleased', 'Customs released', 'customs_released'],
  ['17track', 'InTransit_CustomsRequiringInformation', 'Customs requires information', 'customs_documents_required'],
  ['17track', 'Exception_Security', 'Security, customs clearance or fee issue', 'customs_hold'],
  ['aftership', 'InTransit_005', 'Customs clearance completed', 'customs_released'],
  ['aftership', 'InTransit_006', 'Customs clearance in progress', 'customs_processing'],
  ['aftership', 'Exception_004', 'Delayed (Customs clearance)', 'customs_hold'],
  ['aftership', 'Exception_018', 'Customs documents required', 'customs_documents_required'],
];

/** By text: a coarse, wrong or missing code must not file a customs event under another stage. */
const BY_TEXT: readonly Case[] = [
  // The reported case: a UPS activity under a label code (003) or a manifest type.
  ['ups', '003', 'Your package was released by the customs agency.', 'customs_released'],
  ['ups', null, 'Your package was released by the clearing agency.', 'customs_released'],
  ['ups', null, 'Your package is pending release from a government agency. Once released, we will deliver.', 'customs_hold'],
  ['ups', '005', 'Clearance information requested from the receiver', 'customs_documents_required'],
  ['ups', '013', 'The package is held by customs', 'customs_hold'],
  ['ups', '012', 'Your package is pending release from the Customs agency.', 'customs_hold'],
  ['fedex', 'IT', 'Customs clearance delay', 'customs_hold'],
  ['fedex', 'SE', 'Customs: import duties and taxes due before release', 'duties_unpaid'],
  ['fedex', 'OC', 'Released by customs', 'customs_released'],
  ['dhl', 'transit', 'Customs clearance status updated', 'customs_processing'],
  ['dhl', 'transit', 'Clearance event: shipment on hold', 'customs_hold'],
  ['dhl', 'transit', 'Customs status updated: awaiting documents from consignee; provide the commercial invoice', 'customs_documents_required'],
  ['dhl', 'transit', 'Clearance processing complete', 'customs_released'],
  ['dhl', 'pre-transit', 'Released by customs', 'customs_released'],
  ['usps', 'Z9', 'Inbound Into Customs', 'customs_processing'],
  ['usps', 'Z9', 'Held in Customs', 'customs_hold'],
  ['usps', 'Z9', 'Customs Clearance Processing Complete', 'customs_released'],
  ['usps', 'Z9', 'Customs duties due: pay online to release', 'duties_unpaid'],
  ['17track', 'InTransit_Other', 'Released by customs', 'customs_released'],
  ['17track', 'InTransit_Other', '海关查验', 'customs_hold'],
  ['17track', 'InTransit_CustomsProcessing', 'Held by customs: additional documents required', 'customs_documents_required'],
  ['aftership', 'InTransit_001', 'Customs hold', 'customs_hold'],
  ['aftership', 'InfoReceived_001', 'Import customs clearance completed', 'customs_released'],
  ['tiktok', null, 'Customs clearance completed', 'customs_released'],
  ['tiktok', null, 'Held by customs, waiting for release', 'customs_hold'],
  ['tiktok', null, 'Customs requires the buyer to provide identification', 'customs_documents_required'],
  ['tiktok', null, '清关中', 'customs_processing'],
];

const MILESTONE: Record<string, string> = {
  customs_processing: 'in_transit',
  customs_released: 'in_transit',
  customs_hold: 'exception',
  customs_documents_required: 'exception',
  duties_unpaid: 'exception',
};

describe('customs events of every provider', () => {
  it.each(BY_CODE)('%s code %s (%s) -> %s', (provider, code, text, reason) => {
    expect(mapOne(provider, { code, text })).toMatchObject({ milestone: MILESTONE[reason], reason });
  });

  it.each(BY_TEXT)('%s code %s with "%s" -> %s', (provider, code, text, reason) => {
    expect(mapOne(provider, { code, text })).toMatchObject({ milestone: MILESTONE[reason], reason });
  });

  it('reads FedEx\'s delayDetail: a CLEARANCE delay is a customs hold, any other delay is not', () => {
    const clearance = { delayDetail: { type: 'CLEARANCE', subType: 'IMPORT', status: 'DELAYED' } };
    expect(mapOne('fedex', { code: 'DY', text: 'Delay', extra: clearance })).toMatchObject({ milestone: 'exception', reason: 'customs_hold' });
    expect(mapOne('fedex', { code: 'IT', text: 'In transit', extra: clearance })).toMatchObject({ milestone: 'exception', reason: 'customs_hold' });
    expect(mapOne('fedex', { code: 'DY', text: 'Delay', extra: { delayDetail: { type: 'WEATHER', status: 'DELAYED' } } })).toMatchObject({ reason: 'delayed_carrier' });
    expect(mapOne('fedex', { code: 'DY', text: 'Delay', extra: { delayDetail: 'garbage' } })).toMatchObject({ reason: 'delayed_carrier' });
  });

  it('keeps a delivery a delivery when its text mentions duties paid', () => {
    expect(mapOne('ups', { code: '011', text: 'Delivered. Duties paid by the receiver' })).toMatchObject({ milestone: 'delivered' });
    expect(mapOne('tiktok', { code: null, text: 'Delivered, duties paid' })).toMatchObject({ milestone: 'delivered' });
  });

  it('covers every provider', () => {
    const providers = new Set([...BY_CODE, ...BY_TEXT].map(([provider]) => provider));
    expect([...providers].sort()).toEqual(Object.keys(PROVIDERS).sort());
  });
});
