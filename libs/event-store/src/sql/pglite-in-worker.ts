import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

/** Values that cross to the worker: what both the store and the read models bind (structured-cloneable). */
export type WorkerSqlParam = string | number | boolean | null | Date | readonly string[];

export interface WorkerQueryResult<R> {
  rows: R[];
  affectedRows?: number;
}

/** One statement inside a transaction opened with `PgliteInWorker.transaction`. */
export interface WorkerTransaction {
  query<R extends object>(sql: string, params?: readonly WorkerSqlParam[]): Promise<WorkerQueryResult<R>>;
}

type Reply = { id: number; ok: true; rows?: unknown[]; affectedRows?: number } | { id: number; ok: false; error: DescribedError };
type Notice = { notify: string; payload: string } | { ready: true } | { ready: false; error: DescribedError };

interface DescribedError {
  name: string;
  message: string;
  [field: string]: unknown;
}

/**
 * A row's timestamps as this realm's `Date`s. Structured clone builds them in the process's main
 * realm; code running in another one (Jest's test contexts) would find `instanceof Date` false.
 */
function inThisRealm(row: unknown): unknown {
  if (typeof row !== 'object' || row === null) return row;
  const fields = row as Record<string, unknown>;
  for (const [name, value] of Object.entries(fields)) {
    if (typeof value === 'object' && value !== null && !(value instanceof Date) && Object.prototype.toString.call(value) === '[object Date]') {
      fields[name] = new Date((value as Date).getTime());
    }
  }
  return row;
}

/** The worker's error as the callers know PostgreSQL errors: a message with `code`, `constraint`… as own properties. */
function revive(described: DescribedError): Error {
  const { name, message, ...fields } = described;
  return Object.assign(new Error(message), { name }, fields);
}

/**
 * A PGlite database owned by a worker thread. PGlite is WebAssembly that runs synchronously on the
 * thread that calls it; in the engine's one process that thread also answers HTTP, so every
 * projection's statement and every append held up requests. Here each statement is a message to
 * the worker, and the calling thread only waits. PGlite's own rules hold: one connection, and a
 * transaction excludes every other statement until it ends.
 */
export class PgliteInWorker {
  private readonly pending = new Map<number, { resolve: (reply: Reply & { ok: true }) => void; reject: (error: Error) => void }>();
  private readonly listeners = new Map<string, (payload: string) => void>();
  private nextId = 1;
  private nextTransaction = 1;
  private failure: Error | undefined;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (message: Reply | Notice) => this.receive(message));
    worker.on('error', (error) => this.fail(error));
    worker.on('exit', (code) => this.fail(new Error(`the PGlite worker exited (code ${code})`)));
  }

  static async open(dataDir?: string): Promise<PgliteInWorker> {
    const worker = new Worker(join(__dirname, 'pglite-worker.js'), { workerData: { dataDir } });
    await new Promise<void>((resolve, reject) => {
      const onMessage = (message: Notice) => {
        if (!('ready' in message)) return;
        worker.off('message', onMessage);
        worker.off('error', reject);
        if (message.ready) resolve();
        else reject(revive(message.error));
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
    }).catch(async (error: unknown) => {
      await worker.terminate();
      throw error;
    });
    // Only requests in flight keep the process alive (as PGlite on this thread would).
    worker.unref();
    return new PgliteInWorker(worker);
  }

  query<R extends object>(sql: string, params: readonly WorkerSqlParam[] = []): Promise<WorkerQueryResult<R>> {
    return this.statement<R>(sql, params);
  }

  private statement<R extends object>(sql: string, params: readonly WorkerSqlParam[], tx?: number): Promise<WorkerQueryResult<R>> {
    return this.request({ op: 'query', sql, params, tx }).then(({ rows, affectedRows }) => ({ rows: (rows ?? []).map(inThisRealm) as R[], ...(affectedRows === undefined ? {} : { affectedRows }) }));
  }

  async exec(sql: string): Promise<void> {
    await this.request({ op: 'exec', sql });
  }

  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  async transaction<T>(work: (tx: WorkerTransaction) => Promise<T>): Promise<T> {
    const tx = this.nextTransaction++;
    // Not awaited: the worker queues this transaction's statements behind its BEGIN (see the worker).
    this.post({ op: 'begin', tx });
    const handle: WorkerTransaction = {
      query: <R extends object>(sql: string, params: readonly WorkerSqlParam[] = []) => this.statement<R>(sql, params, tx),
    };
    let result: T;
    try {
      result = await work(handle);
    } catch (error) {
      await this.request({ op: 'end', tx, commit: false }).catch(() => undefined);
      throw error;
    }
    await this.request({ op: 'end', tx, commit: true });
    return result;
  }

  /** Calls `onNotify` for every NOTIFY on `channel`; resolves to the way to stop. */
  async listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>> {
    if (this.listeners.has(channel)) throw new Error(`already listening on ${channel}`);
    this.listeners.set(channel, onNotify);
    await this.request({ op: 'listen', channel });
    return async () => {
      this.listeners.delete(channel);
      if (!this.failure) await this.request({ op: 'unlisten', channel });
    };
  }

  async close(): Promise<void> {
    if (this.failure) return;
    try {
      await this.request({ op: 'close' });
    } finally {
      this.failure = new Error('the database is closed');
      await this.worker.terminate();
    }
  }

  /** A message with no answer of its own. */
  private post(message: Record<string, unknown>): void {
    if (!this.failure) this.worker.postMessage(message);
  }

  private request(message: Record<string, unknown>): Promise<Reply & { ok: true }> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...message, id });
    });
  }

  private receive(message: Reply | Notice): void {
    if ('notify' in message) {
      this.listeners.get(message.notify)?.(message.payload);
      return;
    }
    if (!('id' in message)) return;
    const waiter = this.pending.get(message.id);
    if (!waiter) return;
    this.pending.delete(message.id);
    if (this.pending.size === 0) this.worker.unref();
    if (message.ok) waiter.resolve(message);
    else waiter.reject(revive(message.error));
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
  }
}
