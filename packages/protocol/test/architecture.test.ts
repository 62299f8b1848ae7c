import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/** Imports point one way: web → client → protocol, cli → client, server → protocol. This keeps them that way. */
const ROOT = path.resolve(import.meta.dirname, '../../..');

function sources(pkg: string): string[] {
  const dir = path.join(ROOT, 'packages', pkg, 'src');
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(ts|tsx)$/.test(f))
    .map((f) => path.join(dir, f));
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/g)].map(
    (m) => m[1] ?? '',
  );
}

function packageImports(pkg: string): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const file of sources(pkg)) {
    for (const spec of importsOf(file)) {
      if (spec.startsWith('.')) continue;
      const list = found.get(spec) ?? [];
      list.push(path.relative(ROOT, file));
      found.set(spec, list);
    }
  }
  return found;
}

const allowedOnly = (pkg: string, allowed: (spec: string) => boolean) =>
  [...packageImports(pkg).entries()]
    .filter(([spec]) => !allowed(spec))
    .map(([spec, files]) => `${spec} in ${files[0]}`);

describe('dependency direction', () => {
  it('protocol depends on zod only', () => {
    expect(allowedOnly('protocol', (s) => s === 'zod')).toEqual([]);
  });

  it('client never imports React, the web app or the server', () => {
    expect(
      allowedOnly('client', (s) => !/^(react|react-dom|@kopru\/web|@kopru\/server)(\/|$)/.test(s)),
    ).toEqual([]);
  });

  it('client core stays free of the DOM (no document or window; the web app passes what it needs)', () => {
    // Code only (comments may speak of the send window), and the globals only (not `this.window.`).
    const code = (f: string) => readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    const offenders = sources('client').filter((f) => /(?<![.\w$/-])(document|window)\./.test(code(f)));
    expect(offenders.map((f) => path.relative(ROOT, f))).toEqual([]);
  });

  it('server never imports the client or the web app', () => {
    expect(allowedOnly('server', (s) => !/^@kopru\/(client|web)(\/|$)/.test(s))).toEqual([]);
  });

  it('cli imports the client core and protocol, never the web app or the server', () => {
    expect(allowedOnly('cli', (s) => !/^@kopru\/(web|server)(\/|$)/.test(s))).toEqual([]);
    expect(packageImports('cli').has('@kopru/client')).toBe(true);
  });

  it('web never imports the server', () => {
    expect(allowedOnly('web', (s) => !/^@kopru\/server(\/|$)/.test(s))).toEqual([]);
  });

  it('the scan sees real imports (guards against a broken pattern)', () => {
    expect(packageImports('client').has('@kopru/protocol')).toBe(true);
    expect(packageImports('web').has('react')).toBe(true);
  });
});
