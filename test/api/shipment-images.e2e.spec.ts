import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ApiHarness, startApi, storesUnderTest } from '../support/api-harness';
import { freshId, orderInput } from '../support/fixtures';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201e226059b0000000049454e44ae426082', 'hex');
/** A PNG no other test uploads: its own bytes, so its own file. */
const freshPng = (): Buffer => Buffer.concat([PNG, randomBytes(16)]);
const sha256 = (content: Buffer): string => createHash('sha256').update(content).digest('hex');

function filesUnder(directory: string): string[] {
  if (!existsSync(directory)) return [];
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe.each(storesUnderTest())('shipment images over HTTP on %s', (_name, storeConfig) => {
  let api: ApiHarness;
  let owner: string;
  let other: string;
  beforeAll(async () => {
    api = await startApi(storeConfig());
    ({ apiKey: owner } = await api.newSeller());
    ({ apiKey: other } = await api.newSeller());
  });
  afterAll(() => api.close());

  const post = (key: string, path: string, body: object = {}) => api.http().post(path).set('authorization', `Bearer ${key}`).send(body);
  const get = (key: string, path: string) => api.http().get(path).set('authorization', `Bearer ${key}`);
  const upload = (key: string, path: string, image: Buffer) => api.http().post(path).set('authorization', `Bearer ${key}`).attach('image', image, 'parcel.png');
  /** Marks shipped as multipart: the tracking fields and each photo as an "images" file part. */
  const ship = (key: string, path: string, photos: Buffer[], fields: Record<string, string> = { courierName: 'DTDC', trackingNumber: 'D123456' }) => {
    let request = api.http().post(path).set('authorization', `Bearer ${key}`);
    for (const [name, value] of Object.entries(fields)) request = request.field(name, value);
    photos.forEach((photo, i) => (request = request.attach('images', photo, { filename: `photo-${i}.png`, contentType: 'image/png' })));
    return request;
  };
  const keptFiles = (content: Buffer) => filesUnder(api.uploadsDir).filter((file) => file.includes(sha256(content)));

  async function shipment(key: string, mode: 'on-network' | 'off-network', readyToShip: boolean) {
    const { sellerId: _ignored, orderId: _generated, ...body } = orderInput('ignored');
    const orderId = (await post(key, '/v1/orders', body).expect(201)).body.orderId as string;
    await post(key, `/v1/orders/${orderId}/invoice`).expect(201);
    const created = (await post(key, `/v1/orders/${orderId}/shipments`, { mode }).expect(201)).body;
    const shipmentId = created.shipmentId as string;
    if (readyToShip) await post(key, `/v1/orders/${orderId}/shipments/${shipmentId}/ready-to-ship`).expect(200);
    return { orderId, shipmentId, base: `/v1/orders/${orderId}/shipments/${shipmentId}`, position: created.position as string };
  }

  it("returns a package image and the images sent when shipping to their owner, with their content type", async () => {
    const packed = await shipment(owner, 'on-network', true);
    const photo = freshPng();
    const uploaded = await upload(owner, `${packed.base}/package-images`, photo).expect(201);
    expect(uploaded.body.image).toEqual({ sha256: sha256(photo), contentType: 'image/png', sizeBytes: photo.length });
    const read = await get(owner, `${packed.base}/images/${sha256(photo)}`).buffer(true).expect(200);
    expect(read.headers['content-type']).toBe('image/png');
    expect(read.headers['x-content-type-options']).toBe('nosniff');
    expect(Buffer.compare(read.body as Buffer, photo)).toBe(0);
    expect((await get(owner, `${packed.base}/images`).expect(200)).body).toEqual({ images: [uploaded.body.image] });

    const shipped = await shipment(owner, 'off-network', false);
    const [first, second] = [freshPng(), freshPng()];
    await ship(owner, `${shipped.base}/ship`, [first, second]).expect(200);
    const listed = (await get(owner, `${shipped.base}/images`).expect(200)).body.images as Array<{ sha256: string }>;
    expect(listed.map((i) => i.sha256)).toEqual([sha256(first), sha256(second)]);
    const again = await get(owner, `${shipped.base}/images/${sha256(second)}`).buffer(true).expect(200);
    expect(Buffer.compare(again.body as Buffer, second)).toBe(0);
  });

  it("answers another seller's image exactly as a missing one: 404", async () => {
    const mine = await shipment(owner, 'on-network', true);
    const photo = freshPng();
    await upload(owner, `${mine.base}/package-images`, photo).expect(201);

    // Another seller asking for the owner's order and image: the order does not exist for them.
    const foreign = await get(other, `${mine.base}/images/${sha256(photo)}`);
    const missingOrder = await get(other, `/v1/orders/${freshId('ord')}/shipments/${mine.shipmentId}/images/${sha256(photo)}`);
    expect([foreign.status, foreign.body.code]).toEqual([404, 'ORDER_NOT_FOUND']);
    expect([missingOrder.status, missingOrder.body.code]).toEqual([404, 'ORDER_NOT_FOUND']);
    expect((await get(other, `${mine.base}/images`)).status).toBe(404);

    // Another seller's stored image asked for through their own shipment: absent, like an image never stored.
    const theirs = await shipment(other, 'on-network', true);
    const viaOwnShipment = await get(other, `${theirs.base}/images/${sha256(photo)}`);
    const neverStored = await get(other, `${theirs.base}/images/${sha256(freshPng())}`);
    const masked = (body: Record<string, unknown>) => JSON.stringify(body).replace(/[0-9a-f]{64}/g, '<sha256>');
    expect(viaOwnShipment.status).toBe(404);
    expect(masked(viaOwnShipment.body)).toBe(masked(neverStored.body));
    expect(viaOwnShipment.body.code).toBe('IMAGE_NOT_FOUND');
    expect((await get(owner, `${mine.base}/images/not-a-hash`)).body.code).toBe('VALIDATION_FAILED');
  });

  it('keeps no file for an upload whose command is refused', async () => {
    const notReady = await shipment(owner, 'on-network', false);
    const refusedPhoto = freshPng();
    const refused = await upload(owner, `${notReady.base}/package-images`, refusedPhoto);
    expect([refused.status, refused.body.code]).toEqual([409, 'SHIPMENT_NOT_READY']);
    expect(keptFiles(refusedPhoto)).toEqual([]);

    // Shipping an on-network shipment by hand is refused: its images are not kept either.
    const onNetwork = await shipment(owner, 'on-network', false);
    const shippingPhoto = freshPng();
    const refusedShip = await ship(owner, `${onNetwork.base}/ship`, [shippingPhoto]);
    expect(refusedShip.status).toBeGreaterThanOrEqual(400);
    expect(keptFiles(shippingPhoto)).toEqual([]);

    // Another seller's shipment: refused as not found, nothing kept.
    const foreignPhoto = freshPng();
    expect((await upload(other, `${notReady.base}/package-images`, foreignPhoto)).status).toBe(404);
    expect(keptFiles(foreignPhoto)).toEqual([]);

    // The same photo, once accepted, is kept, exactly once.
    await post(owner, `${notReady.base}/ready-to-ship`).expect(200);
    await upload(owner, `${notReady.base}/package-images`, refusedPhoto).expect(201);
    expect(keptFiles(refusedPhoto)).toHaveLength(1);
  });

  describe('shipment photos sent when marking shipped', () => {
    it('take at most 5 photos of at most 5 MB each: a larger photo or a sixth is refused as too large, and nothing is written or kept', async () => {
      const shipped = await shipment(owner, 'off-network', false);
      const read = () => get(owner, `/v1/orders/${shipped.orderId}?minPosition=${shipped.position}`).expect(200);
      const before = (await read()).body.timeline.length as number;
      const small = freshPng();
      const huge = Buffer.concat([PNG, randomBytes(5 * 1024 * 1024)]);

      const tooBig = await ship(owner, `${shipped.base}/ship`, [small, huge]);
      const tooMany = await ship(owner, `${shipped.base}/ship`, Array.from({ length: 6 }, freshPng));

      for (const refused of [tooBig, tooMany]) {
        expect([refused.status, refused.body.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
        expect(refused.headers['content-type']).toContain('application/problem+json');
      }
      expect(keptFiles(small)).toEqual([]);
      expect((await read()).body.timeline).toHaveLength(before);
    });

    it('in a broken multipart body are ordinary bad input: 400, nothing written', async () => {
      const shipped = await shipment(owner, 'off-network', false);
      const boundary = 'x-broken-boundary';
      const cut = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="courierName"\r\n\r\nDTDC\r\n--${boundary}\r\nContent-Disposition: form-data; name="images"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n${PNG.toString('latin1')}`, 'latin1');

      const refused = await api
        .http()
        .post(`${shipped.base}/ship`)
        .set('authorization', `Bearer ${owner}`)
        .set('content-type', `multipart/form-data; boundary=${boundary}`)
        .send(cut);

      expect([refused.status, refused.body.code]).toEqual([400, 'MALFORMED_MULTIPART']);
      const order = (await get(owner, `/v1/orders/${shipped.orderId}?minPosition=${shipped.position}`).expect(200)).body;
      expect(order.shipments[0].status).toBe('created');
    });

    it('as base64 JSON are refused with where to send them instead', async () => {
      const shipped = await shipment(owner, 'off-network', false);

      const refused = await post(owner, `${shipped.base}/ship`, { courierName: 'DTDC', trackingNumber: 'D123456', images: [PNG.toString('base64')] });

      expect([refused.status, refused.body.code]).toEqual([415, 'MULTIPART_REQUIRED']);
      await post(owner, `${shipped.base}/ship`, { courierName: 'DTDC', trackingNumber: 'D123456' }).expect(200);
    });

    it('with a bad field is refused naming it, photos not kept', async () => {
      const shipped = await shipment(owner, 'off-network', false);
      const photo = freshPng();

      const refused = await ship(owner, `${shipped.base}/ship`, [photo], { courierName: 'DTDC', trackingNumber: '!' });

      expect(refused.status).toBe(400);
      expect(refused.body.issues).toEqual([expect.objectContaining({ field: 'trackingNumber' })]);
      expect(keptFiles(photo)).toEqual([]);
    });
  });
});
