/**
 * How much work each part of the suite does. `RELIABILITY_BUDGET=ci` keeps the whole suite well
 * under ten minutes on a loaded two-core machine; the default is the longer run for release checks.
 */
export interface Budget {
  name: 'ci' | 'full';
  /** SIGKILLs per store in the crash test. */
  kills: number;
  /** Workload clients running at once against the engine. */
  crashClients: number;
  /** Orders fought over in the concurrency test, per conflict kind. */
  contestedOrders: number;
  /** fast-check runs per fuzzed surface. */
  fuzzRunsPerSurface: number;
  /** Connection kills in the PostgreSQL fault test. */
  connectionKills: number;
}

const BUDGETS: Record<Budget['name'], Budget> = {
  ci: { name: 'ci', kills: 8, crashClients: 4, contestedOrders: 12, fuzzRunsPerSurface: 100, connectionKills: 8 },
  full: { name: 'full', kills: 40, crashClients: 8, contestedOrders: 60, fuzzRunsPerSurface: 300, connectionKills: 15 },
};

export function budget(): Budget {
  const name = process.env['RELIABILITY_BUDGET'] ?? 'full';
  if (name !== 'ci' && name !== 'full') throw new Error(`RELIABILITY_BUDGET must be ci or full (got "${name}")`);
  return BUDGETS[name];
}
