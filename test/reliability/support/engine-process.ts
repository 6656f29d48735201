import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../support/free-port';
import { until } from '../../support/until';
import { BUILT_ENGINE_DIR, LOGS_DIR } from './paths';

/** How the suite starts one engine: the store it runs on and the secrets it holds, so the tests can compute OTPs. */
export interface EngineOptions {
  dataDir: string;
  /** Extra environment: EVENT_STORE, DATABASE_URL, DATABASE_SCHEMA, READ_MODELS_SCHEMA... */
  env?: Record<string, string>;
  deliveryOtpSecret: string;
  platformApiKey: string;
}

export const newEngineSecrets = (): Pick<EngineOptions, 'deliveryOtpSecret' | 'platformApiKey'> => ({
  deliveryOtpSecret: randomBytes(32).toString('hex'),
  platformApiKey: `fep_${randomBytes(24).toString('base64url')}`,
});

/** The built all-in-one engine as a child process, with everything it printed kept for the log checks. */
export class EngineProcess {
  /** stdout and stderr of every run of this engine (restarts included). */
  readonly output: string[] = [];
  /** stderr alone: where a failed start says why. */
  private readonly errors: string[] = [];
  /** Everything the engine printed, kept after the run for diagnosis (CI keeps node_modules/.cache between steps). */
  readonly logFile = join(LOGS_DIR, `engine-${randomBytes(4).toString('hex')}.log`);
  private child: ChildProcess | undefined;
  private exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> = Promise.resolve({ code: 0, signal: null });
  port = 0;

  constructor(private readonly options: EngineOptions) {}

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The running child's pid: what the `leases` table names its holder by. */
  get pid(): number | undefined {
    return this.running ? this.child?.pid : undefined;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts the engine and resolves once /health/ready answers 200. */
  async start(readyDeadlineMs = 90_000): Promise<void> {
    const child = await this.spawn();
    let exitedEarly = false;
    void this.exited.then(() => (exitedEarly = true));
    await until(
      `the engine on port ${this.port} to be ready`,
      async () => exitedEarly || (await fetch(`${this.baseUrl}/health/ready`)).status === 200,
      readyDeadlineMs,
    );
    if (exitedEarly) throw new Error(`The engine exited during start (${String(child.exitCode ?? child.signalCode)}):\n${this.errors.join('').slice(-4000)}`);
  }

  /** Starts the engine and SIGKILLs it `afterMs` later, ready or not: a crash during boot. Resolves once it is gone. */
  async bootAndKill(afterMs: number): Promise<void> {
    const child = await this.spawn();
    const timer = setTimeout(() => child.kill('SIGKILL'), afterMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** What the engine wrote to stderr, across its runs. */
  get stderr(): string {
    return this.errors.join('');
  }

  private async spawn(): Promise<ChildProcess> {
    // The same port across restarts: clients keep one address, as they would behind a service name.
    if (this.port === 0) this.port = await freePort();
    const child = spawn(process.execPath, [join(BUILT_ENGINE_DIR, 'apps/engine/src/main.js')], {
      cwd: this.options.dataDir,
      env: {
        PATH: process.env['PATH'] ?? '',
        PORT: String(this.port),
        DATA_DIR: this.options.dataDir,
        DELIVERY_OTP_SECRET: this.options.deliveryOtpSecret,
        PLATFORM_API_KEY: this.options.platformApiKey,
        LOG_LEVEL: 'info',
        // Simulated partners move a step every 200 ms, so their reports arrive (and are checked) within a run.
        SANDBOX_STEP_MS: '200',
        ...this.options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    mkdirSync(LOGS_DIR, { recursive: true });
    child.stdout?.on('data', (chunk: Buffer) => {
      this.output.push(chunk.toString('utf8'));
      appendFileSync(this.logFile, chunk);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      this.output.push(chunk.toString('utf8'));
      this.errors.push(chunk.toString('utf8'));
      appendFileSync(this.logFile, chunk);
    });
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    return child;
  }

  /** SIGKILL: no shutdown hook runs, exactly like a power cut of the process. */
  async kill(): Promise<void> {
    if (!this.running) return;
    this.child?.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM and wait for the exit; resolves with how it ended. */
  async terminate(deadlineMs = 30_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (!this.running) return this.exited;
    this.child?.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`The engine did not exit within ${deadlineMs} ms of SIGTERM`)), deadlineMs);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
