import {
  ContextBuilder,
  chooseDomain,
  cityCodeForPincode,
  distanceKm,
  formatGps,
  formatRupees,
  isNetworkOrderId,
  isoDurationToMinutes,
  newNetworkOrderId,
  parseGps,
  parseRupees,
} from '@fulfil/ondc';
import { DADAR_BUYER, INDIRANAGAR_BUYER, KORAMANGALA_STORE } from './support/shipments';

describe('domain by distance', () => {
  const nearby = { pickup: KORAMANGALA_STORE.gps, drop: INDIRANAGAR_BUYER.gps };
  const far = { pickup: KORAMANGALA_STORE.gps, drop: DADAR_BUYER.gps };

  it('hyperlocal (ONDC:LOG10) within 15 km, intercity (ONDC:LOG11) beyond', () => {
    expect(distanceKm(nearby.pickup, nearby.drop)).toBeCloseTo(5.2, 0);
    expect(chooseDomain(nearby)).toBe('ONDC:LOG10');
    expect(chooseDomain(far)).toBe('ONDC:LOG11');
    expect(chooseDomain(nearby, { hyperlocalMaxKm: 3 })).toBe('ONDC:LOG11');
  });

  it('an explicit choice, by shipment type or domain, wins over distance', () => {
    expect(chooseDomain(nearby, { explicit: 'P2H2P' })).toBe('ONDC:LOG11');
    expect(chooseDomain(far, { explicit: 'P2P' })).toBe('ONDC:LOG10');
    expect(chooseDomain(far, { explicit: 'ONDC:LOG10' })).toBe('ONDC:LOG10');
  });
});

describe('city codes from PIN codes', () => {
  const options = { defaultCityCode: 'std:080' };

  it.each([
    ['560034', 'std:080'],
    ['400028', 'std:022'],
    ['110001', 'std:011'],
    ['600040', 'std:044'],
    ['302001', 'std:0141'],
  ])('%s is in %s', (pincode, city) => {
    expect(cityCodeForPincode(pincode, options)).toBe(city);
  });

  it('falls back to the configured default, and lets exact PIN codes or prefixes be overridden', () => {
    expect(cityCodeForPincode('690001', options)).toBe('std:080');
    expect(cityCodeForPincode('690001', { defaultCityCode: 'std:0471' })).toBe('std:0471');
    expect(cityCodeForPincode('600119', { ...options, overrides: { '600119': 'std:04114' } })).toBe('std:04114');
    expect(cityCodeForPincode('395007', { ...options, overrides: { '395': 'std:0261' } })).toBe('std:0261');
  });
});

describe('context builder', () => {
  const builder = new ContextBuilder({ bapId: 'bap.example', bapUri: 'https://bap.example/ondc', nowMs: () => Date.UTC(2026, 0, 5, 4, 30, 0, 7) });

  it('names the chosen partner on every call after search, and keeps the transaction', () => {
    const transactionId = builder.newTransactionId();
    const context = builder.build('confirm', { domain: 'ONDC:LOG11', city: 'std:022', transactionId, bpp: { id: 'lsp.example', uri: 'https://lsp.example/ondc' } });
    expect(context).toMatchObject({ action: 'confirm', domain: 'ONDC:LOG11', city: 'std:022', transaction_id: transactionId, bpp_id: 'lsp.example', bpp_uri: 'https://lsp.example/ondc', timestamp: '2026-01-05T04:30:00.007Z' });
  });

  it('reuses a message id only when told to (a resend of the very same request)', () => {
    const first = builder.build('status', { domain: 'ONDC:LOG10', city: 'std:080', transactionId: 'T', bpp: { id: 'l', uri: 'https://l' } });
    const resend = builder.build('status', { domain: 'ONDC:LOG10', city: 'std:080', transactionId: 'T', bpp: { id: 'l', uri: 'https://l' }, messageId: first.message_id });
    expect(resend.message_id).toBe(first.message_id);
  });
});

describe('network order ids', () => {
  it('are alphanumeric, 32 characters at most, and fresh each time', () => {
    const ids = Array.from({ length: 100 }, newNetworkOrderId);
    expect(ids.every(isNetworkOrderId)).toBe(true);
    expect(ids.every((id) => id.length <= 32)).toBe(true);
    expect(new Set(ids).size).toBe(100);
    expect(isNetworkOrderId('ord-123')).toBe(false);
  });
});

describe('money and durations as ONDC writes them', () => {
  it('paise to rupee strings and back, exactly', () => {
    expect(formatRupees(5_900)).toBe('59.00');
    expect(formatRupees(5)).toBe('0.05');
    expect(parseRupees('59.00')).toBe(5_900);
    expect(parseRupees('50.0')).toBe(5_000);
    expect(parseRupees('9')).toBe(900);
    expect(parseRupees('0.1')).toBe(10);
    for (const bad of ['59.001', '-1.00', '1e3', '', 'abc', '01.00']) expect(parseRupees(bad)).toBeUndefined();
    expect(() => formatRupees(10.5)).toThrow(RangeError);
  });

  it('ISO 8601 durations to minutes', () => {
    expect(isoDurationToMinutes('PT45M')).toBe(45);
    expect(isoDurationToMinutes('PT1H30M')).toBe(90);
    expect(isoDurationToMinutes('P1D')).toBe(1_440);
    expect(isoDurationToMinutes('PT90S')).toBe(2);
    expect(isoDurationToMinutes('P1M')).toBeUndefined();
    expect(isoDurationToMinutes('P')).toBeUndefined();
    expect(isoDurationToMinutes('45 minutes')).toBeUndefined();
  });

  it('gps with six decimals, read back', () => {
    expect(formatGps({ lat: 12.9, lng: 77.6 })).toBe('12.900000,77.600000');
    expect(parseGps('12.974002, 77.613458')).toEqual({ lat: 12.974002, lng: 77.613458 });
    expect(parseGps('91.0,77.0')).toBeUndefined();
  });
});
