import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  CallError,
  INCOMING_RING_GRACE_MS,
  PARTICIPANT_RETURN_GRACE_MS,
  RING_TIMEOUT_MS,
  videoBitrateFor,
} from '../../src/index.js';
import { settle } from './fakes.js';
import { answeredCall, connect, side } from './harness.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('CallManager: ringing', () => {
  it('gives up after RING_TIMEOUT_MS: the caller cancels with no-answer and the callee stops ringing', async () => {
    const alice = side('alice', ['bob']);
    const bob = side('bob', ['alice']);
    connect(alice, bob);
    const rang = vi.fn();
    bob.manager.on('ringing', rang);

    alice.manager.start(['bob'], 'video');
    await settle();
    expect(bob.manager.state.phase).toBe('incoming');
    expect(rang).toHaveBeenCalledOnce();

    await vi.advanceTimersByTimeAsync(RING_TIMEOUT_MS - 1);
    expect(alice.manager.state.phase).toBe('outgoing');
    await vi.advanceTimersByTimeAsync(1);
    expect(alice.manager.state).toMatchObject({
      phase: 'idle',
      ended: { reason: 'no-answer', peerId: 'bob' },
    });
    expect(alice.transport.messagesTo('bob').at(-1)).toMatchObject({
      type: 'call-cancel',
      reason: 'no-answer',
    });
    expect(bob.manager.state).toMatchObject({ phase: 'idle', ended: { reason: 'missed', peerId: 'alice' } });
  });

  it('stops ringing on the callee side by itself when the caller vanished without a word', async () => {
    const bob = side('bob', ['alice']);
    bob.manager.handleMessage('alice', {
      type: 'call-invite',
      callId: 'call-xyz-0001',
      media: 'audio',
      members: [],
    });

    await vi.advanceTimersByTimeAsync(RING_TIMEOUT_MS + INCOMING_RING_GRACE_MS - 1);
    expect(bob.manager.state.phase).toBe('incoming');
    await vi.advanceTimersByTimeAsync(1);
    expect(bob.manager.state).toMatchObject({ phase: 'idle', ended: { reason: 'missed' } });
  });

  it('answering stops the ring timers on both sides', async () => {
    const alice = side('alice', ['bob']);
    const bob = side('bob', ['alice']);
    connect(alice, bob);
    await answeredCall(alice, bob, 'audio');

    await vi.advanceTimersByTimeAsync(RING_TIMEOUT_MS * 2);
    expect(alice.manager.state.phase).toBe('active');
    expect(bob.manager.state.phase).toBe('active');
  });

  it('answers busy for a third caller while in a call, and both ends show why', async () => {
    const alice = side('alice', ['bob', 'carol']);
    const bob = side('bob', ['alice', 'carol']);
    const carol = side('carol', ['alice', 'bob']);
    connect(alice, bob, carol);
    await answeredCall(bob, carol, 'video');

    alice.manager.start(['bob'], 'video');
    await settle();
    expect(alice.manager.state).toMatchObject({ phase: 'idle', ended: { reason: 'busy', peerId: 'bob' } });
    expect(bob.manager.state.phase).toBe('active');
  });

  it('queues an invite until the control channel opens, and drops it if the call ended meanwhile', async () => {
    const alice = side('alice', ['bob'], { open: false });
    alice.manager.start(['bob'], 'video');
    expect(alice.transport.sent).toEqual([]);
    alice.transport.open.add('bob');
    alice.manager.handleControlOpen('bob');
    expect(alice.transport.messagesTo('bob')).toEqual([
      expect.objectContaining({ type: 'call-invite', media: 'video' }),
    ]);

    const late = side('alice', ['bob'], { open: false });
    late.manager.start(['bob'], 'video');
    late.manager.hangup();
    late.transport.open.add('bob');
    late.manager.handleControlOpen('bob');
    expect(late.transport.messagesTo('bob')).toEqual([expect.objectContaining({ type: 'call-cancel' })]);
  });

  it('refuses to start a second call, to call nobody, or to exceed the cap', () => {
    const alice = side('alice', ['bob', 'carol', 'dave'], { maxParticipants: 3 });
    expect(() => alice.manager.start([], 'audio')).toThrow(CallError);
    expect(() => alice.manager.start(['alice'], 'audio')).toThrow(
      expect.objectContaining({ code: 'NO_PEERS' }),
    );
    expect(() => alice.manager.start(['bob', 'carol', 'dave'], 'audio')).toThrow(
      expect.objectContaining({ code: 'CALL_FULL' }),
    );
    alice.manager.start(['bob'], 'audio');
    expect(() => alice.manager.start(['carol'], 'audio')).toThrow(expect.objectContaining({ code: 'BUSY' }));
    alice.manager.invite(['carol']);
    expect(() => alice.manager.invite(['dave'])).toThrow(expect.objectContaining({ code: 'CALL_FULL' }));
  });
});

describe('CallManager: group calls and presence', () => {
  it('joins a new member to everyone already in the call, each capped for the group size', async () => {
    const alice = side('alice', ['bob', 'carol']);
    const bob = side('bob', ['alice', 'carol']);
    const carol = side('carol', ['alice', 'bob']);
    connect(alice, bob, carol);
    await answeredCall(alice, bob, 'video');
    expect(alice.transport.sender('bob', 'video')?.encodings[0]?.maxBitrate).toBe(videoBitrateFor(1));

    alice.manager.invite(['carol']);
    await settle();
    expect(carol.manager.state).toMatchObject({ phase: 'incoming', from: 'alice', members: ['bob'] });
    carol.manager.accept();
    await settle();

    for (const s of [alice, bob, carol]) {
      const state = s.manager.state;
      expect(state.phase).toBe('active');
      if (state.phase !== 'active') continue;
      expect([...state.participants.keys()].sort()).toEqual(
        ['alice', 'bob', 'carol'].filter((p) => p !== s.id),
      );
    }
    expect(alice.transport.sender('bob', 'video')?.encodings[0]?.maxBitrate).toBe(videoBitrateFor(2));
    expect(bob.transport.sender('carol', 'video')?.track).toBeTruthy();
  });

  it('a call started with several people connects the ones who answer to each other too', async () => {
    const alice = side('alice', ['bob', 'carol']);
    const bob = side('bob', ['alice', 'carol']);
    const carol = side('carol', ['alice', 'bob']);
    connect(alice, bob, carol);
    alice.manager.start(['bob', 'carol'], 'video');
    await settle();
    bob.manager.accept();
    await settle();
    carol.manager.accept(); // its invite listed nobody: Alice names Bob (call-peers), Carol answers him
    await settle();

    expect(alice.transport.messagesTo('carol')).toContainEqual(
      expect.objectContaining({ type: 'call-peers', peers: ['bob'] }),
    );
    for (const s of [alice, bob, carol]) {
      const state = s.manager.state;
      expect(state.phase === 'active' && [...state.participants.keys()].sort()).toEqual(
        ['alice', 'bob', 'carol'].filter((p) => p !== s.id),
      );
    }
    expect(bob.transport.sender('carol', 'video')?.track).toBeTruthy();
    expect(carol.transport.sender('bob', 'video')?.track).toBeTruthy();
  });

  it('keeps a participant whose presence dropped for the grace period, then lets it go', async () => {
    const alice = side('alice', ['bob']);
    const bob = side('bob', ['alice']);
    connect(alice, bob);
    await answeredCall(alice, bob, 'audio');

    alice.manager.handlePeerLeft('bob');
    expect(alice.manager.state).toMatchObject({ phase: 'active' });
    alice.manager.handlePeerJoined('bob');
    await vi.advanceTimersByTimeAsync(PARTICIPANT_RETURN_GRACE_MS * 2);
    expect(alice.manager.state.phase).toBe('active');

    alice.manager.handlePeerLeft('bob');
    await vi.advanceTimersByTimeAsync(PARTICIPANT_RETURN_GRACE_MS);
    expect(alice.manager.state).toMatchObject({ phase: 'idle', ended: { reason: 'remote-hung-up' } });
    expect(alice.devices.live()).toEqual([]);
  });

  it('close() hangs up, stops every device and is idempotent', async () => {
    const alice = side('alice', ['bob']);
    const bob = side('bob', ['alice']);
    connect(alice, bob);
    await answeredCall(alice, bob, 'video');

    alice.manager.close();
    alice.manager.close();
    await settle();
    expect(alice.devices.live()).toEqual([]);
    expect(bob.manager.state).toMatchObject({ phase: 'idle', ended: { reason: 'remote-hung-up' } });
  });
});
