export * from './event-store';
export { newEventId } from './new-event-id';
export * from './errors';
export * from './esdb';
export * from './create-event-store';
export { SqlEventStore, isDatabaseUnreachable } from './sql/sql-event-store';
export { openPostgres, type PostgresOptions } from './sql/sql-connection';
export { inPgTransaction } from './sql/pg-transaction';
export * from './versioned-event-store';
