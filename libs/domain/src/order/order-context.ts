import type { DeliveryOtpRef } from '../otp/hotp';
import type { SellerProfile, SellerSettings } from '../seller/seller';

export interface RegisteredSeller {
  sellerId: string;
  profile: SellerProfile;
  settings: SellerSettings;
}

export interface DeliveryOtpPolicy {
  ttlMs: number;
  maxAttempts: number;
}

export const DEFAULT_DELIVERY_OTP_POLICY: DeliveryOtpPolicy = { ttlMs: 7 * 24 * 3600 * 1000, maxAttempts: 5 };

/** What a decision may consult besides the order's own events: passed in so decisions stay pure and repeatable. */
export interface OrderContext {
  now: Date;
  /** The acting seller, for commands that copy the profile or use settings (invoice, shipment). */
  seller?: RegisteredSeller;
  otp: { matches(ref: DeliveryOtpRef, candidate: string): boolean };
  otpPolicy: DeliveryOtpPolicy;
}
