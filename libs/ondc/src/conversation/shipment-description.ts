import { randomInt } from 'node:crypto';
import { Address, ActiveOrder, ShipmentState, isGstStateCode, gstStateName } from '@fulfil/domain';
import type { LogisticsCategory } from '../types';
import type { ShipmentDescription, ShipmentStop } from '../messages';

/** What the network is told about a shipment, taken from the order as it stands at ready to ship. */

export interface DescriptionSettings {
  /** Searched for when neither the shipment nor its seller chose a category. */
  defaultCategory: LogisticsCategory;
  goodsCategory: string;
  readyToShipAtConfirm: boolean;
}

export type DescriptionResult = { ok: true; shipment: ShipmentDescription } | { ok: false; problem: string };

/** Six digits the rider quotes to the seller at pickup (type "3": a code other than the order number or an OTP). */
export const newPickupCode = (): string => String(randomInt(100_000, 1_000_000));

/** ONDC phones are 10 to 13 digits, an optional "+" in front: spaces and dashes sellers type are dropped. */
const phoneOf = (phone: string): string => phone.replace(/[\s-]/g, '');

function stopOf(address: Address, role: string): ShipmentStop | string {
  if (!address.gps) return `the ${role} address has no GPS location, which ONDC searches need`;
  if (!isGstStateCode(address.stateCode)) return `the ${role} address has an unknown state code ${address.stateCode}`;
  const stop: ShipmentStop = {
    name: address.name,
    phone: phoneOf(address.phone),
    line1: address.line1,
    city: address.city,
    state: gstStateName(address.stateCode),
    pincode: address.pincode,
    gps: address.gps,
  };
  if (address.line2) stop.line2 = address.line2;
  return stop;
}

/** The order's lines for the linked order: its unit prices before tax, as invoiced. */
const itemsOf = (order: ActiveOrder): ShipmentDescription['items'] =>
  order.items.map((item) => ({ name: item.name, quantity: item.quantity, pricePaise: item.unitPricePaise }));

export function describeShipment(order: ActiveOrder, shipment: ShipmentState, settings: DescriptionSettings, pickupCode: string): DescriptionResult {
  const category = shipment.deliveryCategory ?? settings.defaultCategory;
  // The contract has Immediate Delivery confirmed ready to ship; a partner would refuse it at confirm.
  if (category === 'Immediate Delivery' && !settings.readyToShipAtConfirm) {
    return { ok: false, problem: 'Immediate Delivery must be ready to ship at confirm, and this engine confirms first and says ready later (ONDC_READY_TO_SHIP_AT_CONFIRM=no)' };
  }
  const pickup = stopOf(shipment.pickupAddress, 'pickup');
  if (typeof pickup === 'string') return { ok: false, problem: pickup };
  const drop = stopOf(shipment.deliveryAddress, 'delivery');
  if (typeof drop === 'string') return { ok: false, problem: drop };
  // The partner may mail the buyer about the delivery: the address the buyer gave with the order.
  if (order.buyer.email) drop.email = order.buyer.email;
  const description: ShipmentDescription = {
    shipmentId: shipment.shipmentId,
    orderId: order.orderId,
    sellerId: order.sellerId,
    pickup,
    drop,
    package: shipment.package,
    valuePaise: order.invoice?.current.totals.grandTotalPaise ?? order.totalPaise,
    category,
    readyToShip: settings.readyToShipAtConfirm,
    pickupCode,
    goodsCategory: settings.goodsCategory,
    items: itemsOf(order),
  };
  if (shipment.codAmountPaise > 0) description.cod = { amountPaise: shipment.codAmountPaise };
  if (shipment.maxSurgeFeePaise) description.maxSurgeFeePaise = shipment.maxSurgeFeePaise;
  return { ok: true, shipment: description };
}
