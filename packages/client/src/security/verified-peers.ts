import { z } from 'zod';
import type { KeyValueStorage } from '../browser.js';
import type { DtlsFingerprint } from '../peer/sdp.js';
import { TypedEmitter } from '../util/typed-emitter.js';
import { fingerprintKey } from './safety-number.js';

/**
 * - `verified`: you compared safety numbers with this certificate's owner and marked it.
 * - `changed`: you verified this peer (same peer id) with another certificate: someone may be in between.
 * - `unverified`: neither.
 */
export type VerificationStatus = 'verified' | 'unverified' | 'changed';

const entrySchema = z.object({
  fingerprint: z.string().min(1).max(512),
  peerId: z.string().max(64),
  name: z.string().max(64),
  verifiedAt: z.number(),
  /**
   * How: the user compared safety numbers (absent in entries from before the invite-link proof), or the
   * invite-link proof verified it. Either way a later change of certificate under the same peer id is a
   * `changed`; only the first shows as "Verified" (the link proof shows its own state, per connection).
   */
  method: z.enum(['safety-number', 'invite-link']).optional(),
});
export type VerifiedEntry = z.infer<typeof entrySchema>;

export const VERIFIED_PEERS_KEY = 'kopru:verified-peers';
/** Oldest entries go first past this; a few hundred people verified is already a lot. */
const MAX_ENTRIES = 500;

export type VerifiedPeersEvents = { changed: undefined };

/** Peers whose certificate the user verified, remembered by fingerprint (localStorage). */
export class VerifiedPeers extends TypedEmitter<VerifiedPeersEvents> {
  private entries: VerifiedEntry[];

  constructor(
    private readonly storage: KeyValueStorage,
    private readonly now: () => number = () => Date.now(),
  ) {
    super();
    this.entries = this.load();
  }

  status(peerId: string, remote: DtlsFingerprint | undefined): VerificationStatus {
    if (!remote) return 'unverified';
    const key = fingerprintKey(remote);
    const match = this.entries.find((e) => e.fingerprint === key);
    if (match) return match.method === 'invite-link' ? 'unverified' : 'verified';
    return this.entries.some((e) => e.peerId === peerId) ? 'changed' : 'unverified';
  }

  /** The entry this peer was verified under before (for "verified as … on …"). */
  entryFor(peerId: string): VerifiedEntry | undefined {
    return this.entries.find((e) => e.peerId === peerId);
  }

  /** Marks the peer's current certificate as verified; replaces what was remembered for that peer. */
  markVerified(peerId: string, name: string, remote: DtlsFingerprint): void {
    const fingerprint = fingerprintKey(remote);
    this.entries = [
      ...this.entries.filter((e) => e.peerId !== peerId && e.fingerprint !== fingerprint),
      { fingerprint, peerId, name, verifiedAt: this.now() },
    ].slice(-MAX_ENTRIES);
    this.save();
  }

  /**
   * Remembers the certificate the invite-link proof verified for this peer, so that a later change of it
   * raises the same warning as for a peer verified by safety number. Never replaces what is remembered for
   * the peer: a change stays reported until the user acts on it.
   */
  rememberLinkVerified(peerId: string, name: string, remote: DtlsFingerprint): void {
    if (this.entries.some((e) => e.peerId === peerId)) return;
    const fingerprint = fingerprintKey(remote);
    if (this.entries.some((e) => e.fingerprint === fingerprint)) return;
    this.entries = [
      ...this.entries,
      { fingerprint, peerId, name, verifiedAt: this.now(), method: 'invite-link' as const },
    ].slice(-MAX_ENTRIES);
    this.save();
  }

  /** Forgets the peer (whatever its certificate): it becomes unverified, and no change is reported. */
  forget(peerId: string, remote: DtlsFingerprint | undefined): void {
    const fingerprint = remote ? fingerprintKey(remote) : undefined;
    this.entries = this.entries.filter((e) => e.peerId !== peerId && e.fingerprint !== fingerprint);
    this.save();
  }

  private load(): VerifiedEntry[] {
    try {
      const parsed = z
        .array(entrySchema)
        .safeParse(JSON.parse(this.storage.getItem(VERIFIED_PEERS_KEY) ?? '[]'));
      return parsed.success ? parsed.data : [];
    } catch {
      return [];
    }
  }

  private save(): void {
    this.storage.setItem(VERIFIED_PEERS_KEY, JSON.stringify(this.entries));
    this.emit('changed', undefined);
  }
}
