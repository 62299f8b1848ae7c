import { describe, expect, it } from 'vitest';
import {
  displayNameSchema,
  LIMITS,
  peerIdSchema,
  peerInfoSchema,
  randomId,
  randomShortName,
  roomIdSchema,
} from '../src/index.js';

describe('displayNameSchema', () => {
  it.each([
    ['a plain name', 'Alice', 'Alice'],
    ['a name with spaces around it (trimmed)', '  Alice  ', 'Alice'],
    ['Turkish letters and an emoji', 'Çağla Öztürk 🙂', 'Çağla Öztürk 🙂'],
    ['one character', 'x', 'x'],
    ['exactly nameMax characters', 'x'.repeat(LIMITS.nameMax), 'x'.repeat(LIMITS.nameMax)],
    [
      'nameMax characters plus surrounding spaces',
      ` ${'x'.repeat(LIMITS.nameMax)} `,
      'x'.repeat(LIMITS.nameMax),
    ],
  ])('accepts %s', (_label, input, expected) => {
    expect(displayNameSchema.parse(input)).toBe(expected);
  });

  it.each([
    ['an empty name', ''],
    ['a blank name', ' \t '],
    ['a name over nameMax', 'x'.repeat(LIMITS.nameMax + 1)],
    ['a NUL', 'Al\u0000ice'],
    ['a newline inside', 'Al\nice'],
    ['an escape sequence', 'Alice\u001b[31m'],
    ['DEL', 'Alice\u007f'],
    ['a C1 control', 'Alice\u0085x'],
    ['a right-to-left override', '\u202eecilA'],
    ['a left-to-right embedding', 'A\u202alice'],
    ['a first-strong isolate', 'Alice\u2068x'],
    ['a pop-directional isolate', 'Alice\u2069x'],
    ['a number', 42],
    ['null', null],
  ])('refuses %s', (_label, input) => {
    expect(displayNameSchema.safeParse(input).success).toBe(false);
  });
});

describe('roomIdSchema', () => {
  it.each([
    ['the shortest', 'x'.repeat(LIMITS.roomIdMin)],
    ['the longest', 'x'.repeat(LIMITS.roomIdMax)],
    ['letters, digits, "-" and "_"', 'Room_2025-abc'],
    ['a generated 16-character id', randomId(16)],
  ])('accepts %s', (_label, id) => {
    expect(roomIdSchema.parse(id)).toBe(id);
  });

  it.each([
    ['too short', 'x'.repeat(LIMITS.roomIdMin - 1)],
    ['too long', 'x'.repeat(LIMITS.roomIdMax + 1)],
    ['a path', '../../etc'],
    ['a slash', 'room/abc'],
    ['a space', 'room abc'],
    ['a dot', 'room.abc'],
    ['a non-ASCII letter', 'odaçık1'],
    ['a percent escape', 'room%20abc'],
    ['a number', 12345678],
  ])('refuses one that is %s', (_label, id) => {
    expect(roomIdSchema.safeParse(id).success).toBe(false);
  });
});

describe('ids', () => {
  it('makes peer ids that the peer id schema accepts, all different', () => {
    const ids = Array.from({ length: 200 }, () => randomId());

    for (const id of ids) expect(peerIdSchema.parse(id)).toBe(id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('makes ids of the asked length', () => {
    expect(randomId(16)).toHaveLength(16);
    expect(randomId(1)).toMatch(/^[A-Za-z0-9_-]$/);
  });

  it('refuses peer ids of the wrong length or alphabet', () => {
    const id = randomId();
    expect(peerIdSchema.safeParse(id.slice(1)).success).toBe(false);
    expect(peerIdSchema.safeParse(`${id}x`).success).toBe(false);
    expect(peerIdSchema.safeParse(`${id.slice(1)}.`).success).toBe(false);
  });

  it('makes short names that are valid display names without look-alike letters', () => {
    for (let i = 0; i < 200; i++) {
      const name = randomShortName();
      expect(displayNameSchema.parse(name)).toBe(name);
      expect(name).toMatch(/^[A-HJ-NP-Za-km-z2-9]{5}$/);
    }
    expect(randomShortName(8)).toHaveLength(8);
  });
});

describe('peerInfoSchema', () => {
  const info = { peerId: randomId(), name: 'Alice', status: 'available', joinedAt: 1_700_000_000_000 };

  it('accepts a complete PeerInfo', () => {
    expect(peerInfoSchema.parse(info)).toEqual(info);
  });

  it.each([
    ['an unknown status', { ...info, status: 'busy' }],
    ['a negative join time', { ...info, joinedAt: -1 }],
    ['a fractional join time', { ...info, joinedAt: 1.5 }],
    ['no peer id', { ...info, peerId: undefined }],
    ['a name with control characters', { ...info, name: 'A\u0000' }],
  ])('refuses %s', (_label, value) => {
    expect(peerInfoSchema.safeParse(value).success).toBe(false);
  });
});
