import { checkReceivedTransaction, checkTransaction } from '@fulfil/ondc';
import type { ConformanceFinding, TransactionMessage } from '@fulfil/ondc';
import type { AdapterHarness, PlacedShipment } from './adapter-harness';

/**
 * What ONDC's log checks will read: every transaction of a shipment as the transaction log holds it
 * (the exact bytes each way), checked against the 1.2.5 rules once the adapter is idle.
 */
async function findingsIn(harness: AdapterHarness, placed: PlacedShipment, check: (messages: readonly TransactionMessage[]) => ConformanceFinding[]): Promise<ConformanceFinding[]> {
  await harness.driver.idle();
  const findings: ConformanceFinding[] = [];
  for (const transactionId of await harness.transactionsOf(placed.shipmentId)) findings.push(...check(await harness.transactionMessages(transactionId)));
  return findings;
}

/** Findings on what the adapter sent. */
export const findingsOnSent = (harness: AdapterHarness, placed: PlacedShipment) => findingsIn(harness, placed, checkTransaction);
/** Findings on what the partners sent back (the adapter, strict in tests, would have NACKed a breach). */
export const findingsOnReceived = (harness: AdapterHarness, placed: PlacedShipment) => findingsIn(harness, placed, checkReceivedTransaction);

async function actions(harness: AdapterHarness, placed: PlacedShipment, direction: 'sent' | 'received'): Promise<string[]> {
  const found: string[] = [];
  for (const transactionId of await harness.transactionsOf(placed.shipmentId)) {
    for (const m of await harness.transactionMessages(transactionId)) if (m.direction === direction) found.push((m.body as { context: { action: string } }).context.action);
  }
  return found;
}

export const receivedActions = (harness: AdapterHarness, placed: PlacedShipment) => actions(harness, placed, 'received');
export const sentActions = (harness: AdapterHarness, placed: PlacedShipment) => actions(harness, placed, 'sent');
