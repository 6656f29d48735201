import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BUILT_ENGINE_DIR, FIGURES_FILE, LOGS_DIR, REPO_ROOT } from './paths';

/** Builds the engine once for every test file, exactly as `npm run build` compiles it, and starts a fresh figures file. */
export default function globalSetup(): void {
  rmSync(BUILT_ENGINE_DIR, { recursive: true, force: true });
  rmSync(LOGS_DIR, { recursive: true, force: true });
  execFileSync(
    join(REPO_ROOT, 'node_modules/.bin/swc'),
    ['apps', 'libs', '-d', BUILT_ENGINE_DIR, '--copy-files', '--ignore', '**/*.spec.ts', '--config-file', '.swcrc'],
    { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  mkdirSync(dirname(FIGURES_FILE), { recursive: true });
  writeFileSync(FIGURES_FILE, '');
}
