// The PGlite side of `PgliteInWorker`: one database, opened in this worker thread, so its WebAssembly
// engine never runs on the thread that answers HTTP requests. Plain CommonJS, so the same file runs
// from the sources (tests) and from dist (the build copies it).
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const { mkdirSync } = require('node:fs');
const { PGlite, protocol, parse } = require('@electric-sql/pglite');

const wire = protocol.serialize;

/** More distinct statements than this and the prepared ones are dropped and prepared again as they come. */
const MAX_PREPARED = 500;

/** SQLSTATEs after which a prepared statement must be prepared again: its plan's result type changed (0A000), or it is gone (26000). */
const STALE_STATEMENT = new Set(['0A000', '26000']);

function concat(parts) {
  const bytes = new Uint8Array(parts.reduce((length, part) => length + part.length, 0));
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.length;
  }
  return bytes;
}

/**
 * Every statement as a named prepared statement, run with one call into the engine. PGlite's own
 * `query` parses, describes, binds and executes in five calls and plans the text anew each time:
 * a tail read of the store took 1.1 ms that way and 0.19 ms prepared (ADR 0031). This follows what
 * `query` does in PGlite 0.5 (pinned): the same locks, parameter serializers, result parsers and
 * file-system sync; `_runExclusiveTransaction`/`_runExclusiveQuery` are the locks `query` and a
 * transaction's `query` take.
 */
class PreparedStatements {
  constructor(db) {
    this.db = db;
    this.statements = new Map();
    this.nextName = 1;
  }

  /** A statement outside any transaction: it waits for open transactions like PGlite's `query`. */
  query(sql, params) {
    return this.db._runExclusiveTransaction(() => this.inTransaction(sql, params, false));
  }

  /** A statement of the transaction that holds PGlite's transaction lock. */
  inTransaction(sql, params, inTransaction = true) {
    return this.db._runExclusiveQuery(async () => {
      try {
        return await this.run(sql, params, inTransaction);
      } catch (error) {
        if (!STALE_STATEMENT.has(error && error.code)) throw error;
        this.statements.delete(sql);
        // In a transaction the error has aborted it: the caller's retry prepares the statement anew.
        if (inTransaction) throw error;
        return this.run(sql, params, inTransaction);
      }
    });
  }

  async run(sql, params, inTransaction) {
    const { name, paramTypes } = this.statements.get(sql) ?? (await this.prepare(sql));
    const values = params.map((value, i) => {
      if (value === null || value === undefined) return null;
      const serialize = this.db.serializers[paramTypes[i]];
      return serialize ? serialize(value) : value.toString();
    });
    const { messages } = await this.db.execProtocol(concat([wire.bind({ statement: name, values }), wire.describe({ type: 'P' }), wire.execute({}), wire.sync()]), { syncToFs: false });
    if (!inTransaction) await this.db.syncToFs();
    const [result] = parse.parseResults(messages, this.db.parsers);
    return { rows: result ? result.rows : [], affectedRows: result ? result.affectedRows : 0 };
  }

  async prepare(sql) {
    if (this.statements.size >= MAX_PREPARED) await this.dropAll();
    const name = `s${this.nextName++}`;
    const { messages } = await this.db.execProtocol(concat([wire.parse({ name, text: sql }), wire.describe({ type: 'S', name }), wire.sync()]), { syncToFs: false });
    const statement = { name, paramTypes: parse.parseDescribeStatementResults(messages) };
    this.statements.set(sql, statement);
    return statement;
  }

  async dropAll() {
    this.statements.clear();
    await this.db.execProtocol(wire.query('DEALLOCATE ALL'), { syncToFs: false });
  }
}

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
  const statements = new PreparedStatements(db);
  /** Open transactions by id: the PGlite handle and how to end the callback that holds it. */
  const transactions = new Map();
  const listeners = new Map();

  const reply = (id, result) => parentPort.postMessage({ id, ok: true, ...result });
  const fail = (id, error) => parentPort.postMessage({ id, ok: false, error: describe(error) });

  const handlers = {
    async query({ sql, params, tx }) {
      if (tx === undefined) return statements.query(sql, params);
      const handle = await transactions.get(tx)?.handle;
      if (!handle || handle.closed) throw new Error(`transaction ${tx} is not open`);
      return statements.inTransaction(sql, params);
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
