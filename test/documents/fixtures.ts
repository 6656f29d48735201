import type { BuyerDetails, CreditNoteDocument, LabelAddress, ShippingLabelDocument, SupplierDetails, TaxInvoiceDocument } from '@fulfil/documents';

/** A Karnataka seller; GSTIN with a real check character. */
export const SUPPLIER: SupplierDetails = {
  legalName: 'Kaveri Handlooms Private Limited',
  addressLines: ['No. 12, 3rd Cross, Chickpet', 'Bengaluru, Karnataka 560053'],
  stateCode: '29',
  gstin: '29AABCT1332L1ZA',
};

/** A seller in Chandigarh, a union territory without a legislature: intra-UT supplies bear UTGST. */
export const SUPPLIER_IN_CHANDIGARH: SupplierDetails = {
  legalName: 'Sukhna Crafts LLP',
  addressLines: ['SCO 42, Sector 17-C', 'Chandigarh 160017'],
  stateCode: '04',
  gstin: '04AAACC1206D1ZO',
};

export const BUYER_IN_CHANDIGARH: BuyerDetails = {
  name: 'Harpreet Kaur',
  addressLines: ['House 1120, Sector 21-B'],
  city: 'Chandigarh',
  pincode: '160022',
  stateCode: '04',
  phone: '9876012345',
};

export const BUYER_IN_KARNATAKA: BuyerDetails = {
  name: 'Ananya Rao',
  addressLines: ['Flat 4B, Lakeview Residency', '80 Feet Road, Indiranagar'],
  city: 'Bengaluru',
  pincode: '560038',
  stateCode: '29',
  phone: '9845012345',
};

export const BUYER_IN_MAHARASHTRA: BuyerDetails = {
  name: 'Rohan Deshmukh',
  addressLines: ['12 Shivaji Park Road', 'Dadar West'],
  city: 'Mumbai',
  pincode: '400028',
  stateCode: '27',
  gstin: '27AAPFU0939F1ZV',
};

export const SAREE = { description: 'Mysore silk saree', hsnCode: '50072010', unit: 'PCS', taxRatePercent: 5 };
export const KURTA = { description: 'Cotton kurta', hsnCode: '62114210', unit: 'PCS', taxRatePercent: 12 };
export const STOLE = { description: 'Printed stole', hsnCode: '62149090', unit: 'PCS', taxRatePercent: 18 };
export const SHIPPING = { description: 'Shipping charges', sacCode: '996812', taxRatePercent: 18 };

export function invoice(overrides: Partial<TaxInvoiceDocument> = {}): TaxInvoiceDocument {
  return {
    supplier: SUPPLIER,
    buyer: BUYER_IN_KARNATAKA,
    invoiceNumber: 'KH/26-27/000123',
    invoiceDate: '2026-05-14T10:30:00+05:30',
    revision: 1,
    orderId: 'ORD-8F2K1',
    lines: [{ ...STOLE, quantity: 2, unitPricePaise: 499_00, discountPaise: 0 }],
    charges: [],
    paymentMethod: 'prepaid',
    ...overrides,
  };
}

export function creditNote(overrides: Partial<CreditNoteDocument> = {}): CreditNoteDocument {
  return {
    supplier: SUPPLIER,
    buyer: BUYER_IN_MAHARASHTRA,
    creditNoteNumber: 'KH/CN/26-27/0007',
    creditNoteDate: '2026-06-02',
    originalInvoice: { number: 'KH/26-27/000123', date: '2026-05-14T10:30:00+05:30' },
    reason: 'Place of supply corrected from Karnataka to Maharashtra',
    orderId: 'ORD-8F2K1',
    lines: [{ ...KURTA, quantity: 3, unitPricePaise: 850_00, discountPaise: 150_00 }],
    charges: [{ ...SHIPPING, amountPaise: 60_00 }],
    ...overrides,
  };
}

const SHIP_TO: LabelAddress = {
  name: 'Ananya Rao',
  addressLines: ['Flat 4B, Lakeview Residency', '80 Feet Road, Indiranagar'],
  city: 'Bengaluru',
  stateCode: '29',
  pincode: '560038',
  phone: '9845012345',
};

const PICKUP: LabelAddress = {
  name: 'Kaveri Handlooms',
  addressLines: ['No. 12, 3rd Cross, Chickpet'],
  city: 'Bengaluru',
  stateCode: '29',
  pincode: '560053',
  phone: '9900112233',
};

export function label(overrides: Partial<ShippingLabelDocument> = {}): ShippingLabelDocument {
  return {
    orderId: 'ORD-8F2K1',
    shipmentId: 'SHP-8F2K1-1',
    labelDate: '2026-05-14T11:00:00+05:30',
    shipTo: SHIP_TO,
    returnTo: PICKUP,
    package: { weightGrams: 1250, lengthCm: 30, widthCm: 22, heightCm: 8 },
    payment: { method: 'prepaid' },
    carrierName: 'Delhivery',
    awb: '1490810022345',
    ...overrides,
  };
}
