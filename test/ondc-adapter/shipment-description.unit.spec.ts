import { evolveOrder, initialOrderState, type ActiveOrder, type OrderEvent } from '@fulfil/domain';
import { describeShipment, type DescriptionSettings } from '@fulfil/ondc';
import { freshOrderIds, packedOrder } from '../../libs/domain/src/testing/decider-specification';

const settings: DescriptionSettings = { defaultCategory: 'Standard Delivery', goodsCategory: 'Grocery', readyToShipAtConfirm: true };

/** A packed on-network order, its shipment asking for `category` (none when undefined). */
function packed(category?: 'Immediate Delivery' | 'Next Day Delivery'): ActiveOrder {
  const events = packedOrder(freshOrderIds()).map((e): OrderEvent => (e.type === 'ShipmentCreated' && category ? { ...e, data: { ...e.data, deliveryCategory: category } } : e));
  const state = events.reduce(evolveOrder, initialOrderState());
  if (state.status !== 'active') throw new Error('the packed order should be active');
  return state;
}

describe('what the network is asked for: the delivery category', () => {
  it("given a shipment with no category, when it is described, then the adapter's default is asked for", () => {
    const order = packed();
    const described = describeShipment(order, order.shipments[0]!, settings, '123456');
    expect(described).toMatchObject({ ok: true, shipment: { category: 'Standard Delivery' } });
  });

  it("given a shipment that chose Next Day, when it is described, then Next Day is asked for, not the default", () => {
    const order = packed('Next Day Delivery');
    expect(describeShipment(order, order.shipments[0]!, settings, '123456')).toMatchObject({ ok: true, shipment: { category: 'Next Day Delivery' } });
  });

  it('given Immediate Delivery and an engine that says ready to ship after confirming, when it is described, then it cannot be searched, saying why', () => {
    const order = packed('Immediate Delivery');
    const described = describeShipment(order, order.shipments[0]!, { ...settings, readyToShipAtConfirm: false }, '123456');
    expect(described.ok).toBe(false);
    expect(!described.ok && described.problem).toContain('Immediate Delivery');
    expect(describeShipment(order, order.shipments[0]!, settings, '123456')).toMatchObject({ ok: true, shipment: { category: 'Immediate Delivery' } });
  });
});
