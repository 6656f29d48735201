import { randomUUID } from 'node:crypto';

/**
 * Names this Jest run, so the suites that need the built engine build it once between them
 * (see `buildEngine`): workers start after this and inherit the variable.
 */
export default function globalSetup(): void {
  process.env['ENGINE_BUILD_RUN'] ??= randomUUID();
}
