import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import { Test } from '@nestjs/testing';
import { CommandBus } from '@nestjs/cqrs';
import {
  AssignLogisticsPartnerCommand,
  CommandMeta,
  CommandSideModule,
  CreateShipmentCommand,
  EVENT_STORE,
  GenerateInvoiceCommand,
  MarkShipmentReadyToShipCommand,
  ReceiveOrderCommand,
  RecordPartnerReportCommand,
  SellerCommandMessage,
} from '@fulfil/commands';
import { EventStore, createEventStore } from '@fulfil/event-store';
import type { EventStoreConfig } from '@fulfil/platform';
import type { BenchResult } from './bench-result';
import { perSecond, percentile, timed } from './stats';

const address = { name: 'Asha', phone: '9123456780', line1: '4B Lotus Residency', city: 'Pune', stateCode: '27', pincode: '411045' };
const seller: CommandMeta = { actor: { type: 'seller', id: 'bench' }, channel: 'api' };
const partner: CommandMeta = { actor: { type: 'ondc-logistics', id: 'bench' }, channel: 'ondc' };

/** One on-network order from receipt to delivered: 8 commands, 11 events. */
function lifecycle(sellerId: string): Array<() => object> {
  const orderId = `bench-${randomUUID()}`;
  const shipmentId = `shp-${randomUUID().slice(0, 8)}`;
  const ref = { sellerId, orderId };
  const report = (r: 'picked_up' | 'out_for_delivery' | 'delivered') => () =>
    new RecordPartnerReportCommand({ ...ref, shipmentId, partnerId: 'lsp', report: r, reportedAt: new Date().toISOString() }, partner);
  return [
    () =>
      new ReceiveOrderCommand(
        {
          ...ref,
          salesChannel: 'bench',
          items: [{ sku: 'SKU', name: 'Saree', hsnCode: '5007', quantity: 1, unit: 'NOS', unitPricePaise: 100000, discountPaise: 0, taxRatePercent: 5 }],
          charges: [],
          buyer: { name: 'Asha', phone: '9123456780' },
          deliveryAddress: address,
          paymentMethod: 'prepaid',
          package: { weightGrams: 500, lengthCm: 20, widthCm: 15, heightCm: 5 },
        },
        seller,
      ),
    () => new GenerateInvoiceCommand(ref, seller),
    () => new CreateShipmentCommand({ ...ref, shipmentId, mode: 'on-network' }, seller),
    () => new MarkShipmentReadyToShipCommand({ ...ref, shipmentId }, seller),
    () => new AssignLogisticsPartnerCommand({ ...ref, shipmentId, partnerId: 'lsp', partnerName: 'Swift', networkOrderId: 'NO1', awb: 'AWB1' }, partner),
    report('picked_up'),
    report('out_for_delivery'),
    report('delivered'),
  ];
}

async function rawAppendRate(store: EventStore, events: number): Promise<number> {
  const { ms } = await timed(async () => {
    for (let i = 0; i < events; i++) {
      await store.append(`bench-raw-${randomUUID()}`, [{ type: 'BenchEventAppended', data: { i, payload: 'x'.repeat(200) } }], { expectedRevision: 'no_stream' });
    }
  });
  return perSecond(events, ms);
}

export async function runCommandSideBench(opts: { events: number; orders: number; stores: Array<[string, EventStoreConfig]> }): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const [label, config] of opts.stores) {
    const moduleRef = await Test.createTestingModule({
      imports: [CommandSideModule.forRoot({ eventStore: () => createEventStore(config), deliveryOtpSecret: randomBytes(32) })],
    }).compile();
    await moduleRef.init();
    const bus = moduleRef.get(CommandBus);
    const store = moduleRef.get<EventStore>(EVENT_STORE);
    const sellerId = `bench-seller-${randomUUID().slice(0, 8)}`;
    await bus.execute(
      new SellerCommandMessage(
        {
          type: 'RegisterSeller',
          sellerId,
          profile: { legalName: 'Bench Traders', gstin: '29ABCDE1234F1ZW', stateCode: '29', pickupAddress: { ...address, stateCode: '29', city: 'Bengaluru', pincode: '560001' } },
          settings: {},
        },
        seller,
      ),
    );
    const appendsPerSecond = await rawAppendRate(store, opts.events);
    const latencies: number[] = [];
    const { ms } = await timed(async () => {
      for (let i = 0; i < opts.orders; i++) {
        for (const command of lifecycle(sellerId)) {
          const { ms: one } = await timed(() => bus.execute(command() as never));
          latencies.push(one);
        }
      }
    });
    latencies.sort((a, b) => a - b);
    const commandsPerSecond = perSecond(latencies.length, ms);
    results.push(
      { name: `${label}: raw single-event appends`, unit: 'events/s', value: appendsPerSecond },
      { name: `${label}: full order lifecycles through the command bus`, unit: 'orders/s', value: perSecond(opts.orders, ms) },
      {
        name: `${label}: commands through the command bus`,
        unit: 'commands/s',
        value: commandsPerSecond,
        baseline: { name: 'raw single-event appends', value: appendsPerSecond },
        notes: 'each command reads its stream, folds, decides and appends',
      },
      { name: `${label}: command latency p50`, unit: 'ms', value: percentile(latencies, 50) },
      { name: `${label}: command latency p99`, unit: 'ms', value: percentile(latencies, 99) },
    );
    await moduleRef.close();
  }
  return results;
}
