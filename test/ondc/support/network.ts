import { RunningSandbox, SandboxOptions, startSandbox } from '../../../apps/ondc-sandbox/src';
import type { PartnerName } from '../../../apps/ondc-sandbox/src';
import { TestBuyer } from './test-buyer';

export interface TestNetwork {
  buyer: TestBuyer;
  sandbox: RunningSandbox;
  gatewayUrl: string;
  /** The subscriber id of a partner taking part. */
  partnerId(name: PartnerName): string;
  close(): Promise<void>;
}

/** The test buyer and a sandbox on ephemeral ports, the buyer registered and looking keys up in the sandbox registry. */
export async function startNetwork(options: Pick<SandboxOptions, 'participants'> & { stepMs?: number }): Promise<TestNetwork> {
  const buyer = new TestBuyer();
  await buyer.listen();
  const sandbox = await startSandbox({ ...options, stepMs: options.stepMs ?? 30, replyDelayMs: 5, buyers: [buyer.registration()], logger: false });
  buyer.useRegistry(`${sandbox.baseUrl}/registry`);
  return {
    buyer,
    sandbox,
    gatewayUrl: `${sandbox.baseUrl}/gateway`,
    partnerId(name) {
      const partner = sandbox.network.partners.get(name);
      if (!partner) throw new Error(`${name} does not take part`);
      return partner.subscriberId;
    },
    async close() {
      await sandbox.close();
      await buyer.close();
    },
  };
}
