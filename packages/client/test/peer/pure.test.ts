import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { selectedCandidatePairType } from '../../src/peer/candidate-stats.js';
import { decodeControlFrame } from '../../src/peer/control-channel.js';
import { isFeatureChannelId } from '../../src/peer/data-channels.js';
import {
  CONNECT_TIMEOUT_MS,
  NO_CANDIDATES_TIMEOUT_MS,
  type PeerPairState,
  REBUILD_BACKOFF_BASE_MS,
  REBUILD_BACKOFF_MAX_MS,
  REBUILD_JITTER,
  RecoveryLadder,
  rebuildDelay,
  sessionStatus,
} from '../../src/peer/recovery-ladder.js';
import { parseFingerprints, primaryFingerprint } from '../../src/peer/sdp.js';
import { silentLogger, systemTimers } from '../../src/util/seams.js';

const CHROME_SDP = [
  'v=0',
  'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0',
  'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
  'a=ice-ufrag:EsAw',
  'a=fingerprint:sha-256 d7:1a:9B:0c:2e:4F:6a:8b:0c:1d:2e:3f:40:51:62:73:84:95:a6:b7:c8:d9:ea:fb:0c:1d:2e:3f:40:51:62:73',
  'a=setup:actpass',
  'a=sctp-port:5000',
  '',
].join('\r\n');

describe('SDP fingerprints', () => {
  it('reads the media-level fingerprint, normalised to lower-case algorithm and upper-case hex', () => {
    expect(primaryFingerprint(CHROME_SDP)).toEqual({
      algorithm: 'sha-256',
      value:
        'D7:1A:9B:0C:2E:4F:6A:8B:0C:1D:2E:3F:40:51:62:73:84:95:A6:B7:C8:D9:EA:FB:0C:1D:2E:3F:40:51:62:73',
    });
  });

  it('prefers SHA-256 over other algorithms, lists each fingerprint once, and ignores malformed lines', () => {
    const sdp = [
      'a=fingerprint:SHA-1 AA:BB',
      'a=fingerprint:sha-256 01:02',
      'a=fingerprint:sha-256 01:02',
      'a=fingerprint:sha-256 not-hex',
      'a=fingerprint:sha-512',
    ].join('\n');
    expect(parseFingerprints(sdp)).toEqual([
      { algorithm: 'sha-1', value: 'AA:BB' },
      { algorithm: 'sha-256', value: '01:02' },
    ]);
    expect(primaryFingerprint(sdp)).toEqual({ algorithm: 'sha-256', value: '01:02' });
    expect(primaryFingerprint('a=fingerprint:sha-1 AA:BB')).toEqual({ algorithm: 'sha-1', value: 'AA:BB' });
    expect(primaryFingerprint('v=0\r\n')).toBeUndefined();
    expect(primaryFingerprint(undefined)).toBeUndefined();
  });
});

describe('selected candidate pair type', () => {
  const report = (entries: Record<string, unknown>) => new Map(Object.entries(entries));

  it('follows the transport’s selected pair (Chromium, Safari)', () => {
    const stats = report({
      T: { type: 'transport', selectedCandidatePairId: 'P2' },
      P1: { type: 'candidate-pair', localCandidateId: 'L1', remoteCandidateId: 'R1' },
      P2: { type: 'candidate-pair', localCandidateId: 'L2', remoteCandidateId: 'R1' },
      L1: { type: 'local-candidate', candidateType: 'host' },
      L2: { type: 'local-candidate', candidateType: 'srflx' },
      R1: { type: 'remote-candidate', candidateType: 'host' },
    });
    expect(selectedCandidatePairType(stats)).toBe('srflx');
  });

  it('finds the pair flagged selected (Firefox) and calls it relayed when the remote end is relayed', () => {
    const stats = report({
      P1: { type: 'candidate-pair', localCandidateId: 'L1', remoteCandidateId: 'R1', selected: false },
      P2: { type: 'candidate-pair', localCandidateId: 'L1', remoteCandidateId: 'R2', selected: true },
      L1: { type: 'local-candidate', candidateType: 'host' },
      R1: { type: 'remote-candidate', candidateType: 'host' },
      R2: { type: 'remote-candidate', candidateType: 'relay' },
    });
    expect(selectedCandidatePairType(stats)).toBe('relay');
  });

  it('is undefined without a selected pair or with unexpected values', () => {
    expect(selectedCandidatePairType(report({ T: { type: 'transport' } }))).toBeUndefined();
    expect(selectedCandidatePairType(report({ x: null, y: 3 }))).toBeUndefined();
    const odd = report({
      T: { type: 'transport', selectedCandidatePairId: 'P' },
      P: { type: 'candidate-pair', localCandidateId: 'L', remoteCandidateId: 'R' },
      L: { type: 'local-candidate', candidateType: 'magic' },
    });
    expect(selectedCandidatePairType(odd)).toBeUndefined();
  });
});

describe('control frames', () => {
  it('decodes a valid message and classifies everything else', () => {
    const valid = { type: 'typing', scope: 'room', active: true };
    expect(decodeControlFrame(JSON.stringify(valid))).toEqual({ ok: true, message: valid });
    expect(decodeControlFrame(new Uint8Array(2))).toEqual({ ok: false, reason: 'not-text' });
    expect(decodeControlFrame(' '.repeat(70_000))).toEqual({ ok: false, reason: 'too-large' });
    expect(decodeControlFrame('{"type":"typing"')).toEqual({ ok: false, reason: 'malformed' });
    expect(decodeControlFrame('{"type":"typing","scope":"room","active":"yes"}')).toEqual({
      ok: false,
      reason: 'malformed',
    });
  });

  it('reserves channel id 0 for control and stays within the SCTP streams Chromium allots', () => {
    expect([0, 1, 1023, 1024, 1.5, -1].map(isFeatureChannelId)).toEqual([
      false,
      true,
      true,
      false,
      false,
      false,
    ]);
  });
});

describe('session status', () => {
  it('lets the worse of the ICE and DTLS views win, and needs DTLS for connected', () => {
    expect(sessionStatus('connected', 'connected')).toBe('connected');
    expect(sessionStatus('completed', 'connected')).toBe('connected');
    expect(sessionStatus('connected', 'connecting')).toBe('connecting');
    expect(sessionStatus('new', 'new')).toBe('connecting');
    expect(sessionStatus('checking', 'connecting')).toBe('connecting');
    expect(sessionStatus('disconnected', 'connected')).toBe('disconnected');
    expect(sessionStatus('connected', 'failed')).toBe('failed');
    expect(sessionStatus('failed', 'disconnected')).toBe('failed');
    expect(sessionStatus('closed', 'failed')).toBe('closed');
  });
});

describe('rebuild backoff', () => {
  it('stays within the jitter around an exponential, capped base', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 60 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (n, r) => {
          const base = Math.min(REBUILD_BACKOFF_BASE_MS * 2 ** n, REBUILD_BACKOFF_MAX_MS);
          const delay = rebuildDelay(n, () => r);
          return (
            delay >= Math.floor(base * (1 - REBUILD_JITTER)) &&
            delay <= Math.ceil(base * (1 + REBUILD_JITTER))
          );
        },
      ),
    );
    expect(rebuildDelay(0, () => 0.5)).toBe(REBUILD_BACKOFF_BASE_MS);
    expect(rebuildDelay(3, () => 0.5)).toBe(8 * REBUILD_BACKOFF_BASE_MS);
    expect(rebuildDelay(40, () => 0.5)).toBe(REBUILD_BACKOFF_MAX_MS);
  });
});

describe('RecoveryLadder on its own', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  const ladder = (candidates = { local: 1, remote: 1 }, relay = { configured: true }) => {
    const calls: string[] = [];
    const states: PeerPairState[] = [];
    const instance = new RecoveryLadder({
      timers: systemTimers,
      random: () => 0.5,
      logger: silentLogger,
      actions: {
        restartIce: (stalled) => calls.push(stalled ? 'restart (stalled)' : 'restart'),
        rebuild: () => calls.push('rebuild'),
        candidates: () => candidates,
        canRelay: () => relay.configured,
        state: (state) => {
          if (states.at(-1) !== state) states.push(state); // the mesh reports changes only
        },
      },
    });
    return { instance, calls, states };
  };

  it('cancels a scheduled rebuild when the old connection comes back', () => {
    vi.useFakeTimers();
    const { instance, calls, states } = ladder();
    instance.sessionStarted();
    instance.update('connected');
    for (let i = 0; i < 4; i += 1) {
      instance.update('failed');
      instance.update('connecting');
    }
    expect(calls).toEqual(['restart', 'restart', 'restart']);
    expect(instance.rebuildPending).toBe(true);
    instance.update('connected');
    vi.advanceTimersByTime(60_000);
    expect(calls).toEqual(['restart', 'restart', 'restart']);
    expect(states).toEqual(['connecting', 'connected', 'reconnecting', 'failed', 'connected']);
  });

  it('rebuilds without ICE restarts a connection that gathered no candidate within the timeout', () => {
    vi.useFakeTimers();
    for (const stuck of [
      { local: 0, remote: 3 },
      { local: 0, remote: 0 },
    ]) {
      const { instance, calls, states } = ladder(stuck);
      instance.sessionStarted();
      instance.negotiationStarted();
      instance.update('connecting');
      vi.advanceTimersByTime(NO_CANDIDATES_TIMEOUT_MS - 1);
      expect(calls).toEqual([]);
      vi.advanceTimersByTime(1);
      expect(instance.rebuildPending).toBe(true);
      vi.advanceTimersByTime(rebuildDelay(0, () => 0.5));
      expect(calls).toEqual(['rebuild']);
      expect(states).toEqual(['connecting']); // being set up again, not 'failed'
      instance.close();
    }
  });

  it('renegotiates at once, rolling back an unanswered offer, when only the peer sent no candidate', () => {
    vi.useFakeTimers();
    const { instance, calls } = ladder({ local: 2, remote: 0 });
    instance.sessionStarted();
    instance.negotiationStarted();
    vi.advanceTimersByTime(NO_CANDIDATES_TIMEOUT_MS - 1);
    expect(calls).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(calls).toEqual(['restart (stalled)']);
    expect(instance.rebuildPending).toBe(false);
    // The rest of the ladder runs on the connect timeout from there.
    vi.advanceTimersByTime(CONNECT_TIMEOUT_MS);
    expect(calls).toEqual(['restart (stalled)', 'restart (stalled)']);
    instance.close();
  });

  it('leaves a connection with candidates on both sides, or one that connected, to the connect timeout', () => {
    vi.useFakeTimers();
    const flowing = ladder({ local: 1, remote: 1 });
    flowing.instance.sessionStarted();
    flowing.instance.negotiationStarted();
    vi.advanceTimersByTime(NO_CANDIDATES_TIMEOUT_MS);
    expect(flowing.instance.rebuildPending).toBe(false);
    vi.advanceTimersByTime(CONNECT_TIMEOUT_MS - NO_CANDIDATES_TIMEOUT_MS);
    expect(flowing.calls).toEqual(['restart (stalled)']);

    // Connected (a peer-reflexive pair needs no trickled candidate), then dropped back: no guard.
    const connected = ladder({ local: 0, remote: 0 });
    connected.instance.sessionStarted();
    connected.instance.negotiationStarted();
    connected.instance.update('connected');
    connected.instance.update('connecting');
    vi.advanceTimersByTime(NO_CANDIDATES_TIMEOUT_MS);
    expect(connected.calls).toEqual([]);
    flowing.instance.close();
    connected.instance.close();
  });

  it('when the peer comes back, rebuilds a connection whose first offer it never got, and rolls back a later one', () => {
    vi.useFakeTimers();
    const fresh = ladder();
    fresh.instance.sessionStarted();
    fresh.instance.kick('peer came back', true);
    expect(fresh.calls).toEqual([]);
    expect(fresh.instance.rebuildPending).toBe(true);
    vi.advanceTimersByTime(60_000);
    expect(fresh.calls).toEqual(['rebuild']);
    fresh.instance.close();

    const { instance, calls } = ladder();
    instance.sessionStarted();
    instance.update('connected');
    instance.update('disconnected');
    instance.kick('peer came back', true);
    expect(calls).toEqual(['restart (stalled)']);
    // Our own signaling or network coming back lost nothing on the peer's side: a plain restart.
    const other = ladder();
    other.instance.sessionStarted();
    other.instance.update('connected');
    other.instance.update('disconnected');
    other.instance.kick('signaling back');
    expect(other.calls).toEqual(['restart']);
    instance.close();
    other.instance.close();
  });

  it('says "unreachable" when every path failed with no relay configured, keeps retrying, and says "connecting" once a relay is', () => {
    vi.useFakeTimers();
    const relay = { configured: false };
    const { instance, calls, states } = ladder({ local: 2, remote: 2 }, relay);
    instance.sessionStarted();
    instance.update('failed');
    expect(states).toEqual(['connecting', 'unreachable']);
    expect(calls).toEqual(['restart']); // retries go on underneath
    vi.advanceTimersByTime(CONNECT_TIMEOUT_MS);
    expect(calls).toEqual(['restart', 'restart (stalled)']);
    expect(states).toEqual(['connecting', 'unreachable']);
    relay.configured = true;
    instance.sessionStarted(); // the mesh rebuilds when a relay appears
    instance.update('connected');
    expect(states).toEqual(['connecting', 'unreachable', 'connecting', 'connected']);
  });

  it('never says "unreachable" with a relay configured, nor before candidates went both ways', () => {
    vi.useFakeTimers();
    const withRelay = ladder({ local: 2, remote: 2 }, { configured: true });
    withRelay.instance.sessionStarted();
    withRelay.instance.update('failed');
    vi.advanceTimersByTime(CONNECT_TIMEOUT_MS);
    expect(withRelay.states).not.toContain('unreachable');
    const noAnswer = ladder({ local: 2, remote: 0 }, { configured: false });
    noAnswer.instance.sessionStarted();
    vi.advanceTimersByTime(CONNECT_TIMEOUT_MS);
    expect(noAnswer.states).not.toContain('unreachable');
  });

  it('does nothing after close', () => {
    vi.useFakeTimers();
    const { instance, calls } = ladder();
    instance.sessionStarted();
    instance.update('disconnected');
    instance.close();
    instance.update('failed');
    instance.kick('test');
    vi.advanceTimersByTime(120_000);
    expect(calls).toEqual([]);
  });
});
