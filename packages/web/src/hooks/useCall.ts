import {
  type CallManager,
  type CallState,
  type CallStatsHistory,
  IDLE,
  type LocalMediaState,
  type MediaProblem,
  type RemoteTracks,
} from '@kopru/client';
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { SessionFacade } from './useSession.js';

/** The session's call manager (rebuilt with the mesh); undefined before joining or without media devices. */
export function useCallManager(session: SessionFacade): CallManager | undefined {
  return useSyncExternalStore(
    (notify) => session.on('ready', notify),
    () => session.callManager,
  );
}

/** A closing tab hangs up at once instead of leaving the others on "Reconnecting…" for the grace period. */
export function useHangUpOnPageHide(call: CallManager | undefined): void {
  useEffect(() => {
    if (!call) return;
    const onPageHide = (event: PageTransitionEvent) => {
      if (!event.persisted) call.hangup();
    };
    window.addEventListener('pagehide', onPageHide);
    return () => window.removeEventListener('pagehide', onPageHide);
  }, [call]);
}

export function useCallState(call: CallManager | undefined): CallState {
  return useSyncExternalStore(
    (notify) => call?.on('state', notify) ?? (() => {}),
    () => call?.state ?? IDLE,
  );
}

const NO_LOCAL: LocalMediaState = {
  microphone: undefined,
  camera: undefined,
  screen: undefined,
  microphoneMuted: false,
  cameraOn: false,
  microphoneId: undefined,
  cameraId: undefined,
};

export function useLocalMedia(call: CallManager | undefined): LocalMediaState {
  return useSyncExternalStore(
    (notify) => call?.on('local-media', notify) ?? (() => {}),
    () => call?.localMedia ?? NO_LOCAL,
  );
}

const NO_TRACKS: RemoteTracks = { audio: undefined, video: undefined, screen: undefined };

export function useRemoteTracks(call: CallManager | undefined, peerId: string): RemoteTracks {
  const [tracks, setTracks] = useState<RemoteTracks>(() => call?.remoteTracks(peerId) ?? NO_TRACKS);
  useEffect(() => {
    setTracks(call?.remoteTracks(peerId) ?? NO_TRACKS);
    if (!call) return;
    return call.on('remote-media', (e) => {
      if (e.peerId === peerId) setTracks(e.tracks);
    });
  }, [call, peerId]);
  return tracks;
}

/**
 * The peers whose screen arrives on a track of its own (all but an older version that shares its screen in
 * its camera's place): the stage gives those a screen tile beside their camera's.
 */
export function useScreenTracks(
  call: CallManager | undefined,
  peerIds: readonly string[],
): ReadonlySet<string> {
  // Re-rendered on every change of anyone's remote tracks; the answer is cheap to recompute (a few peers).
  const [, setVersion] = useState(0);
  useEffect(() => call?.on('remote-media', () => setVersion((v) => v + 1)), [call]);
  return new Set(peerIds.filter((id) => call?.remoteTracks(id).screen !== undefined));
}

const NO_LEVELS: ReadonlyMap<string, number> = new Map();

export function useAudioLevels(call: CallManager | undefined): ReadonlyMap<string, number> {
  const [levels, setLevels] = useState(NO_LEVELS);
  useEffect(() => call?.on('levels', setLevels), [call]);
  return levels;
}

export function useCallStats(call: CallManager | undefined, peerId: string): CallStatsHistory | undefined {
  const [history, setHistory] = useState(() => call?.statsOf(peerId));
  useEffect(() => {
    setHistory(call?.statsOf(peerId));
    if (!call) return;
    return call.on('stats', (e) => {
      if (e.peerId === peerId) setHistory(e.history);
    });
  }, [call, peerId]);
  return history;
}

/** Device problems of the current call, newest last; cleared when a call ends. */
export function useMediaProblems(call: CallManager | undefined): {
  problems: readonly MediaProblem[];
  dismiss: () => void;
} {
  const [problems, setProblems] = useState<readonly MediaProblem[]>([]);
  useEffect(() => {
    if (!call) return;
    const offs = [
      call.on('media-problem', (p) =>
        setProblems((list) => [...list.filter((q) => q.source !== p.source), p]),
      ),
      call.on('state', (s) => {
        if (s.phase === 'idle') setProblems([]);
      }),
    ];
    return () => {
      for (const off of offs) off();
    };
  }, [call]);
  return { problems, dismiss: () => setProblems([]) };
}

/** One MediaStream per track, kept across renders (a new one each render would restart the video). */
export function useTrackStream(track: MediaStreamTrack | null | undefined): MediaStream | null {
  const [stream, setStream] = useState<MediaStream | null>(null);
  useEffect(() => {
    setStream(track ? new MediaStream([track]) : null);
  }, [track]);
  return stream;
}

/** On a phone (one column), a call that starts or is answered brings its tab to the front. */
export function useFollowCall(call: CallManager | undefined, show: () => void): void {
  const state = useCallState(call);
  const live = state.phase === 'outgoing' || state.phase === 'active';
  const callId = live ? state.callId : undefined;
  const showRef = useRef(show);
  showRef.current = show;
  useEffect(() => {
    if (callId) showRef.current();
  }, [callId]);
}
