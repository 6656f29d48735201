export * from './event-store';
export * from './errors';
export * from './esdb';
export * from './create-event-store';
export { SqlEventStore } from './sql/sql-event-store';
export { inPgTransaction } from './sql/pg-transaction';
