/**
 * Polls until `probe` holds, or fails naming `what` at the deadline: tests wait for a condition,
 * never a fixed time. A probe that throws counts as "not yet" (a server still starting, say).
 */
export async function until(what: string, probe: () => boolean | Promise<boolean>, deadlineMs = 60_000, intervalMs = 50): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    if (await Promise.resolve().then(probe).catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`Timed out after ${deadlineMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
