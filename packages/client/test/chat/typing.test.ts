import { beforeEach, describe, expect, it } from 'vitest';
import { ROOM_CONVERSATION_ID } from '../../src/chat/types.js';
import { TYPING_EXPIRE_MS, TYPING_THROTTLE_MS } from '../../src/chat/typing.js';
import { FakeClock, FakeNetwork, type Peer, recordEvents, startPeer } from './fakes.js';

let net: FakeNetwork;
let clock: FakeClock;
let alice: Peer;
let bob: Peer;

beforeEach(async () => {
  net = new FakeNetwork();
  clock = new FakeClock();
  alice = await startPeer(net, clock, 'alice');
  bob = await startPeer(net, clock, 'bob');
  net.connect(alice.id, bob.id);
});

describe('typing indicator', () => {
  it('sends at most one "typing" frame per throttle interval', () => {
    const typing = recordEvents(bob.chat, 'typing');
    alice.chat.setTyping(bob.id, true);
    clock.advance(TYPING_THROTTLE_MS - 1);
    alice.chat.setTyping(bob.id, true);
    expect(net.sent('typing')).toEqual([{ type: 'typing', scope: 'direct', active: true }]);

    clock.advance(1);
    alice.chat.setTyping(bob.id, true);
    expect(net.sent('typing')).toHaveLength(2);
    // A refresh keeps the indicator on without a new event.
    expect(typing).toEqual([{ conversationId: alice.id, peerId: alice.id, active: true }]);

    alice.chat.setTyping(bob.id, false);
    alice.chat.setTyping(bob.id, false); // "stopped" only once
    expect(net.sent('typing').slice(2)).toEqual([{ type: 'typing', scope: 'direct', active: false }]);
    expect(typing.at(-1)).toEqual({ conversationId: alice.id, peerId: alice.id, active: false });
    expect(bob.chat.typingPeers(alice.id)).toEqual([]);
  });

  it('expires on the receiver without a refresh', () => {
    const typing = recordEvents(bob.chat, 'typing');
    alice.chat.setTyping(bob.id, true);
    clock.advance(TYPING_THROTTLE_MS);
    alice.chat.setTyping(bob.id, true); // refresh: the expiry restarts from here
    clock.advance(TYPING_EXPIRE_MS - 1);
    expect(bob.chat.typingPeers(alice.id)).toEqual([alice.id]);

    clock.advance(1);
    expect(bob.chat.typingPeers(alice.id)).toEqual([]);
    expect(typing).toEqual([
      { conversationId: alice.id, peerId: alice.id, active: true },
      { conversationId: alice.id, peerId: alice.id, active: false },
    ]);
  });

  it('goes off when the message arrives, and announces again right after sending', () => {
    alice.chat.setTyping(bob.id, true);
    alice.chat.sendText(bob.id, 'done typing');
    expect(bob.chat.typingPeers(alice.id)).toEqual([]);

    alice.chat.setTyping(bob.id, true);
    expect(net.sent('typing', alice.id, bob.id).filter((m) => m.active)).toHaveLength(2);
    expect(bob.chat.typingPeers(alice.id)).toEqual([alice.id]);
  });

  it('goes off when the peer leaves', () => {
    alice.chat.setTyping(bob.id, true);
    bob.chat.handlePeerLeft(alice.id);
    expect(bob.chat.typingPeers(alice.id)).toEqual([]);
  });

  it('in the room goes to everyone present and shows in the room conversation', async () => {
    const carol = await startPeer(net, clock, 'carol');
    net.connect(alice.id, carol.id);
    alice.chat.setTyping(ROOM_CONVERSATION_ID, true);
    expect(net.frames.filter((f) => f.message.type === 'typing').map((f) => f.to)).toEqual([
      bob.id,
      carol.id,
    ]);
    expect(bob.chat.typingPeers(ROOM_CONVERSATION_ID)).toEqual([alice.id]);
    expect(carol.chat.typingPeers(ROOM_CONVERSATION_ID)).toEqual([alice.id]);
    expect(bob.chat.typingPeers(alice.id)).toEqual([]);
  });

  it('stops its timers on close', () => {
    const typing = recordEvents(bob.chat, 'typing');
    alice.chat.setTyping(bob.id, true);
    bob.chat.close();
    clock.advance(TYPING_EXPIRE_MS);
    expect(typing).toHaveLength(1);
  });
});
