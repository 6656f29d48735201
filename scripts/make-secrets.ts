/**
 * `npm run secrets [-- --out <file>] [-- --force]`: writes docker/.env (or <file>) with fresh
 * secrets for the compose stack, mode 0600. It refuses to replace an existing file without
 * --force (replacing DELIVERY_OTP_SECRET or POSTGRES_PASSWORD under a running deployment breaks it),
 * and prints where it wrote, never a value.
 */
import { existsSync, linkSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { SECRET_NAMES, generateSecrets, renderEnvFile } from './secrets-file';

const root = resolve(__dirname, '../..');
const USAGE = 'Usage: npm run secrets [-- --out <file>] [-- --force]   (default file: docker/.env)';

class UsageError extends Error {}

function options(args: string[]): { file: string; force: boolean } {
  let file = join(root, 'docker/.env');
  let force = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--force') force = true;
    else if (arg === '--out' && args[i + 1]) file = resolve(args[++i]!);
    else throw new UsageError(`Unknown argument ${arg}. ${USAGE}`);
  }
  return { file, force };
}

function write(file: string, text: string, force: boolean): void {
  // Created 0600 under a temporary name and moved into place: no moment where another user could read it.
  const temporary = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  writeFileSync(temporary, text, { mode: 0o600, flag: 'wx' });
  try {
    if (force) renameSync(temporary, file);
    else linkSync(temporary, file); // fails if the file appeared meanwhile: never overwrite without --force
  } finally {
    if (existsSync(temporary)) unlinkSync(temporary);
  }
}

function main(): void {
  const { file, force } = options(process.argv.slice(2));
  if (existsSync(file) && !force) {
    throw new UsageError(`${file} exists; nothing was changed. Its secrets are in use by every instance: pass --force only to replace them all.`);
  }
  write(file, renderEnvFile(generateSecrets(), new Date()), force);
  const shown = relative(process.cwd(), file).startsWith('..') ? file : relative(process.cwd(), file);
  process.stdout.write(`Wrote ${SECRET_NAMES.join(', ')} to ${shown} (mode 0600).\n`);
  process.stdout.write(`Next: docker compose -f docker/docker-compose.yml --env-file ${shown} up -d --build\n`);
}

try {
  main();
} catch (error) {
  process.stderr.write(`${error instanceof UsageError ? error.message : `npm run secrets failed: ${error instanceof Error ? error.message : String(error)}`}\n`);
  process.exit(error instanceof UsageError ? 2 : 1);
}
