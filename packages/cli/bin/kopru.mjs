#!/usr/bin/env node
// The `kopru` command. In the repository the bundle is built on first use (and by `npm run build`);
// a packed or installed package ships it.
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/kopru.js', import.meta.url);
if (!existsSync(bundle)) await import('../build.mjs');
await import(bundle.href);
