import { describe, expect, it } from 'vitest';
import {
  advanceState,
  awaitsAck,
  peersAwaitingAck,
  ReceivedIds,
  toFrame,
  withRecipientState,
} from '../../src/chat/outbox.js';
import { type ChatRecord, ROOM_CONVERSATION_ID } from '../../src/chat/types.js';
import { peerId } from './fakes.js';

const bob = peerId('bob');
const carol = peerId('carol');

const base: ChatRecord = {
  id: 'message-0001',
  conversationId: bob,
  roomId: 'room-test-1',
  from: peerId('alice'),
  fromName: 'alice',
  direction: 'out',
  text: 'hi',
  sentAt: 1,
  receivedAt: 1,
  state: 'sent',
  seq: 0,
};
const roomMessage: ChatRecord = {
  ...base,
  conversationId: ROOM_CONVERSATION_ID,
  state: 'sent',
  recipients: { [bob]: 'sent', [carol]: 'pending' },
};

describe('outbox', () => {
  it('never moves a state backwards', () => {
    expect(advanceState('read', 'delivered')).toBe('read');
    expect(advanceState('sent', 'delivered')).toBe('delivered');
    const read = withRecipientState(base, bob, 'read');
    expect(withRecipientState(read, bob, 'delivered')).toBe(read);
  });

  it('changes nothing for a peer that is not a recipient', () => {
    expect(withRecipientState(base, carol, 'delivered')).toBe(base);
    expect(withRecipientState(roomMessage, peerId('dave'), 'delivered')).toBe(roomMessage);
  });

  it('gives a room message the least advanced state of its recipients', () => {
    const bobHasIt = withRecipientState(roomMessage, bob, 'delivered');
    expect(bobHasIt.state).toBe('pending');
    const both = withRecipientState(bobHasIt, carol, 'delivered');
    expect(both).toMatchObject({
      state: 'delivered',
      recipients: { [bob]: 'delivered', [carol]: 'delivered' },
    });
    expect(roomMessage.recipients).toEqual({ [bob]: 'sent', [carol]: 'pending' }); // not mutated
  });

  it('lists the peers that still owe an ack', () => {
    expect([...peersAwaitingAck([base, roomMessage])].sort()).toEqual([bob, carol].sort());
    expect(awaitsAck(withRecipientState(base, bob, 'delivered'), bob)).toBe(false);
    expect(awaitsAck({ ...base, direction: 'in' }, bob)).toBe(false);
  });

  it('builds the wire frame with the scope of the conversation', () => {
    expect(toFrame(roomMessage)).toEqual({ type: 'chat', id: base.id, scope: 'room', text: 'hi', sentAt: 1 });
    expect(toFrame(base).scope).toBe('direct');
  });

  it('recognises a (sender, id) pair seen before', () => {
    const seen = new ReceivedIds();
    expect(seen.add(bob, 'message-0001')).toBe(true);
    expect(seen.add(bob, 'message-0001')).toBe(false);
    expect(seen.add(carol, 'message-0001')).toBe(true);
  });
});
