import { DomainError } from '@fulfil/domain';
import { StreamRevisionConflictError } from '@fulfil/event-store';

export const COMMAND_OBSERVER = Symbol('COMMAND_OBSERVER');

export type CommandResult = 'ok' | 'rejected' | 'conflict' | 'error';

/** Told about every command handled; metrics hang off it without the command side knowing Prometheus. */
export interface CommandObserver {
  observe(command: string, result: CommandResult, seconds: number): void;
}

export const ignoreCommands: CommandObserver = { observe: () => undefined };

export function resultOf(error: unknown): CommandResult {
  if (error instanceof StreamRevisionConflictError) return 'conflict';
  if (error instanceof DomainError) return 'rejected';
  return 'error';
}

export async function observed<T>(observer: CommandObserver, command: string, work: () => Promise<T>): Promise<T> {
  const started = process.hrtime.bigint();
  const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
  try {
    const result = await work();
    observer.observe(command, 'ok', seconds());
    return result;
  } catch (error) {
    observer.observe(command, resultOf(error), seconds());
    throw error;
  }
}
