import { Agent, request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sellerProfile } from '../support/fixtures';
import { startApi, type ApiHarness } from '../support/api-harness';
import { until } from '../support/until';

/** Rejects when `promise` has not settled within `ms`. */
function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} still pending after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

describe('closing the HTTP app under load', () => {
  let api: ApiHarness;
  const agent = new Agent({ keepAlive: true });

  beforeAll(async () => {
    api = await startApi({ kind: 'embedded' });
    await api.app.listen(0, '127.0.0.1');
  });

  afterAll(() => agent.destroy());

  it('answers a request that was in flight when closing began, then ends its keep-alive connection so close finishes', async () => {
    const server = api.app.getHttpServer();
    const { port } = server.address() as AddressInfo;
    const body = JSON.stringify({ profile: sellerProfile(), settings: { invoicePrefix: 'INV/' } });
    const arrived = new Promise<void>((resolve) => server.once('request', () => resolve()));
    const req = httpRequest({
      agent,
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/v1/sellers',
      headers: { authorization: `Bearer ${api.platformKey}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    });
    const response = new Promise<{ message: IncomingMessage; text: string }>((resolve, reject) => {
      req.on('error', reject);
      req.on('response', (message) => {
        let text = '';
        message.setEncoding('utf8');
        message.on('data', (chunk: string) => (text += chunk));
        message.on('end', () => resolve({ message, text }));
      });
    });
    // Half the body: the server has the request, its connection busy (not idle) when closing begins.
    req.write(body.slice(0, 10));
    await arrived;

    const closed = api.close();
    await until('the server to stop listening', () => !server.listening, 10_000, 10);
    req.end(body.slice(10));
    const { message, text } = await within(20_000, 'the in-flight response', response);
    expect(message.statusCode).toBe(201);
    expect(JSON.parse(text)).toMatchObject({ sellerId: expect.any(String) });
    // The client is told not to reuse the connection, and the server ends it: close does not wait for the 72 s keep-alive timeout.
    expect(message.headers['connection']).toBe('close');
    await within(5_000, 'closing the app after the last response', closed);
  });
});
