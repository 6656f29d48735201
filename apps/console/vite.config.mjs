// The seller console: a Preact single-page app built into dist/console, which the engine serves at /console.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/console/',
  logLevel: 'warn',
  build: { outDir: fileURLToPath(new URL('../../dist/console', import.meta.url)), emptyOutDir: true, sourcemap: true },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
});
