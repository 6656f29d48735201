import { SandboxConfigError, sandboxOptionsFromEnv } from '../../apps/ondc-sandbox/src';

describe('standalone sandbox configuration from the environment', () => {
  const engineKey = 'QSax2KT4UiTUWUqoVUaEcWhBcGTTNu+Sf8EMDRY1GaE=';

  it('reads port, clock, partners and the engine’s registration', () => {
    expect(
      sandboxOptionsFromEnv({
        PORT: '4100',
        SANDBOX_STEP_MS: '250',
        SANDBOX_PARTNERS: 'nacker, cheap-slow',
        ENGINE_SUBSCRIBER_ID: 'engine.example',
        ENGINE_SIGNING_PUBLIC_KEY: engineKey,
        ENGINE_BAP_URI: 'http://localhost:3000/ondc',
      }),
    ).toEqual({
      port: 4100,
      host: '0.0.0.0',
      stepMs: 250,
      participants: ['nacker', 'cheap-slow'],
      buyers: [{ subscriberId: 'engine.example', uniqueKeyId: 'k1', signingPublicKey: engineKey, subscriberUrl: 'http://localhost:3000/ondc' }],
    });
  });

  it('takes the troublemaker with the habit to show, and refuses a habit it does not have', () => {
    expect(sandboxOptionsFromEnv({ SANDBOX_PARTNERS: 'cheap-slow,troublemaker:fail-delivery-once' }).participants).toEqual(['cheap-slow', { name: 'troublemaker', trouble: 'fail-delivery-once' }]);
    expect(() => sandboxOptionsFromEnv({ SANDBOX_PARTNERS: 'troublemaker:teleport' })).toThrow(/troublemaker:teleport is no partner habit/);
    expect(() => sandboxOptionsFromEnv({ SANDBOX_PARTNERS: 'nacker:fail-pickup-once' })).toThrow(/no partner habit/);
  });

  it('gives any partner a surge fee or a scale that weighs parcels, and refuses a habit that is neither', () => {
    expect(sandboxOptionsFromEnv({ SANDBOX_PARTNERS: 'cheap-slow:surge=1500:weighs=2600,hyperlocal' }).participants).toEqual([{ name: 'cheap-slow', surgePaise: 1500, measuredWeightGrams: 2600 }, 'hyperlocal']);
    expect(() => sandboxOptionsFromEnv({ SANDBOX_PARTNERS: 'cheap-slow:surge=-5' })).toThrow(/cheap-slow:surge=-5 is no partner habit/);
    expect(sandboxOptionsFromEnv({ SANDBOX_PARTNERS: 'cheap-slow:remits-short=2500:settles-after=2' }).participants).toEqual([{ name: 'cheap-slow', reconShortPaise: 2500, settleAfterRecons: 2 }]);
    expect(() => sandboxOptionsFromEnv({ SANDBOX_PARTNERS: 'cheap-slow:fail-delivery-once' })).toThrow(/is no partner habit/);
  });

  it('reports every bad value at once', () => {
    let error: unknown;
    try {
      sandboxOptionsFromEnv({ PORT: 'eighty', SANDBOX_STEP_MS: '0', SANDBOX_PARTNERS: 'cheap-slow,postman', ENGINE_SUBSCRIBER_ID: 'engine.example', ENGINE_SIGNING_PUBLIC_KEY: 'abc', ENGINE_BAP_URI: 'ftp://x' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SandboxConfigError);
    const message = (error as Error).message;
    for (const name of ['PORT', 'SANDBOX_STEP_MS', 'postman', 'ENGINE_SIGNING_PUBLIC_KEY', 'ENGINE_BAP_URI']) expect(message).toContain(name);
  });

  it('wants the engine’s three settings together, or none', () => {
    expect(() => sandboxOptionsFromEnv({ ENGINE_SUBSCRIBER_ID: 'engine.example' })).toThrow(/go together/);
    expect(sandboxOptionsFromEnv({}).buyers).toEqual([]);
  });
});
