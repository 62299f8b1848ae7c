import { describe, expect, it } from 'vitest';
import {
  CALL_PARTICIPANTS_MAX,
  type CallMessage,
  isCallMessage,
  type PeerMessage,
  parsePeerMessage,
  randomId,
} from '../src/index.js';

const callId = randomId();
const peer = randomId();

describe('call messages on the control channel', () => {
  it.each<[string, CallMessage]>([
    ['a 1:1 invite', { type: 'call-invite', callId, media: 'video', members: [] }],
    ['a group invite', { type: 'call-invite', callId, media: 'audio', members: [peer, randomId()] }],
    ['an accept', { type: 'call-accept', callId }],
    ['the other participants', { type: 'call-peers', callId, peers: [peer] }],
    ['a decline', { type: 'call-decline', callId, reason: 'declined' }],
    ['a busy reply', { type: 'call-decline', callId, reason: 'busy' }],
    ['a full reply', { type: 'call-decline', callId, reason: 'full' }],
    ['a cancel', { type: 'call-cancel', callId, reason: 'cancelled' }],
    ['a ring-out', { type: 'call-cancel', callId, reason: 'no-answer' }],
    ['a hang up', { type: 'call-hangup', callId }],
    ['a media state', { type: 'call-media', callId, microphone: false, camera: true, screen: false }],
  ])('accepts %s', (_label, message) => {
    const parsed = parsePeerMessage(JSON.stringify(message));
    expect(parsed).toEqual(message);
    expect(parsed && isCallMessage(parsed)).toBe(true);
  });

  it.each<[string, unknown]>([
    ['an invite without media', { type: 'call-invite', callId, members: [] }],
    ['an invite for screen media', { type: 'call-invite', callId, media: 'screen', members: [] }],
    ['an invite with a malformed member id', { type: 'call-invite', callId, media: 'audio', members: ['x'] }],
    [
      'an invite listing more members than any call holds',
      {
        type: 'call-invite',
        callId,
        media: 'audio',
        members: Array.from({ length: CALL_PARTICIPANTS_MAX - 1 }, () => randomId()),
      },
    ],
    ['a call id that is too short', { type: 'call-accept', callId: 'abc' }],
    ['an empty list of other participants', { type: 'call-peers', callId, peers: [] }],
    ['a call id with markup', { type: 'call-accept', callId: '<script>x</script>' }],
    ['an unknown decline reason', { type: 'call-decline', callId, reason: 'later' }],
    ['an unknown cancel reason', { type: 'call-cancel', callId, reason: 'bored' }],
    ['a media state missing a flag', { type: 'call-media', callId, microphone: true, camera: true }],
    [
      'a media state with a string flag',
      { type: 'call-media', callId, microphone: 'yes', camera: true, screen: false },
    ],
  ])('drops %s', (_label, message) => {
    expect(parsePeerMessage(JSON.stringify(message))).toBeUndefined();
  });

  it('does not count chat frames as call messages', () => {
    const chat: PeerMessage = { type: 'typing', scope: 'room', active: true };
    expect(isCallMessage(chat)).toBe(false);
  });
});
