import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `npm run dev -w @kopru/web` serves the UI with hot reload and forwards signaling to a running server
// (start it with `TLS=off PORT=8080 npm start`).
const devServer = process.env.KOPRU_DEV_SERVER ?? 'http://localhost:8080';

export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, target: 'es2022' },
  server: { proxy: { '/socket.io': { target: devServer, ws: true } } },
});
