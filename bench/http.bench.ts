import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { ApiRootModule, createHttpApp } from '@fulfil/fulfillment-api';
import type { EventStoreConfig } from '@fulfil/platform';
import type { BenchResult } from './bench-result';

const ORDER = {
  salesChannel: 'bench',
  items: [{ sku: 'SKU', name: 'Saree', hsnCode: '5007', quantity: 1, unitPricePaise: 100000, taxRatePercent: 5 }],
  buyer: { name: 'Asha', phone: '9123456780' },
  deliveryAddress: { name: 'Asha', phone: '9123456780', line1: '4B Lotus Residency', city: 'Pune', stateCode: '27', pincode: '411045' },
  paymentMethod: 'prepaid',
};

function load(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

/**
 * Requests per second and p99 latency through the whole HTTP stack (auth, validation, command
 * bus, store) for a command route and a query route, beside a bare health route in the same run.
 */
export async function runHttpBench(opts: { seconds: number; connections: number; stores: Array<[string, EventStoreConfig]> }): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const [label, eventStore] of opts.stores) {
    const dataDir = mkdtempSync(join(tmpdir(), 'bench-http-'));
    const platformApiKey = randomBytes(24).toString('hex');
    const app = await createHttpApp(
      ApiRootModule.forConfig({ port: 0, dataDir, eventStore, deliveryOtpSecret: randomBytes(32), platformApiKey, readModels: { kind: 'embedded' },
      uploadsDir: join(dataDir, 'uploads'), logLevel: 'silent' }),
    );
    try {
      await app.listen(0, '127.0.0.1');
      const url = await app.getUrl();
      const seller = await fetch(`${url}/v1/sellers`, {
        method: 'POST',
        headers: { authorization: `Bearer ${platformApiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          profile: { legalName: 'Bench Traders', gstin: '29ABCDE1234F1Z5', stateCode: '29', pickupAddress: { ...ORDER.deliveryAddress, stateCode: '29', city: 'Bengaluru', pincode: '560001' } },
        }),
      }).then((r) => r.json() as Promise<{ apiKey: string }>);
      const auth = { authorization: `Bearer ${seller.apiKey}`, 'content-type': 'application/json' };
      const created = await fetch(`${url}/v1/orders`, { method: 'POST', headers: auth, body: JSON.stringify(ORDER) }).then((r) => r.json() as Promise<{ orderId: string }>);
      const common = { url, connections: opts.connections, duration: opts.seconds };
      const health = await load({ ...common, url: `${url}/health/live` });
      const command = await load({
        ...common,
        method: 'POST',
        headers: auth,
        // Each request receives a new order: a fresh stream, as on a busy storefront.
        requests: [{ method: 'POST', path: '/v1/orders', setupRequest: (request) => ({ ...request, body: JSON.stringify({ ...ORDER, orderId: `b${randomUUID().slice(0, 18)}` }) }) }],
      });
      const query = await load({ ...common, url: `${url}/v1/orders/${created.orderId}`, headers: auth });
      const baseline = { name: 'GET /health/live', value: health.requests.average };
      results.push(
        { name: `${label}: POST /v1/orders (command)`, unit: 'req/s', value: command.requests.average, baseline, notes: `p99 ${command.latency.p99} ms, non-2xx ${command.non2xx}` },
        { name: `${label}: GET /v1/orders/{id} (query)`, unit: 'req/s', value: query.requests.average, baseline, notes: `p99 ${query.latency.p99} ms, non-2xx ${query.non2xx}` },
        { name: `${label}: POST /v1/orders p99 latency`, unit: 'ms', value: command.latency.p99 },
        { name: `${label}: GET /v1/orders/{id} p99 latency`, unit: 'ms', value: query.latency.p99 },
      );
    } finally {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  return results;
}
