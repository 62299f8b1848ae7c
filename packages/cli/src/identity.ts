import { randomBytes, X509Certificate } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { generate } from 'selfsigned';

/** Where the DTLS identity lives: `$KOPRU_HOME`, else `$XDG_CONFIG_HOME/kopru`, else `~/.config/kopru`. */
export function identityHome(env: NodeJS.ProcessEnv = process.env): string {
  if (env.KOPRU_HOME) return env.KOPRU_HOME;
  return path.join(env.XDG_CONFIG_HOME || path.join(homedir(), '.config'), 'kopru');
}

/** As in the browser (docs/security.md): valid a year, renewed 30 days before it ends. */
const VALID_DAYS = 365;
const RENEW_DAYS = 30;
const DAY_MS = 86_400_000;

export interface DtlsIdentity {
  certificatePemFile: string;
  keyPemFile: string;
}

/**
 * The long-lived DTLS certificate of this user on this machine (ECDSA P-256, like the browser's), so the
 * safety number others see for the command line stays the same from one run to the next and "Mark as
 * verified" means something. Made once, kept in `identity/` under `identityHome()` (key readable by the
 * user only). Two processes making it at once each write a fresh folder and rename it into place; the
 * loser uses the winner's.
 */
export async function loadDtlsIdentity(home = identityHome()): Promise<DtlsIdentity> {
  const dir = path.join(home, 'identity');
  const files = { certificatePemFile: path.join(dir, 'cert.pem'), keyPemFile: path.join(dir, 'key.pem') };
  let expiring = false;
  try {
    const cert = new X509Certificate(await readFile(files.certificatePemFile));
    await readFile(files.keyPemFile);
    if (Date.parse(cert.validTo) - Date.now() > RENEW_DAYS * DAY_MS) return files;
    expiring = true;
  } catch {
    // none yet, or unreadable: make one
  }
  await mkdir(home, { recursive: true, mode: 0o700 });
  const fresh = path.join(home, `identity-${randomBytes(6).toString('hex')}`);
  const now = new Date();
  const pems = await generate([{ name: 'commonName', value: 'kopru' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: now,
    notAfterDate: new Date(now.getTime() + VALID_DAYS * DAY_MS),
  });
  await mkdir(fresh, { mode: 0o700 });
  await writeFile(path.join(fresh, 'cert.pem'), pems.cert);
  await writeFile(path.join(fresh, 'key.pem'), pems.private, { mode: 0o600 });
  if (expiring) await rm(dir, { recursive: true, force: true });
  try {
    await rename(fresh, dir);
  } catch {
    await rm(fresh, { recursive: true, force: true }); // another process won
  }
  return files;
}
