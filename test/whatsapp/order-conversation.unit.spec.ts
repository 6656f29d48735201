import {
  decideConversation,
  evolveConversation,
  initialConversation,
  parseActionPayload,
  actionPayload,
  type CommandResult,
  type ConversationCommand,
  type ConversationEvent,
  type OrderFacts,
  type Reply,
  type SellerInput,
} from '@fulfil/whatsapp';

const orderId = 'ord-1';
const shipmentId = 'shp-1';
const photo = { sha256: 'a'.repeat(64), contentType: 'image/png', sizeBytes: 70 };

const facts = (overrides: Partial<OrderFacts> = {}): OrderFacts => ({ orderId, sellerId: 'seller-1', invoiced: true, cancelled: false, delivered: false, ...overrides });
const offNetwork = (status: 'created' | 'ready_to_ship' | 'shipped') => facts({ activeShipment: { shipmentId, mode: 'off-network', status } });
const onNetwork = (status: 'created' | 'ready_to_ship') => facts({ activeShipment: { shipmentId, mode: 'on-network', status } });

let seq = 0;
const started: ConversationEvent = { type: 'WhatsAppShippingStarted', data: { shipmentId, messageId: 'm-start' } };
const courier: ConversationEvent = { type: 'WhatsAppCourierNamed', data: { courierName: 'Blue Dart', messageId: 'm-courier' } };
const tracking: ConversationEvent = { type: 'WhatsAppTrackingNumberGiven', data: { trackingNumber: 'BD123', messageId: 'm-tracking' } };
const shipped: ConversationEvent = { type: 'WhatsAppShipmentMarkedShipped', data: { shipmentId, messageId: 'm-shipped' } };

interface Then {
  events: ConversationEvent[];
  replies: Reply[];
  command: ConversationCommand | undefined;
}

/** Given the conversation so far, when the seller sends `input` (and the order answers `result`), then ... */
function given(history: ConversationEvent[]) {
  const state = history.reduce(evolveConversation, initialConversation());
  return {
    when(input: SellerInput, order: OrderFacts, result: CommandResult = { ok: true }, messageId = `m-${++seq}`): Then {
      const decision = decideConversation(state, input, order, { messageId, newShipmentId: 'shp-new' });
      const settled = decision.command?.settle(result) ?? { events: [], replies: [] };
      return { events: [...decision.events, ...settled.events], replies: [...decision.replies, ...settled.replies], command: decision.command?.command };
    },
  };
}

const bodies = (then: Then) => then.replies.map((r) => r.body).join('\n');

describe('seller conversation on WhatsApp', () => {
  describe('after no delivery partner was found', () => {
    const noPartner = facts({ activeShipment: { shipmentId, mode: 'on-network', status: 'no_partner_found' } });

    it('Search again retries the partner search for that shipment', () => {
      const then = given([]).when({ kind: 'action', action: 'retry_search' }, noPartner);
      expect(then.command).toEqual({ type: 'RetryPartnerSearch', shipmentId });
      expect(bodies(then)).toContain('searching for a delivery partner again');
    });

    it('Use own courier switches it off-network and asks for the courier at once', () => {
      const then = given([]).when({ kind: 'action', action: 'own_courier' }, noPartner, { ok: true }, 'm-own');
      expect(then.command).toEqual({ type: 'SwitchShipmentToOffNetwork', shipmentId });
      expect(then.events).toEqual([{ type: 'WhatsAppShippingStarted', data: { shipmentId, messageId: 'm-own' } }]);
      expect(bodies(then)).toContain('which courier');
    });

    it('Cancel shipment cancels that shipment only and offers Mark as Shipped', () => {
      const then = given([]).when({ kind: 'action', action: 'cancel_shipment' }, noPartner);
      expect(then.command).toMatchObject({ type: 'CancelShipment', shipmentId, reason: expect.stringContaining('No delivery partner') });
      expect(then.replies.at(-1)?.buttons).toEqual(['mark_shipped']);
    });

    it('answers without a command once the shipment is no longer waiting for a partner', () => {
      const then = given([]).when({ kind: 'action', action: 'own_courier' }, onNetwork('ready_to_ship'));
      expect(then.command).toBeUndefined();
      expect(bodies(then)).toContain('not waiting for a delivery partner');
    });

    it('tells a refusal and records nothing', () => {
      const then = given([]).when({ kind: 'action', action: 'own_courier' }, noPartner, { ok: false, code: 'SHIPMENT_MODE_LOCKED', message: 'Cannot switch to off-network' });
      expect(then.events).toEqual([]);
      expect(bodies(then)).toContain('Cannot switch to off-network');
    });

    it('the buttons carry the order and parse back to their actions', () => {
      for (const action of ['retry_search', 'own_courier', 'cancel_shipment'] as const) {
        expect(parseActionPayload(actionPayload(action, { sellerId: 'seller-1', orderId }))).toEqual({ action, sellerId: 'seller-1', orderId });
      }
    });
  });

  describe('after the partner cancelled the shipment', () => {
    const partnerCancelled = facts({ partnerCancelledShipment: { shipmentId } });

    it('Search again retries the partner search for that same shipment', () => {
      const then = given([]).when({ kind: 'action', action: 'retry_search' }, partnerCancelled);
      expect(then.command).toEqual({ type: 'RetryPartnerSearch', shipmentId });
      expect(bodies(then)).toContain('searching for a delivery partner again');
    });

    it('Use own courier switches it off-network and asks for the courier at once', () => {
      const then = given([]).when({ kind: 'action', action: 'own_courier' }, partnerCancelled, { ok: true }, 'm-own-2');
      expect(then.command).toEqual({ type: 'SwitchShipmentToOffNetwork', shipmentId });
      expect(then.events).toEqual([{ type: 'WhatsAppShippingStarted', data: { shipmentId, messageId: 'm-own-2' } }]);
    });

    it('a cancelled shipment is not cancelled again', () => {
      const then = given([]).when({ kind: 'action', action: 'cancel_shipment' }, partnerCancelled);
      expect(then.command).toBeUndefined();
      expect(bodies(then)).toContain('has no shipment waiting for a delivery partner');
    });
  });

  describe('Ready to Ship', () => {
    it('marks the created shipment ready and says a partner is being found', () => {
      const then = given([]).when({ kind: 'action', action: 'ready_to_ship' }, onNetwork('created'));
      expect(then.command).toEqual({ type: 'MarkShipmentReadyToShip', shipmentId });
      expect(bodies(then)).toContain('finding a delivery partner');
    });

    it('answers, without a command, when there is no shipment yet', () => {
      const then = given([]).when({ kind: 'action', action: 'ready_to_ship' }, facts());
      expect(then.command).toBeUndefined();
      expect(bodies(then)).toContain('has no shipment to mark ready yet');
    });

    it('reports a refusal in words', () => {
      const then = given([]).when({ kind: 'action', action: 'ready_to_ship' }, onNetwork('created'), { ok: false, code: 'ORDER_CANCELLED', message: 'Order ord-1 is cancelled' });
      expect(bodies(then)).toContain('that could not be done. Order ord-1 is cancelled');
    });
  });

  describe('Mark as Shipped', () => {
    it('creates an off-network shipment when the invoiced order has none, then asks for the courier', () => {
      const then = given([]).when({ kind: 'action', action: 'mark_shipped' }, facts());
      expect(then.command).toEqual({ type: 'CreateShipment', shipmentId: 'shp-new', mode: 'off-network' });
      expect(then.events).toMatchObject([{ type: 'WhatsAppShippingStarted', data: { shipmentId: 'shp-new' } }]);
      expect(bodies(then)).toContain('which courier');
    });

    it('needs an invoice first', () => {
      const then = given([]).when({ kind: 'action', action: 'mark_shipped' }, facts({ invoiced: false }));
      expect(then.command).toBeUndefined();
      expect(bodies(then)).toContain('needs an invoice');
    });

    it('does not mark an on-network shipment shipped', () => {
      const then = given([]).when({ kind: 'action', action: 'mark_shipped' }, onNetwork('ready_to_ship'));
      expect(then).toMatchObject({ events: [], command: undefined });
      expect(bodies(then)).toContain('ONDC delivery partner');
    });

    it('walks courier, tracking number and photos, then marks shipped with all of them', () => {
      const order = offNetwork('ready_to_ship');
      expect(given([]).when({ kind: 'action', action: 'mark_shipped' }, order).events).toMatchObject([{ type: 'WhatsAppShippingStarted' }]);
      expect(given([started]).when({ kind: 'text', text: '  Blue Dart ' }, order).events).toMatchObject([{ type: 'WhatsAppCourierNamed', data: { courierName: 'Blue Dart' } }]);
      expect(given([started, courier]).when({ kind: 'text', text: 'BD 123' }, order).events).toMatchObject([{ type: 'WhatsAppTrackingNumberGiven', data: { trackingNumber: 'BD123' } }]);
      const withPhoto: ConversationEvent = { type: 'WhatsAppShipmentPhotoAdded', data: { image: photo, messageId: 'm-photo' } };
      expect(given([started, courier, tracking]).when({ kind: 'image', image: photo }, order).replies[0]).toMatchObject({ body: expect.stringContaining('photo 1 saved'), buttons: ['photos_done'] });
      const done = given([started, courier, tracking, withPhoto]).when({ kind: 'action', action: 'photos_done' }, order);
      expect(done.command).toEqual({ type: 'MarkShipmentShipped', shipmentId, courierName: 'Blue Dart', trackingNumber: 'BD123', images: [photo] });
      expect(done.events).toMatchObject([{ type: 'WhatsAppShipmentMarkedShipped' }]);
      expect(bodies(done)).toContain('The buyer got a delivery OTP');
    });

    it('keeps the step and explains when the tracking number is not one', () => {
      const then = given([started, courier]).when({ kind: 'text', text: 'tomorrow!' }, offNetwork('created'));
      expect(then.events).toEqual([]);
      expect(bodies(then)).toContain('does not look like a tracking number');
    });

    it('stays in the photo step when marking shipped is refused', () => {
      const then = given([started, courier, tracking]).when({ kind: 'text', text: 'done' }, offNetwork('created'), { ok: false, code: 'SHIPMENT_NOT_SHIPPABLE', message: 'no' });
      expect(then.command?.type).toBe('MarkShipmentShipped');
      expect(then.events).toEqual([]);
    });

    it('repeats the open question when tapped again', () => {
      const then = given([started, courier]).when({ kind: 'action', action: 'mark_shipped' }, offNetwork('created'));
      expect(then).toMatchObject({ events: [], command: undefined });
      expect(bodies(then)).toContain('send the tracking number from Blue Dart');
    });
  });

  describe('delivery OTP', () => {
    it('verifies digits (spaces ignored) and closes the conversation when right', () => {
      const then = given([started, courier, tracking, shipped]).when({ kind: 'text', text: '123 456' }, offNetwork('shipped'));
      expect(then.command).toEqual({ type: 'VerifyDeliveryOtp', shipmentId, otp: '123456' });
      expect(then.events).toMatchObject([{ type: 'WhatsAppDeliveryConfirmed' }]);
    });

    it('tells the tries left when wrong, and offers a fresh OTP when locked', () => {
      const history = [started, courier, tracking, shipped];
      const wrong = given(history).when({ kind: 'text', text: '000000' }, offNetwork('shipped'), { ok: false, code: 'DELIVERY_OTP_INCORRECT', message: 'Wrong', attemptsLeft: 2 });
      expect(wrong.events).toEqual([]);
      expect(bodies(wrong)).toContain('2 tries left');
      const locked = given(history).when({ kind: 'text', text: '000000' }, offNetwork('shipped'), { ok: false, code: 'DELIVERY_OTP_LOCKED', message: 'Locked' });
      expect(locked.replies[0]?.buttons).toEqual(['resend_otp']);
      expect(given(history).when({ kind: 'action', action: 'resend_otp' }, offNetwork('shipped')).command).toEqual({ type: 'ReissueDeliveryOtp', shipmentId });
    });

    it('tells how long to wait when a fresh OTP is refused for now', () => {
      const history = [started, courier, tracking, shipped];
      const limited = given(history).when({ kind: 'action', action: 'resend_otp' }, offNetwork('shipped'), {
        ok: false,
        code: 'DELIVERY_OTP_REISSUE_LIMIT',
        message: 'At most 3 fresh OTPs per 60 minutes for a shipment',
        retryAfterSeconds: 601,
      });
      expect(limited.events).toEqual([]);
      expect(bodies(limited)).toContain('At most 3 fresh OTPs per 60 minutes for a shipment. Try again in 11 minutes.');
    });

    it('does not guess: text that is no OTP gets a pointer', () => {
      const then = given([started, courier, tracking, shipped]).when({ kind: 'text', text: 'it was delivered' }, offNetwork('shipped'));
      expect(then.command).toBeUndefined();
      expect(bodies(then)).toContain('send the delivery OTP');
    });
  });

  it('answers text that fits no open step without acting', () => {
    const then = given([]).when({ kind: 'text', text: '123456' }, offNetwork('shipped'));
    expect(then).toMatchObject({ events: [], command: undefined });
    expect(bodies(then)).toContain('nothing is waiting for an answer');
  });

  it('ignores a photo no step asked for', () => {
    const then = given([]).when({ kind: 'image' }, offNetwork('created'));
    expect(then).toMatchObject({ events: [], command: undefined });
  });

  it('changes nothing for a message it already acted on', () => {
    const then = given([started, courier]).when({ kind: 'text', text: 'BD999' }, offNetwork('created'), { ok: true }, 'm-courier');
    expect(then).toEqual({ events: [], replies: [], command: undefined });
  });

  it('acts on nothing for a cancelled order', () => {
    const then = given([started]).when({ kind: 'text', text: 'Blue Dart' }, { ...offNetwork('created'), cancelled: true });
    expect(then).toMatchObject({ events: [], command: undefined });
    expect(bodies(then)).toContain('is cancelled');
  });

  it('reads back only payloads it wrote', () => {
    const order = { sellerId: 'seller_a-1', orderId: 'ord_abc-1' };
    expect(parseActionPayload(actionPayload('mark_shipped', order))).toEqual({ action: 'mark_shipped', ...order });
    expect(parseActionPayload('fulfil:ship:seller-a:../../x')).toBeUndefined();
    expect(parseActionPayload('fulfil:nope:seller-a:ord-1')).toBeUndefined();
    // A payload from before order ids were the seller's own names no seller: it names no order.
    expect(parseActionPayload('fulfil:ship:ord-1')).toBeUndefined();
  });
});

describe('seller conversation on WhatsApp: failed attempts', () => {
  const failed = (mode: 'on-network' | 'off-network', status: 'delivery_failed' | 'pickup_failed' | 'shipped' = 'delivery_failed') => facts({ activeShipment: { shipmentId, mode, status } });

  it('Re-attempt after a failed delivery asks the partner again', () => {
    const then = given([]).when({ kind: 'action', action: 'reattempt' }, failed('on-network'));
    expect(then.command).toEqual({ type: 'RequestReattempt', shipmentId });
    expect(bodies(then)).toContain('we asked the delivery partner to try again');
  });

  it('Return to me after a failed delivery asks the partner for the parcel back; off-network it records the parcel back', () => {
    expect(given([]).when({ kind: 'action', action: 'return_to_me' }, failed('on-network')).command).toEqual({ type: 'RequestReturnToOrigin', shipmentId });
    expect(given([]).when({ kind: 'action', action: 'return_to_me' }, failed('off-network')).command).toMatchObject({ type: 'RecordReturnToOrigin', shipmentId });
  });

  it('Return to me after a failed pickup has nothing to bring back', () => {
    const then = given([]).when({ kind: 'action', action: 'return_to_me' }, failed('on-network', 'pickup_failed'));
    expect(then.command).toBeUndefined();
    expect(bodies(then)).toContain('no failed delivery');
  });

  it('with their own courier, Delivery failed records the attempt and offers Re-attempt and Parcel came back', () => {
    const then = given([shipped]).when({ kind: 'action', action: 'delivery_failed' }, failed('off-network', 'shipped'));
    expect(then.command).toMatchObject({ type: 'RecordFailedAttempt', shipmentId });
    expect(then.replies[0]?.buttons).toEqual(['reattempt', 'parcel_returned']);
  });

  it('Re-attempt with nothing failed sends no command', () => {
    const then = given([]).when({ kind: 'action', action: 'reattempt' }, offNetwork('shipped'));
    expect(then.command).toBeUndefined();
    expect(bodies(then)).toContain('no failed pickup or delivery');
  });

  it('the new actions round-trip through their payloads', () => {
    for (const action of ['reattempt', 'return_to_me', 'delivery_failed', 'parcel_returned'] as const) {
      expect(parseActionPayload(actionPayload(action, { sellerId: 'seller-1', orderId }))).toEqual({ action, sellerId: 'seller-1', orderId });
    }
  });
});
