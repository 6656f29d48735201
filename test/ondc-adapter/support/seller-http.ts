import type { Address } from '@fulfil/domain';
import { orderInput, sellerProfile } from '../../support/fixtures';
import { binaryBody } from '../../support/binary-body';
import { numberCodeIn } from '../../whatsapp/whatsapp-harness';
import type { OutboxMessage } from '../../whatsapp/whatsapp-harness';
import { AdapterHarness, INDIRANAGAR_DROP, KORAMANGALA_PICKUP, eventually } from './adapter-harness';

export interface SellerOrder {
  sellerId: string;
  orderId: string;
  shipmentId: string;
}

/**
 * A seller working the engine the adapter harness hosts over its HTTP API alone, as a dashboard
 * would: orders, shipments, ready to ship, cancellation, the order and its label read back.
 */
export class SellerHttp {
  private constructor(
    private readonly harness: AdapterHarness,
    readonly sellerId: string,
    readonly apiKey: string,
    /** The verified WhatsApp number, when the seller has one. */
    readonly whatsappNumber?: string,
  ) {}

  /** A new seller; with `whatsapp`, a number confirmed with the code WhatsApp brought to it. */
  static async register(harness: AdapterHarness, options: { whatsapp?: string } = {}): Promise<SellerHttp> {
    const settings = { invoicePrefix: 'INV/', ...(options.whatsapp ? { whatsappNumber: options.whatsapp } : {}) };
    const created = await harness
      .http()
      .post('/v1/sellers')
      .set('authorization', `Bearer ${harness.platformKey}`)
      .send({ profile: { ...sellerProfile(), pickupAddress: KORAMANGALA_PICKUP }, settings })
      .expect(201);
    const seller = new SellerHttp(harness, created.body.sellerId as string, created.body.apiKey as string, options.whatsapp);
    if (options.whatsapp) {
      const number = options.whatsapp;
      const code = await eventually(async () => numberCodeIn(await seller.outbox()), `the verification code to ${number}`);
      await seller.post('/v1/seller/whatsapp/verify', { code }).expect(200);
    }
    return seller;
  }

  post(path: string, body: object) {
    return this.harness.http().post(path).set('authorization', `Bearer ${this.apiKey}`).send(body);
  }

  get(path: string) {
    return this.harness.http().get(path).set('authorization', `Bearer ${this.apiKey}`);
  }

  /** An order, its invoice and an on-network shipment marked ready to ship, each over HTTP. */
  async shipOnNetwork(drop: Address = INDIRANAGAR_DROP): Promise<SellerOrder> {
    const { sellerId: _s, orderId: _o, ...body } = { ...orderInput(this.sellerId), deliveryAddress: drop };
    const orderId = (await this.post('/v1/orders', body).expect(201)).body.orderId as string;
    await this.post(`/v1/orders/${orderId}/invoice`, {}).expect(201);
    const shipmentId = (await this.post(`/v1/orders/${orderId}/shipments`, { mode: 'on-network' }).expect(201)).body.shipmentId as string;
    await this.post(`/v1/orders/${orderId}/shipments/${shipmentId}/ready-to-ship`, {}).expect(200);
    return { sellerId: this.sellerId, orderId, shipmentId };
  }

  /** GET /v1/orders/{id} as the read models have it. */
  async order(orderId: string): Promise<OrderBody> {
    return (await this.get(`/v1/orders/${orderId}`).expect(200)).body as OrderBody;
  }

  /** Polls the order until its shipment matches, with a deadline. */
  async shipmentWhere(order: SellerOrder, match: (s: ShipmentBody) => boolean, what: string, timeoutMs?: number): Promise<ShipmentBody> {
    return eventually(async () => (await this.order(order.orderId)).shipments.find((s) => s.shipmentId === order.shipmentId && match(s)), what, timeoutMs);
  }

  async labelPdf(order: SellerOrder): Promise<Buffer> {
    const response = await this.get(`/v1/orders/${order.orderId}/shipments/${order.shipmentId}/label.pdf`).buffer(true).parse(binaryBody as never).expect(200);
    return response.body as Buffer;
  }

  /** What WhatsApp's sandbox sink holds for the seller's number. */
  async outbox(): Promise<OutboxMessage[]> {
    if (!this.whatsappNumber) return [];
    const response = await this.harness
      .http()
      .get('/v1/admin/outbox')
      .query({ recipient: this.whatsappNumber, limit: 1000 })
      .set('authorization', `Bearer ${this.harness.platformKey}`)
      .expect(200);
    return response.body.messages as OutboxMessage[];
  }
}

export interface TimelineBody {
  eventType: string;
  shipmentId: string | null;
  detail: Record<string, unknown>;
}

export interface ShipmentBody {
  shipmentId: string;
  status: string;
  labelVersion: number;
  partner: {
    id: string;
    name: string;
    awb: string | null;
    labelUrl: string | null;
    pickupSlot: { start: string; end: string } | null;
    agent: { name: string; phone: string | null } | null;
    cancellation: 'confirmed' | 'failed' | null;
  } | null;
  tracking: TimelineBody[];
}

export interface OrderBody {
  orderId: string;
  status: string;
  shipments: ShipmentBody[];
  timeline: TimelineBody[];
}
