import { describe, expect, it } from 'vitest';
import {
  AppError,
  ackSchema,
  clientEventSchemas,
  clientReplySchemas,
  ERROR_CODES,
  fail,
  joinReplySchema,
  joinRequestSchema,
  LIMITS,
  ok,
  protocolErrorSchema,
  randomId,
  serverEventSchemas,
  updateRequestSchema,
} from '../src/index.js';

const roomId = randomId(16);

describe('joinRequestSchema', () => {
  it('accepts a join with and without status and session token', () => {
    expect(joinRequestSchema.parse({ roomId, name: 'Alice' })).toEqual({ roomId, name: 'Alice' });
    const full = { roomId, name: 'Alice', status: 'away', sessionToken: 'v1.token' };
    expect(joinRequestSchema.parse(full)).toEqual(full);
  });

  it('trims the name', () => {
    expect(joinRequestSchema.parse({ roomId, name: ' Alice ' }).name).toBe('Alice');
  });

  it.each([
    ['no room', { name: 'Alice' }],
    ['no name', { roomId }],
    ['a bad room id', { roomId: 'a b', name: 'Alice' }],
    ['a bad name', { roomId, name: '' }],
    ['an unknown status', { roomId, name: 'Alice', status: 'gone' }],
    [
      'a session token over sessionTokenMax',
      { roomId, name: 'Alice', sessionToken: 't'.repeat(LIMITS.sessionTokenMax + 1) },
    ],
    ['a session token that is not text', { roomId, name: 'Alice', sessionToken: 1 }],
  ])('refuses a join with %s', (_label, request) => {
    expect(joinRequestSchema.safeParse(request).success).toBe(false);
  });
});

describe('joinReplySchema', () => {
  it('accepts a reply as the server builds it', () => {
    const self = { peerId: randomId(), name: 'Alice', status: 'available', joinedAt: 1 };
    const reply = {
      roomId,
      self,
      sessionToken: 't',
      peers: [],
      iceServers: [{ urls: ['stun:a', 'stun:b'] }],
      resumed: false,
    };

    expect(joinReplySchema.parse(reply)).toEqual(reply);
    expect(joinReplySchema.safeParse({ ...reply, resumed: 'no' }).success).toBe(false);
  });
});

describe('updateRequestSchema', () => {
  it('accepts a name, a status, or both', () => {
    expect(updateRequestSchema.parse({ name: 'Bob' })).toEqual({ name: 'Bob' });
    expect(updateRequestSchema.parse({ status: 'in-call' })).toEqual({ status: 'in-call' });
    expect(updateRequestSchema.parse({ name: 'Bob', status: 'away' })).toEqual({
      name: 'Bob',
      status: 'away',
    });
  });

  it('refuses an update that changes nothing', () => {
    expect(updateRequestSchema.safeParse({}).success).toBe(false);
    expect(updateRequestSchema.safeParse({ other: 1 }).success).toBe(false);
  });
});

describe('event schema maps', () => {
  it('accept only an empty object for room:leave', () => {
    expect(clientEventSchemas['room:leave'].safeParse({}).success).toBe(true);
    expect(clientEventSchemas['room:leave'].safeParse({ reason: 'bye' }).success).toBe(false);
    expect(clientEventSchemas['room:leave'].safeParse(null).success).toBe(false);
  });

  it('validate what the server sends', () => {
    const peer = { peerId: randomId(), name: 'Alice', status: 'in-call', joinedAt: 5 };
    expect(serverEventSchemas['presence:joined'].safeParse({ peer }).success).toBe(true);
    expect(serverEventSchemas['presence:updated'].safeParse({ peer: { ...peer, status: 'x' } }).success).toBe(
      false,
    );
    expect(
      serverEventSchemas['presence:left'].safeParse({ peerId: peer.peerId, reason: 'left' }).success,
    ).toBe(true);
    expect(
      serverEventSchemas['presence:left'].safeParse({ peerId: peer.peerId, reason: 'kicked' }).success,
    ).toBe(false);
    expect(serverEventSchemas['session:ended'].safeParse({ reason: 'replaced', message: 'm' }).success).toBe(
      true,
    );
    expect(serverEventSchemas['session:ended'].safeParse({ reason: 'bored', message: 'm' }).success).toBe(
      false,
    );
  });
});

describe('acknowledgements and errors', () => {
  it('builds both shapes of an ack', () => {
    expect(ok({ n: 1 })).toEqual({ ok: true, data: { n: 1 } });
    expect(fail('ROOM_FULL', 'full')).toEqual({ ok: false, error: { code: 'ROOM_FULL', message: 'full' } });
  });

  it('serialises an AppError as a protocol error, keeping its cause out of it', () => {
    const cause = new Error('disk on fire');
    const error = new AppError('INTERNAL', 'try again', { cause });

    expect(error).toBeInstanceOf(Error);
    expect(error.cause).toBe(cause);
    expect(JSON.parse(JSON.stringify(error))).toEqual({ code: 'INTERNAL', message: 'try again' });
    expect(protocolErrorSchema.parse(error.toJSON())).toEqual({ code: 'INTERNAL', message: 'try again' });
  });

  it('knows every error code, and only those', () => {
    for (const code of ERROR_CODES)
      expect(protocolErrorSchema.safeParse({ code, message: '' }).success).toBe(true);
    expect(protocolErrorSchema.safeParse({ code: 'TEAPOT', message: '' }).success).toBe(false);
  });
});

describe('reply schemas', () => {
  const peer = { peerId: 'A'.repeat(LIMITS.peerIdLength), name: 'Alice', status: 'available', joinedAt: 1 };
  const join = { roomId, self: peer, sessionToken: 't', peers: [], iceServers: [], resumed: false };

  it('accept a successful reply and a refusal', () => {
    expect(ackSchema(clientReplySchemas['room:join']).parse(ok(join))).toEqual(ok(join));
    expect(ackSchema(clientReplySchemas['peer:update']).parse(fail('ROOM_FULL', 'full'))).toEqual(
      fail('ROOM_FULL', 'full'),
    );
    expect(ackSchema(clientReplySchemas['room:leave']).parse(ok(null))).toEqual(ok(null));
  });

  it.each([
    ['no ok flag', { data: join }],
    ['a join reply without its session token', ok({ ...join, sessionToken: undefined })],
    ['a peer with a malformed id', ok({ ...join, self: { ...peer, peerId: 'x' } })],
    ['an unknown error code', { ok: false, error: { code: 'NOPE', message: 'x' } }],
    ['nothing', undefined],
  ])('refuse %s', (_label, reply) => {
    expect(ackSchema(clientReplySchemas['room:join']).safeParse(reply).success).toBe(false);
  });
});
