import { randomUUID } from 'node:crypto';
import type { Address, OrderCommandOf, SellerProfile } from '@fulfil/domain';

/** Test data that passes validation; every call gives fresh ids so tests share a store safely. */
export const freshId = (prefix: string): string => `${prefix}-${randomUUID().slice(0, 8)}`;

export const bengaluruPickup: Address = {
  name: 'Kaveri Handlooms Dispatch',
  phone: '9876543210',
  line1: '12 MG Road',
  city: 'Bengaluru',
  stateCode: '29',
  pincode: '560001',
};

export const puneBuyerAddress: Address = {
  name: 'Asha Kulkarni',
  phone: '9123456780',
  line1: 'Flat 4B, Lotus Residency',
  line2: 'Baner Road',
  city: 'Pune',
  stateCode: '27',
  pincode: '411045',
};

/** A seller and a buyer in Chandigarh, a union territory without a legislature: supplies between them bear UTGST. */
export const chandigarhAddress: Address = {
  name: 'Harpreet Kaur',
  phone: '9876012345',
  line1: 'House 1120, Sector 21-B',
  city: 'Chandigarh',
  stateCode: '04',
  pincode: '160022',
};

export const chandigarhSellerProfile = (): SellerProfile => ({
  legalName: 'Sukhna Crafts LLP',
  gstin: '04AAACC1206D1ZO',
  stateCode: '04',
  pickupAddress: { ...chandigarhAddress, name: 'Sukhna Crafts Dispatch', line1: 'SCO 42, Sector 17-C', pincode: '160017' },
});

export const sellerProfile = (): SellerProfile => ({
  legalName: 'Kaveri Handlooms Private Limited',
  gstin: '29ABCDE1234F1ZW',
  stateCode: '29',
  pickupAddress: bengaluruPickup,
});

export function orderInput(sellerId: string, orderId = freshId('ord')): Omit<OrderCommandOf<'ReceiveOrder'>, 'type'> {
  return {
    sellerId,
    orderId,
    salesChannel: 'storefront',
    items: [
      { sku: 'SAREE-SILK-01', name: 'Mysore silk saree', hsnCode: '5007', quantity: 1, unit: 'NOS', unitPricePaise: 450000, discountPaise: 50000, taxRatePercent: 5 },
      { sku: 'STOLE-02', name: 'Cotton stole', hsnCode: '6214', quantity: 2, unit: 'NOS', unitPricePaise: 60000, discountPaise: 0, taxRatePercent: 5 },
    ],
    charges: [{ description: 'Shipping', sacCode: '9965', amountPaise: 5000, taxRatePercent: 18 }],
    buyer: { name: 'Asha Kulkarni', phone: '9123456780' },
    deliveryAddress: puneBuyerAddress,
    paymentMethod: 'cod',
    package: { weightGrams: 800, lengthCm: 30, widthCm: 25, heightCm: 5 },
  };
}
