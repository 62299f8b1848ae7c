import { execFileSync } from 'node:child_process';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `npm run dev -w @kopru/web` serves the UI with hot reload and forwards signaling to a running server
// (start it with `TLS=off PORT=8080 npm start`).
const devServer = process.env.KOPRU_DEV_SERVER ?? 'http://localhost:8080';

/** The commit the page is built from, shown in Help so people can compare it with a release. */
function buildId(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

export default defineConfig({
  plugins: [react()],
  define: { __KOPRU_BUILD__: JSON.stringify(process.env.KOPRU_BUILD_ID ?? buildId()) },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, target: 'es2022' },
  server: { proxy: { '/socket.io': { target: devServer, ws: true } } },
});
