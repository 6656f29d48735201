import { startTracing } from '@fulfil/tracing';

/** Imported first by main.ts: tracing must hook the modules it instruments before they load. */
startTracing('fulfilment-engine');
