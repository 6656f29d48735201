import { randomInt } from 'node:crypto';
import { DeliveryOtpGenerator } from '@fulfil/domain';
import { budget } from './support/budget';
import { EngineProcess, newEngineSecrets } from './support/engine-process';
import { recordFigure } from './support/figures';
import { registerSeller } from './support/http-client';
import { compareReadModelsWithRebuild } from './support/read-models-check';
import { EngineStore, engineStores } from './support/stores';
import { verifyAcknowledged, verifyPartnerOutcomes, verifyStoreIntegrity, Workload } from './support/workload';

const plan = budget();

/**
 * A seller's mixed workload against the built engine while it is SIGKILLed at random moments and
 * restarted on the same data: what the engine acknowledged survives, exactly once, and the read
 * models it projected equal a rebuild from zero.
 */
describe.each(engineStores())('crash consistency on %s', (_name, makeStore) => {
  let store: EngineStore;
  let engine: EngineProcess;
  let workload: Workload;
  let apiKey: string;
  let sellerId: string;
  let kills = 0;
  let sigterms = 0;

  beforeAll(async () => {
    store = makeStore();
    const secrets = newEngineSecrets();
    engine = new EngineProcess({ dataDir: store.dataDir, env: store.env, ...secrets });
    await engine.start();
    ({ apiKey, sellerId } = await registerSeller(engine.baseUrl, secrets.platformApiKey, { onNetworkReady: true }));
    workload = new Workload(() => engine.baseUrl, { sellerId, apiKey }, new DeliveryOtpGenerator(Buffer.from(secrets.deliveryOtpSecret, 'hex')));
  });

  afterAll(async () => {
    await engine.kill();
    await store.dispose();
  });

  it('keeps every acknowledged command through SIGKILLs at random moments', async () => {
    let acknowledged = 0;
    let killAt = randomInt(3, 15);
    let crash: Promise<void> | undefined;
    const crashAndRestart = async () => {
      // A few milliseconds of jitter, so the kill lands anywhere in the requests other clients have in flight.
      await new Promise((resolve) => setTimeout(resolve, randomInt(0, 40)));
      await engine.kill();
      kills++;
      await engine.start();
      killAt = acknowledged + randomInt(3, 15);
      crash = undefined;
    };
    workload.onAcknowledged(() => {
      acknowledged++;
      if (!crash && kills < plan.kills && acknowledged >= killAt) crash = crashAndRestart().catch((error: unknown) => void (restartFailure ??= error));
    });
    let restartFailure: unknown;
    while (kills < plan.kills && restartFailure === undefined) {
      await workload.run(plan.crashClients * 2, plan.crashClients);
      await crash;
    }
    if (restartFailure !== undefined) throw restartFailure;
    expect(kills).toBe(plan.kills);
    expect(workload.retries).toBeGreaterThan(0);
  });

  it('shuts down cleanly on SIGTERM under load, losing nothing', async () => {
    const before = workload.acknowledged.length;
    const outputBefore = engine.output.length;
    let signalled = false;
    const stopped = new Promise<Awaited<ReturnType<EngineProcess['terminate']>>>((resolve, reject) => {
      workload.onAcknowledged(() => {
        if (signalled || workload.acknowledged.length < before + 10) return;
        signalled = true;
        engine.terminate().then(resolve, reject);
      });
    });
    const load = workload.run(plan.crashClients * 2, plan.crashClients);
    const exit = await stopped;
    sigterms++;
    const said = engine.output.slice(outputBefore).join('');
    // The engine closes the app (draining requests, storing checkpoints) and exits 0; if not, its shutdown lines say why.
    if (exit.code !== 0) throw new Error(`SIGTERM ended the engine with ${JSON.stringify(exit)}:\n${said.split('\n').filter((line) => line.startsWith('Fulfilment engine:')).join('\n')}`);
    // Nothing logged as an error or worse while it drained and closed.
    expect(said).not.toMatch(/"level":(50|60)/);
    await engine.start();
    await load;
  });

  it('has every acknowledged command in the store exactly once, and read models equal to a rebuild', async () => {
    const problems = await verifyAcknowledged(engine.baseUrl, apiKey, workload.acknowledged);
    expect(problems).toEqual([]);
    const partners = await verifyPartnerOutcomes(engine.baseUrl, apiKey, [...new Set(workload.acknowledged.map((a) => a.orderId))]);
    expect(partners.problems).toEqual([]);
    await engine.terminate();
    const events = await store.openEventStore();
    try {
      const integrity = await verifyStoreIntegrity(events);
      expect(integrity.problems).toEqual([]);
      const readModels = await compareReadModelsWithRebuild(events, store.readModels);
      expect(readModels.differing).toEqual([]);
      const suite = `crash consistency (${store.name})`;
      recordFigure(suite, 'SIGKILLs survived', kills);
      recordFigure(suite, 'SIGTERMs under load, clean exit', sigterms);
      recordFigure(suite, 'commands acknowledged', workload.acknowledged.length);
      recordFigure(suite, 'acknowledged commands verified', workload.acknowledged.length - problems.length);
      recordFigure(suite, 'requests retried after no answer', workload.retries);
      recordFigure(suite, 'journeys completed', [...workload.journeysDone.values()].reduce((a, b) => a + b, 0));
      recordFigure(suite, 'events checked (ids unique, revisions contiguous)', integrity.events);
      recordFigure(suite, 'read-model rows equal to a rebuild', readModels.rows);
      recordFigure(suite, 'on-network RTS with exactly one ONDC search outcome', partners.shipments);
      recordFigure(suite, 'ONDC partners confirmed (one per shipment at most)', integrity.partnersAssigned);
      recordFigure(suite, 'ONDC partner reports ACKed and applied to their orders', integrity.reportsApplied);
      recordFigure(suite, 'streams checked', integrity.streams);
      recordFigure(suite, 'lost or duplicated events', problems.length + integrity.problems.length);
    } finally {
      await events.close();
    }
  });
});
