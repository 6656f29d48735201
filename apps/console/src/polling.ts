import { useEffect, useRef } from 'preact/hooks';

/**
 * Live updates by polling the read models: `refresh` runs every `everyMs` while the tab is
 * visible, never two at once. Polling (not SSE) because every query the console needs already
 * exists and answers from the read models (ADR 0029).
 */
export function usePolling(refresh: () => Promise<unknown>, everyMs: number, deps: unknown[]): void {
  const latest = useRef(refresh);
  latest.current = refresh;
  useEffect(() => {
    let running = false;
    const tick = async () => {
      if (running || document.visibilityState !== 'visible') return;
      running = true;
      try {
        await latest.current();
      } catch {
        // the page shows its own error from its next explicit load; a failed poll just waits for the next
      } finally {
        running = false;
      }
    };
    const timer = setInterval(() => void tick(), everyMs);
    return () => clearInterval(timer);
  }, deps);
}
