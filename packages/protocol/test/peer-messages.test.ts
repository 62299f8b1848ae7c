import { describe, expect, it } from 'vitest';
import {
  CHAT_TEXT_MAX,
  CONTROL_FRAME_MAX_BYTES,
  type PeerMessage,
  parsePeerMessage,
  randomId,
} from '../src/index.js';

const id = randomId();
const chat: PeerMessage = { type: 'chat', id, scope: 'direct', text: 'merhaba', sentAt: 1_700_000_000_000 };

describe('parsePeerMessage', () => {
  it.each<[string, PeerMessage]>([
    ['a direct chat message', chat],
    ['a room chat message', { ...chat, scope: 'room' }],
    ['a chat message of CHAT_TEXT_MAX characters', { ...chat, text: 'x'.repeat(CHAT_TEXT_MAX) }],
    ['a delivery ack', { type: 'chat-ack', ids: [id, randomId()] }],
    [
      'a delivery ack for 512 messages',
      { type: 'chat-ack', ids: Array.from({ length: 512 }, () => randomId()) },
    ],
    ['a read receipt', { type: 'chat-read', ids: [id] }],
    ['a typing indicator', { type: 'typing', scope: 'room', active: true }],
    ['a link proof', { type: 'link-proof', v: 1, proof: `${'A'.repeat(42)}_` }],
  ])('accepts %s', (_label, message) => {
    expect(parsePeerMessage(JSON.stringify(message))).toEqual(message);
  });

  it('drops fields it does not know', () => {
    expect(parsePeerMessage(JSON.stringify({ ...chat, admin: true }))).toEqual(chat);
  });

  it('fits the longest chat message in one frame even when every character is escaped', () => {
    const frame = JSON.stringify({ ...chat, text: '\u0001'.repeat(CHAT_TEXT_MAX) });

    expect(frame.length).toBeLessThanOrEqual(CONTROL_FRAME_MAX_BYTES);
    expect(parsePeerMessage(frame)).toMatchObject({ type: 'chat' });
  });

  it.each<[string, unknown]>([
    ['a non-string frame', { type: 'typing', scope: 'room', active: true }],
    ['a binary frame', new Uint8Array([123, 125])],
    ['undefined', undefined],
    ['text that is not JSON', 'hello'],
    ['truncated JSON', JSON.stringify(chat).slice(0, -1)],
    ['JSON null', 'null'],
    ['a JSON array', JSON.stringify([chat])],
    ['a JSON string', JSON.stringify('chat')],
    [
      'a frame over CONTROL_FRAME_MAX_BYTES',
      JSON.stringify({ ...chat, pad: 'x'.repeat(CONTROL_FRAME_MAX_BYTES) }),
    ],
    ['an unknown type', JSON.stringify({ type: 'file-offer', id })],
    ['no type', JSON.stringify({ id, text: 'hi' })],
    ['an empty chat text', JSON.stringify({ ...chat, text: '' })],
    ['a chat text over CHAT_TEXT_MAX', JSON.stringify({ ...chat, text: 'x'.repeat(CHAT_TEXT_MAX + 1) })],
    ['a chat id that is too short', JSON.stringify({ ...chat, id: 'abc' })],
    ['a chat id that is too long', JSON.stringify({ ...chat, id: 'a'.repeat(65) })],
    ['a chat id with a slash', JSON.stringify({ ...chat, id: 'abcd/efgh' })],
    ['an unknown scope', JSON.stringify({ ...chat, scope: 'broadcast' })],
    ['a negative sentAt', JSON.stringify({ ...chat, sentAt: -1 })],
    ['a fractional sentAt', JSON.stringify({ ...chat, sentAt: 1.5 })],
    ['a sentAt as text', JSON.stringify({ ...chat, sentAt: '2025-01-01' })],
    ['an ack with no ids', JSON.stringify({ type: 'chat-ack', ids: [] })],
    ['an ack with 513 ids', JSON.stringify({ type: 'chat-ack', ids: Array.from({ length: 513 }, () => id) })],
    ['an ack with a bad id', JSON.stringify({ type: 'chat-ack', ids: [id, 'no'] })],
    ['a read receipt with ids as text', JSON.stringify({ type: 'chat-read', ids: id })],
    ['a typing indicator without active', JSON.stringify({ type: 'typing', scope: 'room' })],
    [
      'a typing indicator with active as text',
      JSON.stringify({ type: 'typing', scope: 'room', active: 'yes' }),
    ],
    ['a link proof of 42 characters', JSON.stringify({ type: 'link-proof', v: 1, proof: 'A'.repeat(42) })],
    ['a link proof of 44 characters', JSON.stringify({ type: 'link-proof', v: 1, proof: 'A'.repeat(44) })],
    [
      'a link proof in base64 with +',
      JSON.stringify({ type: 'link-proof', v: 1, proof: `${'A'.repeat(42)}+` }),
    ],
    ['a link proof of version 2', JSON.stringify({ type: 'link-proof', v: 2, proof: 'A'.repeat(43) })],
    ['a link proof without a proof', JSON.stringify({ type: 'link-proof', v: 1 })],
  ])('returns undefined for %s', (_label, frame) => {
    expect(parsePeerMessage(frame)).toBeUndefined();
  });
});
