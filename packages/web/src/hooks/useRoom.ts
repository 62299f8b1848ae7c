import { type ConnectionStatus, createRoomClient, type RoomClient, type RoomState } from '@kopru/client';
import type { ProtocolError, SessionEnded } from '@kopru/protocol';
import { useEffect, useState, useSyncExternalStore } from 'react';

export interface RoomView {
  client: RoomClient;
  state: RoomState;
  status: ConnectionStatus;
  error: ProtocolError | undefined;
  ended: SessionEnded | undefined;
}

/** Creates the room client for this page, starts it, and keeps React in step with its events. */
export function useRoomClient(roomId: string): RoomClient {
  const [client] = useState(() =>
    createRoomClient({ roomId, sessionStorage: window.sessionStorage, localStorage: window.localStorage }),
  );
  useEffect(() => client.start(), [client]);
  useCloseOnPageHide(client);
  return client;
}

/** A closed tab leaves at once instead of waiting for the server to notice the dead socket. */
export function useCloseOnPageHide(client: RoomClient): void {
  useEffect(() => {
    const onPageHide = (event: PageTransitionEvent) => {
      if (!event.persisted) client.close();
    };
    window.addEventListener('pagehide', onPageHide);
    return () => window.removeEventListener('pagehide', onPageHide);
  }, [client]);
}

export function useRoomView(client: RoomClient): RoomView {
  const state = useSyncExternalStore(
    (notify) => client.on('state', notify),
    () => client.current,
  );
  const status = useSyncExternalStore(
    (notify) => client.on('status', notify),
    () => client.status,
  );
  const [error, setError] = useState<ProtocolError>();
  const [ended, setEnded] = useState<SessionEnded>();
  useEffect(() => {
    const offs = [client.on('error', setError), client.on('session-ended', setEnded)];
    return () => {
      for (const off of offs) off();
    };
  }, [client]);
  return { client, state, status, error, ended };
}

/** Marks the user away while the tab stays hidden, and available again when they come back. */
export function useAwayStatus(client: RoomClient, afterMs = AWAY_AFTER_MS): void {
  useEffect(() => {
    let timer: number | undefined;
    const onVisibility = () => {
      window.clearTimeout(timer);
      if (document.visibilityState === 'hidden') {
        timer = window.setTimeout(() => {
          // "In a call" says more than "away", and the call layer resets it when the call ends.
          if (client.currentProfile().status !== 'in-call') void client.setStatus('away').catch(() => {});
        }, afterMs);
      } else if (client.currentProfile().status === 'away') {
        void client.setStatus('available').catch(() => {});
      }
    };
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      window.clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [client, afterMs]);
}

/** A minute hidden reads as "away": shorter flickers on every tab switch, longer misleads callers. */
const AWAY_AFTER_MS = 60_000;
