import type { DeliveryOtpRef } from '../otp/hotp';
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
  /** How long a lock holds before a reissue may lift it, so wrong tries stay bounded per period. */
  lockoutMs: number;
  /** At most `maxReissues` reissues per shipment within any rolling `reissueWindowMs`: each one messages the buyer. */
  maxReissues: number;
  reissueWindowMs: number;
}

const HOUR_MS = 3600 * 1000;

export const DEFAULT_DELIVERY_OTP_POLICY: DeliveryOtpPolicy = {
  ttlMs: 7 * 24 * HOUR_MS,
  maxAttempts: 5,
  lockoutMs: HOUR_MS,
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
}
