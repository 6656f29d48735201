import { createHmac, timingSafeEqual } from 'node:crypto';

/** RFC 4226 HOTP: a 6-digit one-time password from a key and a counter. */
export function hotp(key: Buffer, counter: number, digits = 6): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const hash = createHmac('sha1', key).update(message).digest();
  const offset = hash[hash.length - 1]! & 0x0f;
  const binary = (hash.readUInt32BE(offset) & 0x7fffffff) % 10 ** digits;
  return String(binary).padStart(digits, '0');
}

export interface DeliveryOtpRef {
  sellerId: string;
  orderId: string;
  shipmentId: string;
  sequence: number;
}

/** Which seller's request for which number a WhatsApp verification code answers. */
export interface WhatsAppNumberCodeRef {
  sellerId: string;
  number: string;
  sequence: number;
}

/**
 * The plain OTP is never stored: it is derived from a server secret, the shipment and the issue
 * sequence, so the buyer's message and the verification compute the same value independently. The
 * seller is part of the key: order ids are the seller's own.
 */
export class DeliveryOtpGenerator {
  constructor(private readonly serverSecret: Buffer) {
    if (serverSecret.length < 16) throw new Error('The delivery OTP secret must be at least 16 bytes');
  }

  otpFor(ref: DeliveryOtpRef): string {
    const key = createHmac('sha256', this.serverSecret).update(`delivery-otp:${ref.sellerId}:${ref.orderId}:${ref.shipmentId}`).digest();
    return hotp(key, ref.sequence);
  }

  matches(ref: DeliveryOtpRef, candidate: string): boolean {
    return sameCode(this.otpFor(ref), candidate);
  }

  /** The code that proves a seller receives WhatsApp messages on a number: derived the same way, under its own label. */
  whatsappNumberCodeFor(ref: WhatsAppNumberCodeRef): string {
    const key = createHmac('sha256', this.serverSecret).update(`whatsapp-number:${ref.sellerId}:${ref.number}`).digest();
    return hotp(key, ref.sequence);
  }

  whatsappNumberCodeMatches(ref: WhatsAppNumberCodeRef, candidate: string): boolean {
    return sameCode(this.whatsappNumberCodeFor(ref), candidate);
  }
}

function sameCode(expected: string, candidate: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(candidate);
  return a.length === b.length && timingSafeEqual(a, b);
}
