// Runs before `npm start`: installs dependencies and builds when needed, so a fresh clone starts with
// one command. Cheap when everything is already in place (a few stat calls).
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const run = (command) => execSync(command, { cwd: root, stdio: 'inherit' });

/** Newest modification time of any file below `dir` (0 when it does not exist). */
function newest(dir) {
  if (!existsSync(dir)) return 0;
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) latest = Math.max(latest, statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return latest;
}

if (!existsSync(path.join(root, 'node_modules/.package-lock.json'))) {
  console.log('Installing dependencies (first start)…');
  run('npm ci --no-audit --no-fund');
}

const sources = Math.max(
  ...['protocol', 'client', 'server', 'web'].map((p) => newest(path.join(root, 'packages', p, 'src'))),
  newest(path.join(root, 'packages/web/public')),
);
const built = Math.min(
  existsSync(path.join(root, 'packages/server/dist/main.js'))
    ? newest(path.join(root, 'packages/server/dist'))
    : 0,
  existsSync(path.join(root, 'packages/web/dist/index.html'))
    ? newest(path.join(root, 'packages/web/dist'))
    : 0,
);
if (built < sources) {
  console.log('Building…');
  run('npm run build');
}
