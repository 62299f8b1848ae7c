import { beforeEach, describe, expect, it } from 'vitest';
import { ChatManager } from '../../src/chat/chat-manager.js';
import { MemoryChatStore } from '../../src/chat/chat-store.js';
import { type ChatRecord, ROOM_CONVERSATION_ID } from '../../src/chat/types.js';
import { emptyRoomState, reducePresence } from '../../src/room/room-state.js';
import { FakeClock, FakeNetwork, type Peer, ROOM_ID, recordEvents, startPeer } from './fakes.js';

let net: FakeNetwork;
let clock: FakeClock;
let alice: Peer;
let bob: Peer;

/** A memory store whose writes wait while `hold` is set, until `release`. */
class GatedStore extends MemoryChatStore {
  hold = false;
  private readonly waiting: (() => void)[] = [];
  private reportHeld: () => void = () => {};
  /** Resolves when a write is being held. */
  readonly held = new Promise<void>((resolve) => {
    this.reportHeld = resolve;
  });

  override async put(records: readonly ChatRecord[]): Promise<void> {
    if (this.hold) {
      const released = new Promise<void>((resolve) => this.waiting.push(resolve));
      this.reportHeld();
      await released;
    }
    return super.put(records);
  }

  release(): void {
    this.hold = false;
    for (const resolve of this.waiting.splice(0)) resolve();
  }
}

const states = (peer: Peer, conversationId: string) => peer.chat.messages(conversationId).map((m) => m.state);
const texts = (peer: Peer, conversationId: string) => peer.chat.messages(conversationId).map((m) => m.text);

beforeEach(async () => {
  net = new FakeNetwork();
  clock = new FakeClock();
  alice = await startPeer(net, clock, 'alice');
  bob = await startPeer(net, clock, 'bob');
});

describe('direct messages', () => {
  it('go pending → sent → delivered → read', async () => {
    net.connect(alice.id, bob.id);
    const seen: string[] = [];
    alice.chat.on('conversation-updated', ({ conversationId, messages }) => {
      if (conversationId === bob.id) seen.push(messages[0]?.state ?? 'none');
    });

    const sent = alice.chat.sendText(bob.id, 'hello');
    expect(sent.state).toBe('sent');
    await net.settle();
    expect(states(alice, bob.id)).toEqual(['delivered']);
    expect(bob.chat.messages(alice.id)).toEqual([
      expect.objectContaining({
        id: sent.id,
        from: alice.id,
        fromName: 'alice',
        direction: 'in',
        text: 'hello',
        state: 'delivered',
        sentAt: clock.time,
      }),
    ]);

    bob.chat.markConversationRead(alice.id);
    expect(states(alice, bob.id)).toEqual(['read']);
    expect(states(bob, alice.id)).toEqual(['read']);
    expect(seen).toEqual(['pending', 'sent', 'delivered', 'read']);
  });

  it('wait while the link is closed, then arrive exactly once and in order', async () => {
    for (const text of ['one', 'two', 'three']) alice.chat.sendText(bob.id, text);
    await net.settle();
    expect(states(alice, bob.id)).toEqual(['pending', 'pending', 'pending']);
    expect(bob.chat.messages(alice.id)).toEqual([]);

    net.connect(alice.id, bob.id);
    await net.settle();
    expect(texts(bob, alice.id)).toEqual(['one', 'two', 'three']);
    expect(net.sent('chat').map((m) => m.text)).toEqual(['one', 'two', 'three']);
    expect(states(alice, bob.id)).toEqual(['delivered', 'delivered', 'delivered']);

    // Acked messages are not sent again when the channel reopens.
    net.disconnect(alice.id, bob.id);
    net.connect(alice.id, bob.id);
    await net.settle();
    expect(net.sent('chat')).toHaveLength(3);
  });

  it('keep the original order when a new message is sent before the reopen is reported', async () => {
    alice.chat.sendText(bob.id, 'first');
    net.connect(alice.id, bob.id, { notify: false }); // `control-open` has not reached the chat layer yet
    alice.chat.sendText(bob.id, 'second');
    await net.settle();
    expect(texts(bob, alice.id)).toEqual(['first', 'second']);
  });

  it('store a duplicate frame once and ack it again', async () => {
    net.connect(alice.id, bob.id);
    const incoming = recordEvents(bob.chat, 'incoming');
    const sent = alice.chat.sendText(bob.id, 'once');
    await net.settle();
    const frame = net.sent('chat')[0];
    if (!frame) throw new Error('no chat frame');

    net.deliver(alice.id, bob.id, frame);
    await net.settle();
    expect(texts(bob, alice.id)).toEqual(['once']);
    expect(incoming).toHaveLength(1);
    expect(net.sent('chat-ack', bob.id, alice.id)).toEqual([
      { type: 'chat-ack', ids: [sent.id] },
      { type: 'chat-ack', ids: [sent.id] },
    ]);
  });

  it('ack only once the message is stored', async () => {
    const store = new GatedStore();
    bob.chat.close();
    bob = await startPeer(net, clock, 'bob', store);
    net.connect(alice.id, bob.id);
    store.hold = true;
    alice.chat.sendText(bob.id, 'store me first');
    expect(texts(bob, alice.id)).toEqual(['store me first']);
    await store.held;
    expect(net.sent('chat-ack')).toEqual([]);

    store.release();
    await net.settle();
    expect(net.sent('chat-ack')).toHaveLength(1);
    expect((await store.load(ROOM_ID)).map((r) => r.text)).toEqual(['store me first']);
  });

  it('resend a message whose ack was lost; the receiver keeps one copy', async () => {
    net.connect(alice.id, bob.id);
    net.cut(bob.id, alice.id);
    alice.chat.sendText(bob.id, 'are you there?');
    await net.settle();
    expect(states(alice, bob.id)).toEqual(['sent']);

    net.disconnect(alice.id, bob.id);
    net.connect(alice.id, bob.id);
    await net.settle();
    expect(net.sent('chat')).toHaveLength(2);
    expect(texts(bob, alice.id)).toEqual(['are you there?']);
    expect(states(alice, bob.id)).toEqual(['delivered']);
  });

  it('survive a reload of the sender: restored pending, delivered once when the peer is back', async () => {
    alice.chat.sendText(bob.id, 'one');
    alice.chat.sendText(bob.id, 'two');
    await alice.chat.idle();
    alice.chat.close();

    const reloaded = await startPeer(net, clock, 'alice', alice.store);
    expect(texts(reloaded, bob.id)).toEqual(['one', 'two']);
    expect(states(reloaded, bob.id)).toEqual(['pending', 'pending']);

    net.connect(alice.id, bob.id);
    await net.settle();
    expect(texts(bob, alice.id)).toEqual(['one', 'two']);
    expect(net.sent('chat')).toHaveLength(2);
    expect(states(reloaded, bob.id)).toEqual(['delivered', 'delivered']);
  });

  it('resend unacked messages on load to a peer whose channel is already open', async () => {
    net.connect(alice.id, bob.id);
    net.cut(bob.id, alice.id);
    alice.chat.sendText(bob.id, 'before reload');
    await net.settle();
    alice.chat.close();

    const chat = new ChatManager({
      roomId: ROOM_ID,
      selfPeerId: alice.id,
      transport: net.transport(alice.id),
      store: alice.store,
      now: clock.now,
      timers: clock,
    });
    net.attach(alice.id, chat);
    net.connect(alice.id, bob.id); // reported before the history is loaded: `load` must catch up
    await chat.load();
    await net.settle();
    expect(texts(bob, alice.id)).toEqual(['before reload']);
    expect(chat.messages(bob.id).map((m) => m.state)).toEqual(['delivered']);
  });

  it('ignore acks and read receipts that the peer may not send', async () => {
    const carol = await startPeer(net, clock, 'carol');
    net.connect(alice.id, bob.id);
    net.cut(bob.id, alice.id);
    const sent = alice.chat.sendText(bob.id, 'for bob only');
    await net.settle();

    net.deliver(carol.id, alice.id, { type: 'chat-ack', ids: [sent.id] });
    net.deliver(carol.id, alice.id, { type: 'chat-read', ids: [sent.id] });
    expect(states(alice, bob.id)).toEqual(['sent']);

    // Read receipts are for direct messages: a room recipient cannot mark a room message read.
    net.connect(alice.id, bob.id);
    net.connect(alice.id, carol.id);
    const toAll = alice.chat.sendText(ROOM_CONVERSATION_ID, 'for everyone');
    await net.settle();
    net.deliver(bob.id, alice.id, { type: 'chat-read', ids: [toAll.id] });
    expect(alice.chat.messages(ROOM_CONVERSATION_ID)[0]).toMatchObject({
      state: 'delivered',
      recipients: { [bob.id]: 'delivered', [carol.id]: 'delivered' },
    });
  });

  it('send a read receipt that found the channel closed when it reopens', async () => {
    net.connect(alice.id, bob.id);
    alice.chat.sendText(bob.id, 'read me later');
    await net.settle();
    net.disconnect(alice.id, bob.id);

    bob.chat.markConversationRead(alice.id);
    expect(states(alice, bob.id)).toEqual(['delivered']);
    net.connect(alice.id, bob.id);
    expect(states(alice, bob.id)).toEqual(['read']);
  });

  it('carry text verbatim, markup included', async () => {
    net.connect(alice.id, bob.id);
    const text = '<img src=x onerror="alert(1)"> & <b>bold</b>';
    alice.chat.sendText(bob.id, text);
    await net.settle();
    expect(texts(bob, alice.id)).toEqual([text]);
  });
});

describe('lifecycle', () => {
  it('keeps frames that arrive before the history is loaded, and handles them after it', async () => {
    const chat = new ChatManager({
      roomId: ROOM_ID,
      selfPeerId: bob.id,
      transport: net.transport(bob.id),
      store: new MemoryChatStore(),
    });
    net.attach(bob.id, chat);
    net.connect(alice.id, bob.id);
    alice.chat.sendText(bob.id, 'early bird');
    expect(chat.messages(alice.id)).toEqual([]);

    await chat.load();
    await net.settle();
    expect(chat.messages(alice.id).map((m) => m.text)).toEqual(['early bird']);
    expect(alice.chat.messages(bob.id).map((m) => m.state)).toEqual(['delivered']);
  });

  it("takes names from the room client's presence state", async () => {
    const state = reducePresence(emptyRoomState(ROOM_ID), {
      type: 'snapshot',
      self: { peerId: bob.id, name: 'Bob B.', status: 'available', joinedAt: 1 },
      peers: [{ peerId: alice.id, name: 'Alice A.', status: 'available', joinedAt: 1 }],
    });
    bob.chat.handlePresence(state);
    alice.chat.handlePresence({ self: { name: 'Alice A.' }, peers: new Map() });
    net.connect(alice.id, bob.id);
    alice.chat.sendText(bob.id, 'hi');
    bob.chat.sendText(alice.id, 'hello');
    await net.settle();
    expect(bob.chat.messages(alice.id).map((m) => [m.direction, m.fromName])).toEqual([
      ['in', 'Alice A.'],
      ['out', 'Bob B.'],
    ]);
  });

  it('ignores input and sends nothing once closed', async () => {
    net.connect(alice.id, bob.id);
    bob.chat.close();
    alice.chat.sendText(bob.id, 'anyone?');
    await net.settle();
    expect(bob.chat.messages(alice.id)).toEqual([]);
    expect(net.attempts.filter((f) => f.from === bob.id)).toEqual([]);
    expect(alice.chat.messages(bob.id).map((m) => m.state)).toEqual(['sent']);
  });
});
