import type { AddressInfo } from 'node:net';
import type { LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { SandboxNetwork } from './network';
import { SandboxModule } from './sandbox.module';
import type { SandboxOptions } from './sandbox-options';

export interface StandaloneSandboxOptions extends Omit<SandboxOptions, 'routePrefix'> {
  /** 0 (the default) for an ephemeral port. */
  port?: number;
  host?: string;
  /** Nest log levels; false for none. */
  logger?: false | LogLevel[];
}

export interface RunningSandbox {
  app: NestFastifyApplication;
  /** Where the registry (`/registry`), gateway (`/gateway`) and partners (`/partners/{name}`) answer. */
  baseUrl: string;
  network: SandboxNetwork;
  close(): Promise<void>;
}

/** Runs the sandbox as its own server; its base URL is the listening address unless one is given. */
export async function startSandbox(options: StandaloneSandboxOptions): Promise<RunningSandbox> {
  const { port = 0, host = '127.0.0.1', logger = ['error', 'warn', 'log'], ...sandbox } = options;
  const app = await NestFactory.create<NestFastifyApplication>(SandboxModule.forRoot(sandbox), new FastifyAdapter(), { rawBody: true, logger });
  await app.listen(port, host);
  const address = app.getHttpServer().address() as AddressInfo;
  const network = app.get(SandboxNetwork);
  const baseUrl = sandbox.baseUrl ?? `http://${host === '0.0.0.0' ? 'localhost' : host}:${address.port}`;
  network.useBaseUrl(baseUrl);
  return { app, baseUrl, network, close: () => app.close() };
}
