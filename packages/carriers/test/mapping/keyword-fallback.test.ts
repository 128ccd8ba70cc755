import { describe, expect, it } from '@jest/globals';
import { isValidStatus } from '@parcelwatch/contracts';
import { statusFromKeywords } from '../../src/index.js';

describe('statusFromKeywords', () => {
  it.each([
    ['Returned to sender', 'exception', 'returned'],
    ['Item being returned to shipper', 'exception', 'returned'],
    ['Return in progress', 'exception', 'returning'],
    ['Parcel destroyed by customs', 'exception', 'destroyed'],
    ['Package lost in transit', 'exception', 'lost'],
    ['Package damaged, contents inspected', 'exception', 'damaged'],
    ['Shipment cancelled by sender', 'exception', 'cancelled'],
    ['Customs: commercial invoice required', 'exception', 'customs_documents_required'],
    ['Import duties unpaid', 'exception', 'duties_unpaid'],
    ['Held by customs', 'exception', 'customs_hold'],
    ['Customs clearance completed', 'in_transit', 'customs_released'],
    ['Handed over to customs', 'in_transit', 'customs_processing'],
    ['Delivery refused by recipient', 'failed_attempt', 'refused'],
    ['Business closed - delivery attempted', 'failed_attempt', 'business_closed'],
    ['Delivery attempted, notice left', 'failed_attempt', 'recipient_unavailable'],
    ['Incorrect address', 'failed_attempt', 'address_issue'],
    ['Out for delivery', 'out_for_delivery', 'out_for_delivery'],
    ['Ready for pickup at the post office', 'available_for_pickup', 'at_pickup_point'],
    ['Held for customer pickup', 'available_for_pickup', 'at_pickup_point'],
    ['Delivered to neighbour', 'delivered', 'neighbour'],
    ['Delivered, front door/porch', 'delivered', 'left_at_door'],
    ['Signed for by J SMITH', 'delivered', 'signed'],
    ['Delivered', 'delivered', 'other'],
    ['Delayed due to severe weather', 'exception', 'delayed_weather'],
    ['Shipment delayed', 'exception', 'delayed_carrier'],
    ['Shipment on hold', 'exception', 'other'],
    ['Shipping label created', 'info_received', 'label_created'],
    ['Picked up', 'in_transit', 'picked_up'],
    ['Accepted at USPS Origin Facility', 'in_transit', 'picked_up'],
    ['Arrived at destination country', 'in_transit', 'arrived_destination_country'],
    ['Departed from origin country', 'in_transit', 'departed_origin'],
    ['Forwarded to a new address', 'in_transit', 'forwarded'],
    ['Departed facility', 'in_transit', 'departed_hub'],
    ['Arrived at sort facility', 'in_transit', 'arrived_hub'],
    ['Customs: missing documents, please provide the invoice', 'exception', 'customs_documents_required'],
    ['Parcel reported missing', 'exception', 'lost'],
    ['Left at front door', 'delivered', 'left_at_door'],
    ['Left FedEx origin facility', 'in_transit', 'departed_hub'],
    ['Left the sorting center', 'in_transit', 'departed_hub'],
    ['Collected by customer at the parcel shop', 'delivered', 'pickup_point'],
    ['Objeto em trânsito', 'in_transit', 'in_transit_other'],
    ['', 'in_transit', 'in_transit_other'],
  ])('%j -> %s/%s', (text, milestone, reason) => {
    const status = statusFromKeywords(text);
    expect(status).toEqual({ milestone, reason });
    expect(isValidStatus(status.milestone, status.reason)).toBe(true);
  });
});
