import { normalizeGstin } from '../gst';
import { Validator } from '../shared/validation';
import {
  GST_RATES,
  HSN_CODE,
  INDIAN_PHONE,
  PAYMENT_METHODS,
  validateAddress,
  validateGstin,
  validatePackage,
} from '../shared/values';
import type { OrderCommandOf } from './order-commands';
import type { Buyer, OrderCharge, OrderItem } from './order-events';

const MAX_ITEMS = 100;
const MAX_LINE_PAISE = 10_000_000_00; // ₹1 crore per line keeps totals far inside safe integers

export function validateItems(v: Validator, items: OrderItem[] | undefined, field: string): void {
  if (!Array.isArray(items) || items.length === 0 || items.length > MAX_ITEMS) {
    v.check(false, field, `must list 1 to ${MAX_ITEMS} items`);
    return;
  }
  items.forEach((item, i) => {
    const at = `${field}.${i}`;
    if (!item || typeof item !== 'object') {
      v.check(false, at, 'must be an item');
      return;
    }
    v.nonEmptyString(item.sku, `${at}.sku`, 64)
      .nonEmptyString(item.name, `${at}.name`, 200)
      .matches(item.hsnCode, HSN_CODE, `${at}.hsnCode`, 'must be an HSN code of 4, 6 or 8 digits')
      .integer(item.quantity, `${at}.quantity`, 1, 10_000)
      .nonEmptyString(item.unit, `${at}.unit`, 8)
      .integer(item.unitPricePaise, `${at}.unitPricePaise`, 0, MAX_LINE_PAISE)
      .integer(item.discountPaise, `${at}.discountPaise`, 0, MAX_LINE_PAISE)
      .oneOf(item.taxRatePercent, GST_RATES, `${at}.taxRatePercent`);
    if (Number.isSafeInteger(item.quantity) && Number.isSafeInteger(item.unitPricePaise) && Number.isSafeInteger(item.discountPaise)) {
      v.check(item.discountPaise <= item.quantity * item.unitPricePaise, `${at}.discountPaise`, 'must not exceed quantity × unit price');
    }
  });
}

export function validateCharges(v: Validator, charges: OrderCharge[] | undefined, field: string): void {
  if (!Array.isArray(charges) || charges.length > 10) {
    v.check(false, field, 'must be a list of at most 10 charges');
    return;
  }
  charges.forEach((charge, i) => {
    const at = `${field}.${i}`;
    v.nonEmptyString(charge?.description, `${at}.description`, 100)
      .optionalString(charge?.sacCode, `${at}.sacCode`, 8)
      .integer(charge?.amountPaise, `${at}.amountPaise`, 0, MAX_LINE_PAISE)
      .oneOf(charge?.taxRatePercent, GST_RATES, `${at}.taxRatePercent`);
  });
}

export function validateBuyer(v: Validator, buyer: Partial<Buyer> | undefined, field: string, partial: boolean): void {
  if (!buyer || typeof buyer !== 'object') {
    v.check(false, field, 'is required');
    return;
  }
  if (!partial || buyer.name !== undefined) v.nonEmptyString(buyer.name, `${field}.name`, 120);
  if (!partial || buyer.phone !== undefined) v.matches(buyer.phone, INDIAN_PHONE, `${field}.phone`, 'must be an Indian mobile number');
  if (buyer.email !== undefined) v.matches(buyer.email, /^[^\s@]{1,64}@[^\s@]{1,190}$/, `${field}.email`, 'must be an e-mail address');
  if (buyer.gstin !== undefined) validateGstin(v, buyer.gstin, `${field}.gstin`);
}

export function validateReceiveOrder(command: OrderCommandOf<'ReceiveOrder'>): void {
  const v = new Validator()
    .matches(command.orderId, /^[A-Za-z0-9_-]{1,64}$/, 'orderId', 'must be 1 to 64 letters, digits, "_" or "-"')
    .optionalString(command.externalRef, 'externalRef', 100)
    .nonEmptyString(command.salesChannel, 'salesChannel', 50)
    .oneOf(command.paymentMethod, PAYMENT_METHODS, 'paymentMethod');
  validateItems(v, command.items, 'items');
  validateCharges(v, command.charges, 'charges');
  validateBuyer(v, command.buyer, 'buyer', false);
  validateAddress(v, command.deliveryAddress, 'deliveryAddress');
  if (command.package !== undefined) validatePackage(v, command.package, 'package');
  v.throwIfInvalid();
}

/** A buyer (or a correction of one) as given, a GSTIN in it in the capitals the portal prints. */
export function withNormalBuyerGstin<B extends Partial<Buyer> | undefined>(buyer: B): B {
  return buyer && typeof buyer === 'object' && buyer.gstin !== undefined ? { ...buyer, gstin: normalizeGstin(buyer.gstin) } : buyer;
}
