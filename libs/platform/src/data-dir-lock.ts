import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** A start-up failure the operator can act on: one line naming the directory, the cause and the fix. */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupError';
  }
}

/** Who holds a data directory, as written in its lock file. */
export interface DataDirOwner {
  pid: number;
  /** The holder's start time in clock ticks since boot (Linux), so a recycled pid is not mistaken for it. */
  startTicks?: string;
  app: string;
  since: string;
  /** Where the holder serves HTTP, so a second command can reach it instead (the rebuild does). */
  port?: number;
}

export class DataDirInUseError extends StartupError {
  constructor(
    readonly directory: string,
    readonly owner: DataDirOwner,
  ) {
    super(
      `Data directory ${directory} is in use by process ${owner.pid} (${owner.app}, since ${owner.since}): a PGlite directory has one owner; stop that process first, or set DATA_DIR to another directory`,
    );
    this.name = 'DataDirInUseError';
  }
}

export const LOCK_FILE = 'owner.lock';

/** PGlite's own pid files: a process killed while opening its database leaves them (sometimes empty), and PGlite then refuses to open. */
const PGLITE_DIRECTORIES = ['events', 'read-models'];

function startTicksOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22, counted after the command name, which is in parentheses and may hold spaces.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function isAlive(owner: DataDirOwner): boolean {
  if (owner.pid === process.pid) return false; // our own pid, recycled after the holder died (pid 1 in a container)
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const ticks = startTicksOf(owner.pid);
  return owner.startTicks === undefined || ticks === undefined || ticks === owner.startTicks;
}

function readOwner(path: string): DataDirOwner | undefined {
  try {
    const owner = JSON.parse(readFileSync(path, 'utf8')) as Partial<DataDirOwner>;
    return typeof owner.pid === 'number' && Number.isInteger(owner.pid) && owner.pid > 0 ? (owner as DataDirOwner) : undefined;
  } catch {
    return undefined; // empty or torn: written by a process killed mid-write, so not a live holder's
  }
}

const FIXES: Record<string, string> = {
  EACCES: 'give the user running the engine read and write access to it, or set DATA_DIR to a directory it owns',
  EPERM: 'give the user running the engine read and write access to it, or set DATA_DIR to a directory it owns',
  EROFS: 'the file system is read-only; mount it read-write, or set DATA_DIR to a writable directory',
  ENOSPC: 'the disk is full; free space on it, then start again',
  EDQUOT: 'the disk quota is used up; free space or raise the quota, then start again',
  ENOTDIR: 'a file stands where the directory should be; move it away, or set DATA_DIR to a directory',
  EEXIST: 'a file stands where the directory should be; move it away, or set DATA_DIR to a directory',
};

/** The one-line explanation of a file-system error on the data directory. */
export function dataDirProblem(directory: string, error: unknown, doing: string): StartupError {
  const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
  const fix = FIXES[code] ?? 'check the directory and its disk, then start again';
  return new StartupError(`Data directory ${directory}: cannot ${doing} (${code}: ${(error as Error).message}); ${fix}`);
}

export interface DataDirLock {
  directory: string;
  /** Records the HTTP port once listening, for commands that would reach the holder. */
  announce(port: number): void;
  release(): void;
}

/**
 * Makes this process the one owner of `directory` before any PGlite database in it is opened,
 * held until the process ends. The lock is a file created exclusively; one left by a process that
 * died (its pid gone, or recycled by another program) is moved aside atomically and replaced, so
 * two processes recovering it at once cannot both win. Once owned, PGlite's pid files in the
 * directory can only be leftovers, and are removed.
 */
export function claimDataDir(directory: string, app: string): DataDirLock {
  try {
    mkdirSync(directory, { recursive: true });
  } catch (error) {
    throw dataDirProblem(directory, error, 'create it');
  }
  const path = join(directory, LOCK_FILE);
  const owner: DataDirOwner = { pid: process.pid, app, since: new Date().toISOString(), ...optional('startTicks', startTicksOf(process.pid)) };
  for (let attempt = 0; ; attempt++) {
    if (attempt > 10) throw new StartupError(`Data directory ${directory}: the lock ${path} keeps changing; another process is starting on it, so start one at a time`);
    if (tryCreate(path, owner, directory)) break;
    const holder = readOwner(path);
    if (holder && isAlive(holder)) throw new DataDirInUseError(directory, holder);
    moveAsideIfStale(path, directory);
  }
  removeLeftoverPidFiles(directory);
  removePartialFiles(directory);
  let held = owner;
  const lock: DataDirLock = {
    directory,
    announce(port) {
      held = { ...owner, port };
      writeAtomically(path, JSON.stringify(held));
    },
    release() {
      process.removeListener('exit', lock.release);
      const current = readOwner(path);
      if (current?.pid === process.pid && current.since === held.since) rmSync(path, { force: true });
    },
  };
  process.once('exit', lock.release);
  return lock;
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

function tryCreate(path: string, owner: DataDirOwner, directory: string): boolean {
  try {
    return createAtomically(path, JSON.stringify(owner));
  } catch (error) {
    throw dataDirProblem(directory, error, 'write its lock file');
  }
}

/** Renames a dead holder's lock away; if a live holder replaced it meanwhile, puts that one back. */
function moveAsideIfStale(path: string, directory: string): void {
  const aside = `${path}.stale.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    renameSync(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw dataDirProblem(directory, error, 'replace a stale lock file');
  }
  const moved = readOwner(aside);
  if (moved && isAlive(moved)) {
    try {
      linkSync(aside, path);
    } catch {
      // Someone else holds it now; the next attempt reads them.
    }
  }
  rmSync(aside, { force: true });
}

function removeLeftoverPidFiles(directory: string): void {
  for (const name of PGLITE_DIRECTORIES) {
    const pidFile = join(directory, name, 'postmaster.pid');
    try {
      if (statSync(pidFile).isFile()) unlinkSync(pidFile);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw dataDirProblem(directory, error, `remove the stale ${pidFile}`);
    }
  }
}

function writeDurably(path: string, content: string, mode = 0o600): void {
  const fd = openSync(path, 'wx', mode);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Replaces `path` with `content` so that a crash leaves either the old file or the new one,
 * never a torn one: written beside it, flushed, renamed over it, and the directory flushed.
 */
export function writeAtomically(path: string, content: string, mode = 0o600): void {
  const partial = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.partial`;
  try {
    writeDurably(partial, content, mode);
    renameSync(partial, path);
  } finally {
    rmSync(partial, { force: true });
  }
  syncDirectoryOf(path);
}

/**
 * Creates `path` with `content` unless it exists, atomically: of two processes creating it at
 * once, one wins and the other gets false (and should read the winner's).
 */
export function createAtomically(path: string, content: string, mode = 0o600): boolean {
  const partial = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.partial`;
  try {
    writeDurably(partial, content, mode);
    linkSync(partial, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    rmSync(partial, { force: true });
  }
}

function syncDirectoryOf(path: string): void {
  const directory = path.slice(0, Math.max(1, path.lastIndexOf('/')));
  try {
    const fd = openSync(directory, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some file systems cannot flush a directory; the rename itself is still atomic.
  }
}

/** Partial files a killed process left beside the ones it was writing. */
function removePartialFiles(directory: string): void {
  let names: string[];
  try {
    names = readdirSync(directory);
  } catch {
    return;
  }
  for (const name of names) if (name.endsWith('.partial')) rmSync(join(directory, name), { force: true });
}

/** The holder of `directory`'s lock, when it is alive. */
export function dataDirOwner(directory: string): DataDirOwner | undefined {
  const owner = readOwner(join(directory, LOCK_FILE));
  return owner && isAlive(owner) ? owner : undefined;
}

const FILE_SYSTEM_CODES = new Set(Object.keys(FIXES));

/**
 * The one line a process that failed to start prints: a known cause as it is, a file-system error
 * or an embedded database that would not open with the data directory, the cause and the fix.
 */
export function startupFailureLine(app: string, error: unknown, embeddedDataDir?: string): string {
  if (error instanceof StartupError || (error instanceof Error && error.name === 'ConfigError')) return error.message;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (embeddedDataDir && typeof code === 'string' && FILE_SYSTEM_CODES.has(code)) return `${app} failed to start: ${dataDirProblem(embeddedDataDir, error, 'open its files').message}`;
  if (embeddedDataDir && error instanceof Error && /PGlite|checkpoint record|PANIC|database files are incompatible/i.test(`${error.message} ${String((error as { cause?: unknown }).cause ?? '')}`)) {
    return (
      `${app} failed to start: the embedded database in ${embeddedDataDir} cannot be opened (${error.message}); ` +
      'if the disk is full or read-only fix that and start again, otherwise the files are damaged: restore the directory from a backup'
    );
  }
  return `${app} failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
}
