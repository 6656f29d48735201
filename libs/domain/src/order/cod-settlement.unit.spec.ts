import { IllegalStepError, NotFoundError, ValidationError } from '../shared/domain-error';
import { NOW_ISO, OrderIds, PARTNER, freshOrderIds, orderReceived, orderSpecification, partnerJourney, readyForPickup, shippedOffNetwork } from '../testing/decider-specification';
import type { OrderCommand, OrderCommandOf } from './order-commands';
import type { OrderEvent } from './order-events';

const spec = orderSpecification();
const UTR = 'UTIB0000123456789012';

/** The COD fixture order is due its whole total on delivery: that is what the adapter claims. */
const duePaise = (ids: OrderIds): number => orderReceived(ids).data.totalPaise;

const delivered = (ids: OrderIds): OrderEvent[] => partnerJourney(ids, 'delivered');

const settlement = (ids: OrderIds, overrides: Partial<OrderCommandOf<'RecordCodSettlement'>> = {}): OrderCommand => ({
  type: 'RecordCodSettlement',
  ...ids,
  partnerId: PARTNER.partnerId,
  claimedPaise: duePaise(ids),
  partnerPaise: duePaise(ids),
  status: 'settled',
  settlementRef: UTR,
  accord: true,
  ...overrides,
});

function reconciled(ids: OrderIds, status: 'pending' | 'settled' = 'settled'): OrderEvent {
  return {
    type: 'CodSettlementReconciled',
    data: {
      orderId: ids.orderId,
      shipmentId: ids.shipmentId,
      partnerId: PARTNER.partnerId,
      partnerName: PARTNER.partnerName,
      amountPaise: duePaise(ids),
      status,
      ...(status === 'settled' ? { settlementRef: UTR } : {}),
      reconciledAt: NOW_ISO,
    },
  };
}

function mismatched(ids: OrderIds, partnerPaise: number, accord = false): OrderEvent {
  return {
    type: 'CodSettlementMismatched',
    data: { orderId: ids.orderId, shipmentId: ids.shipmentId, partnerId: PARTNER.partnerId, partnerName: PARTNER.partnerName, claimedPaise: duePaise(ids), partnerPaise, accord, reportedAt: NOW_ISO },
  };
}

const pending = (ids: OrderIds): OrderCommand => settlement(ids, { status: 'pending', settlementRef: undefined });

describe('The partner answers the COD remittance we claimed for a delivered shipment', () => {
  it('in accord and for the amount claimed, the settlement is reconciled with its UTR', () => {
    const ids = freshOrderIds();

    spec.given(delivered(ids)).when(settlement(ids)).then([reconciled(ids)]);
  });

  it('in accord but not paid out yet, it is reconciled as pending', () => {
    const ids = freshOrderIds();

    spec.given(delivered(ids)).when(pending(ids)).then([reconciled(ids, 'pending')]);
  });

  it('for another amount, in accord or not, it is a mismatch for the seller', () => {
    const ids = freshOrderIds();
    const short = duePaise(ids) - 5_000;

    spec.given(delivered(ids)).when(settlement(ids, { partnerPaise: short, accord: false })).then([mismatched(ids, short)]);
    spec.given(delivered(ids)).when(settlement(ids, { partnerPaise: short, accord: true })).then([mismatched(ids, short, true)]);
  });

  it('for the amount claimed without accord, it is a mismatch too: the partner has not agreed', () => {
    const ids = freshOrderIds();

    spec.given(delivered(ids)).when(settlement(ids, { accord: false })).then([mismatched(ids, duePaise(ids))]);
  });

  it('is held on the shipment: outcome, status, both amounts and the reference', () => {
    const ids = freshOrderIds();

    const state = spec.given(delivered(ids)).when(settlement(ids)).thenState();
    expect(state.status === 'active' && state.shipments[0]!.codSettlement).toEqual({ outcome: 'reconciled', status: 'settled', claimedPaise: duePaise(ids), partnerPaise: duePaise(ids), settlementRef: UTR });
    const short = spec.given(delivered(ids)).when(settlement(ids, { partnerPaise: 100, accord: false })).thenState();
    expect(short.status === 'active' && short.shipments[0]!.codSettlement).toEqual({ outcome: 'mismatched', claimedPaise: duePaise(ids), partnerPaise: 100 });
  });
});

describe('A COD settlement told again or told anew', () => {
  it('the same answer again (the adapter retries, or the partner repeats its /on_recon) changes nothing', () => {
    const ids = freshOrderIds();

    spec.given([...delivered(ids), reconciled(ids)]).when(settlement(ids)).thenNothingHappens();
    spec.given([...delivered(ids), reconciled(ids, 'pending')]).when(pending(ids)).thenNothingHappens();
    spec.given([...delivered(ids), mismatched(ids, 100)]).when(settlement(ids, { partnerPaise: 100, accord: false })).thenNothingHappens();
  });

  it('pending, then settled, records the settlement', () => {
    const ids = freshOrderIds();

    spec.given([...delivered(ids), reconciled(ids, 'pending')]).when(settlement(ids)).then([reconciled(ids)]);
  });

  it('a mismatch cleared by a later reconciled answer records the reconciliation', () => {
    const ids = freshOrderIds();

    spec.given([...delivered(ids), mismatched(ids, 100)]).when(settlement(ids)).then([reconciled(ids)]);
  });

  it('a mismatch for a new amount is recorded again', () => {
    const ids = freshOrderIds();

    spec.given([...delivered(ids), mismatched(ids, 100)]).when(settlement(ids, { partnerPaise: 200, accord: false })).then([mismatched(ids, 200)]);
  });

  it('pending after settled for the same amount is an older answer arriving late: money paid out is not unpaid again', () => {
    const ids = freshOrderIds();

    spec.given([...delivered(ids), reconciled(ids)]).when(pending(ids)).thenNothingHappens();
  });
});

describe('A COD settlement is refused', () => {
  it('for a shipment the order does not have, or an order of another seller', () => {
    const ids = freshOrderIds();

    spec.given(delivered(ids)).when(settlement(ids, { shipmentId: 'shp-elsewhere' })).thenThrows(NotFoundError, 'SHIPMENT_NOT_FOUND');
    spec.given(delivered(ids)).when(settlement(ids, { sellerId: 'seller-elsewhere' })).thenThrows(NotFoundError, 'ORDER_NOT_FOUND');
  });

  it('off-network, or with no partner confirmed', () => {
    const offNetwork = freshOrderIds();
    spec.given(shippedOffNetwork(offNetwork)).when(settlement(offNetwork)).thenThrows(IllegalStepError, 'COD_SETTLEMENT_NO_PARTNER');
    const searching = freshOrderIds();
    spec.given(readyForPickup(searching)).when(settlement(searching)).thenThrows(IllegalStepError, 'COD_SETTLEMENT_NO_PARTNER');
  });

  it('from a partner that is not the shipment’s', () => {
    const ids = freshOrderIds();

    spec.given(delivered(ids)).when(settlement(ids, { partnerId: 'other.example.in' })).thenThrows(IllegalStepError, 'COD_SETTLEMENT_WRONG_PARTNER');
  });

  it('for a prepaid shipment: the partner collected no cash', () => {
    const ids = freshOrderIds();
    const prepaid = delivered(ids).map((e) =>
      e.type === 'OrderReceived' ? orderReceived(ids, { paymentMethod: 'prepaid' }) : e.type === 'ShipmentCreated' ? { ...e, data: { ...e.data, paymentMethod: 'prepaid' as const, codAmountPaise: 0 } } : e,
    );

    spec.given(prepaid).when(settlement(ids)).thenThrows(IllegalStepError, 'COD_SETTLEMENT_NOT_COD');
  });

  it('before the parcel is delivered', () => {
    const ids = freshOrderIds();

    spec.given(partnerJourney(ids, 'out_for_delivery')).when(settlement(ids)).thenThrows(IllegalStepError, 'COD_SETTLEMENT_NOT_DELIVERED');
  });

  it.each<[string, Partial<Record<keyof OrderCommandOf<'RecordCodSettlement'>, unknown>>, string]>([
    ['a fraction of a paisa claimed', { claimedPaise: 10.5 }, 'claimedPaise'],
    ['a negative amount from the partner', { partnerPaise: -1 }, 'partnerPaise'],
    ['an amount beyond safe integers', { partnerPaise: Number.MAX_SAFE_INTEGER + 1 }, 'partnerPaise'],
    ['an amount as text', { claimedPaise: '1000' }, 'claimedPaise'],
    ['an unknown status', { status: 'paid' }, 'status'],
    ['an empty reference', { settlementRef: '' }, 'settlementRef'],
    ['a blank reference', { settlementRef: '   ' }, 'settlementRef'],
    ['a reference over 100 characters', { settlementRef: 'U'.repeat(101) }, 'settlementRef'],
    ['a reference with a NUL', { settlementRef: 'UTR\u0000123' }, 'settlementRef'],
    ['a reference with a line break', { settlementRef: 'UTR\n123' }, 'settlementRef'],
    ['an accord that is not a boolean', { accord: 'yes' }, 'accord'],
  ])('with %s, naming the field', (_what, overrides, field) => {
    const ids = freshOrderIds();

    const error = spec
      .given(delivered(ids))
      .when(settlement(ids, overrides as Partial<OrderCommandOf<'RecordCodSettlement'>>))
      .thenThrows<ValidationError>(ValidationError, 'VALIDATION_FAILED');
    expect(error.issues.map((i) => i.field)).toEqual([field]);
  });

  it('with several fields wrong, naming each of them at once', () => {
    const ids = freshOrderIds();

    const error = spec
      .given(delivered(ids))
      .when(settlement(ids, { claimedPaise: -5, partnerPaise: 1.5, status: 'unknown' as 'settled', accord: undefined as unknown as boolean }))
      .thenThrows<ValidationError>(ValidationError);
    expect(error.issues.map((i) => i.field).sort()).toEqual(['accord', 'claimedPaise', 'partnerPaise', 'status']);
  });

  it('a 100-character reference is still taken', () => {
    const ids = freshOrderIds();

    spec.given(delivered(ids)).when(settlement(ids, { settlementRef: 'U'.repeat(100) })).thenMatches([{ type: 'CodSettlementReconciled', data: { settlementRef: 'U'.repeat(100) } }]);
  });
});
