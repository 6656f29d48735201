import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { SellerCommandMessage } from '@fulfil/commands';
import { issueApiKey } from '@fulfil/fulfillment-api';

export interface DemoSeller {
  sellerId: string;
  apiKey: string;
}

const DEMO_SELLER_ID = 'demo-seller';

/** On the first start of an embedded engine, a seller to try things with; its key is kept beside the data. */
export async function ensureDemoSeller(app: INestApplication, dataDir: string): Promise<DemoSeller> {
  const file = join(dataDir, 'demo-seller.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as DemoSeller;
  const bus = app.get(CommandBus);
  const meta = { actor: { type: 'system' as const, id: 'engine' }, channel: 'system' as const };
  await bus.execute(
    new SellerCommandMessage(
      {
        type: 'RegisterSeller',
        sellerId: DEMO_SELLER_ID,
        profile: {
          legalName: 'Demo Handlooms Private Limited',
          gstin: '29ABCDE1234F1Z5',
          stateCode: '29',
          pickupAddress: { name: 'Demo Handlooms', phone: '9876543210', line1: '12 MG Road', city: 'Bengaluru', stateCode: '29', pincode: '560001', gps: { lat: 12.9756, lng: 77.6066 } },
        },
        settings: { defaultPackage: { weightGrams: 500, lengthCm: 25, widthCm: 20, heightCm: 5 } },
      },
      meta,
    ),
  );
  const key = issueApiKey(DEMO_SELLER_ID);
  await bus.execute(new SellerCommandMessage({ type: 'IssueSellerApiKey', sellerId: DEMO_SELLER_ID, keyId: key.keyId, secretSha256: key.secretSha256 }, meta));
  const demo = { sellerId: DEMO_SELLER_ID, apiKey: key.apiKey };
  writeFileSync(file, JSON.stringify(demo, null, 2), { mode: 0o600 });
  return demo;
}
