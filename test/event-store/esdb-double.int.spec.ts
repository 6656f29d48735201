/** The shared event store contract, run against the EventStoreDB adapter: real client, real gRPC, the in-repo protocol double. */
import { EsdbEventStore } from '@fulfil/event-store';
import { describeEventStoreContract } from '@fulfil/event-store/testing';
import { startEsdbDouble } from '../esdb-double';
import { recordingLogger } from '../esdb-double/test-helpers';

describeEventStoreContract('EventStoreDB adapter on the protocol double', async () => {
  const double = await startEsdbDouble();
  const store = new EsdbEventStore(double.connectionString, { logger: recordingLogger() });
  return {
    store,
    teardown: async () => {
      await store.close();
      await double.stop();
    },
  };
}, { returnsAppendedEvents: false });
