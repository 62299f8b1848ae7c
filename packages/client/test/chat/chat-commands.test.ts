import { CHAT_TEXT_MAX } from '@kopru/protocol';
import { beforeEach, describe, expect, it } from 'vitest';
import { ChatManager } from '../../src/chat/chat-manager.js';
import { MemoryChatStore } from '../../src/chat/chat-store.js';
import { ROOM_CONVERSATION_ID } from '../../src/chat/types.js';
import { errorCode, FakeClock, FakeNetwork, type Peer, ROOM_ID, recordEvents, startPeer } from './fakes.js';

let net: FakeNetwork;
let clock: FakeClock;
let alice: Peer;
let bob: Peer;

const _states = (peer: Peer, conversationId: string) =>
  peer.chat.messages(conversationId).map((m) => m.state);
const texts = (peer: Peer, conversationId: string) => peer.chat.messages(conversationId).map((m) => m.text);

beforeEach(async () => {
  net = new FakeNetwork();
  clock = new FakeClock();
  alice = await startPeer(net, clock, 'alice');
  bob = await startPeer(net, clock, 'bob');
});

describe('room messages', () => {
  it('fan out to every peer present, with delivery tracked per recipient', async () => {
    const carol = await startPeer(net, clock, 'carol');
    net.connect(alice.id, bob.id);
    net.connect(alice.id, carol.id);

    const sent = alice.chat.sendText(ROOM_CONVERSATION_ID, 'hi all');
    expect(sent.recipients).toEqual({ [bob.id]: 'sent', [carol.id]: 'sent' });
    expect(net.frames.filter((f) => f.message.type === 'chat').map((f) => [f.to, f.message])).toEqual([
      [bob.id, { type: 'chat', id: sent.id, scope: 'room', text: 'hi all', sentAt: sent.sentAt }],
      [carol.id, { type: 'chat', id: sent.id, scope: 'room', text: 'hi all', sentAt: sent.sentAt }],
    ]);
    await net.settle();
    expect(alice.chat.messages(ROOM_CONVERSATION_ID)[0]).toMatchObject({
      state: 'delivered',
      recipients: { [bob.id]: 'delivered', [carol.id]: 'delivered' },
    });
    expect(texts(bob, ROOM_CONVERSATION_ID)).toEqual(['hi all']);
    expect(texts(carol, ROOM_CONVERSATION_ID)).toEqual(['hi all']);
    expect(bob.chat.messages(alice.id)).toEqual([]);
  });

  it('stay pending until every recipient present at send time has it', async () => {
    const carol = await startPeer(net, clock, 'carol');
    net.connect(alice.id, bob.id);

    alice.chat.sendText(ROOM_CONVERSATION_ID, 'carol is offline');
    await net.settle();
    expect(alice.chat.messages(ROOM_CONVERSATION_ID)[0]).toMatchObject({
      state: 'pending',
      recipients: { [bob.id]: 'delivered', [carol.id]: 'pending' },
    });

    net.connect(alice.id, carol.id);
    await net.settle();
    expect(alice.chat.messages(ROOM_CONVERSATION_ID)[0]).toMatchObject({
      state: 'delivered',
      recipients: { [bob.id]: 'delivered', [carol.id]: 'delivered' },
    });
    expect(net.sent('chat', alice.id, bob.id)).toHaveLength(1);
    expect(texts(carol, ROOM_CONVERSATION_ID)).toEqual(['carol is offline']);
  });
});

describe('unread counts', () => {
  it('count per conversation and in total; reading a direct conversation tells the sender', async () => {
    const carol = await startPeer(net, clock, 'carol');
    net.connect(alice.id, bob.id);
    net.connect(carol.id, bob.id);
    const unread = recordEvents(bob.chat, 'unread');

    const first = alice.chat.sendText(bob.id, 'one');
    const second = alice.chat.sendText(bob.id, 'two');
    carol.chat.sendText(ROOM_CONVERSATION_ID, 'to everyone');
    await net.settle();
    expect(unread).toEqual([
      { conversationId: alice.id, count: 1, total: 1 },
      { conversationId: alice.id, count: 2, total: 2 },
      { conversationId: ROOM_CONVERSATION_ID, count: 1, total: 3 },
    ]);

    bob.chat.markConversationRead(alice.id);
    expect(unread.at(-1)).toEqual({ conversationId: alice.id, count: 0, total: 1 });
    expect(bob.chat.unreadCount(alice.id)).toBe(0);
    expect(bob.chat.totalUnread()).toBe(1);
    expect(net.sent('chat-read', bob.id, alice.id)).toEqual([
      { type: 'chat-read', ids: [first.id, second.id] },
    ]);

    bob.chat.markConversationRead(alice.id); // nothing unread: no event, no frame
    expect(unread).toHaveLength(4);
    expect(net.sent('chat-read')).toHaveLength(1);

    bob.chat.markConversationRead(ROOM_CONVERSATION_ID);
    expect(bob.chat.totalUnread()).toBe(0);
    // Read receipts are for direct messages only: not even attempted for the room.
    expect(net.attempts.filter((f) => f.message.type === 'chat-read')).toHaveLength(1);
    expect(carol.chat.messages(ROOM_CONVERSATION_ID)[0]?.recipients?.[bob.id]).toBe('delivered');
  });
});

describe('history', () => {
  it('clears one conversation or all of them, here and in the store', async () => {
    const carol = await startPeer(net, clock, 'carol');
    net.connect(alice.id, bob.id);
    net.connect(alice.id, carol.id);
    alice.chat.sendText(bob.id, 'to bob');
    alice.chat.sendText(carol.id, 'to carol');
    alice.chat.sendText(ROOM_CONVERSATION_ID, 'to all');
    await net.settle();

    net.disconnect(alice.id, bob.id);
    alice.chat.sendText(bob.id, 'never sent');
    await alice.chat.clearConversation(bob.id);
    expect(alice.chat.messages(bob.id)).toEqual([]);
    expect((await alice.store.load(ROOM_ID)).map((r) => r.text)).toEqual(['to carol', 'to all']);
    net.connect(alice.id, bob.id); // a cleared message is not sent any more
    await net.settle();
    expect(net.sent('chat', alice.id, bob.id).map((m) => m.text)).toEqual(['to bob', 'to all']);

    await alice.chat.clearHistory();
    expect(alice.chat.conversationIds()).toEqual([]);
    expect(await alice.store.load(ROOM_ID)).toEqual([]);
  });
});

describe('invalid input', () => {
  it('is rejected with a typed error, and nothing is sent or stored', async () => {
    net.connect(alice.id, bob.id);
    expect(errorCode(() => alice.chat.sendText(bob.id, ''))).toBe('EMPTY_TEXT');
    expect(errorCode(() => alice.chat.sendText(bob.id, ' \n\t '))).toBe('EMPTY_TEXT');
    expect(errorCode(() => alice.chat.sendText(bob.id, 'x'.repeat(CHAT_TEXT_MAX + 1)))).toBe('TEXT_TOO_LONG');
    expect(errorCode(() => alice.chat.sendText(alice.id, 'me'))).toBe('INVALID_CONVERSATION');
    expect(errorCode(() => alice.chat.sendText('bob', 'hi'))).toBe('INVALID_CONVERSATION');
    await net.settle();
    expect(net.frames).toEqual([]);
    expect(alice.chat.conversationIds()).toEqual([]);
    expect(await alice.store.load(ROOM_ID)).toEqual([]);

    expect(errorCode(() => alice.chat.sendText(bob.id, 'x'.repeat(CHAT_TEXT_MAX)))).toBeUndefined();
  });

  it('includes sending before the history is loaded', () => {
    const chat = new ChatManager({
      roomId: ROOM_ID,
      selfPeerId: alice.id,
      transport: net.transport(alice.id),
      store: new MemoryChatStore(),
    });
    expect(errorCode(() => chat.sendText(bob.id, 'too early'))).toBe('NOT_LOADED');
  });
});
