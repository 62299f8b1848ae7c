import type { PeerMessage } from '@kopru/protocol';
import { describe, expect, it, vi } from 'vitest';
import type { DtlsFingerprint } from '../../src/peer/sdp.js';
import { generateLinkKey } from '../../src/security/link-proof.js';
import { LINK_PROOF_WAIT_MS, type LinkProofState, LinkVerifier } from '../../src/security/link-verifier.js';
import { silentLogger, type TimerId, type Timers } from '../../src/util/seams.js';

const ROOM = 'abcdefgh12345678';
const fp = (byte: number): DtlsFingerprint => ({
  algorithm: 'sha-256',
  value: Array.from({ length: 32 }, () => byte.toString(16).padStart(2, '0').toUpperCase()).join(':'),
});

/** Timers that only fire when the test advances them (WebCrypto runs for real, off the event loop). */
class ManualTimers implements Timers {
  private now = 0;
  private nextId = 1;
  private readonly pending = new Map<number, { at: number; callback: () => void }>();

  setTimeout(callback: () => void, ms: number): TimerId {
    const id = this.nextId++;
    this.pending.set(id, { at: this.now + ms, callback });
    return id as unknown as TimerId;
  }

  clearTimeout(id: TimerId): void {
    this.pending.delete(id as unknown as number);
  }

  advance(ms: number): void {
    this.now += ms;
    for (const [id, timer] of [...this.pending]) {
      if (timer.at > this.now) continue;
      this.pending.delete(id);
      timer.callback();
    }
  }
}

/**
 * One side of a pair: a verifier whose messages go to `deliver`, and whose connection has the fingerprints
 * `local`/`remote` (a man in the middle gives each side a different pair).
 */
function side(
  selfPeerId: string,
  linkKey: string | undefined,
  local: DtlsFingerprint,
  remote: DtlsFingerprint,
) {
  const sent: PeerMessage[] = [];
  const fingerprints = { local, remote };
  const timers = new ManualTimers();
  const verifier = new LinkVerifier({
    timers,
    roomId: ROOM,
    selfPeerId,
    linkKey,
    logger: silentLogger,
    transport: {
      send: (_peerId, message) => {
        sent.push(message);
        return true;
      },
      fingerprints: () => fingerprints,
    },
  });
  const states: LinkProofState[] = [];
  verifier.on('changed', ({ state }) => states.push(state));
  return { verifier, sent, states, fingerprints, timers };
}

type Side = ReturnType<typeof side>;

/** Waits for the proof a side sends once its HMAC is computed. */
async function proofFrom(s: Side): Promise<Extract<PeerMessage, { type: 'link-proof' }>> {
  await vi.waitFor(() => expect(s.sent.length).toBeGreaterThan(0));
  const [message] = s.sent.splice(0);
  if (message?.type !== 'link-proof') throw new Error(`not a proof: ${JSON.stringify(message)}`);
  return message;
}

/** Waits until the side's state for the peer is no longer `pending`. */
async function verdict(s: Side, peerId: string): Promise<LinkProofState | undefined> {
  await vi.waitFor(() => expect(s.verifier.state(peerId)).not.toBe('pending'));
  return s.verifier.state(peerId);
}

/** Both control channels open; the proofs cross; both verdicts are in. */
async function exchange(a: Side, aId: string, b: Side, bId: string): Promise<void> {
  a.verifier.handleControlOpen(bId);
  b.verifier.handleControlOpen(aId);
  const [fromA, fromB] = await Promise.all([proofFrom(a), proofFrom(b)]);
  b.verifier.handleProof(aId, fromA);
  a.verifier.handleProof(bId, fromB);
  await Promise.all([verdict(a, bId), verdict(b, aId)]);
  // Each answered the other's proof with its own once more (dropped as a repeat if delivered): discarded.
  await Promise.all([proofFrom(a), proofFrom(b)]);
}

describe('LinkVerifier', () => {
  const key = generateLinkKey();

  it('verifies both sides of an honest connection', async () => {
    const a = side('peerAAAA', key, fp(1), fp(2));
    const b = side('peerBBBB', key, fp(2), fp(1));
    await exchange(a, 'peerAAAA', b, 'peerBBBB');
    expect(a.verifier.state('peerBBBB')).toBe('verified');
    expect(b.verifier.state('peerAAAA')).toBe('verified');
    expect(a.verifier.holdsAutoAccept('peerBBBB')).toBe(false);
    // Nothing later turns it into "missing".
    a.timers.advance(LINK_PROOF_WAIT_MS * 2);
    expect(a.verifier.state('peerBBBB')).toBe('verified');
  });

  it('fails on both sides when someone in between terminates DTLS with its own keys', async () => {
    // Aylin sees (1, 8) and Burak (2, 9): each talks to the interceptor's certificates 8 and 9.
    const a = side('peerAAAA', key, fp(1), fp(8));
    const b = side('peerBBBB', key, fp(2), fp(9));
    await exchange(a, 'peerAAAA', b, 'peerBBBB');
    expect(a.verifier.state('peerBBBB')).toBe('failed');
    expect(b.verifier.state('peerAAAA')).toBe('failed');
    expect(a.verifier.holdsAutoAccept('peerBBBB')).toBe(true);
  });

  it('fails when the other side holds another key', async () => {
    const a = side('peerAAAA', key, fp(1), fp(2));
    const b = side('peerBBBB', generateLinkKey(), fp(2), fp(1));
    await exchange(a, 'peerAAAA', b, 'peerBBBB');
    expect(a.verifier.state('peerBBBB')).toBe('failed');
  });

  it('marks a peer that never proves anything as missing after LINK_PROOF_WAIT_MS, and sends nothing without a key', async () => {
    const a = side('peerAAAA', key, fp(1), fp(2));
    const b = side('peerBBBB', undefined, fp(2), fp(1));
    a.verifier.handleControlOpen('peerBBBB');
    b.verifier.handleControlOpen('peerAAAA');
    b.verifier.handleProof('peerAAAA', await proofFrom(a));
    expect(b.verifier.hasKey).toBe(false);
    expect(b.verifier.state('peerAAAA')).toBeUndefined();
    expect(b.sent).toEqual([]);
    expect(a.verifier.state('peerBBBB')).toBe('pending');
    a.timers.advance(LINK_PROOF_WAIT_MS - 1);
    expect(a.verifier.state('peerBBBB')).toBe('pending');
    a.timers.advance(1);
    expect(a.verifier.state('peerBBBB')).toBe('missing');
    expect(a.verifier.holdsAutoAccept('peerBBBB')).toBe(false);
  });

  it('drops the same proof repeated on one connection, and fails an old proof replayed on a new one', async () => {
    const a = side('peerAAAA', key, fp(1), fp(2));
    const b = side('peerBBBB', key, fp(2), fp(1));
    b.verifier.handleControlOpen('peerAAAA');
    const proof = await proofFrom(b);
    a.verifier.handleControlOpen('peerBBBB');
    a.verifier.handleProof('peerBBBB', proof);
    expect(await verdict(a, 'peerBBBB')).toBe('verified');
    a.verifier.handleProof('peerBBBB', proof);
    a.verifier.handleProof('peerBBBB', proof);
    // Another proof on the same connection is judged (only the peer itself can send on it).
    const flipped = `${proof.proof.startsWith('A') ? 'B' : 'A'}${proof.proof.slice(1)}`;
    a.verifier.handleProof('peerBBBB', { ...proof, proof: flipped });
    await vi.waitFor(() => expect(a.states.at(-1)).toBe('failed'));
    expect(a.states).toEqual(['pending', 'verified', 'failed']);

    // A new connection (new certificates on Burak's side): the old proof no longer matches.
    a.fingerprints.remote = fp(3);
    a.verifier.handleSession('peerBBBB');
    a.verifier.handleControlOpen('peerBBBB');
    a.verifier.handleProof('peerBBBB', proof);
    await vi.waitFor(() => expect(a.states.length).toBe(4));
    expect(a.states).toEqual(['pending', 'verified', 'failed', 'failed']);
  });

  it('answers a proof with its own once per connection, so a proof lost on the way is made good', async () => {
    const a = side('peerAAAA', key, fp(1), fp(2));
    const b = side('peerBBBB', key, fp(2), fp(1));
    a.verifier.handleControlOpen('peerBBBB');
    b.verifier.handleControlOpen('peerAAAA');
    await proofFrom(a); // lost: Burak never sees the proof Aylin sent on opening
    b.verifier.handleProof(
      'peerAAAA',
      await proofFrom(b).then((fromB) => {
        a.verifier.handleProof('peerBBBB', fromB);
        return proofFrom(a); // Aylin answers Burak's proof with hers
      }),
    );
    expect(await verdict(b, 'peerAAAA')).toBe('verified');
    expect(await verdict(a, 'peerBBBB')).toBe('verified');
    // Burak answers once too; Aylin drops that repeat and does not answer again: the exchange ends.
    const answer = await proofFrom(b);
    a.verifier.handleProof('peerBBBB', answer);
    a.verifier.handleProof('peerBBBB', answer);
    expect(a.verifier.state('peerBBBB')).toBe('verified');
    await Promise.resolve();
    expect(a.sent).toEqual([]);
    // A new connection: the answer is owed again.
    a.verifier.handleSession('peerBBBB');
    b.verifier.handleSession('peerAAAA');
    a.verifier.handleControlOpen('peerBBBB');
    b.verifier.handleControlOpen('peerAAAA');
    await proofFrom(a);
    a.verifier.handleProof('peerBBBB', await proofFrom(b));
    expect((await proofFrom(a)).type).toBe('link-proof');
  });

  it('says missing LINK_PROOF_WAIT_MS after a new connection even if its channel never reports open', async () => {
    const a = side('peerAAAA', key, fp(1), fp(2));
    a.verifier.handleControlOpen('peerBBBB');
    a.timers.advance(LINK_PROOF_WAIT_MS / 2);
    // Replaced half-way: the old wait is void, the new connection's own wait starts.
    a.verifier.handleSession('peerBBBB');
    a.timers.advance(LINK_PROOF_WAIT_MS - 1);
    expect(a.verifier.state('peerBBBB')).toBe('pending');
    a.timers.advance(1);
    expect(a.verifier.state('peerBBBB')).toBe('missing');
  });

  it('keeps a failure through a new connection until a proof verifies', async () => {
    const a = side('peerAAAA', key, fp(1), fp(8));
    const b = side('peerBBBB', key, fp(2), fp(9));
    await exchange(a, 'peerAAAA', b, 'peerBBBB');
    expect(a.verifier.state('peerBBBB')).toBe('failed');

    a.verifier.handleSession('peerBBBB');
    expect(a.verifier.state('peerBBBB')).toBe('failed');
    // Still failed when the new connection brings no proof at all.
    a.verifier.handleControlOpen('peerBBBB');
    await proofFrom(a);
    a.timers.advance(LINK_PROOF_WAIT_MS);
    expect(a.verifier.state('peerBBBB')).toBe('failed');
    expect(a.verifier.holdsAutoAccept('peerBBBB')).toBe(true);

    // The interceptor is gone: the next connection is direct, and verifies.
    a.fingerprints.remote = fp(2);
    b.fingerprints.remote = fp(1);
    a.verifier.handleSession('peerBBBB');
    b.verifier.handleSession('peerAAAA');
    a.verifier.handleControlOpen('peerBBBB');
    b.verifier.handleControlOpen('peerAAAA');
    const [fromA, fromB] = await Promise.all([proofFrom(a), proofFrom(b)]);
    b.verifier.handleProof('peerAAAA', fromA);
    a.verifier.handleProof('peerBBBB', fromB);
    await vi.waitFor(() => expect(a.verifier.state('peerBBBB')).toBe('verified'));
    await vi.waitFor(() => expect(b.verifier.state('peerAAAA')).toBe('verified'));
    expect(a.verifier.holdsAutoAccept('peerBBBB')).toBe(false);
  });

  it('throws away a verdict computed for a connection that was replaced meanwhile', async () => {
    const a = side('peerAAAA', key, fp(1), fp(8));
    const b = side('peerBBBB', key, fp(2), fp(9));
    b.verifier.handleControlOpen('peerAAAA');
    const proof = await proofFrom(b);
    // Counts finished HMACs: the check of Burak's proof and Aylin's answer to it.
    const subtle = globalThis.crypto.subtle;
    const sign = subtle.sign.bind(subtle);
    let signed = 0;
    const spy = vi
      .spyOn(subtle, 'sign')
      .mockImplementation(async (...args: Parameters<SubtleCrypto['sign']>) => {
        const result = await sign(...args);
        signed += 1;
        return result;
      });
    try {
      a.verifier.handleControlOpen('peerBBBB');
      await proofFrom(a);
      signed = 0;
      a.verifier.handleProof('peerBBBB', proof);
      a.verifier.handleSession('peerBBBB');
      await vi.waitFor(() => expect(signed).toBe(2));
      await Promise.resolve();
      expect(a.verifier.state('peerBBBB')).toBe('pending');
      // The answer belonged to the replaced connection: not sent.
      expect(a.sent).toEqual([]);
    } finally {
      spy.mockRestore();
    }
  });
});
