export type { ConformanceFinding } from './conformance-finding';
export { checkSentMessage } from './check-message';
export { checkReceivedMessage, checkReceivedTransaction } from './check-received-message';
export { checkTransaction, type TransactionMessage } from './check-transaction';
