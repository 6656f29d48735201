import type { ActiveOrder, DeliveryOtpPolicy, OrderEvent } from '@fulfil/domain';

/** Injection tokens shared by every app that hosts the command side. */
export const EVENT_STORE = Symbol('EVENT_STORE');
export const CLOCK = Symbol('CLOCK');
export const DELIVERY_OTP = Symbol('DELIVERY_OTP');
export const DELIVERY_OTP_POLICY = Symbol('DELIVERY_OTP_POLICY');
export const DOCUMENT_HASHES = Symbol('DOCUMENT_HASHES');
export const PINCODE_DIRECTORY = Symbol('PINCODE_DIRECTORY');

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export type { DeliveryOtpPolicy };

/** Knows the content hash of the document an event produces (invoice, credit note, label), if any. */
export interface DocumentHashes {
  hashOf(orderAfter: ActiveOrder, event: OrderEvent): Promise<string | undefined>;
}

export const noDocumentHashes: DocumentHashes = { hashOf: async () => undefined };
