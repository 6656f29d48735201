import {
  OrderIds,
  PARTNER,
  freshId,
  freshOrderIds,
  invoiceGenerated,
  noLogisticsPartnerFound,
  orderCancelled,
  orderReceived,
  orderSpecification,
  otpFor,
  packedOrder,
  partnerConfirmed,
  partnerJourney,
  readyForPickup,
  receiveOrder,
  shipmentCancelled,
  shipmentCreated,
  shipmentModeSwitched,
  shippedOffNetwork,
  shippingLabelGenerated,
} from '../testing/decider-specification';
import type { OrderCommand } from './order-commands';
import type { OrderEvent, PartnerReport } from './order-events';
import { OrderStatus, orderStatus } from './order-status';

const spec = orderSpecification();
const statusAfter = (events: OrderEvent[]): OrderStatus | undefined => orderStatus(spec.stateAfter(events));

/** Every prefix of a history and the status it shows. */
const statusesAlong = (events: OrderEvent[]): Array<[string, OrderStatus | undefined]> =>
  events.map((event, i) => [event.type, statusAfter(events.slice(0, i + 1))]);

describe('Order status is derived from the order facts', () => {
  it('there is no status before the order is received', () => {
    expect(statusAfter([])).toBeUndefined();
  });

  it('through an on-network journey: received → invoiced → packed → ready for pickup → shipped → out for delivery → delivered', () => {
    const ids = freshOrderIds();

    expect(statusesAlong(partnerJourney(ids, 'delivered'))).toEqual([
      ['OrderReceived', 'received'],
      ['InvoiceGenerated', 'invoiced'],
      ['ShipmentCreated', 'packed'],
      ['ShippingLabelGenerated', 'packed'],
      ['ShipmentMarkedReadyToShip', 'ready_for_pickup'],
      ['LogisticsPartnerAssigned', 'ready_for_pickup'],
      ['ShippingLabelGenerated', 'ready_for_pickup'],
      ['DeliveryAgentAssigned', 'ready_for_pickup'],
      ['ShipmentPickedUp', 'shipped'],
      ['ShipmentInTransit', 'shipped'],
      ['ShipmentOutForDelivery', 'out_for_delivery'],
      ['ShipmentDelivered', 'delivered'],
    ]);
  });

  it('driven by the seller and partner commands themselves, end to end', () => {
    const ids = freshOrderIds();
    const steps: Array<[OrderCommand, OrderStatus]> = [
      [receiveOrder(ids), 'received'],
      [{ type: 'GenerateInvoice', ...ids, invoiceNumber: 'INV/00042', numberSource: 'sequence', auto: false }, 'invoiced'],
      [{ type: 'CreateShipment', ...ids }, 'packed'],
      [{ type: 'MarkShipmentReadyToShip', ...ids }, 'ready_for_pickup'],
      [{ type: 'AssignLogisticsPartner', ...ids, ...PARTNER }, 'ready_for_pickup'],
      ...(['agent_assigned', 'picked_up', 'in_transit', 'out_for_delivery', 'delivered'] as PartnerReport[]).map((report, i): [OrderCommand, OrderStatus] => [
        { type: 'RecordPartnerReport', ...ids, partnerId: PARTNER.partnerId, report, reportedAt: `2026-05-0${5 + i}T09:00:00Z` },
        (['ready_for_pickup', 'shipped', 'shipped', 'out_for_delivery', 'delivered'] as const)[i]!,
      ]),
    ];

    let history: OrderEvent[] = [];
    for (const [command, expected] of steps) {
      history = [...history, ...spec.given(history).when(command).thenAccepted()];
      expect([command.type, statusAfter(history)]).toEqual([command.type, expected]);
    }
  });

  it('through an off-network journey: shipped with the courier, delivered on the buyer OTP', () => {
    const ids = freshOrderIds();
    const shipped = shippedOffNetwork(ids);
    const delivered = [...shipped, ...spec.given(shipped).when({ type: 'VerifyDeliveryOtp', ...ids, otp: otpFor(ids) }).thenAccepted()];

    expect(statusAfter(shipped)).toBe('shipped');
    expect(statusAfter(delivered)).toBe('delivered');
  });

  it('stays packed when no partner is found, and again after switching to the seller courier', () => {
    const ids = freshOrderIds();
    const noPartner = [...readyForPickup(ids), noLogisticsPartnerFound(ids)];

    expect(statusAfter(noPartner)).toBe('packed');
    expect(statusAfter([...noPartner, shipmentModeSwitched(ids)])).toBe('packed');
  });

  it.each<[PartnerReport, OrderStatus]>([
    ['rto_initiated', 'rto_initiated'],
    ['rto_delivered', 'returned'],
    ['rto_disposed', 'returned'],
  ])('after %s the order is %s', (last, status) => {
    expect(statusAfter(partnerJourney(freshOrderIds(), last))).toBe(status);
  });

  it('is cancelled once the order is cancelled, whatever its shipments did', () => {
    const ids = freshOrderIds();

    expect(statusAfter([orderReceived(ids), orderCancelled(ids)])).toBe('cancelled');
    expect(statusAfter([...partnerConfirmed(ids), shipmentCancelled(ids, true), orderCancelled(ids)])).toBe('cancelled');
  });

  it('falls back to invoiced when the only shipment was cancelled (the order can be shipped again)', () => {
    const ids = freshOrderIds();

    expect(statusAfter([...packedOrder(ids), shipmentCancelled(ids)])).toBe('invoiced');
    expect(statusAfter(partnerJourney(ids, 'cancelled'))).toBe('invoiced');
  });

  it('follows the newest shipment after a reship', () => {
    const ids = freshOrderIds();
    const next: OrderIds = { ...ids, shipmentId: freshId('shp') };
    const reshipped = [...partnerJourney(ids, 'rto_delivered'), shipmentCreated(next, { reshipOf: ids.shipmentId }), shippingLabelGenerated(next)];

    expect(statusAfter(reshipped)).toBe('packed');
  });

  it.each<[PartnerReport, PartnerReport[]]>([
    ['out_for_delivery', ['picked_up', 'in_transit', 'out_for_delivery', 'agent_assigned', 'cancelled']],
    ['delivered', ['picked_up', 'out_for_delivery', 'rto_initiated', 'delivered']],
    ['rto_initiated', ['out_for_delivery', 'delivered', 'picked_up']],
  ])('once %s, it is not moved backwards by late or repeated partner reports', (last, lateReports) => {
    const ids = freshOrderIds();
    const history = partnerJourney(ids, last);
    const status = statusAfter(history);

    for (const late of lateReports) {
      const state = spec.given(history).when({ type: 'RecordPartnerReport', ...ids, partnerId: PARTNER.partnerId, report: late, reportedAt: '2026-05-04T08:00:00Z' }).thenState();
      expect([late, orderStatus(state)]).toEqual([late, status]);
    }
  });

  it('keeps the invoice status while the invoice is regenerated', () => {
    const ids = freshOrderIds();
    const events = spec.given([orderReceived(ids), invoiceGenerated(ids)]).when({ type: 'RegenerateInvoice', ...ids, reason: 'Typo', corrections: { buyer: { name: 'Asha K' } } }).thenAccepted();

    expect(statusAfter([orderReceived(ids), invoiceGenerated(ids), ...events])).toBe('invoiced');
  });
});
