export * from './event-store-contract';
export * from './sql-held-transaction';
