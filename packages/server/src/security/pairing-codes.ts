import { randomBytes, randomInt } from 'node:crypto';
import { AppError, type PairCreateReply } from '@kopru/protocol';

/** A code brings two devices together for this long: time to read six digits and type them (issue #13). */
export const PAIRING_CODE_TTL_MS = 2 * 60_000;
/** Failed claims, made while a code is live, that end it: a guesser gets this many tries at each code. */
export const PAIRING_CODE_MAX_WRONG = 5;
/**
 * An expired, used or worn-out code is remembered this long, so that a late claim is told which it was
 * instead of "wrong". It is not handed out again meanwhile.
 */
export const PAIRING_CODE_TOMBSTONE_MS = 10 * 60_000;
/** Live codes at most (a million possible ones): beyond this, guessing one gets too easy. */
export const PAIRING_CODES_MAX = 10_000;

interface LiveCode {
  rendezvous: string;
  expiresAt: number;
  wrong: number;
}

type Ended = 'used' | 'expired';

/** Draws a code (0–999999, uniformly) and a 256-bit meeting id; tests pass fixed ones. */
export interface PairingRandom {
  code(): string;
  rendezvous(): string;
}

export const cryptoPairingRandom: PairingRandom = {
  code: () => String(randomInt(0, 1_000_000)).padStart(6, '0'),
  rendezvous: () => randomBytes(32).toString('base64url'),
};

/**
 * The server's side of a pairing code (docs/security.md#pairing): random, six digits, valid for
 * PAIRING_CODE_TTL_MS and one claim. Every failed claim counts against every live code, so a guesser has
 * PAIRING_CODE_MAX_WRONG tries per code whichever it aims at. Kept in this node's memory: a code is a
 * two-minute meeting point, not state worth a store (docs/deploy.md says what that means with several nodes).
 */
export class PairingCodes {
  private readonly live = new Map<string, LiveCode>();
  private readonly ended = new Map<string, { why: Ended; until: number }>();

  constructor(private readonly random: PairingRandom = cryptoPairingRandom) {}

  create(now: number): PairCreateReply {
    this.sweep(now);
    if (this.live.size >= PAIRING_CODES_MAX) {
      throw new AppError(
        'RATE_LIMITED',
        'too many pairing codes are open on this server; retry in a minute',
        {
          retryAfterMs: 60_000,
        },
      );
    }
    let code = this.random.code();
    // At most PAIRING_CODES_MAX + tombstones of a million are taken: a free one turns up at once.
    while (this.live.has(code) || this.ended.has(code)) code = this.random.code();
    const entry = { rendezvous: this.random.rendezvous(), expiresAt: now + PAIRING_CODE_TTL_MS, wrong: 0 };
    this.live.set(code, entry);
    return { code, rendezvous: entry.rendezvous, expiresInMs: PAIRING_CODE_TTL_MS };
  }

  /** The code's meeting id, once; or `PAIR_CODE_EXPIRED`, `PAIR_CODE_USED`, `PAIR_CODE_WRONG`. */
  claim(code: string, now: number): string {
    this.sweep(now);
    const entry = this.live.get(code);
    if (entry) {
      this.end(code, 'used', now);
      return entry.rendezvous;
    }
    const ended = this.ended.get(code);
    if (ended?.why === 'used') throw new AppError('PAIR_CODE_USED', 'this pairing code was already used');
    if (ended?.why === 'expired') {
      throw new AppError('PAIR_CODE_EXPIRED', 'this pairing code has expired; ask for a new one');
    }
    for (const [other, live] of this.live) {
      live.wrong += 1;
      if (live.wrong >= PAIRING_CODE_MAX_WRONG) this.end(other, 'expired', now);
    }
    throw new AppError('PAIR_CODE_WRONG', 'no such pairing code; check the six digits');
  }

  get liveCount(): number {
    return this.live.size;
  }

  private end(code: string, why: Ended, now: number): void {
    this.live.delete(code);
    this.ended.set(code, { why, until: now + PAIRING_CODE_TOMBSTONE_MS });
  }

  private sweep(now: number): void {
    for (const [code, entry] of this.live) if (entry.expiresAt <= now) this.end(code, 'expired', now);
    for (const [code, entry] of this.ended) if (entry.until <= now) this.ended.delete(code);
  }
}
