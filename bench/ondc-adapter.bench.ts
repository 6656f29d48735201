import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { CommandMeta, CreateShipmentCommand, EVENT_STORE, GenerateInvoiceCommand, MarkShipmentReadyToShipCommand, ReceiveOrderCommand } from '@fulfil/commands';
import type { Address } from '@fulfil/domain';
import { orderStream } from '@fulfil/domain';
import type { EventStore } from '@fulfil/event-store';
import { coreModules, createHttpApp } from '@fulfil/fulfillment-api';
import { createAuthorizationHeader } from '@fulfil/ondc';
import type { OndcMessage } from '@fulfil/ondc';
import { loadConversation } from '@fulfil/ondc-logistics-adapter';
import { SandboxNetwork } from '@fulfil/ondc-sandbox';
import { EngineMetrics } from '@fulfil/platform';
import { ondcEngineHosting } from '../apps/engine/src/ondc-engine-hosting';
import type { BenchResult, BenchSection } from './bench-result';
import { load } from './load-generator';
import { perSecond } from './stats';

const PICKUP: Address = { name: 'Bench Store', phone: '9876543210', line1: 'No. 12, 3rd Cross', line2: 'Koramangala', city: 'Bengaluru', stateCode: '29', pincode: '560034', gps: { lat: 12.9352, lng: 77.6245 } };
const DROP: Address = { name: 'Ananya Rao', phone: '9845012345', line1: 'Flat 4B', line2: 'Indiranagar', city: 'Bengaluru', stateCode: '29', pincode: '560038', gps: { lat: 12.9784, lng: 77.6408 } };

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Runs `work` for every item with at most `concurrency` at a time; returns each one's latency in ms. */
async function pooled<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<{ latencies: number[]; ms: number }> {
  const latencies: number[] = [];
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const item = items[next++] as T;
        const t0 = process.hrtime.bigint();
        await work(item);
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
    }),
  );
  return { latencies: latencies.sort((a, b) => a - b), ms: Number(process.hrtime.bigint() - started) / 1e6 };
}

async function until(probe: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * The ONDC adapter against the in-process sandbox on PGlite, composed as the engine composes it:
 * shipments assigned per second (RTS to partner assigned: search, choice, init, confirm) beside the
 * RTS commands per second that fed them, and partner callbacks verified and ACKed per second with
 * their p99 ACK latency beside a bare health route through the same HTTP stack.
 */
export async function runOndcAdapterBench(opts: { shipments: number; callbacks: number; concurrency: number }): Promise<BenchSection> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-ondc-'));
  const port = await freePort();
  const platformApiKey = randomBytes(24).toString('hex');
  const metrics = new EngineMetrics();
  const env = {
    // Choose on the first catalog, so the figure measures the adapter rather than a collection window.
    ONDC_ENOUGH_QUOTES: '1',
    ONDC_SEARCH_WINDOW_MS: '2000',
    ONDC_STATUS_POLL_MS: '3600000',
    // Partners stay quiet after confirming: the callbacks measured are the bench's own.
    SANDBOX_STEP_MS: '3600000',
    SANDBOX_PARTNERS: 'cheap-slow,fast-dear',
  };
  const ondc = ondcEngineHosting(env, { port, dataDir, metricsRegistry: metrics.registry });
  const engine = { port, dataDir, eventStore: { kind: 'embedded' as const, dataDir: join(dataDir, 'events') }, deliveryOtpSecret: randomBytes(32), platformApiKey, readModels: { kind: 'embedded' as const }, uploadsDir: join(dataDir, 'uploads'), logLevel: 'silent' };
  @Module({ imports: [...coreModules(engine, metrics, { reactions: ondc.adapter.reactions, reactionImports: [ondc.adapter.module] }), ...(ondc.sandbox ? [ondc.sandbox] : [])] })
  class BenchRootModule {}
  const app = await createHttpApp(BenchRootModule);
  try {
    await app.listen(port, '127.0.0.1');
    const base = `http://127.0.0.1:${port}`;
    const store = app.get<EventStore>(EVENT_STORE);
    const commands = app.get(CommandBus);
    const seller = await fetch(`${base}/v1/sellers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${platformApiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ profile: { legalName: 'Bench Traders', gstin: '29ABCDE1234F1ZW', stateCode: '29', pickupAddress: PICKUP } }),
    }).then((r) => r.json() as Promise<{ sellerId: string }>);
    const meta: CommandMeta = { actor: { type: 'seller', id: seller.sellerId }, channel: 'api' };

    // ---- shipments assigned per second --------------------------------------------------------
    const shipments = await Promise.all(
      Array.from({ length: opts.shipments }, async () => {
        const ids = { sellerId: seller.sellerId, orderId: `bo${randomUUID().slice(0, 12)}`, shipmentId: `bs${randomUUID().slice(0, 12)}` };
        await commands.execute(
          new ReceiveOrderCommand(
            {
              sellerId: ids.sellerId,
              orderId: ids.orderId,
              salesChannel: 'bench',
              items: [{ sku: 'SKU', name: 'Saree', hsnCode: '5007', quantity: 1, unit: 'NOS', unitPricePaise: 100000, discountPaise: 0, taxRatePercent: 5 }],
              charges: [],
              buyer: { name: 'Ananya', phone: '9845012345' },
              deliveryAddress: DROP,
              paymentMethod: 'prepaid',
              package: { weightGrams: 800, lengthCm: 30, widthCm: 25, heightCm: 5 },
            },
            meta,
          ),
        );
        await commands.execute(new GenerateInvoiceCommand({ sellerId: ids.sellerId, orderId: ids.orderId }, meta));
        await commands.execute(new CreateShipmentCommand({ ...ids, mode: 'on-network' }, meta));
        return ids;
      }),
    );
    // Assignments are heard as a live subscriber hears them (the shared tail read the engine's own
    // subscribers make), not by polling every order stream: such polls were thousands of extra
    // stream reads a second on the store the figure measures.
    const waiting = new Set(shipments.map((s) => orderStream(s.sellerId, s.orderId)));
    let lastAssigned = 0n;
    const assignments = store.subscribe({
      after: await store.headPosition(),
      filter: { kind: 'eventType', prefixes: ['LogisticsPartnerAssigned'] },
      onEvent: async (event) => {
        if (waiting.delete(event.stream)) lastAssigned = process.hrtime.bigint();
      },
    });
    const rtsStarted = process.hrtime.bigint();
    const rts = await pooled(shipments, opts.concurrency, async (ids) => {
      await commands.execute(new MarkShipmentReadyToShipCommand(ids, meta));
    });
    await until(async () => waiting.size === 0, `${shipments.length} shipments to be assigned`, 120_000).finally(() => assignments.stop());
    // Timed to the last assignment heard, not to the poll that noticed it.
    const assignMs = Number(lastAssigned - rtsStarted) / 1e6;

    // ---- callbacks verified and ACKed ---------------------------------------------------------
    const network = app.get(SandboxNetwork);
    const bodies: Buffer[] = [];
    for (const s of shipments) {
      const { state } = await loadConversation(store, s.shipmentId);
      const onConfirm = state.callbacks.find((c) => c.action === 'on_confirm');
      const partner = [...network.partners.values()].find((p) => p.subscriberId === state.partnerOrder?.bppId);
      if (!onConfirm || !partner) throw new Error(`bench: shipment ${s.shipmentId} has no on_confirm`);
      for (let i = 0; i < Math.ceil(opts.callbacks / shipments.length); i++) {
        const body = structuredClone(onConfirm.body) as OndcMessage<'on_status'>;
        body.context = { ...body.context, action: 'on_status', message_id: randomUUID(), timestamp: new Date().toISOString() };
        bodies.push(Buffer.from(JSON.stringify(body)));
      }
    }
    // Signed up front (as partners sign before sending): the figure is the receiving side's.
    const signed = bodies.map((body) => {
      const bppId = (JSON.parse(body.toString('utf8')) as { context: { bpp_id: string } }).context.bpp_id;
      const partner = [...network.partners.values()].find((p) => p.subscriberId === bppId);
      if (!partner) throw new Error(`bench: no partner ${bppId}`);
      return { body, authorization: createAuthorizationHeader(body, network.signerOf(partner)) };
    });
    // Sent from a load generator in its own process, each callback once.
    const health = await load({ options: { url: `${base}/health/live`, connections: opts.concurrency, amount: signed.length } });
    const callbacks = await load({
      options: { url: base, connections: opts.concurrency },
      each: signed.map(({ body, authorization }) => ({ path: '/ondc/on_status', body: body.toString('utf8'), headers: { 'content-type': 'application/json', authorization } })),
    });
    const recorded = async () => {
      let count = 0;
      for (const s of shipments) count += (await loadConversation(store, s.shipmentId)).state.callbacks.filter((c) => c.action === 'on_status').length;
      return count;
    };
    const ackedAndRecorded = await recorded();
    if (callbacks.non2xx > 0 || callbacks.errors > 0 || ackedAndRecorded !== signed.length) {
      throw new Error(`bench: of ${signed.length} callbacks ${callbacks.non2xx} were refused, ${callbacks.errors} failed, ${ackedAndRecorded} recorded`);
    }
    const notes = `PGlite, in-process sandbox, ${opts.concurrency} at a time`;
    const figures = {
      'ondc.shipments_assigned_per_s': perSecond(shipments.length, assignMs),
      'ondc.callbacks_per_s': perSecond(signed.length, callbacks.elapsedMs),
      'ondc.callback_ack_p99_ms': callbacks.latency.p99,
    };
    const results: BenchResult[] = [
      {
        name: 'ONDC shipments assigned (RTS → search, choice, init, confirm → partner assigned)',
        unit: 'shipments/s',
        value: perSecond(shipments.length, assignMs),
        baseline: { name: 'RTS commands (CommandBus, same store)', value: perSecond(shipments.length, rts.ms) },
        notes: `${shipments.length} shipments; ${notes}`,
      },
      {
        name: 'ONDC callbacks verified (Ed25519 + BLAKE2b, context, schema, transaction) and ACKed',
        unit: 'callbacks/s',
        value: perSecond(signed.length, callbacks.elapsedMs),
        baseline: { name: 'GET /health/live (same HTTP stack)', value: perSecond(signed.length, health.elapsedMs) },
        notes: `${signed.length} on_status over ${shipments.length} shipments; ${notes}`,
      },
      {
        name: 'ONDC callback p99 ACK latency',
        unit: 'ms',
        value: callbacks.latency.p99,
        baseline: { name: 'GET /health/live p99', value: health.latency.p99 },
        notes,
      },
    ];
    return { results, figures };
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
