import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { CommandMeta, CommandOutcome, SellerCommandMessage } from '@fulfil/commands';
import type { SellerState } from '@fulfil/domain';
import { issueApiKey } from '@fulfil/fulfillment-api';
import { writeAtomically } from '@fulfil/platform';

export interface DemoSeller {
  sellerId: string;
  apiKey: string;
}

const DEMO_SELLER_ID = 'demo-seller';
/** Registration is replayed, not refused, when a start was killed after it and before the key file was written. */
const REGISTRATION_KEY = 'engine:demo-seller:register';

function readDemoSeller(file: string): DemoSeller | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const demo = JSON.parse(readFileSync(file, 'utf8')) as Partial<DemoSeller>;
    return typeof demo.sellerId === 'string' && typeof demo.apiKey === 'string' ? (demo as DemoSeller) : undefined;
  } catch {
    return undefined; // torn by a kill before writes were atomic: issue a key again
  }
}

/**
 * On the first start of an embedded engine, a seller to try things with; its key is kept beside the
 * data. Every step survives a kill: registration is idempotent, and a key that was issued but never
 * reached the file is replaced by rotation (revoking the one nobody holds) before the file is
 * written atomically.
 */
export async function ensureDemoSeller(app: INestApplication, dataDir: string): Promise<DemoSeller> {
  const file = join(dataDir, 'demo-seller.json');
  const existing = readDemoSeller(file);
  if (existing) return existing;
  const bus = app.get(CommandBus);
  const meta: CommandMeta = { actor: { type: 'system', id: 'engine' }, channel: 'system' };
  const registered = await bus.execute<SellerCommandMessage, Pick<CommandOutcome<SellerState>, 'replayed'>>(
    new SellerCommandMessage(
      {
        type: 'RegisterSeller',
        sellerId: DEMO_SELLER_ID,
        profile: {
          legalName: 'Demo Handlooms Private Limited',
          gstin: '29ABCDE1234F1ZW',
          stateCode: '29',
          pickupAddress: { name: 'Demo Handlooms', phone: '9876543210', line1: '12 MG Road', city: 'Bengaluru', stateCode: '29', pincode: '560001', gps: { lat: 12.9756, lng: 77.6066 } },
        },
        settings: { defaultPackage: { weightGrams: 500, lengthCm: 25, widthCm: 20, heightCm: 5 } },
      },
      { ...meta, idempotencyKey: REGISTRATION_KEY },
    ),
  ).catch((error: unknown) => {
    // Registered by an engine from before registration carried its key: the same seller, carry on.
    if ((error as { code?: string }).code === 'SELLER_ALREADY_REGISTERED') return { replayed: true };
    throw error;
  });
  const key = issueApiKey(DEMO_SELLER_ID);
  const type = registered.replayed ? 'RotateSellerApiKey' : 'IssueSellerApiKey';
  await bus.execute(new SellerCommandMessage({ type, sellerId: DEMO_SELLER_ID, keyId: key.keyId, secretSha256: key.secretSha256 }, meta));
  const demo = { sellerId: DEMO_SELLER_ID, apiKey: key.apiKey };
  writeAtomically(file, JSON.stringify(demo, null, 2));
  return demo;
}
