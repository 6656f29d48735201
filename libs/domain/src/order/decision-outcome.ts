import { DomainError } from '../shared/domain-error';
import type { OrderEvent } from './order-events';

/**
 * Some refusals are facts worth keeping (a wrong OTP counts towards the lock), so they are
 * appended and then reported to the caller as an error.
 */
export function refusalRecordedIn(events: readonly OrderEvent[]): DomainError | undefined {
  const locked = events.find((e) => e.type === 'DeliveryOtpLocked');
  if (locked) {
    return new DomainError('validation', 'DELIVERY_OTP_LOCKED', 'Wrong OTP; too many wrong tries, so the OTP is locked: issue a fresh OTP to the buyer once the lockout ends', {
      shipmentId: locked.data.shipmentId,
    });
  }
  const rejected = events.find((e) => e.type === 'DeliveryOtpRejected');
  if (rejected && rejected.type === 'DeliveryOtpRejected') {
    return new DomainError('validation', 'DELIVERY_OTP_INCORRECT', `Wrong OTP; ${rejected.data.attemptsLeft} tries left`, {
      shipmentId: rejected.data.shipmentId,
      attemptsLeft: rejected.data.attemptsLeft,
    });
  }
  return undefined;
}
