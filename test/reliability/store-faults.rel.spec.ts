import { randomBytes, randomInt } from 'node:crypto';
import { Client } from 'pg';
import { DeliveryOtpGenerator } from '@fulfil/domain';
import { EsdbEventStore, type EventStore } from '@fulfil/event-store';
import { quoteIdent } from '@fulfil/read-models';
import { EsdbDouble, startEsdbDouble } from '../esdb-double';
import { budget } from './support/budget';
import { until } from '../support/until';
import { EngineProcess, newEngineSecrets } from './support/engine-process';
import { recordFigure } from './support/figures';
import { call, registerSeller } from './support/http-client';
import { compareReadModelsWithRebuild } from './support/read-models-check';
import { EngineStore, postgresStore } from './support/stores';
import { verifyAcknowledged, verifyStoreIntegrity, Workload } from './support/workload';

const plan = budget();
const databaseUrl = process.env['DATABASE_URL'];
// Both fault targets need a PostgreSQL server (the EventStoreDB engine keeps its read models there); CI provides one.
if (!databaseUrl) throw new Error('The store-fault suite needs DATABASE_URL pointing at a PostgreSQL database (as .ci/run sets it)');

/** Resolves after the workload's next `count` acknowledgements: faults strike while commands are in flight. */
function afterAcknowledgements(workload: Workload, count: number): Promise<void> {
  const target = workload.acknowledged.length + count;
  return new Promise((resolve) => workload.onAcknowledged(() => workload.acknowledged.length >= target && resolve()));
}

const readiness = async (engine: EngineProcess): Promise<number> => (await call(engine.baseUrl, 'GET', '/health/ready')).status;

/** A store fault the engine must ride out: `begin` makes the store unreachable (or drops its connections), `end` brings it back. */
interface Fault {
  name: string;
  /** Whether the store stays unreachable until `end`, so readiness must report it. */
  lasting: boolean;
  begin(): Promise<void>;
  end(): Promise<void>;
}

interface FaultTarget {
  store: EngineStore;
  faults: Fault[];
  /** Opens the engine's event store from the test process, for the final checks. */
  openEventStore(): Promise<EventStore>;
  dispose(): Promise<void>;
}

/** A session on the server's maintenance database (`postgres`, or `template1` where that was dropped). */
async function maintenanceSession(url: string): Promise<Client> {
  let lastError: unknown;
  for (const database of ['postgres', 'template1']) {
    const adminUrl = new URL(url);
    adminUrl.pathname = `/${database}`;
    const client = new Client({ connectionString: adminUrl.toString() });
    try {
      await client.connect();
      return client;
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

/** The engine on PostgreSQL; its connections carry an application name of their own, so only they are killed. */
async function postgresTarget(url: string): Promise<FaultTarget> {
  const store = postgresStore()!;
  const appName = `fulfil-rel-${randomBytes(4).toString('hex')}`;
  store.env['PGAPPNAME'] = appName;
  // PostgreSQL refuses to close the database a session is connected to: the admin session uses the maintenance database.
  const database = decodeURIComponent(new URL(url).pathname.slice(1));
  const admin = await maintenanceSession(url);
  // The event store's connections carry PGAPPNAME; the read models name theirs (the suite runs one engine on this database at a time).
  const terminate = () =>
    admin.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE datname = $2 AND application_name IN ($1, 'fulfilment-read-models')`,
      [appName, database],
    );
  const allow = (yes: boolean) => admin.query(`ALTER DATABASE ${quoteIdent(database)} WITH ALLOW_CONNECTIONS ${yes}`);
  return {
    store,
    faults: [
      { name: 'connections terminated', lasting: false, begin: async () => void (await terminate()), end: async () => undefined },
      {
        name: 'database refusing connections',
        lasting: true,
        async begin() {
          await allow(false);
          await terminate();
        },
        end: async () => void (await allow(true)),
      },
    ],
    openEventStore: () => store.openEventStore(),
    async dispose() {
      await allow(true);
      await admin.end();
      await store.dispose();
    },
  };
}

/** The engine on the EventStoreDB double (read models on PostgreSQL): the server stops and comes back on the same port. */
async function esdbTarget(url: string): Promise<FaultTarget> {
  const double: EsdbDouble = await startEsdbDouble();
  const store = postgresStore()!;
  store.env['EVENT_STORE'] = 'esdb';
  store.env['ESDB_CONNECTION_STRING'] = double.connectionString;
  store.env['DATABASE_URL'] = url;
  return {
    store,
    faults: [{ name: 'EventStoreDB stopped and restarted', lasting: true, begin: () => double.stop(), end: () => double.restart() }],
    openEventStore: async () => new EsdbEventStore(double.connectionString, { logger: { warn: () => undefined, log: () => undefined } }),
    async dispose() {
      await store.dispose();
      await double.stop();
    },
  };
}

const targets: Array<[string, (url: string) => Promise<FaultTarget>]> = [
  ['PostgreSQL', postgresTarget],
  ['the EventStoreDB double', esdbTarget],
];

/**
 * Store faults under a running workload: the engine recovers by itself, readiness says so while
 * the store is away, and every acknowledged command is there afterwards, once.
 */
describe.each(targets)('store faults on %s', (name, makeTarget) => {
  let target: FaultTarget;
  let engine: EngineProcess;
  let workload: Workload;
  let apiKey: string;
  let sellerId: string;
  const suite = `store faults (${name})`;

  beforeAll(async () => {
    target = await makeTarget(databaseUrl);
    const secrets = newEngineSecrets();
    engine = new EngineProcess({ dataDir: target.store.dataDir, env: target.store.env, ...secrets });
    await engine.start();
    ({ apiKey, sellerId } = await registerSeller(engine.baseUrl, secrets.platformApiKey));
    workload = new Workload(() => engine.baseUrl, { sellerId, apiKey }, new DeliveryOtpGenerator(Buffer.from(secrets.deliveryOtpSecret, 'hex')));
  });

  afterAll(async () => {
    await engine.kill();
    await target.dispose();
  });

  it('recovers by itself from every fault, with readiness reporting the outage, and loses nothing acknowledged', async () => {
    const counts = new Map<string, number>();
    let faulting = true;
    const faults = (async () => {
      for (let round = 0; round < plan.connectionKills; round++) {
        const fault = target.faults[round % target.faults.length]!;
        await afterAcknowledgements(workload, randomInt(3, 12));
        await fault.begin();
        try {
          if (fault.lasting) await until(`readiness to report the ${fault.name}`, async () => (await readiness(engine)) === 503, 30_000);
        } finally {
          await fault.end();
        }
        await until(`readiness to recover from the ${fault.name}`, async () => (await readiness(engine)) === 200, 60_000);
        counts.set(fault.name, (counts.get(fault.name) ?? 0) + 1);
      }
    })();
    void faults.finally(() => (faulting = false)).catch(() => undefined);
    while (faulting) await workload.run(plan.crashClients * 2, plan.crashClients);
    await faults;
    await workload.run(plan.crashClients, plan.crashClients);

    const problems = await verifyAcknowledged(engine.baseUrl, apiKey, workload.acknowledged);
    expect(problems).toEqual([]);
    await engine.terminate();
    const events = await target.openEventStore();
    try {
      const integrity = await verifyStoreIntegrity(events);
      expect(integrity.problems).toEqual([]);
      const readModels = await compareReadModelsWithRebuild(events, target.store.readModels);
      expect(readModels.differing).toEqual([]);
      for (const [fault, count] of counts) recordFigure(suite, `${fault}, recovered`, count);
      recordFigure(suite, 'commands acknowledged and verified', workload.acknowledged.length - problems.length);
      recordFigure(suite, 'requests retried during faults', workload.retries);
      recordFigure(suite, 'lost or duplicated events', problems.length + integrity.problems.length);
    } finally {
      await events.close();
    }
  });
});
