import { describe, expect, it } from 'vitest';
import {
  CONTROL_FRAME_MAX_BYTES,
  isTransferMessage,
  OFFER_FILES_MAX,
  OFFER_JSON_BUDGET,
  type PeerMessage,
  parsePeerMessage,
} from '../src/index.js';

const transferId = 'AbCdEfGh12345_-x';
const file = { path: 'photos/2024/a.jpg', size: 1234, mime: 'image/jpeg', headSha256: 'a'.repeat(64) };
const offer: PeerMessage = { type: 'file-offer', transferId, scope: 'direct', files: [file], sentAt: 1 };

describe('transfer messages', () => {
  it.each<[string, PeerMessage]>([
    ['an offer', offer],
    ['an empty file', { ...offer, files: [{ ...file, size: 0 }] }] as [string, PeerMessage],
    ['an accept', { type: 'file-accept', transferId }],
    ['a quota refusal', { type: 'file-decline', transferId, reason: 'quota' }],
    ['a resume point', { type: 'file-resume', transferId, fileIndex: 3, offset: 2 ** 40 }],
    ['progress', { type: 'file-progress', transferId, fileIndex: 0, offset: 10 }],
    ['a file end', { type: 'file-end', transferId, fileIndex: 0, sha256: 'f'.repeat(64) }],
    ['a verification', { type: 'file-verified', transferId, fileIndex: 0, ok: false }],
    ['a pause', { type: 'file-pause', transferId, paused: true, reason: 'source-missing' }],
    ['a cancel', { type: 'file-cancel', transferId }],
  ])('accepts %s', (_label, message) => {
    expect(parsePeerMessage(JSON.stringify(message))).toEqual(message);
    expect(isTransferMessage(message)).toBe(true);
  });

  it('does not count chat frames as transfer messages', () => {
    expect(isTransferMessage({ type: 'chat' })).toBe(false);
  });

  it.each<[string, unknown]>([
    [
      'a pause for a reason that no longer exists (the storage hold)',
      { type: 'file-pause', transferId, paused: true, reason: 'busy' },
    ],
    ['a transfer id of the wrong length', { ...offer, transferId: 'short' }],
    ['an absolute path', { ...offer, files: [{ ...file, path: '/etc/passwd' }] }],
    ['a parent segment', { ...offer, files: [{ ...file, path: 'a/../../b' }] }],
    ['an empty segment', { ...offer, files: [{ ...file, path: 'a//b' }] }],
    ['a backslash', { ...offer, files: [{ ...file, path: 'a\\b' }] }],
    ['a control character', { ...offer, files: [{ ...file, path: 'a\u0000b' }] }],
    ['a negative size', { ...offer, files: [{ ...file, size: -1 }] }],
    ['a fractional size', { ...offer, files: [{ ...file, size: 1.5 }] }],
    ['an upper-case hash', { ...offer, files: [{ ...file, headSha256: 'A'.repeat(64) }] }],
    ['no files', { ...offer, files: [] }],
    ['too many files', { ...offer, files: Array.from({ length: OFFER_FILES_MAX + 1 }, () => file) }],
    [
      'a file index past the offer limit',
      { type: 'file-resume', transferId, fileIndex: OFFER_FILES_MAX, offset: 0 },
    ],
    ['an unsafe offset', { type: 'file-resume', transferId, fileIndex: 0, offset: 2 ** 53 }],
    ['an unknown decline reason', { type: 'file-decline', transferId, reason: 'bored' }],
  ])('refuses %s', (_label, message) => {
    expect(parsePeerMessage(JSON.stringify(message))).toBeUndefined();
  });

  it('keeps an offer packed to the sender budget within one control frame', () => {
    const big = { ...file, path: 'p'.repeat(1024), mime: 'm'.repeat(128), size: Number.MAX_SAFE_INTEGER };
    const one = JSON.stringify(big).length + 1;
    const files = Array.from({ length: Math.floor(OFFER_JSON_BUDGET / one) }, () => big);
    const frame = JSON.stringify({ ...offer, files });
    expect(frame.length).toBeLessThan(CONTROL_FRAME_MAX_BYTES);
    expect(parsePeerMessage(frame)).toMatchObject({ type: 'file-offer' });
  });
});
