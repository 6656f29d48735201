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
