export type { ConformanceFinding } from './conformance-finding';
export { checkSentMessage } from './check-message';
export { checkTransaction, type TransactionMessage } from './check-transaction';
