import type { ProjectionStatusEntry } from './projection-status';

/** Behind by more than this, a projection still answers but reads as stuck for readiness. */
export const STUCK_LAG_SECONDS = 60;

/** The projections that make a process not ready: failed, or stuck behind the store's head. */
export function unreadyProjections(entries: readonly ProjectionStatusEntry[], stuckLagSeconds = STUCK_LAG_SECONDS): ProjectionStatusEntry[] {
  return entries.filter((p) => p.state === 'failed' || p.lagSeconds > stuckLagSeconds);
}

/** What `/health/ready` shows of each projection. */
export function projectionHealthDetails(entries: readonly ProjectionStatusEntry[]) {
  return Object.fromEntries(
    entries.map((p) => [
      p.name,
      { kind: p.kind, state: p.state, position: p.position.toString(), lagEvents: p.lagEvents ?? null, lagSeconds: Math.round(p.lagSeconds * 10) / 10, ...(p.error ? { error: p.error } : {}) },
    ]),
  );
}
