import type { DeliveryOtpRef } from '../otp/hotp';
import type { GeoPoint } from '../shared/values';
import type { PendingWhatsAppNumber, SellerProfile, SellerSettings } from '../seller/seller';

export interface RegisteredSeller {
  sellerId: string;
  profile: SellerProfile;
  settings: SellerSettings;
  /** A WhatsApp number set but not confirmed yet: not used until it is. */
  pendingWhatsAppNumber?: PendingWhatsAppNumber;
}

export interface DeliveryOtpPolicy {
  ttlMs: number;
  /** Wrong tries per shipment before verification locks; a reissue does not restore them. */
  maxAttempts: number;
  /** How long a lock holds before a reissue may lift it; 0 lets a reissue lift it at once (the reissue limit still bounds wrong tries). */
  lockoutMs: number;
  /** At most `maxReissues` reissues per shipment within any rolling `reissueWindowMs`: each one messages the buyer. */
  maxReissues: number;
  reissueWindowMs: number;
}

const HOUR_MS = 3600 * 1000;

export const DEFAULT_DELIVERY_OTP_POLICY: DeliveryOtpPolicy = {
  ttlMs: 7 * 24 * HOUR_MS,
  maxAttempts: 5,
  // A courier waits at the door while the buyer finds the code: a fresh one may lift a lock at once.
  // At most 5 wrong tries for each of 1 + 3 codes an hour keeps a guess at 1 in 50,000.
  lockoutMs: 0,
  maxReissues: 3,
  reissueWindowMs: HOUR_MS,
};

/** What a decision may consult besides the order's own events: passed in so decisions stay pure and repeatable. */
export interface OrderContext {
  now: Date;
  /** The acting seller, for commands that copy the profile or use settings (invoice, shipment). */
  seller?: RegisteredSeller;
  otp: { matches(ref: DeliveryOtpRef, candidate: string): boolean };
  otpPolicy: DeliveryOtpPolicy;
  /** Approximate coordinates of an Indian PIN code (an offline directory), for addresses that came without GPS. */
  locatePincode: PincodeLocator;
}

/** Where a PIN code lies, roughly; undefined for a PIN code the directory does not know. */
export type PincodeLocator = (pincode: string) => GeoPoint | undefined;
