// A minimal, stock Astro site that builds the pipeline's `--layout astro` export (tests/generators.py).
import { defineConfig } from 'astro/config';

export default defineConfig({
  site: 'https://example.org',
  trailingSlash: 'always',
  build: { format: 'directory' },
  // Caches stay inside the build folder: node_modules is shared by every build (a symlink).
  cacheDir: './.astro-cache',
  vite: { cacheDir: './.vite-cache' },
});
