import type { TaxableCharge, TaxableLine } from '@fulfil/domain';

export type { TaxableCharge, TaxableLine };

/** The registered seller issuing the document. */
export interface SupplierDetails {
  legalName: string;
  addressLines: string[];
  /** GST state code of the registration, e.g. "29". */
  stateCode: string;
  gstin: string;
}

/** The buyer, at the delivery address (ship-to); billed there too unless `billTo` says otherwise. */
export interface BuyerDetails {
  name: string;
  addressLines: string[];
  city: string;
  pincode: string;
  /** GST state code of the delivery address. */
  stateCode: string;
  /** The invoice's place of supply; the delivery state when absent. */
  placeOfSupplyStateCode?: string;
  /** Only for a registered (B2B) buyer. */
  gstin?: string;
  phone?: string;
  /** The address the invoice is made out to, when it is not the delivery address. */
  billTo?: BillToDetails;
}

export interface BillToDetails {
  name: string;
  addressLines: string[];
  city: string;
  pincode: string;
  stateCode: string;
}

/** Same values as the order's payment method in the domain. */
export type InvoicePaymentMethod = 'prepaid' | 'cod';

export interface TaxInvoiceDocument {
  supplier: SupplierDetails;
  buyer: BuyerDetails;
  /** At most 16 letters, digits, "/" and "-" (GST rule 46). */
  invoiceNumber: string;
  /** ISO date or timestamp with zone; printed as the calendar day in India and stamped into the PDF. */
  invoiceDate: string;
  /** 1 for the first issue; a re-rendered correction with the same number counts up. */
  revision: number;
  /** A corrected copy under the same number (no tax fact changed): it is marked "Revised" with its date and reason. */
  revised?: { at: string; reason: string };
  orderId: string;
  lines: TaxableLine[];
  charges: TaxableCharge[];
  paymentMethod: InvoicePaymentMethod;
}

/** The three copies of GST rule 48(1): original for recipient, duplicate for transporter, triplicate for supplier. */
export type InvoiceCopy = 'recipient' | 'transporter' | 'supplier';

export interface CreditNoteDocument {
  supplier: SupplierDetails;
  buyer: BuyerDetails;
  /** From the seller's credit note series, separate from invoice numbers. */
  creditNoteNumber: string;
  /** ISO date or timestamp with zone. */
  creditNoteDate: string;
  originalInvoice: { number: string; date: string };
  reason: string;
  orderId: string;
  /** What is being reversed, at the original invoice's prices and rates. */
  lines: TaxableLine[];
  charges: TaxableCharge[];
}

export interface LabelAddress {
  name: string;
  addressLines: string[];
  city: string;
  stateCode: string;
  pincode: string;
  phone: string;
}

export interface LabelPackage {
  weightGrams: number;
  lengthCm: number;
  widthCm: number;
  heightCm: number;
}

export type LabelPayment = { method: 'prepaid' } | { method: 'cod'; amountToCollectPaise: number };

export interface ShippingLabelDocument {
  orderId: string;
  shipmentId: string;
  /** ISO date or timestamp with zone of the label's generation; a batch PDF is dated by its latest label. */
  labelDate: string;
  shipTo: LabelAddress;
  /** Where the partner picks the parcel up and returns it if undelivered. */
  returnTo: LabelAddress;
  package: LabelPackage;
  payment: LabelPayment;
  /** Logistics partner (on-network) or courier (off-network); absent before a partner is assigned. */
  carrierName?: string;
  /** Airway bill (tracking) number; absent on-network until a partner is assigned. */
  awb?: string;
  /** The tax invoice the goods travel under and its value, which couriers and hubs ask for. */
  invoice?: { number: string; valuePaise: number };
  /** The seller's GSTIN. */
  sellerGstin?: string;
}

export type LabelLayout = 'thermal-4x6' | 'a4-4up';
