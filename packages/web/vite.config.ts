import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { build as esbuild } from 'esbuild';
import { defineConfig, type Plugin } from 'vite';

// `npm run dev -w @kopru/web` serves the UI with hot reload and forwards signaling to a running server
// (start it with `TLS=off PORT=8080 npm start`).
const devServer = process.env.KOPRU_DEV_SERVER ?? 'http://localhost:8080';
const publicDir = path.resolve(import.meta.dirname, 'public');

/** The commit the page is built from, shown in Help so people can compare it with a release. */
function buildId(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

/** Every file under `dir`, as paths relative to it with `/` separators. */
function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? filesUnder(path.join(dir, entry.name), `${prefix}${entry.name}/`)
      : [`${prefix}${entry.name}`],
  );
}

/**
 * Builds `src/pwa/service-worker.ts` into `/sw.js` with the list of files it keeps for offline use (the
 * build's output and public/) and a version made from their names and contents: any change to the app
 * is a new worker, which is what makes browsers offer the update.
 */
function serviceWorker(): Plugin {
  return {
    name: 'kopru-service-worker',
    apply: 'build',
    async generateBundle(_options, bundle) {
      const version = createHash('sha256');
      const built = Object.entries(bundle)
        // Lazily loaded chunks are in the bundle too, so the call stage and the dialogs open offline; the
        // build manifest (for `npm run size`) is no page's file.
        .filter(([name]) => !name.endsWith('.map') && name !== 'index.html' && !name.startsWith('.vite/'))
        .map(([name, output]) => {
          version.update(name).update(output.type === 'chunk' ? output.code : output.source);
          return name;
        });
      const publicFiles = filesUnder(publicDir).filter(
        (name) => !name.endsWith('.svg') || name === 'favicon.svg',
      );
      for (const name of publicFiles) version.update(name).update(readFileSync(path.join(publicDir, name)));
      const index = bundle['index.html'];
      if (index?.type === 'asset') version.update(index.source);
      const result = await esbuild({
        entryPoints: [path.resolve(import.meta.dirname, 'src/pwa/service-worker.ts')],
        bundle: true,
        write: false,
        format: 'iife',
        target: 'es2022',
        minify: true,
        define: {
          PRECACHE: JSON.stringify([...built, ...publicFiles].map((name) => `/${name}`).sort()),
          VERSION: JSON.stringify(version.digest('hex').slice(0, 16)),
        },
      });
      this.emitFile({ type: 'asset', fileName: 'sw.js', source: result.outputFiles[0]?.text ?? '' });
    },
  };
}

/**
 * The UI is written (and type-checked) against React's API and runs on Preact's compatibility layer:
 * react-dom alone was 62 kB of the 192 kB of gzipped JavaScript the first screen needed, Preact is 4 kB
 * (docs/benchmarks.md#page-weight). Exact-match aliases, so `react-i18next` and our code import the same copy.
 * The development build (`--mode development`, `npm run dev`) keeps real React: its StrictMode mounts every
 * component twice, which is how `e2e/strict-mode.spec.ts` proves a session is made and closed in an effect
 * (Preact's StrictMode is a plain fragment), and React's development warnings catch hook mistakes.
 */
const preact = [
  { find: /^react-dom\/client$/, replacement: 'preact/compat/client' },
  { find: /^react-dom$/, replacement: 'preact/compat' },
  { find: /^react\/jsx-(dev-)?runtime$/, replacement: 'preact/jsx-runtime' },
  { find: /^react$/, replacement: 'preact/compat' },
];

/** Every `zod` import gets zod configured without eval first (see the module). */
const zod = {
  find: /^zod$/,
  replacement: fileURLToPath(new URL('src/zod-without-eval.ts', import.meta.url)),
};

export default defineConfig(({ mode }) => ({
  plugins: [react(), serviceWorker()],
  define: { __KOPRU_BUILD__: JSON.stringify(process.env.KOPRU_BUILD_ID ?? buildId()) },
  resolve: { alias: mode === 'development' ? [zod] : [...preact, zod] },
  // The manifest tells `npm run size` which chunks the first screen loads.
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, target: 'es2022', manifest: true },
  server: { proxy: { '/socket.io': { target: devServer, ws: true } } },
}));
