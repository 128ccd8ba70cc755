import type { JourneyEventKind } from './journey.types.js';

/**
 * Carrier text for each kind of scan. Variant 0 is what a first poll shows; the others are
 * the rewordings carriers publish on later polls for the same scan (the "edited wording"
 * fault), so consumers must dedupe on normalized fields, not on text.
 */
const WORDING: Readonly<Record<JourneyEventKind, readonly string[]>> = {
  label_created: ['Shipment information received', 'Electronic shipping information received', 'Order information received by carrier'],
  picked_up: ['Parcel picked up by courier', 'Picked up from the seller', 'Shipment picked up'],
  origin_hub_arrival: ['Arrived at sorting center', 'Arrived at the sorting centre', 'Processed at origin sorting facility'],
  export_customs: ['Export customs clearance in progress', 'Handed over to export customs', 'Export clearance processing'],
  departed_origin: ['Departed from origin country', 'Flight departed from origin airport', 'Left the country of origin'],
  arrived_destination: ['Arrived at destination country', 'Arrived at destination airport', 'Flight arrived in the destination country'],
  import_customs: ['Import customs clearance started', 'Customs clearance in progress', 'Presented to import customs'],
  customs_hold_documents: [
    'Held by customs: additional documents required',
    'Customs hold - documentation required from the recipient',
    'Clearance delay: customs requires further information',
  ],
  customs_released: ['Import customs clearance completed', 'Released by customs', 'Customs clearance complete'],
  destination_hub_arrival: ['Arrived at regional distribution center', 'Arrived at the delivery hub', 'Processed at regional facility'],
  departed_hub: ['Departed regional distribution center', 'Departed the delivery hub', 'In transit to the next facility'],
  out_for_delivery: ['Out for delivery', 'Out For Delivery Today', 'With the courier for delivery'],
  failed_attempt: [
    'Delivery attempted: recipient not available',
    'Delivery attempt failed - no one at the address',
    'Attempted delivery, notice left',
  ],
  available_for_pickup: ['Available for pickup at the post office', 'Ready for pickup at the collection point', 'Held at the pickup location'],
  delivered: ['Delivered', 'Delivered, left at the front door', 'Your parcel was delivered'],
  damaged: ['Parcel damaged in handling', 'Damage reported at the facility', 'Shipment damaged'],
  missorted: ['Missent to the wrong facility, delivery delayed', 'Mis-sorted at the hub, delayed', 'Parcel misrouted by the carrier, delayed'],
  returning: ['Returning to sender', 'Return to sender in progress', 'Being returned to the shipper'],
  returned: ['Returned to sender', 'Delivered back to the sender', 'Return completed'],
  lost: ['Parcel lost in transit', 'Shipment cannot be located', 'Declared lost by the carrier'],
};

export function wordingOf(kind: JourneyEventKind, variant = 0): string {
  const variants = WORDING[kind];
  return variants[variant % variants.length]!;
}

export function wordingVariants(kind: JourneyEventKind): number {
  return WORDING[kind].length;
}
