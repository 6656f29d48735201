import { createServer, type Server } from 'node:http';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { PROBLEM_CONTENT_TYPE, problem, type EngineMetrics, type MetricsExposure } from '@fulfil/platform';
import { metricsAuthorized } from './metrics-access';
import { ENGINE_METRICS, metricsUnauthorized } from './metrics.controller';

export const METRICS_EXPOSURE = Symbol('METRICS_EXPOSURE');

/** /metrics on its own port (METRICS_PORT), so a scraper's network need not reach the public API and the API never serves it. */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private server: Server | undefined;

  constructor(
    @Inject(ENGINE_METRICS) private readonly metrics: EngineMetrics,
    @Inject(METRICS_EXPOSURE) private readonly exposure: MetricsExposure & { port: number },
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const server = createServer((request, response) => {
      const path = (request.url ?? '').split('?')[0];
      if (request.method !== 'GET' || path !== '/metrics') {
        response.writeHead(404, { 'content-type': PROBLEM_CONTENT_TYPE }).end(JSON.stringify(problem(404, 'NOT_FOUND', 'Not found', 'This port serves GET /metrics only')));
        return;
      }
      if (!metricsAuthorized(this.exposure.token, request.headers.authorization)) {
        response.writeHead(401, { 'content-type': PROBLEM_CONTENT_TYPE, 'www-authenticate': 'Bearer' }).end(JSON.stringify(metricsUnauthorized()));
        return;
      }
      this.metrics.registry.metrics().then(
        (text) => response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(text),
        () => response.writeHead(500).end(),
      );
    });
    await new Promise<void>((listening, failed) => {
      server.once('error', failed);
      server.listen(this.exposure.port, '0.0.0.0', () => listening());
    });
    this.server = server;
  }

  /** The port it listens on (the configured one, or the one the system chose for 0). */
  get port(): number | undefined {
    const address = this.server?.address();
    return typeof address === 'object' && address !== null ? address.port : undefined;
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((closed) => server.close(() => closed()));
  }
}
