import { START } from '@eventstore/db-client';
import { toEsdbPosition, toPortPosition } from '@fulfil/event-store';
import { esdbStartAfter, isKnownPosition, lastAppendedPosition } from '../../libs/event-store/src/esdb/esdb-position';

const MAX_U64 = (1n << 64n) - 1n;

describe('EventStoreDB position mapping', () => {
  it.each([
    { commit: 0n, prepare: 0n },
    { commit: 4096n, prepare: 4096n },
    { commit: 4349n, prepare: 0n },
    { commit: MAX_U64 - 1n, prepare: MAX_U64 },
  ])('round-trips $commit/$prepare exactly', (position) => {
    expect(toEsdbPosition(toPortPosition(position))).toEqual(position);
  });

  it("orders packed positions the way EventStoreDB orders $all: commit first, then prepare", () => {
    const inServerOrder = [
      { commit: 100n, prepare: 100n },
      { commit: 220n, prepare: 0n }, // checkpoint before the record at 220
      { commit: 220n, prepare: 220n },
      { commit: 221n, prepare: 0n },
      { commit: MAX_U64 - 1n, prepare: 5n },
    ];
    const packed = inServerOrder.map(toPortPosition);
    expect([...packed].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(packed);
    expect(new Set(packed).size).toBe(packed.length);
  });

  it('starts from the beginning when there is no checkpoint or the checkpoint is the head of an empty store', () => {
    expect(esdbStartAfter(undefined)).toBe(START);
    expect(esdbStartAfter(0n)).toBe(START);
    expect(esdbStartAfter(toPortPosition({ commit: 7n, prepare: 0n }))).toEqual({ commit: 7n, prepare: 0n });
  });

  it("takes an append's last event position from the commit position the server reports", () => {
    expect(lastAppendedPosition({ commit: 4219n, prepare: 4096n })).toBe(toPortPosition({ commit: 4219n, prepare: 4219n }));
  });

  it('recognises the "no position" sentinel of servers before 22.6', () => {
    expect(isKnownPosition({ commit: MAX_U64, prepare: MAX_U64 })).toBe(false);
    expect(isKnownPosition(undefined)).toBe(false);
    expect(isKnownPosition({ commit: 4096n, prepare: 4096n })).toBe(true);
  });
});
