import { join } from 'node:path';

const repoRoot = join(__dirname, '../../..');

/**
 * The suite builds the engine once into a directory of its own (not `dist/`, which other builds share)
 * inside node_modules, so the built code resolves its dependencies the way `npm start` does.
 */
export const BUILT_ENGINE_DIR = join(repoRoot, 'node_modules/.cache/fulfil-reliability/dist');

/** Each test file appends its figures here (one JSON line per figure); the global teardown prints them. */
export const FIGURES_FILE = join(repoRoot, 'node_modules/.cache/fulfil-reliability/figures.jsonl');

/** Each engine's output, one file per engine, for diagnosing a failed run. */
export const LOGS_DIR = join(repoRoot, 'node_modules/.cache/fulfil-reliability/logs');

export const REPO_ROOT = repoRoot;
