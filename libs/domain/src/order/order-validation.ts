import { GST_RATE_PERCENTS, normalizeGstin, rateNotInForce } from '../gst';
import { Validator } from '../shared/validation';
import {
  HSN_CODE,
  INDIAN_PHONE,
  PAYMENT_METHODS,
  validateAddress,
  validateGstin,
  validatePackage,
} from '../shared/values';
import type { OrderCommandOf } from './order-commands';
import type { Buyer, OrderCharge, OrderItem } from './order-events';
import type { Address } from '../shared/values';

const MAX_ITEMS = 100;
const MAX_LINE_PAISE = 10_000_000_00; // ₹1 crore per line keeps totals far inside safe integers

/**
 * The rate of a line, judged on the date that will print on the invoice (or the order's receipt):
 * a rate the law once knew but no longer levies on such goods is refused, naming the line. With no
 * date yet, only a rate GST never had is refused.
 */
function checkRate(v: Validator, ratePercent: unknown, code: string | undefined, line: string, field: string, date: Date | undefined): void {
  const fault =
    typeof ratePercent !== 'number' ? 'must be a GST rate in percent'
    : date !== undefined ? rateNotInForce(ratePercent, code, date)
    : GST_RATE_PERCENTS.includes(ratePercent) ? undefined
    : `must be one of ${GST_RATE_PERCENTS.join(', ')}`;
  v.check(fault === undefined, field, `${line}: ${fault ?? ''}`);
}

const itemLine = (item: OrderItem, i: number): string => `line ${i + 1} ("${String(item.name)}", HSN ${String(item.hsnCode)})`;
const chargeLine = (charge: OrderCharge, i: number): string => `charge ${i + 1} ("${String(charge?.description)}")`;

/** Every line and charge of an invoice-to-be at a rate in force on `date`. */
export function assertRatesInForce(items: readonly OrderItem[], charges: readonly OrderCharge[], date: Date, fields = { items: 'items', charges: 'charges' }): void {
  const v = new Validator();
  items.forEach((item, i) => checkRate(v, item.taxRatePercent, item.hsnCode, itemLine(item, i), `${fields.items}.${i}.taxRatePercent`, date));
  charges.forEach((charge, i) => checkRate(v, charge.taxRatePercent, charge.sacCode, chargeLine(charge, i), `${fields.charges}.${i}.taxRatePercent`, date));
  v.throwIfInvalid();
}

/** `ratesOn`: the date whose rates in force the lines must bear; undefined when it is not known yet. */
export function validateItems(v: Validator, items: OrderItem[] | undefined, field: string, ratesOn: Date | undefined): void {
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
      .integer(item.discountPaise, `${at}.discountPaise`, 0, MAX_LINE_PAISE);
    checkRate(v, item.taxRatePercent, typeof item.hsnCode === 'string' ? item.hsnCode : undefined, itemLine(item, i), `${at}.taxRatePercent`, ratesOn);
    if (Number.isSafeInteger(item.quantity) && Number.isSafeInteger(item.unitPricePaise) && Number.isSafeInteger(item.discountPaise)) {
      v.check(item.discountPaise <= item.quantity * item.unitPricePaise, `${at}.discountPaise`, 'must not exceed quantity × unit price');
    }
  });
}

export function validateCharges(v: Validator, charges: OrderCharge[] | undefined, field: string, ratesOn: Date | undefined): void {
  if (!Array.isArray(charges) || charges.length > 10) {
    v.check(false, field, 'must be a list of at most 10 charges');
    return;
  }
  charges.forEach((charge, i) => {
    const at = `${field}.${i}`;
    v.nonEmptyString(charge?.description, `${at}.description`, 100)
      .optionalString(charge?.sacCode, `${at}.sacCode`, 8)
      .integer(charge?.amountPaise, `${at}.amountPaise`, 0, MAX_LINE_PAISE);
    checkRate(v, charge?.taxRatePercent, typeof charge?.sacCode === 'string' ? charge.sacCode : undefined, chargeLine(charge, i), `${at}.taxRatePercent`, ratesOn);
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
  if (buyer.billingAddress !== undefined) validateBillingAddress(v, buyer, `${field}.billingAddress`);
}

/** A registered buyer is billed at its registered address, which lies in the state its GSTIN was issued in. */
function validateBillingAddress(v: Validator, buyer: Partial<Buyer>, field: string): void {
  validateAddress(v, buyer.billingAddress, field);
  const gstinState = typeof buyer.gstin === 'string' ? buyer.gstin.slice(0, 2) : undefined;
  const billingState = buyer.billingAddress?.stateCode;
  if (gstinState !== undefined && typeof billingState === 'string') {
    v.check(billingState === gstinState, `${field}.stateCode`, `must be the state of the buyer's GSTIN (${gstinState}): a registered buyer is billed at its registered address`);
  }
}

/**
 * The place of supply of goods shipped to a buyer: the delivery state (IGST Act s. 10(1)(a), and
 * s. 10(1)(ca) with Circular 209/3/2024-GST for consumers), except when a registered buyer is
 * billed at another state than the goods go to: then the bill-to state (s. 10(1)(b)).
 */
export function placeOfSupplyOf(buyer: Buyer, deliveryAddress: Address): string {
  return buyer.gstin !== undefined && buyer.billingAddress !== undefined ? buyer.billingAddress.stateCode : deliveryAddress.stateCode;
}

/** Rates are those in force on receipt, so an order that could never be invoiced is refused at once. */
export function validateReceiveOrder(command: OrderCommandOf<'ReceiveOrder'>, now: Date): void {
  const v = new Validator()
    .matches(command.orderId, /^[A-Za-z0-9_-]{1,64}$/, 'orderId', 'must be 1 to 64 letters, digits, "_" or "-"')
    .optionalString(command.externalRef, 'externalRef', 100)
    .nonEmptyString(command.salesChannel, 'salesChannel', 50)
    .oneOf(command.paymentMethod, PAYMENT_METHODS, 'paymentMethod');
  validateItems(v, command.items, 'items', now);
  validateCharges(v, command.charges, 'charges', now);
  validateBuyer(v, command.buyer, 'buyer', false);
  validateAddress(v, command.deliveryAddress, 'deliveryAddress');
  if (command.package !== undefined) validatePackage(v, command.package, 'package');
  v.throwIfInvalid();
}

/** A buyer (or a correction of one) as given, a GSTIN in it in the capitals the portal prints. */
export function withNormalBuyerGstin<B extends Partial<Buyer> | undefined>(buyer: B): B {
  return buyer && typeof buyer === 'object' && buyer.gstin !== undefined ? { ...buyer, gstin: normalizeGstin(buyer.gstin) } : buyer;
}
