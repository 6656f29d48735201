/**
 * The machine, not the request, is short of something: disk space (507, ENOSPC, SQLSTATE 53100),
 * memory, file descriptors or connections (503). Such a failure is answered with `Retry-After`
 * and turns readiness red until a later write succeeds or the window passes, so a load balancer
 * stops sending work the process cannot keep.
 */
export type ResourceKind = 'storage' | 'other';

const STORAGE_ERRNO = new Set(['ENOSPC', 'EDQUOT']);
const OTHER_ERRNO = new Set(['EMFILE', 'ENFILE', 'ENOMEM']);
const STORAGE_MESSAGE = /no space left on device|disk full|quota exceeded|could not extend file/i;

/** The kind of resource exhaustion behind `error` (or anything in its `cause` chain), if any. */
export function resourceExhaustion(error: unknown): ResourceKind | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = (current as { cause?: unknown }).cause, depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') {
      if (STORAGE_ERRNO.has(code) || code === '53100') return 'storage';
      if (OTHER_ERRNO.has(code) || /^53[0-9A-Z]{3}$/.test(code)) return 'other';
    }
    if (STORAGE_MESSAGE.test(current.message)) return 'storage';
  }
  return undefined;
}

export interface ResourceFault {
  kind: ResourceKind;
  message: string;
  at: Date;
}

/** How long a fault keeps readiness red when no write succeeds after it. */
export const RESOURCE_FAULT_WINDOW_MS = 30_000;

class ResourceFaultLog {
  private last: ResourceFault | undefined;

  record(kind: ResourceKind, error: unknown): void {
    this.last = { kind, message: error instanceof Error ? error.message : String(error), at: new Date() };
  }

  /** A write went through: whatever was short is not any more. */
  clear(): void {
    this.last = undefined;
  }

  current(now = Date.now()): ResourceFault | undefined {
    return this.last && now - this.last.at.getTime() < RESOURCE_FAULT_WINDOW_MS ? this.last : undefined;
  }
}

/** One per process: faults are seen where errors become answers and read where readiness is judged. */
export const resourceFaults = new ResourceFaultLog();
