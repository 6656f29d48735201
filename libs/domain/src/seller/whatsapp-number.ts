import type { WhatsAppNumberCodeRef } from '../otp/hotp';
import { ConflictError, DomainError } from '../shared/domain-error';

/** The one-time code that proves a seller receives messages on the WhatsApp number they set. */
export interface WhatsAppNumberPolicy {
  codeTtlMs: number;
  /** Wrong codes before the pending code locks; setting the number again sends a fresh one. */
  maxAttempts: number;
  /** At most `maxRequests` codes per seller within any rolling `requestWindowMs`: each one messages the number. */
  maxRequests: number;
  requestWindowMs: number;
}

export const DEFAULT_WHATSAPP_NUMBER_POLICY: WhatsAppNumberPolicy = { codeTtlMs: 10 * 60_000, maxAttempts: 5, maxRequests: 3, requestWindowMs: 3600 * 1000 };

export interface WhatsAppNumberCodes {
  matches(ref: WhatsAppNumberCodeRef, candidate: string): boolean;
}

/**
 * One stream per number says which seller holds it. Claims append expecting the revision read (no
 * stream for a number never claimed), so two sellers verifying the same number at once cannot both win.
 */
export const whatsappNumberStream = (number: string): string => `whatsapp-number-${number}`;

export type WhatsAppNumberClaimEvent =
  | { type: 'WhatsAppNumberClaimed'; data: { number: string; sellerId: string; claimedAt: string } }
  | { type: 'WhatsAppNumberReleased'; data: { number: string; sellerId: string; releasedAt: string } };

export interface WhatsAppNumberClaim {
  holder?: string;
}

export const initialWhatsAppNumberClaim = (): WhatsAppNumberClaim => ({});

export function evolveWhatsAppNumberClaim(state: WhatsAppNumberClaim, event: WhatsAppNumberClaimEvent): WhatsAppNumberClaim {
  if (event.type === 'WhatsAppNumberClaimed') return { holder: event.data.sellerId };
  return state.holder === event.data.sellerId ? {} : state;
}

export const whatsappNumberTaken = (number: string): ConflictError =>
  new ConflictError('WHATSAPP_NUMBER_TAKEN', `WhatsApp number ${number} is already verified by another seller`, { number });

export function decideClaimWhatsAppNumber(state: WhatsAppNumberClaim, claim: { number: string; sellerId: string; now: Date }): WhatsAppNumberClaimEvent[] {
  if (state.holder === claim.sellerId) return [];
  if (state.holder !== undefined) throw whatsappNumberTaken(claim.number);
  return [{ type: 'WhatsAppNumberClaimed', data: { number: claim.number, sellerId: claim.sellerId, claimedAt: claim.now.toISOString() } }];
}

export function decideReleaseWhatsAppNumber(state: WhatsAppNumberClaim, release: { number: string; sellerId: string; now: Date }): WhatsAppNumberClaimEvent[] {
  if (state.holder !== release.sellerId) return [];
  return [{ type: 'WhatsAppNumberReleased', data: { number: release.number, sellerId: release.sellerId, releasedAt: release.now.toISOString() } }];
}

/** A wrong code is kept (it counts towards the lock), then reported to the caller as an error. */
export function whatsappCodeRefusalRecordedIn(events: ReadonlyArray<{ type: string; data: object }>): DomainError | undefined {
  const rejected = events.find((e) => e.type === 'SellerWhatsAppNumberCodeRejected');
  if (!rejected) return undefined;
  const attemptsLeft = (rejected.data as { attemptsLeft: number }).attemptsLeft;
  return attemptsLeft > 0
    ? new DomainError('validation', 'WHATSAPP_CODE_INCORRECT', `Wrong code; ${attemptsLeft} tries left`, { attemptsLeft })
    : new DomainError('validation', 'WHATSAPP_CODE_LOCKED', 'Wrong code; too many wrong tries, so the code is locked: set the number again for a fresh code', { attemptsLeft });
}
