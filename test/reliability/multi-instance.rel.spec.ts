import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { DeliveryOtpGenerator } from '@fulfil/domain';
import type { EventStore, RecordedEvent } from '@fulfil/event-store';
import { generateSigningKeyPair } from '@fulfil/ondc';
import { qualifiedName } from '@fulfil/read-models';
import { freePort } from '../support/free-port';
import { until } from '../support/until';
import { budget } from './support/budget';
import { EngineProcess, newEngineSecrets } from './support/engine-process';
import { recordFigure } from './support/figures';
import { HttpRelay } from './support/http-relay';
import { registerSeller } from './support/http-client';
import { BUILT_ENGINE_DIR } from './support/paths';
import { compareReadModelsWithRebuild } from './support/read-models-check';
import { postgresStore, type EngineStore } from './support/stores';
import { verifyAcknowledged, verifyPartnerOutcomes, verifyStoreIntegrity, Workload } from './support/workload';

const plan = budget();
const INSTANCES = 3;
/** What the issue promises an operator: a dead holder's work resumes elsewhere within 10 s. */
const TAKEOVER_LIMIT_MS = 10_000;
const REQUEST_EVENT_TYPES = new Set(['SearchSent', 'InitSent', 'ConfirmSent', 'UpdateSent', 'StatusSent', 'TrackSent', 'CancelSent']);

interface LeaseRow {
  name: string;
  holder: string;
  live: boolean;
}

const pidOfHolder = (holder: string): number => Number(holder.split(':')[1]);

async function readAll(store: EventStore): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  let after: bigint | undefined;
  for (;;) {
    const page = await store.readAll({ maxCount: 1000, ...(after !== undefined ? { after } : {}) });
    if (page.length === 0) return events;
    events.push(...page);
    after = page[page.length - 1]!.position;
  }
}

/** Outbox entries (by id) not yet settled: queued or being sent, neither sent nor given up. */
function unsettledMessages(events: readonly RecordedEvent[]): string[] {
  const queued = new Set<string>();
  const settled = new Set<string>();
  for (const event of events) {
    const outboxId = String(event.data['outboxId']);
    if (event.type === 'WhatsAppMessageQueued') queued.add(outboxId);
    if (event.type === 'WhatsAppMessageSent' || (event.type === 'WhatsAppSendFailed' && event.data['final'] === true)) settled.add(outboxId);
  }
  return [...queued].filter((id) => !settled.has(id));
}

/**
 * Issue 20's proof of leases: three engine processes on one PostgreSQL (events and read models),
 * behind a relay that spreads the seller's requests and the partners' callbacks over them, with one
 * ONDC network of their own. The instance holding the most leases is SIGKILLed, again and again:
 * another takes its work over within 10 s, and in the end every acknowledged command is stored once,
 * every partner request and WhatsApp message went over the wire once, and the read models equal a
 * rebuild.
 */
describe('three engine instances sharing one PostgreSQL, their lease holders killed one after another', () => {
  let store: EngineStore;
  let eventStore: EventStore | undefined;
  const engines: EngineProcess[] = [];
  let sandbox: ChildProcess | undefined;
  let balancer: HttpRelay;
  let network: HttpRelay;
  let workload: Workload;
  let apiKey: string;
  let kills = 0;
  const uploadsDir = mkdtempSync(join(tmpdir(), 'fulfil-rel-uploads-'));
  const dataDirs = Array.from({ length: INSTANCES }, () => mkdtempSync(join(tmpdir(), 'fulfil-rel-instance-')));

  const leases = async (): Promise<LeaseRow[]> => {
    const client = new Client({ connectionString: store.databaseUrl });
    await client.connect();
    try {
      const table = qualifiedName(store.env['READ_MODELS_SCHEMA']!, 'leases');
      const { rows } = await client.query<LeaseRow>(`SELECT name, holder, expires_at > now() AS live FROM ${table} ORDER BY name`);
      return rows;
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    const pg = postgresStore();
    if (!pg) throw new Error('This test needs DATABASE_URL: several instances share one PostgreSQL');
    store = pg;
    const secrets = newEngineSecrets();
    const keys = generateSigningKeyPair();
    balancer = new HttpRelay(() => engines.filter((e) => e.running).map((e) => e.baseUrl));
    await balancer.start();

    // The ONDC network: the sandbox on its own, reached through a relay that keeps every request the engines send it.
    const sandboxPort = await freePort();
    network = new HttpRelay(() => [`http://127.0.0.1:${sandboxPort}`]);
    await network.start();
    const sandboxProcess = spawn(process.execPath, [join(BUILT_ENGINE_DIR, 'apps/ondc-sandbox/src/main.js')], {
      env: {
        PATH: process.env['PATH'] ?? '',
        PORT: String(sandboxPort),
        SANDBOX_BASE_URL: network.baseUrl,
        SANDBOX_STEP_MS: '200',
        SANDBOX_PARTNERS: 'cheap-slow,fast-dear,hyperlocal,intercity,nacker,silent',
        ENGINE_SUBSCRIBER_ID: 'fulfilment.rel.test',
        ENGINE_UNIQUE_KEY_ID: 'k1',
        ENGINE_SIGNING_PUBLIC_KEY: keys.signingPublicKey,
        ENGINE_BAP_URI: `${balancer.baseUrl}/ondc`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    sandbox = sandboxProcess;
    let sandboxOutput = '';
    sandboxProcess.stdout.on('data', (chunk: Buffer) => (sandboxOutput += chunk.toString()));
    sandboxProcess.stderr.on('data', (chunk: Buffer) => (sandboxOutput += chunk.toString()));
    await until('the ONDC sandbox to start', () => sandboxOutput.includes('ONDC sandbox ready') || sandboxProcess.exitCode !== null, 60_000);
    if (sandboxProcess.exitCode !== null) throw new Error(`The ONDC sandbox exited:\n${sandboxOutput}`);

    const env = {
      ...store.env,
      UPLOADS_DIR: uploadsDir,
      ONDC_REGISTRY_URL: `${network.baseUrl}/registry`,
      ONDC_SUBSCRIBER_ID: 'fulfilment.rel.test',
      ONDC_UNIQUE_KEY_ID: 'k1',
      ONDC_SIGNING_PRIVATE_KEY: keys.signingPrivateKey,
      ONDC_BAP_URI: `${balancer.baseUrl}/ondc`,
      ONDC_BILLING_NAME: 'Kaveri Handlooms',
      ONDC_BILLING_GSTIN: '29ABCDE1234F1ZW',
      ONDC_BILLING_PHONE: '9876543210',
      ONDC_BILLING_EMAIL: 'accounts@kaveri.example',
      ONDC_BILLING_ADDRESS: '12 MG Road',
      ONDC_BILLING_CITY: 'Bengaluru',
      ONDC_BILLING_STATE: 'Karnataka',
      ONDC_BILLING_PINCODE: '560001',
      // Short conversation clocks, so fallbacks happen within the run; one attempt per request, so a repeat on the wire is a duplicate.
      ONDC_SEARCH_WINDOW_MS: '700',
      ONDC_INIT_TIMEOUT_MS: '2000',
      ONDC_CONFIRM_TIMEOUT_MS: '2000',
      ONDC_TRACK_TIMEOUT_MS: '2000',
      ONDC_HTTP_TIMEOUT_MS: '2000',
      ONDC_HTTP_ATTEMPTS: '1',
    };
    for (const dataDir of dataDirs) engines.push(new EngineProcess({ dataDir, env, ...secrets }));
    // The first instance takes every lease; the others stand by.
    await engines[0]!.start();
    await until('the first instance to hold every lease', async () => {
      const rows = await leases();
      return rows.length > 0 && rows.some((r) => r.name === 'whatsapp-sender') && rows.some((r) => r.name === 'ondc-conversation-driver') && rows.every((r) => r.live);
    });
    await Promise.all(engines.slice(1).map((engine) => engine.start()));
    const seller = await registerSeller(balancer.baseUrl, secrets.platformApiKey, { onNetworkReady: true });
    apiKey = seller.apiKey;
    workload = new Workload(() => balancer.baseUrl, seller, new DeliveryOtpGenerator(Buffer.from(secrets.deliveryOtpSecret, 'hex')));
  }, 240_000);

  afterAll(async () => {
    await Promise.all(engines.map((engine) => engine.kill()));
    sandbox?.kill('SIGKILL');
    await balancer?.stop();
    await network?.stop();
    await eventStore?.close();
    await store?.dispose();
    for (const dir of [uploadsDir, ...dataDirs]) rmSync(dir, { recursive: true, force: true });
  });

  it('hands every lease of a killed holder to a live instance within 10 s, each time', async () => {
    const rounds = plan.name === 'ci' ? 3 : 6;
    const names = (await leases()).map((r) => r.name);
    let loadFailure: unknown;
    let killing = true;
    const load = (async () => {
      while (killing) await workload.run(plan.crashClients * 2, plan.crashClients);
    })().catch((error: unknown) => void (loadFailure = error));

    for (let round = 0; round < rounds && loadFailure === undefined; round++) {
      // Some work in flight under the current holder first.
      const before = workload.acknowledged.length;
      await until('commands acknowledged under this holder', () => workload.acknowledged.length >= before + 10 || loadFailure !== undefined, 120_000);
      const rows = await leases();
      const byPid = new Map<number, number>();
      for (const row of rows.filter((r) => r.live)) byPid.set(pidOfHolder(row.holder), (byPid.get(pidOfHolder(row.holder)) ?? 0) + 1);
      const [holderPid] = [...byPid.entries()].sort((a, b) => b[1] - a[1])[0]!;
      const holder = engines.find((engine) => engine.pid === holderPid);
      if (!holder) throw new Error(`Lease holder pid ${holderPid} is none of the instances`);
      const held = rows.filter((r) => pidOfHolder(r.holder) === holderPid).map((r) => r.name);

      const killedAt = Date.now();
      await holder.kill();
      kills++;
      await until(
        `every lease of the killed holder (${held.join(', ')}) taken by a live instance`,
        async () => {
          const now = await leases();
          return held.every((name) => now.some((r) => r.name === name && r.live && pidOfHolder(r.holder) !== holderPid));
        },
        30_000,
        100,
      );
      const takeoverMs = Date.now() - killedAt;
      recordFigure('multi-instance', `takeover ms (round ${round + 1})`, takeoverMs);
      expect(takeoverMs).toBeLessThanOrEqual(TAKEOVER_LIMIT_MS);
      // Back to three: the restarted instance stands by until another holder dies.
      await holder.start();
    }
    killing = false;
    await load;
    if (loadFailure !== undefined) throw loadFailure;
    expect(kills).toBe(rounds);
    // Every lease is held, each by one live instance, and no work was lost with a lease.
    const final = await leases();
    expect(final.map((r) => r.name)).toEqual(names);
    expect(final.every((r) => r.live)).toBe(true);
    // The balancer spread the seller's requests over all three.
    expect(balancer.upstreamsServed().size).toBe(INSTANCES);
    recordFigure('multi-instance', 'commands acknowledged', workload.acknowledged.length);
  });

  it('stores every acknowledged command once and reaches a partner outcome for every ready shipment', async () => {
    expect(await verifyAcknowledged(balancer.baseUrl, apiKey, workload.acknowledged)).toEqual([]);
    const outcomes = await verifyPartnerOutcomes(balancer.baseUrl, apiKey, [...new Set(workload.acknowledged.map((a) => a.orderId))]);
    expect(outcomes.problems).toEqual([]);
    expect(outcomes.shipments).toBeGreaterThan(0);
  });

  it('sent every WhatsApp message and every partner request over the wire once', async () => {
    eventStore = await store.openEventStore();
    const opened = eventStore;
    await until('every queued WhatsApp message to be sent or given up', async () => unsettledMessages(await readAll(opened)).length === 0, 90_000, 250);
    await Promise.all(engines.map((engine) => engine.terminate()));
    const events = await readAll(opened);
    const integrity = await verifyStoreIntegrity(opened);
    expect(integrity.problems).toEqual([]);

    // WhatsApp: the sandbox sink of every instance is its "Meta"; each message it took must be one the store records as sent.
    const delivered = dataDirs.flatMap((dir) => {
      const file = join(dir, 'whatsapp-sandbox', 'outbox.jsonl');
      return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => (JSON.parse(line) as { id: string }).id) : [];
    });
    const sentIds = events.filter((e) => e.type === 'WhatsAppMessageSent').map((e) => String(e.data['waMessageId']));
    const unknown = events.filter((e) => e.type === 'WhatsAppSendFailed' && e.data['reason'] === 'outcome unknown').length;
    expect(sentIds.length).toBeGreaterThan(0);
    expect(new Set(sentIds).size).toBe(sentIds.length);
    // One sent record per outbox entry: never two sends of one message.
    const sentEntries = events.filter((e) => e.type === 'WhatsAppMessageSent').map((e) => String(e.data['outboxId']));
    expect(new Set(sentEntries).size).toBe(sentEntries.length);
    expect(sentIds.filter((id) => !delivered.includes(id))).toEqual([]);
    // A message that left while its sender was killed has no sent record: at most one per kill, recorded as outcome unknown.
    expect(delivered.length - sentIds.length).toBeLessThanOrEqual(unknown);
    expect(unknown).toBeLessThanOrEqual(kills);

    // ONDC: each request is recorded before it leaves (a resend, same message id, is recorded again), so the
    // wire never carries a request more often than the store records it; the gateway's fan-out to partners is the network's own.
    const recorded = new Map<string, number>();
    for (const event of events.filter((e) => REQUEST_EVENT_TYPES.has(e.type))) recorded.set(String(event.data['messageId']), (recorded.get(String(event.data['messageId'])) ?? 0) + 1);
    const onWire = new Map<string, number>();
    for (const post of network.posts) {
      const context = (post.body as { context?: { message_id?: unknown; action?: unknown } } | undefined)?.context;
      if (post.path.startsWith('/registry') || (context?.action === 'search' && !post.path.startsWith('/gateway'))) continue;
      const messageId = String(context?.message_id);
      onWire.set(messageId, (onWire.get(messageId) ?? 0) + 1);
    }
    expect([...onWire.entries()].filter(([messageId, sends]) => sends > (recorded.get(messageId) ?? 0))).toEqual([]);
    // A request recorded by a holder killed before it could send it is resent by the next (recorded twice, sent once). A holder
    // sends to several partners at once, so a kill may strand several; only a killed instance strands any. The first records of
    // a message are the ones that did not go out: their senders, at most one instance per kill.
    const strandedBy = new Set<string>();
    for (const [messageId, records] of recorded) {
      const stranded = records - (onWire.get(messageId) ?? 0);
      const senders = events.filter((e) => REQUEST_EVENT_TYPES.has(e.type) && String(e.data['messageId']) === messageId).map((e) => String(e.data['sentBy']));
      for (const sender of senders.slice(0, stranded)) strandedBy.add(sender);
    }
    expect(strandedBy.size).toBeLessThanOrEqual(kills);
    expect(onWire.size).toBeGreaterThan(0);
    expect(integrity.partnersAssigned).toBeGreaterThan(0);
    recordFigure('multi-instance', 'partner requests sent', [...onWire.values()].reduce((a, b) => a + b, 0));
    recordFigure('multi-instance', 'WhatsApp messages sent', sentIds.length);
  }, 180_000);

  it('leaves read models equal to a rebuild from the events', async () => {
    const result = await compareReadModelsWithRebuild(eventStore!, store.readModels);
    expect(result.differing).toEqual([]);
    expect(result.rows).toBeGreaterThan(0);
  }, 180_000);
});
