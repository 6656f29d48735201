import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSigningKeyPair } from '@fulfil/ondc';
import { OndcConfigError, loadOndcConfig } from '@fulfil/ondc-logistics-adapter';

/** A deployment's settings: everything the adapter requires outside the embedded default. */
const deployment = (): Record<string, string> => ({
  ONDC_SUBSCRIBER_ID: 'buyer.example',
  ONDC_SIGNING_PRIVATE_KEY: generateSigningKeyPair().signingPrivateKey,
  ONDC_BAP_URI: 'https://buyer.example/ondc',
  ONDC_REGISTRY_URL: 'https://registry.example',
  ONDC_BILLING_NAME: 'Buyer Logistics',
  ONDC_BILLING_GSTIN: '29AABCT1332L1ZA',
  ONDC_BILLING_PHONE: '9000000001',
  ONDC_BILLING_EMAIL: 'logistics@buyer.example',
  ONDC_BILLING_ADDRESS: 'No. 5, Residency Road',
  ONDC_BILLING_CITY: 'Bengaluru',
  ONDC_BILLING_STATE: 'Karnataka',
  ONDC_BILLING_PINCODE: '560025',
});

describe('ONDC_CALLBACK_CONFORMANCE: what a callback breaking the 1.2.5 rules gets', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'ondc-config-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('given the embedded default, when it is not set, then callbacks are checked strictly (our own sandbox speaks 1.2.5)', () => {
    expect(loadOndcConfig({}, { dataDir, port: 3000, embedded: true }).callbackConformance).toBe('strict');
  });

  it('given a deployment, when it is not set, then callbacks are taken leniently and their findings counted (ADR 0034)', () => {
    expect(loadOndcConfig(deployment(), { dataDir, port: 3000, embedded: false }).callbackConformance).toBe('lenient');
  });

  it('given a deployment, when it says strict, then it is strict', () => {
    expect(loadOndcConfig({ ...deployment(), ONDC_CALLBACK_CONFORMANCE: 'strict' }, { dataDir, port: 3000, embedded: false }).callbackConformance).toBe('strict');
  });

  it('given a value that is neither, when loaded, then the error names the variable, the choices and the value', () => {
    const load = () => loadOndcConfig({ ONDC_CALLBACK_CONFORMANCE: 'on' }, { dataDir, port: 3000, embedded: true });
    expect(load).toThrow(OndcConfigError);
    expect(load).toThrow('ONDC_CALLBACK_CONFORMANCE must be one of "strict", "lenient" (got "on")');
  });
});

describe('the times of issues and of COD reconciliation', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'ondc-config-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));
  const load = (env: Record<string, string>) => loadOndcConfig(env, { dataDir, port: 3000, embedded: true });

  it('given nothing set, when loaded, then issues give PT2H and P1D and COD is reconciled daily for a week', () => {
    const config = load({});
    expect(config.issueTimes).toEqual({ response: 'PT2H', resolution: 'P1D' });
    expect(config).toMatchObject({ settlementWindowMs: 86_400_000, reconRounds: 7 });
  });

  it('given durations of days, hours, minutes or seconds, when loaded, then they are taken as given', () => {
    expect(load({ ONDC_ISSUE_RESPONSE_TIME: 'PT30M', ONDC_ISSUE_RESOLUTION_TIME: 'P2DT12H' }).issueTimes).toEqual({ response: 'PT30M', resolution: 'P2DT12H' });
  });

  it.each(['P1M', 'soon', 'PT', 'P', '2H'])('given %s, a duration of no fixed length or none at all, when loaded, then the error names the variable', (value) => {
    expect(() => load({ ONDC_ISSUE_RESPONSE_TIME: value })).toThrow(/ONDC_ISSUE_RESPONSE_TIME/);
  });
});
