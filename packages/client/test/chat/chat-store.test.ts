import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { type ChatStore, MemoryChatStore } from '../../src/chat/chat-store.js';
import { IdbChatStore } from '../../src/chat/idb-chat-store.js';
import { type ChatRecord, ROOM_CONVERSATION_ID } from '../../src/chat/types.js';
import { FakeClock, FakeNetwork, peerId, ROOM_ID, startPeer } from './fakes.js';

const alice = peerId('alice');
const bob = peerId('bob');
const stores: IdbChatStore[] = [];
let dbCount = 0;

/** A store on a database of its own, so tests do not see each other's records. */
function openStore(name = `kopru-chat-test-${++dbCount}`): IdbChatStore {
  const store = new IdbChatStore(name);
  stores.push(store);
  return store;
}

afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

const record = (seq: number, patch: Partial<ChatRecord> = {}): ChatRecord => ({
  id: `message-${String(seq).padStart(4, '0')}`,
  conversationId: bob,
  roomId: ROOM_ID,
  from: alice,
  fromName: 'alice',
  direction: 'out',
  text: `text ${seq}`,
  sentAt: 1000 + seq,
  receivedAt: 1000 + seq,
  state: 'pending',
  seq,
  ...patch,
});

describe.each([
  ['IdbChatStore', (): ChatStore => openStore()],
  ['MemoryChatStore', (): ChatStore => new MemoryChatStore()],
])('%s', (_name, newStore) => {
  it('loads what was put, in seq order, and replaces a record on a state change', async () => {
    const store = newStore();
    const room = record(1, {
      conversationId: ROOM_CONVERSATION_ID,
      recipients: { [bob]: 'delivered' },
      state: 'delivered',
    });
    const incoming = record(0, { direction: 'in', from: bob, fromName: 'bob', state: 'delivered' });
    await store.put([record(2), room, incoming]);
    await store.put([record(3, { roomId: 'another-room' })]);
    await store.put([{ ...record(2), state: 'read' }]);

    expect(await store.load(ROOM_ID)).toEqual([incoming, room, { ...record(2), state: 'read' }]);
    expect((await store.load('another-room')).map((r) => r.seq)).toEqual([3]);
  });

  it('keeps two senders’ messages with the same id apart', async () => {
    const store = newStore();
    await store.put([record(0), record(1, { id: 'message-0000', direction: 'in', from: bob })]);
    expect(await store.load(ROOM_ID)).toHaveLength(2);
  });

  it('clears one conversation, or one room, and nothing else', async () => {
    const store = newStore();
    await store.put([
      record(0),
      record(1, { conversationId: ROOM_CONVERSATION_ID }),
      record(2, { roomId: 'another-room' }),
    ]);

    await store.clearConversation(ROOM_ID, bob);
    expect((await store.load(ROOM_ID)).map((r) => r.seq)).toEqual([1]);

    await store.clearRoom(ROOM_ID);
    expect(await store.load(ROOM_ID)).toEqual([]);
    expect((await store.load('another-room')).map((r) => r.seq)).toEqual([2]);
  });
});

describe('IdbChatStore under a ChatManager', () => {
  it('gives a reloaded chat its conversations back, and clearHistory removes them for good', async () => {
    const net = new FakeNetwork();
    const clock = new FakeClock();
    const name = 'kopru-chat-test-reload';
    const a = await startPeer(net, clock, 'alice', openStore(name));
    const b = await startPeer(net, clock, 'bob');
    net.connect(a.id, b.id);
    a.chat.sendText(b.id, 'persisted');
    a.chat.sendText(ROOM_CONVERSATION_ID, 'to everyone');
    await net.settle();
    a.chat.close();

    const reloaded = await startPeer(net, clock, 'alice', openStore(name));
    expect(reloaded.chat.messages(b.id).map((m) => [m.text, m.state])).toEqual([['persisted', 'delivered']]);
    expect(reloaded.chat.messages(ROOM_CONVERSATION_ID).map((m) => m.recipients)).toEqual([
      { [b.id]: 'delivered' },
    ]);

    await reloaded.chat.clearHistory();
    reloaded.chat.close();
    const again = await startPeer(net, clock, 'alice', openStore(name));
    expect(again.chat.conversationIds()).toEqual([]);
  });

  it('shows a conversation emptied only once the store has deleted it (a reload meanwhile keeps nothing back)', async () => {
    const net = new FakeNetwork();
    const clock = new FakeClock();
    let release = () => {};
    const store = new MemoryChatStore();
    const deleting = new Promise<void>((resolve) => {
      release = resolve;
    });
    const clearRoom = store.clearRoom.bind(store);
    store.clearRoom = async (roomId) => {
      await deleting;
      await clearRoom(roomId);
    };
    const a = await startPeer(net, clock, 'alice', store);
    const b = await startPeer(net, clock, 'bob');
    net.connect(a.id, b.id);
    a.chat.sendText(b.id, 'kept until deleted');
    await net.settle();

    const cleared = a.chat.clearHistory();
    await Promise.resolve();
    expect(a.chat.messages(b.id).map((m) => m.text)).toEqual(['kept until deleted']);
    expect(await store.load(ROOM_ID)).toHaveLength(1);
    release();
    await cleared;
    expect(a.chat.messages(b.id)).toEqual([]);
    expect(await store.load(ROOM_ID)).toEqual([]);
  });
});
