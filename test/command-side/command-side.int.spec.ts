import { randomBytes } from 'node:crypto';
import { Test } from '@nestjs/testing';
import { CommandBus } from '@nestjs/cqrs';
import {
  CancelOrderCommand,
  CommandMeta,
  CommandOutcome,
  CommandSideModule,
  CreateShipmentCommand,
  DELIVERY_OTP,
  EVENT_STORE,
  GenerateInvoiceCommand,
  InvoiceNumberAllocator,
  MarkShipmentReadyToShipCommand,
  MarkShipmentShippedCommand,
  ReceiveOrderCommand,
  RegenerateInvoiceCommand,
  AssignLogisticsPartnerCommand,
  RecordPartnerReportCommand,
  SellerCommandMessage,
  VerifyDeliveryOtpCommand,
  eventMetadata,
} from '@fulfil/commands';
import { DeliveryOtpGenerator, DomainError, OrderState, activeOrderStatus, financialYearOf, orderStream } from '@fulfil/domain';
import { EventStore, createEventStore } from '@fulfil/event-store';
import { freshId, orderInput, sellerProfile } from '../support/fixtures';

const seller = (sellerId: string): CommandMeta => ({ actor: { type: 'seller', id: sellerId }, channel: 'api' });
const partner: CommandMeta = { actor: { type: 'ondc-logistics', id: 'ondc-adapter' }, channel: 'ondc' };

const stores: Array<[string, () => Promise<EventStore>]> = [['PGlite', () => createEventStore({ kind: 'embedded' })]];
if (process.env['DATABASE_URL']) {
  const databaseUrl = process.env['DATABASE_URL'];
  stores.push(['PostgreSQL', () => createEventStore({ kind: 'postgres', databaseUrl, schema: `cmd_${randomBytes(4).toString('hex')}` })]);
}

describe.each(stores)('command side on %s', (_name, openStore) => {
  let bus: CommandBus;
  let store: EventStore;
  let otp: DeliveryOtpGenerator;
  let numbers: InvoiceNumberAllocator;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [CommandSideModule.forRoot({ eventStore: openStore, deliveryOtpSecret: randomBytes(32) })],
    }).compile();
    await moduleRef.init();
    bus = moduleRef.get(CommandBus);
    store = moduleRef.get(EVENT_STORE);
    otp = moduleRef.get(DELIVERY_OTP);
    numbers = moduleRef.get(InvoiceNumberAllocator);
    close = () => moduleRef.close();
  });
  afterAll(() => close());

  const run = (command: object): Promise<CommandOutcome<OrderState>> => bus.execute(command as never);

  async function registeredSeller(settings: object = {}): Promise<string> {
    const sellerId = freshId('slr');
    await bus.execute(
      new SellerCommandMessage(
        { type: 'RegisterSeller', sellerId, profile: sellerProfile(), settings: { invoicePrefix: 'INV/', ...settings } },
        { actor: { type: 'platform', id: 'test' }, channel: 'api' },
      ),
    );
    return sellerId;
  }

  async function invoicedOrder(sellerId: string, mode: 'on-network' | 'off-network') {
    const input = orderInput(sellerId);
    await run(new ReceiveOrderCommand(input, seller(sellerId)));
    await run(new GenerateInvoiceCommand({ sellerId, orderId: input.orderId }, seller(sellerId)));
    const shipmentId = freshId('shp');
    await run(new CreateShipmentCommand({ sellerId, orderId: input.orderId, shipmentId, mode }, seller(sellerId)));
    return { orderId: input.orderId, shipmentId };
  }

  it('takes an on-network order from receipt to delivered, every event carrying who caused it', async () => {
    const sellerId = await registeredSeller();
    const { orderId, shipmentId } = await invoicedOrder(sellerId, 'on-network');
    const meta = { ...seller(sellerId), correlationId: 'corr-1', idempotencyKey: 'rts-1' };
    const rts = await run(new MarkShipmentReadyToShipCommand({ sellerId, orderId, shipmentId }, meta));
    expect(rts.eventTypes).toEqual(['ShipmentMarkedReadyToShip']);
    expect(rts.position).toBeDefined();
    await run(
      new AssignLogisticsPartnerCommand(
        { sellerId, orderId, shipmentId, partnerId: 'lsp.example', partnerName: 'Swift Couriers', networkOrderId: 'NO123', awb: 'AWB0001' },
        partner,
      ),
    );
    for (const report of ['picked_up', 'out_for_delivery', 'delivered'] as const) {
      await run(new RecordPartnerReportCommand({ sellerId, orderId, shipmentId, partnerId: 'lsp.example', report, reportedAt: new Date().toISOString() }, partner));
    }
    const late = await run(new RecordPartnerReportCommand({ sellerId, orderId, shipmentId, partnerId: 'lsp.example', report: 'in_transit', reportedAt: new Date().toISOString() }, partner));
    expect(late.eventTypes).toEqual(['LatePartnerReportRecorded']);
    expect(late.state.status === 'active' && activeOrderStatus(late.state)).toBe('delivered');

    const events = await store.readStream(orderStream(sellerId, orderId));
    const rtsEvent = events.find((e) => e.type === 'ShipmentMarkedReadyToShip')!;
    expect(rtsEvent.metadata).toMatchObject({ actor: { type: 'seller', id: sellerId }, channel: 'api', correlationId: 'corr-1', idempotencyKey: 'rts-1' });
    expect(typeof rtsEvent.metadata['causationId']).toBe('string');
    expect(events.find((e) => e.type === 'ShipmentPickedUp')!.metadata).toMatchObject({ channel: 'ondc', actor: { type: 'ondc-logistics' } });
  });

  it('delivers an off-network order only with the OTP the buyer received, counting wrong tries', async () => {
    const sellerId = await registeredSeller();
    const { orderId, shipmentId } = await invoicedOrder(sellerId, 'off-network');
    await run(new MarkShipmentShippedCommand({ sellerId, orderId, shipmentId, courierName: 'Blue Dart', trackingNumber: 'BD123456789' }, seller(sellerId)));
    const right = otp.otpFor({ sellerId, orderId, shipmentId, sequence: 1 });
    const wrong = right === '000000' ? '111111' : '000000';
    await expect(run(new VerifyDeliveryOtpCommand({ sellerId, orderId, shipmentId, otp: wrong }, seller(sellerId)))).rejects.toMatchObject({
      code: 'DELIVERY_OTP_INCORRECT',
    });
    const delivered = await run(new VerifyDeliveryOtpCommand({ sellerId, orderId, shipmentId, otp: right }, seller(sellerId)));
    expect(delivered.eventTypes).toEqual(['DeliveryOtpVerified', 'ShipmentDelivered']);
    const types = (await store.readStream(orderStream(sellerId, orderId))).map((e) => e.type);
    expect(types).toContain('DeliveryOtpRejected');
    const everything = JSON.stringify(await store.readStream(orderStream(sellerId, orderId)), (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
    expect(everything).not.toContain(right);
  });

  it('numbers invoices of concurrent orders sequentially without duplicates', async () => {
    const sellerId = await registeredSeller();
    const orders = Array.from({ length: 8 }, () => orderInput(sellerId));
    for (const order of orders) await run(new ReceiveOrderCommand(order, seller(sellerId)));
    const outcomes = await Promise.all(orders.map((o) => run(new GenerateInvoiceCommand({ sellerId, orderId: o.orderId }, seller(sellerId)))));
    const numbers = outcomes.map((o) => (o.state.status === 'active' ? o.state.invoice?.current.invoiceNumber : undefined)).sort();
    expect(numbers).toEqual(Array.from({ length: 8 }, (_, i) => `INV/${String(i + 1).padStart(5, '0')}`));
  });

  it('gives an order back the number its crashed attempt took, so the series has no gap', async () => {
    const sellerId = await registeredSeller();
    const crashed = orderInput(sellerId);
    const other = orderInput(sellerId);
    for (const order of [crashed, other]) await run(new ReceiveOrderCommand(order, seller(sellerId)));
    // The first attempt reserves a number, then dies before the invoice is appended to the order.
    const now = new Date();
    const taken = await numbers.nextInvoiceNumber({
      sellerId,
      orderId: crashed.orderId,
      financialYear: financialYearOf(now),
      prefix: 'INV/',
      now,
      metadata: eventMetadata(seller(sellerId)),
      held: [],
    });
    expect(taken).toBe('INV/00001');
    const meanwhile = await run(new GenerateInvoiceCommand({ sellerId, orderId: other.orderId }, seller(sellerId)));
    expect(meanwhile.state.status === 'active' && meanwhile.state.invoice?.current.invoiceNumber).toBe('INV/00002');
    const retried = await run(new GenerateInvoiceCommand({ sellerId, orderId: crashed.orderId }, seller(sellerId)));
    expect(retried.state.status === 'active' && retried.state.invoice?.current.invoiceNumber).toBe('INV/00001');
  });

  it('refuses a custom invoice number already used this financial year, and the series skips it', async () => {
    const sellerId = await registeredSeller();
    const first = orderInput(sellerId);
    const second = orderInput(sellerId);
    const third = orderInput(sellerId);
    for (const order of [first, second, third]) await run(new ReceiveOrderCommand(order, seller(sellerId)));
    await run(new GenerateInvoiceCommand({ sellerId, orderId: first.orderId, customInvoiceNumber: 'INV/00001' }, seller(sellerId)));
    await expect(
      run(new GenerateInvoiceCommand({ sellerId, orderId: second.orderId, customInvoiceNumber: 'INV/00001' }, seller(sellerId))),
    ).rejects.toMatchObject({ code: 'INVOICE_NUMBER_TAKEN' });
    const sequential = await run(new GenerateInvoiceCommand({ sellerId, orderId: third.orderId }, seller(sellerId)));
    expect(sequential.state.status === 'active' && sequential.state.invoice?.current.invoiceNumber).toBe('INV/00002');
  });

  it('issues a credit note and a new number when a correction changes tax, keeping every revision', async () => {
    const sellerId = await registeredSeller();
    const { orderId } = await invoicedOrder(sellerId, 'on-network');
    const outcome = await run(
      new RegenerateInvoiceCommand(
        { sellerId, orderId, reason: 'Wrong GST rate on the stole', corrections: { items: orderInput(sellerId).items.map((i) => ({ ...i, taxRatePercent: 18 })) } },
        seller(sellerId),
      ),
    );
    expect(outcome.eventTypes).toEqual(['CreditNoteIssued', 'InvoiceRegenerated']);
    const invoice = outcome.state.status === 'active' ? outcome.state.invoice : undefined;
    expect(invoice?.revisions.map((r) => r.invoiceNumber)).toEqual(['INV/00001', 'INV/00002']);
    expect(invoice?.creditNotes.map((c) => c.creditNoteNumber)).toEqual(['CN/00001']);
  });

  it('replays a command with the same idempotency key without appending again', async () => {
    const sellerId = await registeredSeller();
    const { orderId, shipmentId } = await invoicedOrder(sellerId, 'on-network');
    const meta = { ...seller(sellerId), idempotencyKey: freshId('key') };
    const first = await run(new MarkShipmentReadyToShipCommand({ sellerId, orderId, shipmentId }, meta));
    const again = await run(new MarkShipmentReadyToShipCommand({ sellerId, orderId, shipmentId }, meta));
    expect(again).toMatchObject({ replayed: true, eventTypes: ['ShipmentMarkedReadyToShip'], position: first.position });
    expect((await store.readStream(orderStream(sellerId, orderId))).filter((e) => e.type === 'ShipmentMarkedReadyToShip')).toHaveLength(1);
  });

  it('writes nothing for an illegal step or for another seller', async () => {
    const sellerId = await registeredSeller();
    const other = await registeredSeller();
    const { orderId, shipmentId } = await invoicedOrder(sellerId, 'on-network');
    const before = (await store.readStream(orderStream(sellerId, orderId))).length;
    await expect(run(new MarkShipmentShippedCommand({ sellerId, orderId, shipmentId, courierName: 'X', trackingNumber: 'TRK123' }, seller(sellerId)))).rejects.toMatchObject({
      code: 'SHIPMENT_IS_ON_NETWORK',
    });
    await expect(run(new CancelOrderCommand({ sellerId: other, orderId, reason: 'probe' }, seller(other)))).rejects.toBeInstanceOf(DomainError);
    expect((await store.readStream(orderStream(sellerId, orderId))).length).toBe(before);
  });

  it('resolves ready-to-ship racing cancel to one legal outcome', async () => {
    const sellerId = await registeredSeller();
    const { orderId, shipmentId } = await invoicedOrder(sellerId, 'on-network');
    const results = await Promise.allSettled([
      run(new MarkShipmentReadyToShipCommand({ sellerId, orderId, shipmentId }, seller(sellerId))),
      run(new CancelOrderCommand({ sellerId, orderId, reason: 'Buyer changed mind' }, seller(sellerId))),
    ]);
    const types = (await store.readStream(orderStream(sellerId, orderId))).map((e) => e.type);
    expect(types).toContain('OrderCancelled');
    const rtsResult = results[0]!;
    if (rtsResult.status === 'fulfilled') {
      expect(types.indexOf('ShipmentMarkedReadyToShip')).toBeLessThan(types.indexOf('OrderCancelled'));
    } else {
      expect(rtsResult.reason).toMatchObject({ code: 'ORDER_CANCELLED' });
      expect(types).not.toContain('ShipmentMarkedReadyToShip');
    }
  });
});
