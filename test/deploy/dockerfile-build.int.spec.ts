import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, posix, resolve } from 'node:path';
import { freePort } from '../support/free-port';
import { until } from '../support/until';
import { dropSchemas } from '../engine/support/engine-process';
import { copyArgs, dockerfileStages, envPairs, type Stage } from './support/dockerfile-stages';

/**
 * No Docker engine runs here, so this performs docker/Dockerfile's steps by hand: the build stage's
 * COPY and RUN instructions in order, in an empty directory holding only the repository's tracked
 * files (what a clean clone has), then the runtime stage's COPY --from=build into a second empty
 * directory, whose CMD is started with the image's ENV. A Dockerfile change that breaks the build
 * (a missing file, an install refusing the lockfile, a CMD pointing nowhere) breaks this test.
 */
const root = resolve(__dirname, '../..');
const dockerfile = readFileSync(join(root, 'docker/Dockerfile'), 'utf8');
const databaseUrl = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const APP = 'fulfillment-api';

const work = mkdtempSync(join(tmpdir(), 'fulfilment-image-'));
const context = join(work, 'context');
const buildDir = join(work, 'build');
const runtimeDir = join(work, 'runtime');

/** The build's environment: nothing of this checkout's npm run leaks in; the warm npm cache is used when present. */
function buildEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env['PATH'],
    HOME: process.env['HOME'],
    ...(process.env['npm_config_cache'] ? { npm_config_cache: process.env['npm_config_cache'] } : {}),
    npm_config_prefer_offline: 'true',
    npm_config_update_notifier: 'false',
    ...extra,
  };
}

/** A path inside the image (`/app/...`, or relative to WORKDIR) as a path in `dir`. */
function inStage(dir: string, workdir: string, path: string): string {
  const absolute = posix.isAbsolute(path) ? path : posix.join(workdir, path);
  const relative = posix.relative(workdir, absolute);
  if (relative.startsWith('..')) throw new Error(`${path} lies outside WORKDIR ${workdir}, which this test maps to a directory`);
  return join(dir, relative);
}

function copyInto(source: string, dest: string, destIsDirectory: boolean): void {
  if (!existsSync(source)) throw new Error(`COPY source ${source} does not exist in a clean checkout`);
  // Docker copies a directory's contents, and a file into a destination ending in `/`.
  const target = statSync(source).isFile() && destIsDirectory ? join(dest, source.split('/').pop()!) : dest;
  mkdirSync(statSync(source).isFile() ? dirname(target) : target, { recursive: true });
  cpSync(source, target, { recursive: true, verbatimSymlinks: true });
}

interface Built {
  installOutput: string;
  runtime: Stage;
  env: Record<string, string>;
}

/** Performs the build stage, then the runtime stage's copies; answers the runtime's ENV. */
function buildImage(args: Record<string, string>): Built {
  const stages = dockerfileStages(dockerfile);
  const build = stages.find((s) => s.name === 'build');
  const runtime = stages.at(-1)!;
  if (!build || build === runtime) throw new Error('The Dockerfile needs a build stage named build and a runtime stage after it');
  const stageDirs: Record<string, { dir: string; workdir: string }> = {};
  let installOutput = '';

  for (const [stage, dir] of [
    [build, buildDir],
    [runtime, runtimeDir],
  ] as const) {
    mkdirSync(dir, { recursive: true });
    let workdir = '/';
    const env: Record<string, string> = {};
    for (const instruction of stage.instructions) {
      const { keyword } = instruction;
      if (keyword === 'WORKDIR') workdir = instruction.args;
      else if (keyword === 'ARG') {
        const [name, fallback = ''] = instruction.args.split('=');
        env[name!] = args[name!] ?? fallback;
      } else if (keyword === 'ENV') Object.assign(env, envPairs(instruction.args, env));
      else if (keyword === 'COPY') {
        const { flags, sources, dest } = copyArgs(instruction.args);
        const from = flags['from'] ? stageDirs[flags['from']] : undefined;
        if (flags['from'] && !from) throw new Error(`COPY --from=${flags['from']}: no such earlier stage`);
        const destIsDirectory = dest.endsWith('/') || sources.length > 1;
        for (const source of sources) {
          const path = from ? inStage(from.dir, from.workdir, source) : join(context, source);
          copyInto(path, inStage(dir, workdir, dest), destIsDirectory);
        }
      } else if (keyword === 'RUN') {
        // The runtime stage's RUN makes the system user: an operating-system step with nothing to build.
        if (stage === runtime) continue;
        const result = spawnSync('sh', ['-c', instruction.args], { cwd: inStage(dir, workdir, '.'), env: buildEnv(env), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
        const output = `${result.stdout}${result.stderr}`;
        if (result.status !== 0) throw new Error(`Dockerfile line ${instruction.line} (RUN ${instruction.args}) failed with ${result.status}:\n${output}`);
        if (/\bnpm ci\b/.test(instruction.args)) installOutput += output;
      }
    }
    stageDirs[stage.name] = { dir, workdir };
    if (stage === runtime) return { installOutput, runtime, env };
  }
  throw new Error('unreachable');
}

describe('the image built from a clean checkout by docker/Dockerfile', () => {
  let built: Built;
  let child: ChildProcess | undefined;
  let output = '';
  const schemas = { DATABASE_SCHEMA: `img_${randomBytes(4).toString('hex')}`, READ_MODELS_SCHEMA: `img_rm_${randomBytes(4).toString('hex')}` };

  beforeAll(() => {
    // Tracked files only (uncommitted edits included): no node_modules, dist or data of this checkout.
    const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' }).split('\0').filter(Boolean);
    for (const file of tracked) {
      const source = join(root, file);
      if (!existsSync(source)) continue; // deleted in the worktree, not yet committed
      mkdirSync(dirname(join(context, file)), { recursive: true });
      cpSync(source, join(context, file));
    }
    built = buildImage({ APP });
  }, 480_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGKILL');
      await new Promise((done) => child!.once('exit', done));
    }
    await dropSchemas(databaseUrl, Object.values(schemas));
    rmSync(work, { recursive: true, force: true });
  });

  it('installs from the lockfile on the Node line package.json and the image name, with no engine warning', () => {
    const images = dockerfileStages(dockerfile).map((s) => s.image);
    const majors = new Set(images.map((image) => /^node:(\d+)-/.exec(image)?.[1]));
    expect([...majors]).toEqual(['20']);
    const engines = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
    expect(engines).toMatch(/^>=20\.\d+$/);
    // This test installs with the Node that runs it; it says so when that is not the image's line.
    expect({ node: process.versions.node.split('.')[0] }).toEqual({ node: '20' });
    expect(built.installOutput).not.toMatch(/EBADENGINE|npm ERR|npm error/);
    expect(existsSync(join(runtimeDir, 'dist/apps', APP, 'src/main.js'))).toBe(true);
    // npm prune --omit=dev ran: the runtime carries no build or test tools.
    expect(existsSync(join(runtimeDir, 'node_modules/jest'))).toBe(false);
    expect(existsSync(join(runtimeDir, 'node_modules/@nestjs/core'))).toBe(true);
  });

  it('starts under NODE_ENV=production with its CMD, answers /health/ready, and its HEALTHCHECK passes', async () => {
    expect(built.env['NODE_ENV']).toBe('production');
    const cmd = built.runtime.instructions.filter((i) => i.keyword === 'CMD').at(-1);
    const argv = JSON.parse(cmd!.args) as string[];
    const port = await freePort();
    const dataDir = join(work, 'data');
    const env = {
      PATH: process.env['PATH'],
      ...built.env,
      APP,
      PORT: String(port),
      DATA_DIR: dataDir,
      UPLOADS_DIR: join(dataDir, 'uploads'),
      EVENT_STORE: 'postgres',
      DATABASE_URL: databaseUrl,
      ...schemas,
      DELIVERY_OTP_SECRET: randomBytes(32).toString('hex'),
      PLATFORM_API_KEY: `fep_${randomBytes(24).toString('base64url')}`,
      METRICS_TOKEN: randomBytes(18).toString('hex'),
      WHATSAPP_MODE: 'sandbox',
      LOG_LEVEL: 'warn',
    };
    expect(isAbsolute(built.env['DATA_DIR'] ?? '')).toBe(true);
    child = spawn(argv[0]!, argv.slice(1), { cwd: runtimeDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of [child.stdout!, child.stderr!]) stream.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const ready = async () => (await fetch(`http://127.0.0.1:${port}/health/ready`)).status === 200;
    // An app that exits ends the wait at once, and the assertion below shows its output.
    await until('/health/ready 200 from the built image', async () => child!.exitCode !== null || (await ready()), 90_000, 200);
    expect({ exitCode: child.exitCode, output: child.exitCode === null ? '' : output }).toEqual({ exitCode: null, output: '' });
    expect(output).not.toMatch(/EBADENGINE/);

    const healthcheck = built.runtime.instructions.find((i) => i.keyword === 'HEALTHCHECK');
    const command = /\bCMD\s+(.+)$/.exec(healthcheck!.args)![1]!;
    const probe = spawnSync('sh', ['-c', command], { cwd: runtimeDir, env, encoding: 'utf8', timeout: 10_000 });
    expect({ status: probe.status, stderr: probe.stderr }).toEqual({ status: 0, stderr: '' });

    child.kill('SIGTERM');
    const code = await new Promise<number | null>((done) => (child!.exitCode !== null ? done(child!.exitCode) : child!.once('exit', (c) => done(c))));
    expect(code).toBe(0);
  }, 150_000);
});
