import { strToU8, zipSync, type Zippable } from 'fflate';
import { blake512Digest } from '../signing';
import type { LogEntry } from './ondc-transaction-log';

/** A name part kept to what every unzip tool and file system takes. */
const safe = (part: string): string => part.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 80);

/** `007_ORD-1_received_on_confirm_<message id>_2026-05-01T10-00-00.123Z.json`: in order, and saying what each is. */
export const logFileName = (entry: LogEntry, index: number): string =>
  `${String(index + 1).padStart(3, '0')}_${safe(entry.orderId)}_${entry.direction}_${safe(entry.action)}_${safe(entry.messageId)}_${safe(entry.timestamp)}.json`;

/**
 * One transaction's log as a zip: `<transaction>/messages/` holds each message's bare body, byte
 * for byte, and nothing else (the folder ONDC's log checks are pointed at); `answers/` the
 * synchronous ACK or NACK to each; `index.json` what each file is, the signature it came or went
 * with, and its BLAKE-512 digest as that signature signs it.
 */
export function transactionLogArchive(transactionId: string, entries: readonly LogEntry[]): Buffer {
  const root = safe(transactionId);
  const files: Zippable = {};
  const index = entries.map((entry, i) => {
    const name = logFileName(entry, i);
    files[`${root}/messages/${name}`] = entry.body;
    if (entry.answer) files[`${root}/answers/${name}`] = entry.answer.body;
    return {
      file: `messages/${name}`,
      direction: entry.direction,
      action: entry.action,
      messageId: entry.messageId,
      timestamp: entry.timestamp,
      loggedAt: entry.loggedAt.toISOString(),
      sellerId: entry.sellerId,
      orderId: entry.orderId,
      shipmentId: entry.shipmentId,
      peer: entry.peer,
      bytes: entry.body.length,
      digest: `BLAKE-512=${blake512Digest(entry.body)}`,
      ...(entry.authorization !== undefined ? { authorization: entry.authorization } : {}),
      ...(entry.answer ? { answer: { file: `answers/${name}`, httpStatus: entry.answer.httpStatus } } : {}),
    };
  });
  files[`${root}/index.json`] = strToU8(`${JSON.stringify({ transactionId, messages: index }, null, 2)}\n`);
  return Buffer.from(zipSync(files));
}
