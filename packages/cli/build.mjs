// Bundles the command line into one ESM file (dist/kopru.js). The workspace packages (@kopru/*, shipped
// as TypeScript) and the small pure-JS dependencies are inlined; node-datachannel stays an import, since it
// loads its native libdatachannel binary from its own package.
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

await build({
  entryPoints: [new URL('./src/main.ts', import.meta.url).pathname],
  outfile: new URL('./dist/kopru.js', import.meta.url).pathname,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  external: ['node-datachannel', 'node-datachannel/*'],
  define: { KOPRU_VERSION: JSON.stringify(pkg.version) },
  // Bundled CommonJS dependencies (socket.io-client's ws, qrcode) call require(): give them one.
  banner: {
    js: "import { createRequire as __kopruRequire } from 'node:module'; const require = __kopruRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
