// The seller console: a Preact single-page app built into dist/console, which the engine serves at /console.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/console/',
  logLevel: 'warn',
  // Not emptied first: tests build while other tests' engines serve dist/console, and a build of the
  // same sources rewrites the same hashed names in place instead of removing them for a moment.
  build: { outDir: fileURLToPath(new URL('../../dist/console', import.meta.url)), emptyOutDir: false, sourcemap: true },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
});
