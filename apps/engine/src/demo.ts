/**
 * `npm run demo`: drives an off-network and an on-network order to delivered against a running
 * engine (`npm start`), through its HTTP API only, printing each step. The buyer's delivery OTP
 * is read from the engine's sandbox outbox, where the WhatsApp message to the buyer lands when no
 * real channel is configured.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface DemoOptions {
  baseUrl: string;
  sellerApiKey: string;
  platformApiKey: string;
  /** How long to wait for the simulated partner to deliver. */
  deliveryTimeoutMs: number;
  log: (line: string) => void;
}

export interface DemoResult {
  offNetworkOrderId: string;
  onNetworkOrderId: string;
}

interface Json {
  [key: string]: unknown;
}

class DemoStepError extends Error {}

const BUYER_PHONE = '9123456780';

const demoOrder = (externalRef: string, paymentMethod: 'cod' | 'prepaid') => ({
  externalRef,
  salesChannel: 'demo',
  items: [
    { sku: 'SAREE-SILK-01', name: 'Mysore silk saree', hsnCode: '5007', quantity: 1, unitPricePaise: 450000, taxRatePercent: 5 },
    { sku: 'STOLE-02', name: 'Cotton stole', hsnCode: '6214', quantity: 2, unitPricePaise: 60000, discountPaise: 10000, taxRatePercent: 5 },
  ],
  charges: [{ description: 'Shipping', sacCode: '9965', amountPaise: 5000, taxRatePercent: 18 }],
  buyer: { name: 'Asha Kulkarni', phone: BUYER_PHONE },
  deliveryAddress: { name: 'Asha Kulkarni', phone: BUYER_PHONE, line1: 'Flat 4B, Lotus Residency', line2: 'Baner Road', city: 'Pune', stateCode: '27', pincode: '411045', gps: { lat: 18.559, lng: 73.7868 } },
  paymentMethod,
  package: { weightGrams: 800, lengthCm: 30, widthCm: 25, heightCm: 5 },
});

export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const { log } = options;
  const call = async (method: string, path: string, body?: object, key = options.sellerApiKey): Promise<Json> => {
    const response = await fetch(`${options.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    const parsed = (text ? JSON.parse(text) : {}) as Json;
    if (!response.ok) throw new DemoStepError(`${method} ${path} answered ${response.status}: ${String(parsed['detail'] ?? text)}`);
    return parsed;
  };
  const step = async (title: string, method: string, path: string, body?: object): Promise<Json> => {
    const result = await call(method, path, body);
    log(`  ✓ ${title.padEnd(34)} ${method} ${path}${result['position'] ? `  (store position ${String(result['position'])})` : ''}`);
    return result;
  };

  log(`Off-network: the seller's own courier, then the buyer's delivery OTP`);
  const off = await step('order received', 'POST', '/v1/orders', demoOrder(`DEMO-OFF-${Date.now()}`, 'prepaid'));
  const offId = String(off['orderId']);
  const invoice = await step('GST invoice generated', 'POST', `/v1/orders/${offId}/invoice`);
  log(`    invoice ${String(invoice['invoiceNumber'])}: ${options.baseUrl}/v1/orders/${offId}/invoice.pdf`);
  const offShipment = await step('shipment created (ship now)', 'POST', `/v1/orders/${offId}/shipments`, { mode: 'off-network' });
  const offShipmentId = String(offShipment['shipmentId']);
  const shipmentPath = `/v1/orders/${offId}/shipments/${offShipmentId}`;
  await step('marked ready to ship', 'POST', `${shipmentPath}/ready-to-ship`);
  await step('handed to Blue Dart', 'POST', `${shipmentPath}/ship`, {
    courierName: 'Blue Dart',
    trackingNumber: `BD${Date.now()}`,
    trackingUrl: 'https://www.bluedart.com/tracking',
  });
  const otp = await buyerOtp(options, call, offId);
  log(`    the buyer received OTP ${otp} on WhatsApp (sandbox outbox)`);
  const delivered = await step('delivered (buyer OTP verified)', 'POST', `${shipmentPath}/delivery-otp/verify`, { otp });
  if (delivered['orderStatus'] !== 'delivered') throw new DemoStepError(`expected the order to be delivered, it is ${String(delivered['orderStatus'])}`);

  log('');
  log('On-network: an ONDC logistics partner is found, confirmed and reports back (simulated network)');
  const on = await step('order received', 'POST', '/v1/orders', demoOrder(`DEMO-ON-${Date.now()}`, 'cod'));
  const onId = String(on['orderId']);
  await step('GST invoice generated', 'POST', `/v1/orders/${onId}/invoice`);
  const onShipment = await step('shipment created (ship now)', 'POST', `/v1/orders/${onId}/shipments`, { mode: 'on-network' });
  const onShipmentId = String(onShipment['shipmentId']);
  log(`    label: ${options.baseUrl}/v1/orders/${onId}/shipments/${onShipmentId}/label.pdf`);
  await step('marked ready to ship', 'POST', `/v1/orders/${onId}/shipments/${onShipmentId}/ready-to-ship`);
  await followPartner(options, call, onId, onShipmentId);
  log('');
  log(`Both orders delivered. See them at ${options.baseUrl}/v1/orders and their events at ${options.baseUrl}/v1/orders/${onId}/events`);
  return { offNetworkOrderId: offId, onNetworkOrderId: onId };
}

type Call = (method: string, path: string, body?: object, key?: string) => Promise<Json>;

/** The buyer's OTP template for the order, from the sandbox outbox (WhatsApp numbers carry the country code). */
async function buyerOtp(options: DemoOptions, call: Call, orderId: string): Promise<string> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const outbox = await call('GET', `/v1/admin/outbox?recipient=91${BUYER_PHONE}`, undefined, options.platformApiKey);
    for (const sent of (outbox['messages'] ?? []) as Json[]) {
      const message = sent['message'] as Json | undefined;
      const [otp] = (message?.['bodyParameters'] ?? []) as string[];
      if (sent['orderId'] === orderId && message?.['type'] === 'template' && otp && /^\d{6}$/.test(otp)) return otp;
    }
    if (Date.now() > deadline) throw new DemoStepError('the delivery OTP did not reach the sandbox outbox within 30 s');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Prints each shipment status the partner reports until delivered (or a final failure). */
async function followPartner(options: DemoOptions, call: Call, orderId: string, shipmentId: string): Promise<void> {
  const deadline = Date.now() + options.deliveryTimeoutMs;
  let last = '';
  for (;;) {
    const order = await call('GET', `/v1/orders/${orderId}`);
    const shipment = ((order['shipments'] ?? []) as Json[]).find((s) => s['shipmentId'] === shipmentId);
    const status = String(shipment?.['status'] ?? 'unknown');
    if (status !== last) {
      const partner = shipment?.['partner'] as Json | null | undefined;
      options.log(`  ✓ shipment ${status.replace(/_/g, ' ')}${partner ? ` (${String(partner['name'])}${partner['awb'] ? `, AWB ${String(partner['awb'])}` : ''})` : ''}`);
      last = status;
    }
    if (status === 'delivered') return;
    if (['no_partner_found', 'cancelled', 'rto_delivered', 'rto_disposed'].includes(status)) throw new DemoStepError(`the shipment ended ${status}`);
    if (Date.now() > deadline) throw new DemoStepError(`the shipment was still ${status} after ${options.deliveryTimeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function readJson(file: string): Json | undefined {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Json) : undefined;
}

/** Credentials from the environment, else from what `npm start` keeps under DATA_DIR. */
export function demoOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): DemoOptions {
  const dataDir = resolve(env['DATA_DIR'] || './.data');
  const sellerApiKey = env['DEMO_API_KEY'] || String(readJson(join(dataDir, 'demo-seller.json'))?.['apiKey'] ?? '');
  const platformApiKey = env['PLATFORM_API_KEY'] || String(readJson(join(dataDir, 'secrets.json'))?.['platformApiKey'] ?? '');
  if (!sellerApiKey || !platformApiKey) {
    throw new DemoStepError(`No demo credentials under ${dataDir}: start the engine first (npm start), or set DEMO_API_KEY and PLATFORM_API_KEY`);
  }
  return {
    baseUrl: env['DEMO_URL'] || `http://localhost:${env['PORT'] || 3000}`,
    sellerApiKey,
    platformApiKey,
    deliveryTimeoutMs: 120_000,
    log: (line) => process.stdout.write(`${line}\n`),
  };
}

if (require.main === module) {
  Promise.resolve()
    .then(() => runDemo(demoOptionsFromEnv()))
    .catch((error: unknown) => {
      process.stderr.write(`Demo stopped: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    });
}
