import { join } from 'node:path';
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';

/** What the load thread is asked to do: autocannon's options, and optionally a fresh order id in every request's body. */
export interface LoadSpec {
  options: autocannon.Options;
  /** Each request POSTs `body` to `path` with a new `orderId`: a fresh stream, as on a busy storefront. */
  newOrders?: { path: string; body: Record<string, unknown> };
  /** Each of these requests is sent once, in order across the connections (signed callbacks, say); the load ends with the last. */
  each?: Array<{ path: string; body: string; headers: Record<string, string> }>;
}

/** autocannon's result, and for a load of `amount` requests the time from its start to its last answer. */
export type LoadResult = autocannon.Result & { elapsedMs: number };

function run(spec: LoadSpec): Promise<LoadResult> {
  const { newOrders, each } = spec;
  let next = 0;
  const options: autocannon.Options = newOrders
    ? {
        ...spec.options,
        requests: [{ method: 'POST', path: newOrders.path, setupRequest: (request) => ({ ...request, body: JSON.stringify({ ...newOrders.body, orderId: `b${randomUUID().slice(0, 18)}` }) }) }],
      }
    : each
      ? {
          ...spec.options,
          amount: each.length,
          requests: [{ method: 'POST', setupRequest: (request) => ({ ...request, ...each[next++ % each.length] }) }],
        }
      : spec.options;
  // autocannon notices that `amount` requests are done only at its next one-second tick, so its duration rounds up to whole seconds.
  const started = performance.now();
  let lastAnswer = started;
  return new Promise((resolve, reject) => {
    const instance = autocannon(options, (error, result) => (error ? reject(error) : resolve({ ...result, elapsedMs: lastAnswer - started })));
    instance.on('response', () => {
      lastAnswer = performance.now();
    });
  });
}

/**
 * Runs the load in a process of its own, as a load generator beside the engine would: its sockets,
 * parsing and timing do not share the event loop of the app it measures. (A worker thread would
 * not do: autocannon answers raw histograms when it finds itself in one.)
 */
export function load(spec: LoadSpec): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(join(__dirname, 'load-generator.js'), [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    child.once('message', (message: { result?: LoadResult; error?: string }) => {
      child.disconnect();
      if (message.result) resolve(message.result);
      else reject(new Error(message.error));
    });
    child.once('error', reject);
    child.send(spec);
  });
}

// Started by `load`: one load, its result sent back.
if (require.main === module && process.send) {
  process.once('message', (spec: LoadSpec) => {
    run(spec).then(
      (result) => process.send?.({ result }),
      (error: unknown) => process.send?.({ error: error instanceof Error ? error.message : String(error) }),
    );
  });
}
