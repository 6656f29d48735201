/**
 * EventStoreDB protocol test double: a real gRPC server (insecure, in-memory) serving the service
 * definitions shipped inside `@eventstore/db-client`, so the real client can be exercised without an
 * EventStoreDB server. A test tool only: never import it from application code.
 *
 * It implements what the event store adapter uses: ServerFeatures, Streams.Read (stream, `$all`
 * both ways, filtered `$all` subscriptions with checkpoints and `CaughtUp`), Streams.Append and
 * Streams.BatchAppend. `restart()` drops every connection (and so every live subscription) and
 * listens again on the same port.
 */
import { Server, ServerCredentials, status as GrpcStatus } from '@grpc/grpc-js';
import { ServerFeaturesService } from '@eventstore/db-client/generated/serverfeatures_grpc_pb';
import { SupportedMethod, SupportedMethods } from '@eventstore/db-client/generated/serverfeatures_pb';
import { StreamsService } from '@eventstore/db-client/generated/streams_grpc_pb';
import type { AllSubscription } from './all-subscription';
import { InMemoryLog } from './in-memory-log';
import { RpcError } from './proto';
import { createStreamsService, type StreamsServiceState } from './streams-service';

export interface EsdbDoubleOptions {
  /** 0 (the default) picks a free port; restarts reuse whichever port was bound. */
  port?: number;
  /**
   * Advertise `Streams.BatchAppend` in ServerFeatures (default true, like EventStoreDB 21.10+), so
   * the client appends through it; false makes the client fall back to `Streams.Append`.
   */
  batchAppend?: boolean;
}

export interface EsdbDouble {
  readonly connectionString: string;
  readonly port: number;
  /** Drops every connection and stops listening. */
  stop(): Promise<void>;
  /** Stops, then listens again on the same port; data is kept unless `keepData` is false. */
  restart(options?: { keepData?: boolean }): Promise<void>;
  /** How many live subscriptions have been sent their whole history and `CaughtUp`. */
  readonly caughtUpSubscriptions: number;
  /** Ends every live subscription with UNAVAILABLE while the server stays up, as a server dropping a slow subscriber would. */
  dropSubscriptions(): void;
}

const HOST = '127.0.0.1';
const SERVER_VERSION = '24.10.0-protocol-double';

export async function startEsdbDouble(options: EsdbDoubleOptions = {}): Promise<EsdbDouble> {
  const state: StreamsServiceState = { log: new InMemoryLog(), subscriptions: new Set<AllSubscription>() };
  const batchAppend = options.batchAppend ?? true;
  let server = createServer(state, batchAppend);
  const port = await bind(server, options.port ?? 0);

  const stop = async (): Promise<void> => {
    for (const subscription of state.subscriptions) subscription.end();
    server.forceShutdown();
  };

  return {
    connectionString: `esdb://${HOST}:${port}?tls=false`,
    port,
    stop,
    async restart({ keepData = true } = {}) {
      await stop();
      if (!keepData) state.log.clear();
      server = createServer(state, batchAppend);
      await bind(server, port);
    },
    get caughtUpSubscriptions() {
      return [...state.subscriptions].filter((subscription) => subscription.caughtUpSent).length;
    },
    dropSubscriptions() {
      for (const subscription of state.subscriptions) subscription.fail(new RpcError(GrpcStatus.UNAVAILABLE, 'Subscription dropped by the server'));
    },
  };
}

function createServer(state: StreamsServiceState, batchAppend: boolean): Server {
  const server = new Server();
  server.addService(StreamsService, createStreamsService(state));
  server.addService(ServerFeaturesService, {
    getSupportedMethods: (_call: unknown, callback: (error: null, methods: SupportedMethods) => void) => callback(null, supportedMethods(batchAppend)),
  });
  return server;
}

/** The client only looks up the lower-cased `/service/method` path (see `dist/Client/ServerFeatures.js`). */
function supportedMethods(batchAppend: boolean): SupportedMethods {
  const paths = [StreamsService.read.path, StreamsService.append.path, ...(batchAppend ? [StreamsService.batchAppend.path] : [])];
  const methods = paths.map((path) => {
    const [, serviceName = '', methodName = ''] = path.split('/');
    return new SupportedMethod().setServiceName(serviceName).setMethodName(methodName);
  });
  return new SupportedMethods().setMethodsList(methods).setEventStoreServerVersion(SERVER_VERSION);
}

function bind(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(`${HOST}:${port}`, ServerCredentials.createInsecure(), (error, boundPort) => (error ? reject(error) : resolve(boundPort)));
  });
}
