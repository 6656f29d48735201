/** Invoice numbers as GST counts them: one per seller and financial year whatever the case, dated by one clock reading. */
import { randomBytes } from 'node:crypto';
import { Test } from '@nestjs/testing';
import { CommandBus } from '@nestjs/cqrs';
import { CommandSideModule, GenerateInvoiceCommand, ReceiveOrderCommand, SellerCommandMessage, type CommandMeta, type CommandOutcome } from '@fulfil/commands';
import type { OrderState } from '@fulfil/domain';
import { createEventStore } from '@fulfil/event-store';
import { freshId, orderInput, sellerProfile } from '../support/fixtures';

/** Moves on by a millisecond at every reading, as a real clock does between two reads. */
class TickingClock {
  constructor(private at: number) {}
  set(iso: string): void {
    this.at = Date.parse(iso);
  }
  now(): Date {
    return new Date(this.at++);
  }
}

const seller = (sellerId: string): CommandMeta => ({ actor: { type: 'seller', id: sellerId }, channel: 'api' });

describe('invoice numbers', () => {
  const clock = new TickingClock(Date.parse('2027-03-20T06:00:00.000Z'));
  let bus: CommandBus;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [CommandSideModule.forRoot({ eventStore: () => createEventStore({ kind: 'embedded' }), deliveryOtpSecret: randomBytes(32), clock })],
    }).compile();
    await moduleRef.init();
    bus = moduleRef.get(CommandBus);
    close = () => moduleRef.close();
  });
  afterAll(() => close());

  const run = (command: object): Promise<CommandOutcome<OrderState>> => bus.execute(command as never);
  const invoiceOf = (outcome: CommandOutcome<OrderState>) => (outcome.state.status === 'active' ? outcome.state.invoice?.current : undefined);

  async function sellerWithOrders(count: number): Promise<{ sellerId: string; orderIds: string[] }> {
    const sellerId = freshId('slr');
    await bus.execute(new SellerCommandMessage({ type: 'RegisterSeller', sellerId, profile: sellerProfile(), settings: { invoicePrefix: 'INV/' } }, { actor: { type: 'platform', id: 'test' }, channel: 'api' }));
    const orderIds: string[] = [];
    for (let i = 0; i < count; i++) {
      const input = orderInput(sellerId);
      await run(new ReceiveOrderCommand(input, seller(sellerId)));
      orderIds.push(input.orderId);
    }
    return { sellerId, orderIds };
  }

  it('given the clock at the last millisecond of 31 March in India, when an invoice is generated, then its date, year and number all come from that one reading', async () => {
    const { sellerId, orderIds } = await sellerWithOrders(2);
    clock.set('2027-03-31T18:29:59.999Z');

    const march = invoiceOf(await run(new GenerateInvoiceCommand({ sellerId, orderId: orderIds[0]! }, seller(sellerId))))!;
    const april = invoiceOf(await run(new GenerateInvoiceCommand({ sellerId, orderId: orderIds[1]! }, seller(sellerId))))!;

    expect(march).toMatchObject({ invoiceNumber: 'INV/00001', financialYear: '2026-27', invoiceDate: '2027-03-31T18:29:59.999Z' });
    // The next invoice is dated in the new year and starts its series again: no two invoices of one year share a number.
    expect(april).toMatchObject({ invoiceNumber: 'INV/00001', financialYear: '2027-28' });
    expect(Date.parse(april.invoiceDate)).toBeGreaterThanOrEqual(Date.parse('2027-03-31T18:30:00.000Z'));
  });

  it('given a custom number in capitals, when the same number in lower case is asked for in the year, then it is refused as taken', async () => {
    clock.set('2026-06-01T06:00:00.000Z');
    const { sellerId, orderIds } = await sellerWithOrders(3);
    await run(new GenerateInvoiceCommand({ sellerId, orderId: orderIds[0]!, customInvoiceNumber: 'KH/00002' }, seller(sellerId)));

    await expect(run(new GenerateInvoiceCommand({ sellerId, orderId: orderIds[1]!, customInvoiceNumber: 'kh/00002' }, seller(sellerId)))).rejects.toMatchObject({
      code: 'INVOICE_NUMBER_TAKEN',
    });
  });

  it('given a custom number in lower case, when the series reaches it in capitals, then the series skips it', async () => {
    clock.set('2026-06-01T06:00:00.000Z');
    const { sellerId, orderIds } = await sellerWithOrders(3);
    await run(new GenerateInvoiceCommand({ sellerId, orderId: orderIds[0]!, customInvoiceNumber: 'inv/00001' }, seller(sellerId)));

    const sequential = invoiceOf(await run(new GenerateInvoiceCommand({ sellerId, orderId: orderIds[1]! }, seller(sellerId))))!;
    expect(sequential.invoiceNumber).toBe('INV/00002');
  });

  it.each([
    ['only separators', '//--', 'must contain a letter or a digit'],
    ['a leading "/"', '/KH/0001', 'must not start with "0", "/" or "-"'],
    ['a leading "0"', '0001', 'must not start with "0", "/" or "-"'],
  ])('given a custom number of %s, when an invoice is asked for, then it is refused and nothing is numbered', async (_, number, message) => {
    clock.set('2026-06-01T06:00:00.000Z');
    const { sellerId, orderIds } = await sellerWithOrders(1);

    await expect(run(new GenerateInvoiceCommand({ sellerId, orderId: orderIds[0]!, customInvoiceNumber: number }, seller(sellerId)))).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { issues: [{ field: 'invoiceNumber', message: expect.stringContaining(message) }] },
    });
    const sequential = invoiceOf(await run(new GenerateInvoiceCommand({ sellerId, orderId: orderIds[0]! }, seller(sellerId))))!;
    expect(sequential.invoiceNumber).toBe('INV/00001');
  });
});
