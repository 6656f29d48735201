import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { freePort } from '../../support/free-port';

/** One POST the relay passed on: where it went and its JSON body (undefined when not JSON). */
export interface RelayedPost {
  path: string;
  body: unknown;
}

/** No upstream took the connection (all down): the request never reached anyone, so another may take it. */
class UpstreamRefused extends Error {}

/**
 * A plain HTTP relay on a port of its own: what a load balancer (in front of several engines) or
 * the network's edge (in front of the ONDC sandbox) is in production. It passes each request to
 * the next upstream in turn, moves on when an upstream refuses the connection (the request never
 * reached it), answers 502 when one dies mid-request (a client retries that), and keeps every POST
 * body it passed, so a test can count what went over the wire.
 */
export class HttpRelay {
  readonly posts: RelayedPost[] = [];
  private readonly served = new Map<string, number>();
  private server: Server | undefined;
  private next = 0;
  port = 0;

  constructor(private readonly upstreams: () => string[]) {}

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** How many requests each upstream answered. */
  upstreamsServed(): ReadonlyMap<string, number> {
    return this.served;
  }

  async start(): Promise<void> {
    this.port = await freePort();
    const server = createServer((incoming, outgoing) => void this.relay(incoming, outgoing));
    // Callbacks and polls keep connections open; a relay with idle keep-alives must not hold the test up at the end.
    server.keepAliveTimeout = 1_000;
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async relay(incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const upstreams = this.upstreams();
    for (let tried = 0; tried < upstreams.length; tried++) {
      const upstream = upstreams[this.next++ % upstreams.length]!;
      try {
        const answer = await this.forward(upstream, incoming, body);
        if (incoming.method === 'POST') this.posts.push({ path: incoming.url ?? '', body: parsed(body) });
        this.served.set(upstream, (this.served.get(upstream) ?? 0) + 1);
        outgoing.writeHead(answer.status, answer.headers).end(answer.body);
        return;
      } catch (error) {
        if (error instanceof UpstreamRefused) continue;
        // The upstream took the request and died before answering: it may have acted on it.
        if (incoming.method === 'POST') this.posts.push({ path: incoming.url ?? '', body: parsed(body) });
        outgoing.writeHead(502, { 'content-type': 'text/plain' }).end('upstream died mid-request');
        return;
      }
    }
    outgoing.writeHead(502, { 'content-type': 'text/plain' }).end('no upstream is up');
  }

  private forward(upstream: string, incoming: IncomingMessage, body: Buffer): Promise<{ status: number; headers: Record<string, string | string[]>; body: Buffer }> {
    const target = new URL(incoming.url ?? '/', upstream);
    const headers = { ...incoming.headers, host: target.host, 'content-length': String(body.length) };
    delete headers['connection'];
    return new Promise((resolve, reject) => {
      let connected = false;
      const request = httpRequest(target, { method: incoming.method, headers, agent: false }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const answerHeaders: Record<string, string | string[]> = {};
          for (const [name, value] of Object.entries(response.headers)) if (value !== undefined && name !== 'connection' && name !== 'transfer-encoding') answerHeaders[name] = value;
          resolve({ status: response.statusCode ?? 502, headers: answerHeaders, body: Buffer.concat(chunks) });
        });
        response.on('error', reject);
      });
      request.on('socket', (socket) => socket.once('connect', () => (connected = true)));
      request.on('error', (error: NodeJS.ErrnoException) => reject(!connected && error.code === 'ECONNREFUSED' ? new UpstreamRefused(error.message) : error));
      request.end(body);
    });
  }
}

function parsed(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
