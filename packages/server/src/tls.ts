import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { generate } from 'selfsigned';
import { ConfigError } from './config.js';

export interface TlsMaterial {
  cert: string;
  key: string;
  /** Where it came from, for the start-up log. */
  source: 'files' | 'generated' | 'reused';
}

async function readSetting(setting: string, file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError(setting, `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
}

/**
 * Loads TLS_CERT/TLS_KEY, or a self-signed certificate kept in the data directory (made on first start and
 * reused so browsers that accepted it once keep accepting it).
 */
export async function loadTls(opts: {
  certFile?: string;
  keyFile?: string;
  dataDir: string;
}): Promise<TlsMaterial> {
  if (opts.certFile && opts.keyFile) {
    // One after the other, so that when both are unreadable the error always names TLS_CERT (with
    // Promise.all it named whichever read failed first, which varied from run to run).
    const cert = await readSetting('TLS_CERT', opts.certFile);
    const key = await readSetting('TLS_KEY', opts.keyFile);
    if (!cert.includes('BEGIN CERTIFICATE'))
      throw new ConfigError('TLS_CERT', `${opts.certFile} is not a PEM certificate`);
    if (!key.includes('PRIVATE KEY'))
      throw new ConfigError('TLS_KEY', `${opts.keyFile} is not a PEM private key`);
    return { cert, key, source: 'files' };
  }
  const certPath = path.join(opts.dataDir, 'tls-cert.pem');
  const keyPath = path.join(opts.dataDir, 'tls-key.pem');
  try {
    const [cert, key] = await Promise.all([readFile(certPath, 'utf8'), readFile(keyPath, 'utf8')]);
    return { cert, key, source: 'reused' };
  } catch {
    // Not there yet: make one below.
  }
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + 825 * 24 * 3600 * 1000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  await mkdir(opts.dataDir, { recursive: true });
  await writeFile(keyPath, pems.private, { mode: 0o600 });
  await writeFile(certPath, pems.cert, { mode: 0o644 });
  return { cert: pems.cert, key: pems.private, source: 'generated' };
}
