import { DeliveryOtpGenerator, hotp } from './hotp';

/** RFC 4226, appendix D: the shared secret "12345678901234567890" and counters 0 to 9. */
const RFC_4226_SECRET = Buffer.from('12345678901234567890', 'ascii');
const RFC_4226_VALUES = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'];

describe('HOTP (RFC 4226)', () => {
  it.each(RFC_4226_VALUES.map((value, counter) => [counter, value] as const))('counter %i gives %s', (counter, value) => {
    expect(hotp(RFC_4226_SECRET, counter)).toBe(value);
  });

  it('keeps leading zeros and honours the digit count', () => {
    const eight = hotp(RFC_4226_SECRET, 0, 8);

    expect(eight).toMatch(/^[0-9]{8}$/);
    expect(eight.endsWith('755224')).toBe(true);
  });
});

describe('Delivery OTP generator', () => {
  const generator = new DeliveryOtpGenerator(Buffer.from('a-server-secret-of-at-least-16-bytes'));
  const ref = { sellerId: 'seller-a', orderId: 'order-1', shipmentId: 'shp-1', sequence: 1 };

  it('derives the same 6-digit code for the same shipment and sequence, so none needs storing', () => {
    const code = generator.otpFor(ref);

    expect(code).toMatch(/^[0-9]{6}$/);
    expect(new DeliveryOtpGenerator(Buffer.from('a-server-secret-of-at-least-16-bytes')).otpFor(ref)).toBe(code);
    expect(generator.matches(ref, code)).toBe(true);
  });

  it('gives a fresh code for a reissue (next sequence), another shipment, and the same ids of another seller', () => {
    const codes = new Set([
      generator.otpFor(ref),
      generator.otpFor({ ...ref, sequence: 2 }),
      generator.otpFor({ ...ref, shipmentId: 'shp-2' }),
      generator.otpFor({ ...ref, orderId: 'order-2' }),
      generator.otpFor({ ...ref, sellerId: 'seller-b' }),
    ]);

    expect(codes.size).toBe(5);
  });

  it('depends on the server secret', () => {
    expect(new DeliveryOtpGenerator(Buffer.from('another-server-secret-16+')).otpFor(ref)).not.toBe(generator.otpFor(ref));
  });

  it('does not accept a wrong, shorter or longer code', () => {
    const code = generator.otpFor(ref);
    const wrong = code.slice(0, 5) + String((Number(code[5]) + 1) % 10);

    expect(generator.matches(ref, wrong)).toBe(false);
    expect(generator.matches(ref, code.slice(0, 5))).toBe(false);
    expect(generator.matches(ref, `${code}0`)).toBe(false);
    expect(generator.matches(ref, '')).toBe(false);
    expect(generator.matches({ ...ref, sequence: 2 }, code)).toBe(false);
  });

  it('refuses a server secret shorter than 16 bytes', () => {
    expect(() => new DeliveryOtpGenerator(Buffer.from('too-short'))).toThrow(/at least 16 bytes/);
  });
});
