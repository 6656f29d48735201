import { randomUUID } from 'node:crypto';
import { sellerProfile } from '../../support/fixtures';

/** What the suite reads back from a response: JSON bodies are parsed, anything else is kept as text. */
export interface HttpResult {
  status: number;
  contentType: string;
  body: Record<string, unknown>;
  text: string;
  /** Response headers, names in lower case. */
  headers: Record<string, string>;
}

export interface RequestOptions {
  key?: string;
  idempotencyKey?: string;
  /** A raw body with its content type, for malformed and multipart requests. */
  raw?: { body: string | Buffer | FormData; contentType?: string };
  headers?: Record<string, string>;
}

/** One HTTP call with fetch; network failures reject (the crash tests tell them apart from answers). */
export async function call(baseUrl: string, method: string, path: string, body?: unknown, options: RequestOptions = {}): Promise<HttpResult> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key) headers['authorization'] = `Bearer ${options.key}`;
  if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
  let payload: string | Uint8Array<ArrayBuffer> | FormData | undefined;
  if (options.raw) {
    const raw = options.raw.body;
    payload = typeof raw === 'string' || raw instanceof FormData ? raw : new Uint8Array(raw);
    if (options.raw.contentType) headers['content-type'] = options.raw.contentType;
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    headers['content-type'] = 'application/json';
  }
  const response = await fetch(`${baseUrl}${path}`, { method, headers, ...(payload !== undefined ? { body: payload } : {}) });
  const text = await response.text();
  const contentType = response.headers.get('content-type') ?? '';
  let parsed: Record<string, unknown> = {};
  if (contentType.includes('json') && text) parsed = JSON.parse(text) as Record<string, unknown>;
  const responseHeaders: Record<string, string> = {};
  response.headers.forEach((value, name) => (responseHeaders[name] = value));
  return { status: response.status, contentType, body: parsed, text, headers: responseHeaders };
}

/** A multipart form with one `image` file, as the upload routes take it. */
export function imageForm(content: Buffer, filename: string, type: string): FormData {
  const form = new FormData();
  form.append('image', new Blob([new Uint8Array(content)], { type }), filename);
  return form;
}

/**
 * Registers a seller with the platform key and returns its id and API key. With `onNetworkReady`
 * the pickup address has GPS coordinates, which ONDC partners need to quote.
 */
export async function registerSeller(baseUrl: string, platformKey: string, options: { onNetworkReady?: boolean } = {}): Promise<{ sellerId: string; apiKey: string }> {
  const profile = sellerProfile();
  if (options.onNetworkReady) profile.pickupAddress = { ...profile.pickupAddress, gps: { lat: 12.9756, lng: 77.6066 } };
  const response = await call(baseUrl, 'POST', '/v1/sellers', { profile, settings: { invoicePrefix: 'INV/' } }, { key: platformKey, idempotencyKey: randomUUID() });
  if (response.status !== 201) throw new Error(`Seller registration answered ${response.status}: ${response.text}`);
  return { sellerId: response.body['sellerId'] as string, apiKey: response.body['apiKey'] as string };
}

/** An order body that passes validation (the harness fixture without the ids the API assigns). */
export function orderBody(): Record<string, unknown> {
  return {
    salesChannel: 'storefront',
    items: [
      { sku: 'SAREE-SILK-01', name: 'Mysore silk saree', hsnCode: '5007', quantity: 1, unitPricePaise: 450000, discountPaise: 50000, taxRatePercent: 5 },
      { sku: 'STOLE-02', name: 'Cotton stole', hsnCode: '6214', quantity: 2, unitPricePaise: 60000, taxRatePercent: 5 },
    ],
    charges: [{ description: 'Shipping', sacCode: '9965', amountPaise: 5000, taxRatePercent: 18 }],
    buyer: { name: 'Asha Kulkarni', phone: '9123456780' },
    deliveryAddress: { name: 'Asha Kulkarni', phone: '9123456780', line1: 'Flat 4B, Lotus Residency', city: 'Pune', stateCode: '27', pincode: '411045', gps: { lat: 18.559, lng: 73.7868 } },
    paymentMethod: 'cod',
    package: { weightGrams: 800, lengthCm: 30, widthCm: 25, heightCm: 5 },
  };
}

export const PROBLEM_JSON = 'application/problem+json';

/** A seller's view of the API: JSON in, parsed answers out, one fresh Idempotency-Key per POST unless given. */
export class SellerApi {
  constructor(
    readonly baseUrl: string,
    readonly apiKey: string,
  ) {}

  post(path: string, body: unknown = {}, idempotencyKey: string = randomUUID()): Promise<HttpResult> {
    return call(this.baseUrl, 'POST', path, body, { key: this.apiKey, idempotencyKey });
  }

  get(path: string): Promise<HttpResult> {
    return call(this.baseUrl, 'GET', path, undefined, { key: this.apiKey });
  }

  /** An order taken through invoice to a created shipment, each step required to succeed. */
  async packedOrder(mode: 'on-network' | 'off-network'): Promise<{ orderId: string; shipmentId: string }> {
    const received = await this.expect(201, this.post('/v1/orders', orderBody()));
    const orderId = received.body['orderId'] as string;
    await this.expect(201, this.post(`/v1/orders/${orderId}/invoice`));
    const shipment = await this.expect(201, this.post(`/v1/orders/${orderId}/shipments`, { mode }));
    return { orderId, shipmentId: shipment.body['shipmentId'] as string };
  }

  async eventTypes(orderId: string): Promise<string[]> {
    const events = await this.expect(200, this.get(`/v1/orders/${orderId}/events`));
    return (events.body['events'] as Array<{ type: string }>).map((e) => e.type);
  }

  async expect(status: number, pending: Promise<HttpResult>): Promise<HttpResult> {
    const response = await pending;
    if (response.status !== status) throw new Error(`Expected ${status}, got ${response.status}: ${response.text}`);
    return response;
  }
}
