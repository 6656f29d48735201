// The PGlite side of `PgliteInWorker`: one database, opened in this worker thread, so its WebAssembly
// engine never runs on the thread that answers HTTP requests. Plain CommonJS, so the same file runs
// from the sources (tests) and from dist (the build copies it).
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const { mkdirSync } = require('node:fs');
const { PGlite } = require('@electric-sql/pglite');

/** The fields of a PostgreSQL error the callers read (SQLSTATE, constraint…); an Error's own properties do not survive postMessage. */
const ERROR_FIELDS = ['code', 'severity', 'detail', 'hint', 'constraint', 'table', 'schema', 'column', 'position', 'where'];

function describe(error) {
  const described = { name: error && error.name ? String(error.name) : 'Error', message: error && error.message ? String(error.message) : String(error) };
  for (const field of ERROR_FIELDS) if (error && error[field] !== undefined) described[field] = error[field];
  return described;
}

const ROLLBACK = Symbol('rollback');

async function main() {
  const { dataDir } = workerData;
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir || undefined);
  /** Open transactions by id: the PGlite handle and how to end the callback that holds it. */
  const transactions = new Map();
  const listeners = new Map();

  const reply = (id, result) => parentPort.postMessage({ id, ok: true, ...result });
  const fail = (id, error) => parentPort.postMessage({ id, ok: false, error: describe(error) });

  const handlers = {
    async query({ sql, params, tx }) {
      const target = tx === undefined ? db : await transactions.get(tx)?.handle;
      if (!target) throw new Error(`transaction ${tx} is not open`);
      const result = await target.query(sql, params);
      return { rows: result.rows, affectedRows: result.affectedRows };
    },
    async exec({ sql }) {
      await db.exec(sql);
      return {};
    },
    // The caller names the transaction and sends its first statements without waiting for this
    // answer: they wait here for PGlite's lock, in the order they came, so a transaction costs no
    // round trip of its own to the calling thread.
    begin({ tx }) {
      let began;
      const handle = new Promise((resolve) => (began = resolve));
      let end;
      const ended = new Promise((resolve) => (end = resolve));
      const open = { handle, end, endId: undefined };
      transactions.set(tx, open);
      db.transaction(async (pglite) => {
        began(pglite);
        const { commit, endId } = await ended;
        open.endId = endId;
        if (!commit) throw ROLLBACK;
      })
        .then(
          () => reply(open.endId, {}),
          (error) => {
            // BEGIN itself failed: statements waiting for the handle are told, and so is `end`.
            began(undefined);
            if (error === ROLLBACK) reply(open.endId, {});
            else if (open.endId !== undefined) fail(open.endId, error);
            else open.failure = error;
          },
        )
        .finally(() => {
          if (!open.failure) transactions.delete(tx);
        });
      return undefined;
    },
    // Answered by the transaction's own callback once PGlite has committed or rolled back.
    end({ tx, commit, id }) {
      const open = transactions.get(tx);
      if (!open) throw new Error(`transaction ${tx} is not open`);
      if (open.failure) {
        transactions.delete(tx);
        throw open.failure;
      }
      open.end({ commit, endId: id });
      return undefined;
    },
    async listen({ channel }) {
      if (!listeners.has(channel)) listeners.set(channel, await db.listen(channel, (payload) => parentPort.postMessage({ notify: channel, payload })));
      return {};
    },
    async unlisten({ channel }) {
      const unlisten = listeners.get(channel);
      listeners.delete(channel);
      if (unlisten) await unlisten();
      return {};
    },
    async close() {
      await db.close();
      return {};
    },
  };

  parentPort.on('message', (message) => {
    const handler = handlers[message.op];
    Promise.resolve()
      .then(() => handler(message))
      .then(
        (result) => result !== undefined && reply(message.id, result),
        (error) => fail(message.id, error),
      );
  });
  parentPort.postMessage({ ready: true });
}

main().catch((error) => parentPort.postMessage({ ready: false, error: describe(error) }));
