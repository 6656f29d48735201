import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImageStore } from '@fulfil/fulfillment-api';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201e226059b0000000049454e44ae426082', 'hex');
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('images staged when a process died', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'fulfilment-uploads-'));
    mkdirSync(join(dir, '.staging'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('are kept under their final name on start, so an accepted image is never lost; a file cut short is dropped', async () => {
    const whole = PNG;
    const other = Buffer.concat([PNG, Buffer.from([0])]);
    writeFileSync(join(dir, '.staging', `${sha(whole)}.${randomUUID()}.png`), whole);
    writeFileSync(join(dir, '.staging', `${sha(other)}.${randomUUID()}.png`), other.subarray(0, 10));

    await new ImageStore(dir).onModuleInit();

    expect(readFileSync(join(dir, sha(whole).slice(0, 2), `${sha(whole)}.png`))).toEqual(whole);
    expect(existsSync(join(dir, sha(other).slice(0, 2), `${sha(other)}.png`))).toBe(false);
    expect(readdirSync(join(dir, '.staging'))).toEqual([]);
    expect(await new ImageStore(dir).read({ sha256: sha(whole), contentType: 'image/png', sizeBytes: whole.length })).toEqual(whole);
  });
});
