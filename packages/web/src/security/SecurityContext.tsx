import {
  hasRelayServer,
  type PeerSecurityInfo,
  PeerSecurityMonitor,
  RelayOnlySetting,
  type RoomClient,
  type SessionOptions,
  type VerificationStatus,
  VerifiedPeers,
} from '@kopru/client';
import { createContext, useContext, useEffect, useMemo, useState } from 'react';
import { dtlsCertificates } from './identity.js';
import '../components/security/security.css';
import type { SessionFacade } from '../hooks/useSession.js';

export interface SecurityState {
  client: RoomClient;
  relayOnly: RelayOnlySetting;
  relayOnlyEnabled: boolean;
  /** The server handed us a TURN server (relay-only mode cannot work without one). */
  relayAvailable: boolean;
  verified: VerifiedPeers;
  infos: ReadonlyMap<string, PeerSecurityInfo>;
  /** Bumped when the user verifies or forgets someone (so the context value changes with it). */
  verifiedVersion: number;
  statusOf(peerId: string): VerificationStatus;
}

export const SecurityContext = createContext<SecurityState | undefined>(undefined);

/** Security and privacy state for the components below a `SecurityContext.Provider`. */
export const useSecurity = (): SecurityState | undefined => useContext(SecurityContext);

/**
 * The session options security needs, made before the session: the long-lived certificate and the
 * relay-only policy (read whenever a mesh is built, so no connection starts under the wrong one).
 */
export function usePrivacyOptions(
  client: RoomClient,
  /** The page's setting, when it has two sessions (a room and Nearby): one switch governs both. */
  shared?: RelayOnlySetting,
): {
  relayOnly: RelayOnlySetting;
  sessionOptions: Pick<SessionOptions, 'mesh' | 'iceTransportPolicy'>;
} {
  const [relayOnly] = useState(
    () => shared ?? new RelayOnlySetting(window.localStorage, () => client.relayOnlyDefault),
  );
  const [sessionOptions] = useState(() => {
    const certificates = dtlsCertificates();
    return {
      ...(certificates ? { mesh: { certificates } } : {}),
      iceTransportPolicy: () => relayOnly.policy,
    };
  });
  return { relayOnly, sessionOptions };
}

/** Wires the monitor, the verified peers and the relay-only switch to the session; state for React. */
export function useSecurityState(
  client: RoomClient,
  session: SessionFacade,
  relayOnly: RelayOnlySetting,
): SecurityState {
  const [verified] = useState(() => new VerifiedPeers(window.localStorage));
  const [infos, setInfos] = useState<ReadonlyMap<string, PeerSecurityInfo>>(new Map());
  const [relayOnlyEnabled, setRelayOnlyEnabled] = useState(() => relayOnly.enabled);
  const [relayAvailable, setRelayAvailable] = useState(() => hasRelayServer(client.currentIceServers));
  const [verifiedVersion, setVerifiedVersion] = useState(0);

  useEffect(() => {
    const monitor = new PeerSecurityMonitor(session);
    const offs = [
      monitor.on('info', (info) =>
        setInfos((previous) => {
          const next = new Map(previous);
          if (info.route || info.remoteFingerprint) next.set(info.peerId, info);
          else next.delete(info.peerId);
          return next;
        }),
      ),
      relayOnly.on('changed', () => {
        setRelayOnlyEnabled(relayOnly.enabled);
        session.peerMesh?.handleTransportPolicy(relayOnly.policy);
      }),
      client.on('ice-servers', (servers) => {
        setRelayAvailable(hasRelayServer(servers));
        setRelayOnlyEnabled(relayOnly.enabled);
        // Fresh TURN credentials: relayed connections re-allocate with them before the old ones expire
        // (an ICE restart keeps DTLS and every channel; only the path is renewed).
        for (const peerId of monitor.relayedPeers()) session.peerMesh?.restartIce(peerId);
      }),
      verified.on('changed', () => setVerifiedVersion((v) => v + 1)),
    ];
    return () => {
      for (const off of offs) off();
      monitor.close();
    };
  }, [client, session, relayOnly, verified]);

  return useMemo(
    () => ({
      client,
      relayOnly,
      relayOnlyEnabled,
      relayAvailable,
      verified,
      infos,
      verifiedVersion,
      statusOf: (peerId: string) => verified.status(peerId, infos.get(peerId)?.remoteFingerprint),
    }),
    [client, relayOnly, relayOnlyEnabled, relayAvailable, verified, infos, verifiedVersion],
  );
}
