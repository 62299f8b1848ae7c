import type { CallMessage } from '@kopru/protocol';
import { describe, expect, it } from 'vitest';
import { type CallAction, type CallState, IDLE, type InCallState, reduceCall } from '../../src/index.js';

const CAP = 6;
const received = (from: string, message: CallMessage): CallAction => ({
  type: 'received',
  from,
  message,
  maxParticipants: CAP,
});

/** Runs actions from `state`, collecting every message sent on the way. */
function run(state: CallState, ...actions: CallAction[]) {
  const sent: { to: string; message: CallMessage }[] = [];
  let current = state;
  for (const action of actions) {
    const t = reduceCall(current, action);
    current = t.state;
    sent.push(...t.send);
  }
  return { state: current, sent };
}

const inCall = (state: CallState): InCallState => {
  if (state.phase !== 'outgoing' && state.phase !== 'active') throw new Error(`phase ${state.phase}`);
  return state;
};

const outgoing = () => run(IDLE, { type: 'start', callId: 'call-0001', media: 'video', invitees: ['bob'] });
const incoming = (members: string[] = []) =>
  run(IDLE, received('alice', { type: 'call-invite', callId: 'call-0001', media: 'video', members }));

describe('call state: placing a call', () => {
  it('rings each invitee with an invite that lists nobody else yet', () => {
    const { state, sent } = outgoing();
    expect(state).toMatchObject({ phase: 'outgoing', callId: 'call-0001', media: 'video' });
    expect([...inCall(state).ringing]).toEqual(['bob']);
    expect(sent).toEqual([
      { to: 'bob', message: { type: 'call-invite', callId: 'call-0001', media: 'video', members: [] } },
    ]);
  });

  it('becomes active when the invitee accepts', () => {
    const { state } = run(outgoing().state, received('bob', { type: 'call-accept', callId: 'call-0001' }));
    expect(state.phase).toBe('active');
    expect([...inCall(state).participants.keys()]).toEqual(['bob']);
    expect(inCall(state).ringing.size).toBe(0);
    expect(inCall(state).notice).toBeUndefined(); // the call starting is not news
  });

  it.each(['declined', 'busy', 'full'] as const)('ends with "%s" when the only invitee says so', (reason) => {
    const { state } = run(
      outgoing().state,
      received('bob', { type: 'call-decline', callId: 'call-0001', reason }),
    );
    expect(state).toEqual({ phase: 'idle', ended: { callId: 'call-0001', reason, peerId: 'bob' } });
  });

  it('cancels with "no-answer" when the ring times out', () => {
    const { state, sent } = run(outgoing().state, { type: 'ring-timeout', peerId: 'bob' });
    expect(state).toEqual({
      phase: 'idle',
      ended: { callId: 'call-0001', reason: 'no-answer', peerId: 'bob' },
    });
    expect(sent).toEqual([
      { to: 'bob', message: { type: 'call-cancel', callId: 'call-0001', reason: 'no-answer' } },
    ]);
  });

  it('cancels the invitation when the caller hangs up before an answer', () => {
    const { state, sent } = run(outgoing().state, { type: 'hangup' });
    expect(state).toEqual({
      phase: 'idle',
      ended: { callId: 'call-0001', reason: 'cancelled', peerId: undefined },
    });
    expect(sent).toEqual([
      { to: 'bob', message: { type: 'call-cancel', callId: 'call-0001', reason: 'cancelled' } },
    ]);
  });

  it('ignores answers for another call', () => {
    const before = outgoing().state;
    expect(
      run(before, received('bob', { type: 'call-decline', callId: 'call-9999', reason: 'busy' })).state,
    ).toBe(before);
  });

  it('tells someone who answers a call that is already over to hang up', () => {
    const { state, sent } = run(IDLE, received('bob', { type: 'call-accept', callId: 'call-0001' }));
    expect(state).toBe(IDLE);
    expect(sent).toEqual([{ to: 'bob', message: { type: 'call-hangup', callId: 'call-0001' } }]);
  });
});

describe('call state: receiving a call', () => {
  it('rings without answering', () => {
    const { state, sent } = incoming();
    expect(state).toEqual({
      phase: 'incoming',
      callId: 'call-0001',
      media: 'video',
      from: 'alice',
      members: [],
    });
    expect(sent).toEqual([]);
  });

  it('accepting answers the caller and every member listed, who all become participants', () => {
    const { state, sent } = run(incoming(['carol']).state, { type: 'accept' });
    expect(state.phase).toBe('active');
    expect([...inCall(state).participants.keys()]).toEqual(['alice', 'carol']);
    expect(sent.map((s) => s.to)).toEqual(['alice', 'carol']);
    expect(sent.every((s) => s.message.type === 'call-accept')).toBe(true);
  });

  it('declining tells the caller and ends as rejected', () => {
    const { state, sent } = run(incoming().state, { type: 'decline' });
    expect(state).toMatchObject({ phase: 'idle', ended: { reason: 'rejected', peerId: 'alice' } });
    expect(sent).toEqual([
      { to: 'alice', message: { type: 'call-decline', callId: 'call-0001', reason: 'declined' } },
    ]);
  });

  it.each(['cancelled', 'no-answer'] as const)('a %s from the caller ends as missed', (reason) => {
    const { state } = run(
      incoming().state,
      received('alice', { type: 'call-cancel', callId: 'call-0001', reason }),
    );
    expect(state).toMatchObject({ phase: 'idle', ended: { reason: 'missed', peerId: 'alice' } });
  });

  it('stops ringing by itself when the caller never says anything more', () => {
    expect(run(incoming().state, { type: 'ring-timeout', peerId: undefined }).state).toMatchObject({
      phase: 'idle',
      ended: { reason: 'missed' },
    });
  });

  it('answers "busy" to a second caller while in a call, and stays in it', () => {
    const active = run(incoming().state, { type: 'accept' }).state;
    const { state, sent } = run(
      active,
      received('dave', { type: 'call-invite', callId: 'call-0002', media: 'audio', members: [] }),
    );
    expect(state).toBe(active);
    expect(sent).toEqual([
      { to: 'dave', message: { type: 'call-decline', callId: 'call-0002', reason: 'busy' } },
    ]);
  });

  it('answers "full" to an invite into a call that would exceed the cap', () => {
    const members = ['m1', 'm2', 'm3', 'm4', 'm5'];
    const { state, sent } = run(
      IDLE,
      received('alice', { type: 'call-invite', callId: 'call-0001', media: 'audio', members }),
    );
    expect(state).toBe(IDLE);
    expect(sent[0]?.message).toMatchObject({ type: 'call-decline', reason: 'full' });
  });

  it('settles two calls placed at once on the smaller call id, without ringing anyone', () => {
    // Alice called Bob (call-0001) while Bob called Alice (call-0002); each side sees the other's invite.
    const aliceSide = run(IDLE, { type: 'start', callId: 'call-0001', media: 'video', invitees: ['bob'] });
    const bobSide = run(IDLE, { type: 'start', callId: 'call-0002', media: 'video', invitees: ['alice'] });
    const atAlice = run(
      aliceSide.state,
      received('bob', { type: 'call-invite', callId: 'call-0002', media: 'video', members: [] }),
    );
    const atBob = run(
      bobSide.state,
      received('alice', { type: 'call-invite', callId: 'call-0001', media: 'video', members: [] }),
    );
    expect(atAlice.state).toBe(aliceSide.state); // keeps its own call and waits for Bob's accept
    expect(atAlice.sent).toEqual([]);
    expect(atBob.state).toMatchObject({ phase: 'active', callId: 'call-0001' });
    expect(atBob.sent).toEqual([{ to: 'alice', message: { type: 'call-accept', callId: 'call-0001' } }]);
  });
});

describe('call state: during a call', () => {
  const active = () =>
    run(outgoing().state, received('bob', { type: 'call-accept', callId: 'call-0001' })).state;

  it('records what each participant sends', () => {
    const { state } = run(
      active(),
      received('bob', {
        type: 'call-media',
        callId: 'call-0001',
        microphone: false,
        camera: true,
        screen: false,
      }),
    );
    expect(inCall(state).participants.get('bob')).toMatchObject({
      microphone: false,
      camera: true,
      screen: false,
    });
  });

  it('invites more people with the current members listed', () => {
    const { state, sent } = run(active(), { type: 'invite', invitees: ['carol', 'bob'] });
    expect([...inCall(state).ringing]).toEqual(['carol']);
    expect(sent).toEqual([
      {
        to: 'carol',
        message: { type: 'call-invite', callId: 'call-0001', media: 'video', members: ['bob'] },
      },
    ]);
  });

  it('adds someone another member invited when they announce themselves', () => {
    const { state } = run(active(), received('carol', { type: 'call-accept', callId: 'call-0001' }));
    expect([...inCall(state).participants.keys()]).toEqual(['bob', 'carol']);
    expect(inCall(state).notice).toEqual({ peerId: 'carol', kind: 'joined' });
  });

  it('keeps going with a notice when one of several leaves, and ends when the last one does', () => {
    const three = run(active(), received('carol', { type: 'call-accept', callId: 'call-0001' })).state;
    const two = run(three, received('carol', { type: 'call-hangup', callId: 'call-0001' })).state;
    expect(two.phase).toBe('active');
    expect(inCall(two).notice).toEqual({ peerId: 'carol', kind: 'left' });
    expect(run(two, received('bob', { type: 'call-hangup', callId: 'call-0001' })).state).toMatchObject({
      phase: 'idle',
      ended: { reason: 'remote-hung-up', peerId: 'bob' },
    });
  });

  it('reports a busy invitee without ending the call', () => {
    const ringing = run(active(), { type: 'invite', invitees: ['carol'] }).state;
    const { state } = run(
      ringing,
      received('carol', { type: 'call-decline', callId: 'call-0001', reason: 'busy' }),
    );
    expect(state.phase).toBe('active');
    expect(inCall(state).notice).toEqual({ peerId: 'carol', kind: 'busy' });
  });

  it('hangs up on every participant and cancels whoever still rings', () => {
    const ringing = run(active(), { type: 'invite', invitees: ['carol'] }).state;
    const { state, sent } = run(ringing, { type: 'hangup' });
    expect(state).toMatchObject({ phase: 'idle', ended: { reason: 'hung-up' } });
    expect(sent).toEqual([
      { to: 'bob', message: { type: 'call-hangup', callId: 'call-0001' } },
      { to: 'carol', message: { type: 'call-cancel', callId: 'call-0001', reason: 'cancelled' } },
    ]);
  });

  it('marks a participant away and back without ending the call, then drops it when gone', () => {
    const away = run(active(), { type: 'peer-away', peerId: 'bob' }).state;
    expect(inCall(away).participants.get('bob')?.away).toBe(true);
    expect(inCall(run(away, { type: 'peer-back', peerId: 'bob' }).state).participants.get('bob')?.away).toBe(
      false,
    );
    expect(run(away, { type: 'peer-gone', peerId: 'bob' }).state).toMatchObject({ phase: 'idle' });
  });

  it('forgets the summary of an ended call on dismiss', () => {
    const ended = run(active(), { type: 'hangup' }).state;
    expect(run(ended, { type: 'dismiss' }).state).toBe(IDLE);
  });
});
