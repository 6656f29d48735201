import { DomainError, IllegalStepError, RateLimitedError, ValidationError } from '../shared/domain-error';
import {
  NOW,
  NOW_ISO,
  OTP_POLICY,
  OrderIds,
  deliveryOtpIssued,
  deliveryOtpLocked,
  deliveryOtpRejected,
  deliveryOtpReissued,
  freshOrderIds,
  minutesAfterNow,
  orderSpecification,
  packedOrder,
  partnerJourney,
  otpFor,
  shippedOffNetwork,
  wrongOtpFor,
} from '../testing/decider-specification';
import { refusalRecordedIn } from './decision-outcome';
import type { OrderCommand } from './order-commands';

const spec = orderSpecification();

const verify = (ids: OrderIds, otp: string): OrderCommand => ({ type: 'VerifyDeliveryOtp', ...ids, otp });
const reissue = (ids: OrderIds): OrderCommand => ({ type: 'ReissueDeliveryOtp', ...ids });
const ref = (ids: OrderIds) => ({ orderId: ids.orderId, shipmentId: ids.shipmentId });

/** Shipped off-network, then `failures` wrong codes entered (locking at OTP_POLICY.maxAttempts). */
const afterWrongTries = (ids: OrderIds, failures: number) => [
  ...shippedOffNetwork(ids),
  ...Array.from({ length: failures }, (_, i) => deliveryOtpRejected(ids, i + 1)),
  ...(failures >= OTP_POLICY.maxAttempts ? [deliveryOtpLocked(ids)] : []),
];

describe('Delivery OTP', () => {
  it('entered correctly marks the shipment delivered', () => {
    const ids = freshOrderIds();

    spec.given(shippedOffNetwork(ids)).when(verify(ids, otpFor(ids))).then([
      { type: 'DeliveryOtpVerified', data: { ...ref(ids), otpSequence: 1, verifiedAt: NOW_ISO } },
      { type: 'ShipmentDelivered', data: { ...ref(ids), via: 'otp', deliveredAt: NOW_ISO } },
    ]);
  });

  it('never appears in an event', () => {
    const ids = freshOrderIds();
    const code = otpFor(ids);

    const events = [...shippedOffNetwork(ids), ...spec.given(shippedOffNetwork(ids)).when(verify(ids, code)).thenAccepted()];
    expect(JSON.stringify(events)).not.toContain(code);
  });

  it('entered wrongly is rejected and says how many tries are left', () => {
    const ids = freshOrderIds();

    spec.given(shippedOffNetwork(ids)).when(verify(ids, wrongOtpFor(ids))).then([
      { type: 'DeliveryOtpRejected', data: { ...ref(ids), otpSequence: 1, failedAttempts: 1, attemptsLeft: OTP_POLICY.maxAttempts - 1, rejectedAt: NOW_ISO } },
    ]);
  });

  it('entered wrongly on the last try is rejected and locked', () => {
    const ids = freshOrderIds();
    const last = OTP_POLICY.maxAttempts;

    spec.given(afterWrongTries(ids, last - 1)).when(verify(ids, wrongOtpFor(ids))).then([
      { type: 'DeliveryOtpRejected', data: { ...ref(ids), otpSequence: 1, failedAttempts: last, attemptsLeft: 0, rejectedAt: NOW_ISO } },
      { type: 'DeliveryOtpLocked', data: { ...ref(ids), otpSequence: 1, failedAttempts: last, lockedAt: NOW_ISO } },
    ]);
  });

  it('still accepts the right code after some wrong tries', () => {
    const ids = freshOrderIds();

    spec.given(afterWrongTries(ids, OTP_POLICY.maxAttempts - 1)).when(verify(ids, otpFor(ids))).thenMatches([{ type: 'DeliveryOtpVerified' }, { type: 'ShipmentDelivered' }]);
  });

  it('once locked refuses even the right code', () => {
    const ids = freshOrderIds();

    spec.given(afterWrongTries(ids, OTP_POLICY.maxAttempts)).when(verify(ids, otpFor(ids))).thenThrows(IllegalStepError, 'DELIVERY_OTP_LOCKED');
  });

  it('after it expired is refused', () => {
    const ids = freshOrderIds();

    spec
      .given(shippedOffNetwork(ids, minutesAfterNow(-1).toISOString()))
      .when(verify(ids, otpFor(ids)))
      .thenThrows(IllegalStepError, 'DELIVERY_OTP_EXPIRED');
  });

  it('is still valid at the very moment it expires', () => {
    const ids = freshOrderIds();

    spec
      .given(shippedOffNetwork(ids, NOW_ISO))
      .when(verify(ids, otpFor(ids)))
      .thenMatches([{ type: 'DeliveryOtpVerified' }, { type: 'ShipmentDelivered' }]);
  });

  it('expires by the clock of the decision', () => {
    const ids = freshOrderIds();
    const expiry = Date.parse(deliveryOtpIssued(ids).data.expiresAt);

    spec.given(shippedOffNetwork(ids)).when(verify(ids, otpFor(ids)), { now: new Date(expiry + 1) }).thenThrows(IllegalStepError, 'DELIVERY_OTP_EXPIRED');
  });

  it('for a shipment not yet shipped is refused', () => {
    const ids = freshOrderIds();

    spec.given(packedOrder(ids, 'off-network')).when(verify(ids, '123456')).thenThrows(IllegalStepError, 'SHIPMENT_NOT_SHIPPED');
  });

  it('for a shipment already delivered is refused', () => {
    const ids = freshOrderIds();
    const delivered = [...shippedOffNetwork(ids), ...spec.given(shippedOffNetwork(ids)).when(verify(ids, otpFor(ids))).thenAccepted()];

    spec.given(delivered).when(verify(ids, otpFor(ids))).thenThrows(IllegalStepError, 'SHIPMENT_ALREADY_DELIVERED');
  });

  it('for an on-network shipment (the partner confirms delivery) is refused', () => {
    const ids = freshOrderIds();

    spec.given(partnerJourney(ids, 'out_for_delivery')).when(verify(ids, '123456')).thenThrows(IllegalStepError, 'SHIPMENT_NOT_SHIPPED');
  });

  it.each(['12', 'abcdef', '123456789', ' 123456'])('of the wrong shape (%j) is refused without counting a try', (otp) => {
    const ids = freshOrderIds();

    const error = spec.given(shippedOffNetwork(ids)).when(verify(ids, otp)).thenThrows<ValidationError>(ValidationError);
    expect(error.issues.map((i) => i.field)).toEqual(['otp']);
  });
});

describe('Delivery OTP reissued', () => {
  it('sends a fresh code with the next sequence and a new expiry', () => {
    const ids = freshOrderIds();

    spec.given(shippedOffNetwork(ids)).when(reissue(ids)).then([
      {
        type: 'DeliveryOtpReissued',
        data: { ...ref(ids), otpSequence: 2, issuedAt: NOW_ISO, expiresAt: new Date(NOW.getTime() + OTP_POLICY.ttlMs).toISOString() },
      },
    ]);
  });

  it('after the lockout ended unlocks: the fresh code is accepted', () => {
    const ids = freshOrderIds();

    spec
      .given([...afterWrongTries(ids, OTP_POLICY.maxAttempts), deliveryOtpReissued(ids, 2)])
      .when(verify(ids, otpFor(ids, 2)))
      .then([
        { type: 'DeliveryOtpVerified', data: { ...ref(ids), otpSequence: 2, verifiedAt: NOW_ISO } },
        { type: 'ShipmentDelivered', data: { ...ref(ids), via: 'otp', deliveredAt: NOW_ISO } },
      ]);
  });

  it('retires the old code', () => {
    const ids = freshOrderIds();

    spec
      .given([...shippedOffNetwork(ids), deliveryOtpReissued(ids, 2)])
      .when(verify(ids, otpFor(ids, 1)))
      .thenMatches([{ type: 'DeliveryOtpRejected', data: { otpSequence: 2, failedAttempts: 1 } }]);
  });

  it('after the lockout ended starts counting wrong tries again', () => {
    const ids = freshOrderIds();

    spec
      .given([...afterWrongTries(ids, OTP_POLICY.maxAttempts), deliveryOtpReissued(ids, 2)])
      .when(verify(ids, wrongOtpFor(ids, 2)))
      .thenMatches([{ type: 'DeliveryOtpRejected', data: { otpSequence: 2, failedAttempts: 1, attemptsLeft: OTP_POLICY.maxAttempts - 1 } }]);
  });

  it('keeps the wrong tries made on the previous code, so reissuing grants no extra guesses', () => {
    const ids = freshOrderIds();
    const last = OTP_POLICY.maxAttempts;

    spec
      .given([...afterWrongTries(ids, last - 1), deliveryOtpReissued(ids, 2)])
      .when(verify(ids, wrongOtpFor(ids, 2)))
      .then([
        { type: 'DeliveryOtpRejected', data: { ...ref(ids), otpSequence: 2, failedAttempts: last, attemptsLeft: 0, rejectedAt: NOW_ISO } },
        { type: 'DeliveryOtpLocked', data: { ...ref(ids), otpSequence: 2, failedAttempts: last, lockedAt: NOW_ISO } },
      ]);
  });

  it('during the lockout is refused with the seconds until it ends, and the lock holds', () => {
    const ids = freshOrderIds();
    const lockedTwentyMinutesAgo = [...afterWrongTries(ids, OTP_POLICY.maxAttempts - 1), deliveryOtpRejected(ids, OTP_POLICY.maxAttempts), deliveryOtpLocked(ids, 1, minutesAfterNow(-20).toISOString())];

    const error = spec.given(lockedTwentyMinutesAgo).when(reissue(ids)).thenThrows<RateLimitedError>(RateLimitedError, 'DELIVERY_OTP_LOCKOUT_ACTIVE');
    expect(error.retryAfterSeconds).toBe(40 * 60);
    expect(error.details).toMatchObject({ shipmentId: ids.shipmentId, lockedUntil: minutesAfterNow(40).toISOString() });
    spec.given(lockedTwentyMinutesAgo).when(verify(ids, otpFor(ids))).thenThrows(IllegalStepError, 'DELIVERY_OTP_LOCKED');
  });

  it('is allowed the moment the lockout ends', () => {
    const ids = freshOrderIds();

    spec
      .given([...shippedOffNetwork(ids), deliveryOtpLocked(ids, 1, minutesAfterNow(-60).toISOString())])
      .when(reissue(ids))
      .thenMatches([{ type: 'DeliveryOtpReissued', data: { otpSequence: 2 } }]);
  });

  it(`beyond ${OTP_POLICY.maxReissues} within a rolling hour is refused until the oldest one leaves the window`, () => {
    const ids = freshOrderIds();
    const reissues = [-50, -30, -10].map((minutes, i) => deliveryOtpReissued(ids, i + 2, minutesAfterNow(minutes).toISOString()));

    const error = spec.given([...shippedOffNetwork(ids), ...reissues]).when(reissue(ids)).thenThrows<RateLimitedError>(RateLimitedError, 'DELIVERY_OTP_REISSUE_LIMIT');
    expect(error.retryAfterSeconds).toBe(10 * 60);
    expect(error.details).toMatchObject({ shipmentId: ids.shipmentId, maxReissues: OTP_POLICY.maxReissues, retryAfterSeconds: 600 });
  });

  it('does not count reissues older than the window', () => {
    const ids = freshOrderIds();
    const reissues = [-60, -30, -10].map((minutes, i) => deliveryOtpReissued(ids, i + 2, minutesAfterNow(minutes).toISOString()));

    spec.given([...shippedOffNetwork(ids), ...reissues]).when(reissue(ids)).thenMatches([{ type: 'DeliveryOtpReissued', data: { otpSequence: 5 } }]);
  });

  it('rounds the wait up to whole seconds', () => {
    const ids = freshOrderIds();
    const reissues = [-50, -30, -10].map((minutes, i) => deliveryOtpReissued(ids, i + 2, minutesAfterNow(minutes).toISOString()));

    const error = spec
      .given([...shippedOffNetwork(ids), ...reissues])
      .when(reissue(ids), { now: new Date(NOW.getTime() + 500) })
      .thenThrows<RateLimitedError>(RateLimitedError, 'DELIVERY_OTP_REISSUE_LIMIT');
    expect(error.retryAfterSeconds).toBe(600);
  });

  it('for a shipment not shipped yet is refused', () => {
    const ids = freshOrderIds();

    spec.given(packedOrder(ids, 'off-network')).when(reissue(ids)).thenThrows(IllegalStepError, 'SHIPMENT_NOT_SHIPPED');
  });

  it('after delivery is refused', () => {
    const ids = freshOrderIds();
    const delivered = [...shippedOffNetwork(ids), ...spec.given(shippedOffNetwork(ids)).when(verify(ids, otpFor(ids))).thenAccepted()];

    spec.given(delivered).when(reissue(ids)).thenThrows(IllegalStepError, 'SHIPMENT_NOT_SHIPPED');
  });
});

describe('refusalRecordedIn: a wrong OTP is written, then reported as an error', () => {
  it('a rejection becomes DELIVERY_OTP_INCORRECT with the tries left', () => {
    const ids = freshOrderIds();
    const events = spec.given(shippedOffNetwork(ids)).when(verify(ids, wrongOtpFor(ids))).thenMatches([{ type: 'DeliveryOtpRejected' }]);

    const refusal = refusalRecordedIn(events);
    expect(refusal).toBeInstanceOf(DomainError);
    expect(refusal).toMatchObject({ kind: 'validation', code: 'DELIVERY_OTP_INCORRECT', details: { shipmentId: ids.shipmentId, attemptsLeft: OTP_POLICY.maxAttempts - 1 } });
  });

  it('a lock becomes DELIVERY_OTP_LOCKED', () => {
    const ids = freshOrderIds();
    const events = spec.given(afterWrongTries(ids, OTP_POLICY.maxAttempts - 1)).when(verify(ids, wrongOtpFor(ids))).thenAccepted();

    expect(refusalRecordedIn(events)).toMatchObject({ code: 'DELIVERY_OTP_LOCKED', details: { shipmentId: ids.shipmentId } });
  });

  it('accepted decisions are no refusal', () => {
    const ids = freshOrderIds();

    expect(refusalRecordedIn(spec.given(shippedOffNetwork(ids)).when(verify(ids, otpFor(ids))).thenAccepted())).toBeUndefined();
    expect(refusalRecordedIn([])).toBeUndefined();
  });
});
