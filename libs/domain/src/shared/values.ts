import { gstinFault, isGstStateCode } from '../gst';
import { Validator } from './validation';

export type ShippingMode = 'on-network' | 'off-network';
export const SHIPPING_MODES: readonly ShippingMode[] = ['on-network', 'off-network'];

/** The ONDC logistics delivery categories (1.2.5 spellings) an on-network shipment can ask partners for. */
export const DELIVERY_CATEGORIES = ['Immediate Delivery', 'Same Day Delivery', 'Next Day Delivery', 'Standard Delivery', 'Express Delivery'] as const;
export type DeliveryCategory = (typeof DELIVERY_CATEGORIES)[number];

export type PaymentMethod = 'prepaid' | 'cod';
export const PAYMENT_METHODS: readonly PaymentMethod[] = ['prepaid', 'cod'];

export interface GeoPoint {
  lat: number;
  lng: number;
}

export interface Address {
  name: string;
  phone: string;
  line1: string;
  line2?: string;
  city: string;
  /** GST state code, e.g. "29" for Karnataka. */
  stateCode: string;
  pincode: string;
  gps?: GeoPoint;
}

export interface PackageDetails {
  weightGrams: number;
  lengthCm: number;
  widthCm: number;
  heightCm: number;
}

export const PINCODE = /^[1-9][0-9]{5}$/;
export const INDIAN_PHONE = /^(\+91)?[6-9][0-9]{9}$/;
export const HSN_CODE = /^([0-9]{4}|[0-9]{6}|[0-9]{8})$/;

/** Format, state code and check character, with one message naming the fault; give it a normalised GSTIN. */
export function validateGstin(v: Validator, value: unknown, field: string): void {
  const fault = gstinFault(value);
  v.check(fault === undefined, field, fault ?? '');
}

export function validateAddress(v: Validator, address: Address | undefined, field: string): void {
  if (!address || typeof address !== 'object') {
    v.check(false, field, 'is required');
    return;
  }
  v.nonEmptyString(address.name, `${field}.name`, 120)
    .matches(address.phone, INDIAN_PHONE, `${field}.phone`, 'must be an Indian mobile number (10 digits, optional +91)')
    .nonEmptyString(address.line1, `${field}.line1`, 200)
    .optionalString(address.line2, `${field}.line2`, 200)
    .nonEmptyString(address.city, `${field}.city`, 80)
    .check(typeof address.stateCode === 'string' && isGstStateCode(address.stateCode), `${field}.stateCode`, 'must be a GST state code such as "29"')
    .matches(address.pincode, PINCODE, `${field}.pincode`, 'must be a 6-digit Indian PIN code');
  if (address.gps !== undefined) {
    v.check(
      typeof address.gps === 'object' && address.gps !== null &&
        Number.isFinite(address.gps.lat) && Math.abs(address.gps.lat) <= 90 &&
        Number.isFinite(address.gps.lng) && Math.abs(address.gps.lng) <= 180,
      `${field}.gps`,
      'must have lat in [-90, 90] and lng in [-180, 180]',
    );
  }
}

/** Parcel limits: 1 g to 50 kg, each side up to 200 cm. */
export function validatePackage(v: Validator, pkg: PackageDetails | undefined, field: string): void {
  if (!pkg || typeof pkg !== 'object') {
    v.check(false, field, 'is required');
    return;
  }
  v.integer(pkg.weightGrams, `${field}.weightGrams`, 1, 50_000)
    .positiveNumber(pkg.lengthCm, `${field}.lengthCm`, 200)
    .positiveNumber(pkg.widthCm, `${field}.widthCm`, 200)
    .positiveNumber(pkg.heightCm, `${field}.heightCm`, 200);
}
