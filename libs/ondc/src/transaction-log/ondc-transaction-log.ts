import { createHash } from 'node:crypto';
import { qualifiedName, quoteIdent, type SqlDatabase, type SqlExecutor } from '@fulfil/read-models';

export type LogDirection = 'sent' | 'received';

/** A message as it went on the wire, with what names it in an export. */
export interface LoggedMessage {
  transactionId: string;
  direction: LogDirection;
  action: string;
  messageId: string;
  /** `context.timestamp` of the message. */
  timestamp: string;
  sellerId: string;
  orderId: string;
  shipmentId: string;
  /** The partner's bpp_id for what we received, the URL posted to for what we sent. */
  peer: string;
  /** The exact bytes sent or received. */
  body: Buffer;
  /** The Authorization header that signed those bytes (ours or the partner's): public, it holds no key. */
  authorization?: string;
}

/** The synchronous answer to a message: the peer's ACK or NACK to what we sent, ours to what we received. */
export interface LoggedAnswer {
  httpStatus: number;
  body: Buffer;
}

export interface LogEntry extends LoggedMessage {
  seq: number;
  loggedAt: Date;
  answer?: LoggedAnswer;
}

interface Row {
  seq: string | number;
  transaction_id: string;
  direction: LogDirection;
  action: string;
  message_id: string;
  context_timestamp: string;
  seller_id: string;
  order_id: string;
  shipment_id: string;
  peer: string;
  authorization_header: string | null;
  body: string;
  answer_status: number | null;
  answer: string | null;
  logged_at: Date | string;
}

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** Where the log lives: the adapter's host resolves it once its database is open. */
export type LogDatabase = () => Promise<{ db: SqlDatabase; schema: string }> | { db: SqlDatabase; schema: string };

/**
 * The bytes of every ONDC message the adapter sent or accepted, per transaction, in a table beside
 * the read models (ADR 0032). The conversation events keep messages as parsed JSON, which the event
 * store re-serialises; ONDC's pre-production review wants the bodies as they went on the wire.
 * Bytes are `bytea`, bound as base64 text so both PostgreSQL drivers pass them the same way.
 * A message is kept once per (transaction, direction, message id, bytes): a byte-identical repeat
 * adds nothing.
 */
export class OndcTransactionLog {
  private opened: Promise<{ db: SqlDatabase; table: string }> | undefined;

  constructor(private readonly database: LogDatabase) {}

  /**
   * Keeps a message we received, before it is ACKed: nothing is ACKed without its log. Resolves to
   * the new row's `seq`, or undefined when these bytes were logged already.
   */
  async received(message: LoggedMessage, answer: LoggedAnswer): Promise<number | undefined> {
    const { db, table } = await this.open();
    return this.insert(db, table, message, answer);
  }

  /** Takes back a row whose callback could not be recorded after all (so was not ACKed). */
  async forget(seq: number): Promise<void> {
    const { db, table } = await this.open();
    await db.query(`DELETE FROM ${table} WHERE seq = $1`, [seq]);
  }

  /** Keeps a message we are about to send; its answer follows with `answered`. */
  async sent(message: LoggedMessage): Promise<number> {
    const { db, table } = await this.open();
    const inserted = await this.insert(db, table, message);
    if (inserted !== undefined) return inserted;
    const { rows } = await db.query<{ seq: string | number }>(
      `SELECT seq FROM ${table} WHERE transaction_id = $1 AND direction = $2 AND message_id = $3 AND body_sha256 = $4`,
      [message.transactionId, message.direction, message.messageId, sha256(message.body)],
    );
    if (!rows[0]) throw new Error(`the log lost message ${message.messageId} of transaction ${message.transactionId}`);
    return Number(rows[0].seq);
  }

  /** What the peer answered to a message we sent, and the signature of the try it answered. */
  async answered(seq: number, answer: LoggedAnswer | undefined, authorization: string): Promise<void> {
    const { db, table } = await this.open();
    await db.query(`UPDATE ${table} SET authorization_header = $2, answer_status = $3, answer = decode($4, 'base64') WHERE seq = $1`, [
      seq,
      authorization,
      answer?.httpStatus ?? null,
      answer ? answer.body.toString('base64') : null,
    ]);
  }

  /** A transaction's messages in the order they were logged. */
  async messagesOf(transactionId: string): Promise<LogEntry[]> {
    const { db, table } = await this.open();
    const { rows } = await db.query<Row>(
      `SELECT seq, transaction_id, direction, action, message_id, context_timestamp, seller_id, order_id, shipment_id, peer, authorization_header,
              encode(body, 'base64') AS body, answer_status, encode(answer, 'base64') AS answer, logged_at
         FROM ${table} WHERE transaction_id = $1 ORDER BY seq`,
      [transactionId],
    );
    return rows.map(entryOf);
  }

  private async insert(db: SqlExecutor, table: string, message: LoggedMessage, answer?: LoggedAnswer): Promise<number | undefined> {
    const { rows } = await db.query<{ seq: string | number }>(
      `INSERT INTO ${table} (transaction_id, direction, action, message_id, context_timestamp, seller_id, order_id, shipment_id, peer, authorization_header, body, body_sha256, answer_status, answer)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, decode($11, 'base64'), $12, $13, decode($14, 'base64'))
       ON CONFLICT (transaction_id, direction, message_id, body_sha256) DO NOTHING
       RETURNING seq`,
      [
        message.transactionId,
        message.direction,
        message.action,
        message.messageId,
        message.timestamp,
        message.sellerId,
        message.orderId,
        message.shipmentId,
        message.peer,
        message.authorization ?? null,
        message.body.toString('base64'),
        sha256(message.body),
        answer?.httpStatus ?? null,
        answer ? answer.body.toString('base64') : null,
      ],
    );
    return rows[0] ? Number(rows[0].seq) : undefined;
  }

  private open(): Promise<{ db: SqlDatabase; table: string }> {
    this.opened ??= (async () => {
      const { db, schema } = await this.database();
      const table = qualifiedName(schema, 'ondc_transaction_log');
      await db.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
      await db.query(`CREATE TABLE IF NOT EXISTS ${table} (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        transaction_id text NOT NULL,
        direction text NOT NULL CHECK (direction IN ('sent', 'received')),
        action text NOT NULL,
        message_id text NOT NULL,
        context_timestamp text NOT NULL,
        seller_id text NOT NULL,
        order_id text NOT NULL,
        shipment_id text NOT NULL,
        peer text NOT NULL,
        authorization_header text,
        body bytea NOT NULL,
        body_sha256 text NOT NULL,
        answer_status integer,
        answer bytea,
        logged_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (transaction_id, direction, message_id, body_sha256)
      )`);
      return { db, table };
    })().catch((error: unknown) => {
      // A failed open (database not up yet) is tried again by the next use.
      this.opened = undefined;
      throw error;
    });
    return this.opened;
  }
}

function entryOf(row: Row): LogEntry {
  return {
    seq: Number(row.seq),
    transactionId: row.transaction_id,
    direction: row.direction,
    action: row.action,
    messageId: row.message_id,
    timestamp: row.context_timestamp,
    sellerId: row.seller_id,
    orderId: row.order_id,
    shipmentId: row.shipment_id,
    peer: row.peer,
    body: Buffer.from(row.body, 'base64'),
    ...(row.authorization_header !== null ? { authorization: row.authorization_header } : {}),
    ...(row.answer_status !== null && row.answer !== null ? { answer: { httpStatus: row.answer_status, body: Buffer.from(row.answer, 'base64') } } : {}),
    loggedAt: row.logged_at instanceof Date ? row.logged_at : new Date(row.logged_at),
  };
}
