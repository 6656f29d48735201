import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { claimDataDir, DataDirInUseError, type DataDirLock } from '@fulfil/platform';

const root = resolve(__dirname, '../../..');
const entry = join(root, 'dist/apps/engine/src/main.js');

export interface RunningEngine {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** `npm start`'s process: the built engine, with only PORT and DATA_DIR set, as a newcomer runs it. */
export async function startEngine(dataDir: string, port: number, extraEnv: NodeJS.ProcessEnv = {}, startTimeoutMs = 60_000): Promise<RunningEngine> {
  return startBuilt('apps/engine/src/main.js', 'Fulfilment engine ready', { DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn', ...extraEnv }, startTimeoutMs);
}

/** A built entry point with `env` (beside PATH and HOME) only, once its output shows `ready`. */
export async function startBuilt(script: string, ready: string, env: NodeJS.ProcessEnv, startTimeoutMs = 60_000): Promise<RunningEngine> {
  const child = spawn(process.execPath, [join(root, 'dist', script)], { cwd: root, env: { PATH: process.env['PATH'], HOME: process.env['HOME'], ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  await new Promise<void>((done, fail) => {
    const timer = setTimeout(() => {
      // Not left running behind a failed test.
      child.kill('SIGKILL');
      fail(new Error(`${script} did not start within ${startTimeoutMs / 1000} s:\n${output}`));
    }, startTimeoutMs);
    child.stdout!.on('data', () => {
      if (!output.includes(ready)) return;
      clearTimeout(timer);
      done();
    });
    void exited.then((code) => {
      clearTimeout(timer);
      fail(new Error(`${script} exited with ${code}:\n${output}`));
    });
  });
  return { child, output: () => output, exited };
}

export async function stopEngine(engine: RunningEngine): Promise<number | null> {
  engine.child.kill('SIGTERM');
  return engine.exited;
}


const buildLock = join(root, 'dist.build-lock');
const buildMarker = join(root, 'dist/.build-run');

/**
 * The same build `npm start` makes, once per Jest run: suites run in parallel workers, and two
 * builds at once would rewrite `dist` under an engine another suite has started (Vite refuses a
 * second build of the same project outright). The lock is the data directory's own one-owner
 * lock, so a build killed mid-way leaves nothing that blocks the next run.
 */
export function buildEngine(deadlineMs = 240_000): void {
  const run = process.env['ENGINE_BUILD_RUN'];
  const lock = takeBuildLock(deadlineMs);
  try {
    if (run !== undefined && existsSync(buildMarker) && readFileSync(buildMarker, 'utf8') === run) return;
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'pipe' });
    if (run !== undefined) writeFileSync(buildMarker, run);
  } finally {
    lock.release();
  }
}

function takeBuildLock(deadlineMs: number): DataDirLock {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    try {
      return claimDataDir(buildLock, 'engine build');
    } catch (error) {
      if (!(error instanceof DataDirInUseError)) throw error;
      if (Date.now() > deadline) throw new Error(`another build held ${buildLock} for ${deadlineMs / 1000} s`, { cause: error });
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
  }
}

/** Runs the engine to its end with a given environment, as a deploy with a bad variable would. */
export function runEngineToExit(env: NodeJS.ProcessEnv): { status: number | null; stderr: string; stdout: string } {
  const result = spawnSync(process.execPath, [entry], { cwd: root, env: { PATH: process.env['PATH'], ...env }, encoding: 'utf8', timeout: 30_000 });
  return { status: result.status, stderr: result.stderr, stdout: result.stdout };
}

/** Runs another built entry point (the rebuild command, say) to its end. */
export function runToExit(script: string, args: string[], env: NodeJS.ProcessEnv): { status: number | null; stderr: string; stdout: string } {
  const result = spawnSync(process.execPath, [join(root, 'dist', script), ...args], { cwd: root, env: { PATH: process.env['PATH'], ...env }, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stderr: result.stderr, stdout: result.stdout };
}

/** The production shape: a PostgreSQL event store and read models, secrets from the environment. */
export function productionEnv(databaseUrl: string, dataDir: string) {
  return {
    EVENT_STORE: 'postgres',
    DATABASE_URL: databaseUrl,
    DATABASE_SCHEMA: `prod_${randomBytes(4).toString('hex')}`,
    READ_MODELS_SCHEMA: `prod_rm_${randomBytes(4).toString('hex')}`,
    DELIVERY_OTP_SECRET: randomBytes(32).toString('hex'),
    PLATFORM_API_KEY: `fep_${randomBytes(24).toString('base64url')}`,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
  };
}

export async function dropSchemas(databaseUrl: string, schemas: Array<string | undefined>): Promise<void> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  for (const schema of schemas) if (schema) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await client.end();
}

