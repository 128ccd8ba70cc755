import type { Provider, ReturnCause } from '@parcelwatch/contracts';

/*
 * What a carrier's own code says about why a parcel goes back (or is about to). Codes are the
 * checkpoint's `rawCode` as each mapper stores it (see /work/shared/carrier-apis and the
 * taxonomies in carrier-samples):
 * - 17TRACK: the sub-status, e.g. "Exception_Damage".
 * - AfterShip: the subtag, e.g. "Exception_009" ("Rejected by carrier").
 * - USPS: the event code; 21-29 are the "return to sender" reasons of Pub 199.
 * - UPS: the 3-digit status code (059 "Damage Reported", 068 "Sent to Lost and Found": a parcel
 *   whose label came off or cannot be read goes to lost and found).
 * - FedEx and DHL codes are coarse (DE, SE; "failure"): their text decides (return-cause.text.ts).
 * - TikTok Shop sends no codes at all.
 */
export const RETURN_CAUSE_CODES: Readonly<Record<Provider, Readonly<Record<string, ReturnCause>>>> = {
  '17track': {
    Exception_Damage: 'damaged',
    Exception_Lost: 'lost',
    Exception_Rejected: 'refused',
    DeliveryFailure_Rejected: 'refused',
    DeliveryFailure_InvalidAddress: 'address_issue',
    Exception_NoBody: 'address_issue',
    DeliveryFailure_NoBody: 'unclaimed',
    AvailableForPickup_Other: 'unclaimed',
    Exception_Security: 'customs',
    DeliveryFailure_Security: 'customs',
    InTransit_CustomsRequiringInformation: 'customs',
    Exception_Cancel: 'sender_recall',
  },
  aftership: {
    Exception_002: 'address_issue',
    Exception_003: 'refused',
    Exception_004: 'customs',
    Exception_006: 'customs',
    Exception_007: 'address_issue',
    Exception_008: 'unclaimed',
    Exception_009: 'carrier_error',
    Exception_012: 'damaged',
    Exception_013: 'lost',
    Exception_018: 'customs',
    Exception_020: 'sender_recall',
    AttemptFail_002: 'unclaimed',
    AttemptFail_003: 'unclaimed',
    AvailableForPickup_001: 'unclaimed',
  },
  usps: {
    '02': 'unclaimed',
    '04': 'refused',
    '05': 'address_issue',
    '08': 'misrouted',
    '11': 'lost',
    '14': 'unclaimed',
    '15': 'misrouted',
    '16': 'unclaimed',
    '21': 'address_issue',
    '22': 'address_issue',
    '23': 'address_issue',
    '24': 'address_issue',
    '25': 'address_issue',
    '26': 'address_issue',
    '27': 'unclaimed',
    '28': 'address_issue',
    '31': 'unclaimed',
    '44': 'sender_recall',
    '52': 'unclaimed',
  },
  ups: {
    '017': 'unclaimed',
    '033': 'sender_recall',
    '040': 'unclaimed',
    '050': 'address_issue',
    '058': 'customs',
    '059': 'damaged',
    '064': 'refused',
    '068': 'label_unreadable',
  },
  fedex: {
    CA: 'sender_recall',
    CD: 'customs',
    HP: 'unclaimed',
  },
  dhl: {},
  tiktok: {},
};
