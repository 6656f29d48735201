/**
 * A full disk under the uploads: a small tmpfs is mounted for UPLOADS_DIR (the suite runs as root,
 * as CI does) and filled. The engine must answer 507 with Retry-After, turn readiness red, record
 * nothing, and recover by itself once space is back.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until } from '../support/until';
import { EngineProcess, newEngineSecrets } from './support/engine-process';
import { recordFigure } from './support/figures';
import { call, imageForm, PROBLEM_JSON, registerSeller, SellerApi } from './support/http-client';
import { embeddedStore, postgresStore, type EngineStore } from './support/stores';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201e226059b0000000049454e44ae426082', 'hex');
const suite = 'disk full';

/** Fills the file system at `dir` to the last byte. */
function fill(dir: string): string {
  const filler = join(dir, 'filler');
  try {
    writeFileSync(filler, Buffer.alloc(4 * 1024 * 1024));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  }
  return filler;
}

const stores: Array<[string, () => EngineStore]> = [['embedded PGlite', embeddedStore]];
if (process.env['DATABASE_URL']) stores.push(['PostgreSQL', () => postgresStore()!]);

describe.each(stores)(
  'uploads on a full disk (%s)',
  (_name, makeStore) => {
    let store: EngineStore;
    let engine: EngineProcess;
    let uploads: string;
    let seller: SellerApi;

    beforeAll(async () => {
      uploads = mkdtempSync(join(tmpdir(), 'fulfil-full-'));
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', uploads]);
      store = makeStore();
      const secrets = newEngineSecrets();
      engine = new EngineProcess({ dataDir: store.dataDir, env: { ...store.env, UPLOADS_DIR: uploads }, ...secrets });
      await engine.start();
      seller = new SellerApi(engine.baseUrl, (await registerSeller(engine.baseUrl, secrets.platformApiKey)).apiKey);
    });
    afterAll(async () => {
      await engine.kill();
      execFileSync('umount', [uploads]);
      rmSync(uploads, { recursive: true, force: true });
      await store.dispose();
    });

    it('answers 507 with Retry-After, turns readiness red and records nothing; it recovers once space is back', async () => {
      const target = await seller.packedOrder('off-network');
      await seller.expect(200, seller.post(`/v1/orders/${target.orderId}/shipments/${target.shipmentId}/ready-to-ship`));
      const upload = () =>
        call(engine.baseUrl, 'POST', `/v1/orders/${target.orderId}/shipments/${target.shipmentId}/package-images`, undefined, { key: seller.apiKey, raw: { body: imageForm(PNG, 'parcel.png', 'image/png') } });
      const before = await seller.eventTypes(target.orderId);
      const filler = fill(uploads);

      const refused = await upload();
      expect({ status: refused.status, type: refused.contentType.split(';')[0], code: refused.body['code'] }).toMatchObject({ status: 507, type: PROBLEM_JSON });
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect((await call(engine.baseUrl, 'GET', '/health/ready')).status).toBe(503);
      expect(await seller.eventTypes(target.orderId)).toEqual(before);

      rmSync(filler);
      expect((await upload()).status).toBe(201);
      expect(await seller.eventTypes(target.orderId)).toEqual([...before, 'PackageImageRecorded']);
      await until('readiness to be green again', async () => (await call(engine.baseUrl, 'GET', '/health/ready')).status === 200, 60_000, 500);
      recordFigure(suite, 'uploads refused with 507 on a full disk, then accepted', 1);
    });
  },
);
