import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';

/** Turns a room password into what the server keeps, and checks a guess against it. */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, stored: string): Promise<boolean>;
}

export interface ScryptParams {
  /** CPU/memory cost (a power of two). */
  N: number;
  r: number;
  p: number;
  keyLength: number;
  saltLength: number;
}

/**
 * N = 2^15, r = 8: 32 MiB and 0.2–0.3 s per hash on this 2-core machine (2^14: 0.09–0.1 s; measured with
 * `crypto.scryptSync`). RFC 7914's interactive setting is 2^14; one step more doubles an offline guesser's
 * cost while a person joining hardly notices. It runs on libuv's thread pool, not the event loop, and the
 * per-address password limits bound how much of it one address can make us do.
 */
export const DEFAULT_SCRYPT: ScryptParams = { N: 2 ** 15, r: 8, p: 1, keyLength: 32, saltLength: 16 };

const derive = (password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const options: ScryptOptions = {
      N: params.N,
      r: params.r,
      p: params.p,
      // Node refuses above 32 MiB by default; scrypt needs 128·N·r bytes plus a little.
      maxmem: 256 * params.N * params.r * params.p,
    };
    // NFC: the same passphrase typed on two keyboards (composed or decomposed accents) must match.
    scrypt(password.normalize('NFC'), salt, params.keyLength, options, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });

const FORMAT = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/;

/** Salted scrypt, stored as `scrypt$N$r$p$salt$hash` (base64url), so the parameters can change later. */
export function scryptHasher(params: ScryptParams = DEFAULT_SCRYPT): PasswordHasher {
  return {
    async hash(password) {
      const salt = randomBytes(params.saltLength);
      const key = await derive(password, salt, params);
      return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
    },
    async verify(password, stored) {
      const match = FORMAT.exec(stored);
      if (!match) return false;
      const [, n, r, p, saltText = '', keyText = ''] = match;
      const expected = Buffer.from(keyText, 'base64url');
      const key = await derive(password, Buffer.from(saltText, 'base64url'), {
        N: Number(n),
        r: Number(r),
        p: Number(p),
        keyLength: expected.length,
        saltLength: 0,
      });
      return key.length === expected.length && timingSafeEqual(key, expected);
    },
  };
}
