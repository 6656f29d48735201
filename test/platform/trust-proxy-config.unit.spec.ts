import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadEngineConfig } from '@fulfil/platform';

describe('TRUST_PROXY', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'fulfilment-trust-proxy-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  const load = (value?: string) => loadEngineConfig({ DATA_DIR: dataDir, ...(value === undefined ? {} : { TRUST_PROXY: value }) }).trustProxy;

  it('trusts no proxy unless told, then the addresses and CIDRs listed, or a hop count', () => {
    expect(load()).toBeUndefined();
    expect(load('10.0.0.5, 10.1.0.0/16,fd00::/8')).toEqual(['10.0.0.5', '10.1.0.0/16', 'fd00::/8']);
    expect(load('2')).toBe(2);
  });

  it.each(['true', '*', '10.0.0.300', '10.0.0.0/33', '0', '11', 'proxy.internal'])('refuses "%s" in one line naming the variable', (value) => {
    expect(() => load(value)).toThrow(ConfigError);
    expect(() => load(value)).toThrow(/^Invalid configuration: TRUST_PROXY /);
  });
});
