/**
 * `npm run projections:rebuild -- <name>|all`: rebuilds projections from position zero into shadow
 * tables and swaps them in, while the live tables keep answering queries. Against PostgreSQL a
 * running projector carries on and adopts the rebuilt tables; an embedded PGlite directory can be
 * opened by one process only: against a running embedded engine the command says so and stops,
 * having changed nothing (ADR 0016).
 */
import 'reflect-metadata';
import { openEngineEventStore } from '@fulfil/commands';
import { ConfigError, DataDirInUseError, claimDataDir, embeddedDataDir, loadStoresConfig, startupFailureLine } from '@fulfil/platform';
import { READ_MODEL_PROJECTIONS, ReadModels } from '@fulfil/read-models';
import { rebuildProgressBar } from './rebuild-progress';

const USAGE = `Usage: npm run projections:rebuild -- <name>|all   (names: ${READ_MODEL_PROJECTIONS.map((p) => p.name).join(', ')})`;

class UsageError extends Error {}

function projectionsToRebuild(args: string[]): string[] {
  const known = READ_MODEL_PROJECTIONS.map((p) => p.name);
  if (args.length === 0) throw new UsageError(USAGE);
  if (args.length === 1 && args[0] === 'all') return known;
  const unknown = args.filter((name) => !known.includes(name));
  if (unknown.length > 0) throw new UsageError(`Unknown projection ${unknown.join(', ')}. ${USAGE}`);
  return args;
}

async function rebuild(args: string[]): Promise<void> {
  const names = projectionsToRebuild(args);
  const config = loadStoresConfig();
  const dataDir = embeddedDataDir(config);
  try {
    if (dataDir) claimDataDir(dataDir, 'projections:rebuild');
  } catch (error) {
    if (error instanceof DataDirInUseError) {
      throw new UsageError(
        `Cannot rebuild while process ${error.owner.pid} (${error.owner.app}) runs on ${error.directory}: its embedded PGlite databases have one owner. ` +
          'Stop it (Ctrl-C or SIGTERM), run the rebuild, then start it again; nothing was changed.',
      );
    }
    throw error;
  }
  const store = await openEngineEventStore(config.eventStore, (report) => process.stdout.write(`Renamed ${report.renamed} streams of the previous version to seller-scoped names\n`));
  try {
    const readModels = await ReadModels.open({ database: config.readModels, store });
    try {
      // One pass over the store feeds every projection named.
      const bar = rebuildProgressBar(names.length === 1 ? names[0]! : `${names.length} projections`);
      const results = await readModels.rebuildAll(names, (report) => bar.update(report)).finally(() => bar.stop());
      const seconds = results[0]!.durationMs / 1000;
      process.stdout.write(`Rebuilt ${names.join(', ')} in one pass over the store: ${seconds.toFixed(1)} s\n`);
      for (const result of results) process.stdout.write(`  ${result.projection}: ${result.events} events applied, now at position ${result.position}\n`);
    } finally {
      await readModels.close();
    }
  } finally {
    await store.close();
  }
}

function embeddedDataDirOrUndefined(): string | undefined {
  try {
    return embeddedDataDir(loadStoresConfig());
  } catch {
    return undefined;
  }
}

rebuild(process.argv.slice(2)).catch((error: unknown) => {
  const known = error instanceof UsageError || error instanceof ConfigError;
  process.stderr.write(`${known ? (error as Error).message : startupFailureLine('Rebuild', error, embeddedDataDirOrUndefined())}\n`);
  process.exit(known ? 2 : 1);
});
