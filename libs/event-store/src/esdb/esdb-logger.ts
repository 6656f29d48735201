/** The logger the EventStoreDB adapter reports reconnections to; shaped so a NestJS `Logger` can be wrapped in one line. */
export interface EsdbLogger {
  warn(message: string, context?: object): void;
  log(message: string, context?: object): void;
}

/** Default: one line per message on stderr, so dropped subscriptions are never silent. */
export const stderrLogger: EsdbLogger = {
  warn: (message, context) => writeLine('WARN', message, context),
  log: (message, context) => writeLine('LOG', message, context),
};

function writeLine(level: string, message: string, context: object | undefined): void {
  const details = context === undefined ? '' : ` ${JSON.stringify(context, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value))}`;
  process.stderr.write(`[EsdbEventStore] ${level} ${message}${details}\n`);
}
