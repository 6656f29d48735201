import { DomainError, IllegalStepError, ValidationError } from '../shared/domain-error';
import type { OrderEvent } from '../order/order-events';
import {
  DeciderSpecification,
  deliveryOtpLocked,
  deliveryOtpRejected,
  deliveryOtpReissued,
  freshOrderIds,
  noLogisticsPartnerFound,
  orderCancelled,
  packageImageRecorded,
  packedOrder,
  partnerJourney,
  shipmentCancelled,
  shipmentModeSwitched,
  shippedOffNetwork,
} from './decider-specification';
import { validateDomainEvent } from './event-contracts';

/** A toy decider: a counter that refuses to go above a limit taken from the context. */
type Command = { type: 'Add'; by: number };
type Event = { type: 'Added'; by: number; at: string };
type State = { total: number };
type Context = { now: Date; limit: number };

const spec = DeciderSpecification.for<Command, Event, State, Context>({
  decide: (command, state, ctx) => {
    if (command.by < 0) throw new ValidationError([{ field: 'by', message: 'must not be negative' }]);
    if (command.by === 0) return [];
    if (state.total + command.by > ctx.limit) throw new IllegalStepError('LIMIT_REACHED', 'Too much');
    return [{ type: 'Added', by: command.by, at: ctx.now.toISOString() }];
  },
  evolve: (state, event) => ({ total: state.total + event.by }),
  initialState: () => ({ total: 0 }),
  context: { now: new Date('2026-01-01T00:00:00Z'), limit: 10 },
});

const added = (by: number): Event => ({ type: 'Added', by, at: '2026-01-01T00:00:00.000Z' });

describe('DeciderSpecification', () => {
  it('then: the events decided on the replayed history, with the fixed context', () => {
    spec.given([added(4)]).when({ type: 'Add', by: 5 }).then([added(5)]);
  });

  it('then fails on other events', () => {
    expect(() => spec.given([]).when({ type: 'Add', by: 5 }).then([added(6)])).toThrow();
  });

  it('then fails, naming the error, when the decision is refused', () => {
    expect(() => spec.given([added(10)]).when({ type: 'Add', by: 1 }).then([])).toThrow(/LIMIT_REACHED/);
  });

  it('thenMatches: as many events, each with the given fields', () => {
    spec.given([]).when({ type: 'Add', by: 1 }).thenMatches([{ by: 1 }]);
    expect(() => spec.given([]).when({ type: 'Add', by: 1 }).thenMatches([{ by: 1 }, { by: 1 }])).toThrow();
    expect(() => spec.given([]).when({ type: 'Add', by: 1 }).thenMatches([{ by: 2 }])).toThrow();
  });

  it('a when may override parts of the context', () => {
    spec.given([added(10)]).when({ type: 'Add', by: 5 }, { limit: 20 }).then([added(5)]);
    spec.given([]).when({ type: 'Add', by: 1 }, { now: new Date('2026-02-01T00:00:00Z') }).then([{ type: 'Added', by: 1, at: '2026-02-01T00:00:00.000Z' }]);
  });

  it('the context may be built from the command', () => {
    const perCommand = DeciderSpecification.for<Command, Event, State, Context>({
      decide: (command, _state, ctx) => [{ type: 'Added', by: command.by, at: String(ctx.limit) }],
      evolve: (state) => state,
      initialState: () => ({ total: 0 }),
      context: (command) => ({ now: new Date(0), limit: command.by * 100 }),
    });

    perCommand.given([]).when({ type: 'Add', by: 3 }).then([{ type: 'Added', by: 3, at: '300' }]);
  });

  it('thenThrows: by class, by class and code, or by predicate; returns the error', () => {
    const error = spec.given([added(10)]).when({ type: 'Add', by: 1 }).thenThrows(IllegalStepError, 'LIMIT_REACHED');
    expect(error.message).toBe('Too much');
    spec.given([added(10)]).when({ type: 'Add', by: 1 }).thenThrows(DomainError);
    spec.given([]).when({ type: 'Add', by: -1 }).thenThrows((e) => e instanceof ValidationError && e.issues[0]?.field === 'by');
  });

  it('thenThrows fails when nothing is thrown, on another class, on another code or when the predicate says no', () => {
    expect(() => spec.given([]).when({ type: 'Add', by: 1 }).thenThrows(IllegalStepError)).toThrow(/Expected the decision to be refused/);
    expect(() => spec.given([]).when({ type: 'Add', by: -1 }).thenThrows(IllegalStepError)).toThrow(/Expected a IllegalStepError/);
    expect(() => spec.given([added(10)]).when({ type: 'Add', by: 1 }).thenThrows(IllegalStepError, 'OTHER_CODE')).toThrow();
    expect(() => spec.given([]).when({ type: 'Add', by: -1 }).thenThrows(() => false)).toThrow(/predicate/);
  });

  it('thenNothingHappens: accepted without events, and fails otherwise', () => {
    spec.given([]).when({ type: 'Add', by: 0 }).thenNothingHappens();
    expect(() => spec.given([]).when({ type: 'Add', by: 1 }).thenNothingHappens()).toThrow();
  });

  it('thenState and stateAfter: the history and the decision replayed', () => {
    expect(spec.given([added(2)]).when({ type: 'Add', by: 3 }).thenState()).toEqual({ total: 5 });
    expect(spec.stateAfter([added(2), added(3)])).toEqual({ total: 5 });
    expect(spec.given([added(2)]).when({ type: 'Add', by: 3 }).thenAccepted()).toEqual([added(3)]);
  });
});

describe('Order fixtures', () => {
  it('are events the domain could have written: each validates against its published contract', () => {
    const ids = freshOrderIds();
    const events: OrderEvent[] = [
      ...partnerJourney(ids, 'delivered'),
      ...partnerJourney(ids, 'rto_disposed').slice(-2),
      ...partnerJourney(ids, 'cancelled').slice(-1),
      packageImageRecorded(ids, 1),
      noLogisticsPartnerFound(ids),
      shipmentModeSwitched(ids),
      ...shippedOffNetwork(ids),
      deliveryOtpRejected(ids, 1),
      deliveryOtpLocked(ids),
      deliveryOtpReissued(ids, 2),
      ...packedOrder(ids),
      shipmentCancelled(ids),
      orderCancelled(ids),
    ];

    const problems = events.flatMap((event) => validateDomainEvent(event).errors);
    expect(problems).toEqual([]);
  });
});
