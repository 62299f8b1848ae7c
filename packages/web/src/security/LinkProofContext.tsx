import type { LinkProofState, LinkVerifier, VerifiedPeers } from '@kopru/client';
import { createContext, useContext, useEffect, useMemo, useState } from 'react';
import type { SessionFacade } from '../hooks/useSession.js';

export interface LinkProofView {
  /** We hold the room's invite-link key: only then is anyone verified (or not) by link. */
  hasKey: boolean;
  /** Per peer we connected to; absent until their control channel opened. */
  states: ReadonlyMap<string, LinkProofState>;
  /** The invite link carried a damaged key (shown once). */
  damagedLink: boolean;
  /** What the key is: a room's invite-link key (default), or a paired device's pair secret (`pairProof.*` texts). */
  kind?: 'link' | 'pair';
}

export const LinkProofContext = createContext<LinkProofView>({
  hasKey: false,
  states: new Map(),
  damagedLink: false,
});

export const useLinkProofs = (): LinkProofView => useContext(LinkProofContext);

/**
 * Follows the session's `LinkVerifier` (rebuilt with each mesh) for React, and remembers the certificate of
 * each peer it verified (so that a later change of it warns like one verified by safety number).
 */
export function useLinkProofState(
  session: SessionFacade,
  verified: VerifiedPeers,
  names: ReadonlyMap<string, string>,
  hasKey: boolean,
  damagedLink: boolean,
): LinkProofView {
  const [verifier, setVerifier] = useState<LinkVerifier | undefined>(() => session.linkVerifier);
  const [states, setStates] = useState<ReadonlyMap<string, LinkProofState>>(new Map());
  useEffect(() => {
    // Read again here: a session made between the first render and this subscription sent its 'ready' unheard.
    setVerifier(session.linkVerifier);
    return session.on('ready', ({ linkVerifier }) => setVerifier(linkVerifier));
  }, [session]);
  useEffect(() => {
    if (!verifier) return;
    const read = () => new Map(verifier.statuses().map((s) => [s.peerId, s.state]));
    setStates(read());
    return verifier.on('changed', () => setStates(read()));
  }, [verifier]);
  useEffect(() => {
    if (!verifier) return;
    return verifier.on('changed', ({ peerId, state, remoteFingerprint }) => {
      if (state === 'verified' && remoteFingerprint) {
        verified.rememberLinkVerified(peerId, names.get(peerId) ?? '', remoteFingerprint);
      }
    });
  }, [verifier, verified, names]);
  return useMemo(() => ({ hasKey, states, damagedLink }), [hasKey, states, damagedLink]);
}
