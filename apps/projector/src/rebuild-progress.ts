import { Presets, SingleBar } from 'cli-progress';
import type { RebuildReport } from '@fulfil/read-models';

/** The bar counts thousandths of the store's head position: events of any kind are spread evenly enough for an ETA. */
const SCALE = 1000;

const share = (report: RebuildReport): number =>
  report.headPosition > 0n ? Math.min(SCALE, Number((report.position * BigInt(SCALE)) / report.headPosition)) : SCALE;

export interface RebuildProgressBar {
  update(report: RebuildReport): void;
  stop(): void;
}

/** `orders [=====-----] 52% | 104,000 events | 8,210 ev/s | ETA 12s`, on stderr. */
export function rebuildProgressBar(projection: string): RebuildProgressBar {
  const bar = new SingleBar(
    {
      format: `${projection.padEnd(18)} [{bar}] {percentage}% | {events} events | {rate} ev/s | ETA {eta_formatted} | {phase}`,
      hideCursor: true,
      etaBuffer: 50,
    },
    Presets.shades_classic,
  );
  const started = performance.now();
  bar.start(SCALE, 0, { events: '0', rate: '0', phase: 'copying' });
  return {
    update(report) {
      const seconds = (performance.now() - started) / 1000;
      bar.update(report.phase === 'done' ? SCALE : share(report), {
        events: report.eventsDone.toLocaleString('en-US'),
        rate: seconds > 0 ? Math.round(report.eventsDone / seconds).toLocaleString('en-US') : '0',
        phase: report.phase,
      });
    },
    stop: () => bar.stop(),
  };
}
