import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../src/config.js';
import { loadTls } from '../src/tls.js';

const tempDirs: string[] = [];

afterEach(async () => {
  await Promise.all(tempDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'kopru-tls-'));
  tempDirs.push(dir);
  return dir;
}

async function rejection(promise: Promise<unknown>): Promise<ConfigError> {
  const error = await promise.then(
    () => expect.fail('expected loadTls to fail'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

describe('loadTls', () => {
  it('generates a self-signed certificate into DATA_DIR on first start and reuses it afterwards', async () => {
    const dataDir = path.join(await tempDir(), 'not-yet-created');

    const first = await loadTls({ dataDir });
    const second = await loadTls({ dataDir });

    expect(first.source).toBe('generated');
    expect(second).toEqual({ cert: first.cert, key: first.key, source: 'reused' });
    expect(await readFile(path.join(dataDir, 'tls-cert.pem'), 'utf8')).toBe(first.cert);
    // The private key is readable by its owner only.
    expect((await stat(path.join(dataDir, 'tls-key.pem'))).mode & 0o777).toBe(0o600);
    const x509 = new X509Certificate(first.cert);
    expect(x509.subjectAltName).toContain('DNS:localhost');
    expect(x509.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(x509.checkPrivateKey(createPrivateKey(first.key))).toBe(true);
  });

  it('reads TLS_CERT and TLS_KEY when both are given', async () => {
    const dir = await tempDir();
    const generated = await loadTls({ dataDir: dir });
    const certFile = path.join(dir, 'given-cert.pem');
    const keyFile = path.join(dir, 'given-key.pem');
    await writeFile(certFile, generated.cert);
    await writeFile(keyFile, generated.key);

    expect(await loadTls({ certFile, keyFile, dataDir: dir })).toEqual({
      cert: generated.cert,
      key: generated.key,
      source: 'files',
    });
  });

  it('names TLS_CERT when neither file can be read, every time', async () => {
    // The two reads used to race and named TLS_KEY in about 1.5% of runs; 300 tries catch that 99% of the time.
    for (let i = 0; i < 300; i++) {
      const error = await rejection(
        loadTls({ certFile: '/nonexistent', keyFile: '/nonexistent', dataDir: '/unused' }),
      );
      expect(error.setting).toBe('TLS_CERT');
      expect(error.message).toContain('/nonexistent');
    }
  });

  it('names TLS_KEY when only the key cannot be read', async () => {
    const dir = await tempDir();
    const { cert } = await loadTls({ dataDir: dir });
    const certFile = path.join(dir, 'given-cert.pem');
    await writeFile(certFile, cert);

    expect((await rejection(loadTls({ certFile, keyFile: '/nonexistent', dataDir: dir }))).setting).toBe(
      'TLS_KEY',
    );
  });

  it('names the setting whose file is not PEM', async () => {
    const dir = await tempDir();
    const { cert, key } = await loadTls({ dataDir: dir });
    const garbage = path.join(dir, 'garbage.txt');
    const certFile = path.join(dir, 'cert.pem');
    const keyFile = path.join(dir, 'key.pem');
    await writeFile(garbage, 'not a pem file');
    await writeFile(certFile, cert);
    await writeFile(keyFile, key);

    expect((await rejection(loadTls({ certFile: garbage, keyFile, dataDir: dir }))).setting).toBe('TLS_CERT');
    expect((await rejection(loadTls({ certFile, keyFile: garbage, dataDir: dir }))).setting).toBe('TLS_KEY');
  });
});
