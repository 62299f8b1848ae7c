import { describe, expect, it } from 'vitest';
import {
  LIMITS,
  randomId,
  type SignalData,
  signalDataSchema,
  signalMessageSchema,
  signalRequestSchema,
} from '../src/index.js';

const VALID: [string, SignalData][] = [
  ['an offer', { kind: 'description', epoch: 0, description: { type: 'offer', sdp: 'v=0\r\n' } }],
  ['an answer', { kind: 'description', epoch: 1, description: { type: 'answer', sdp: 'v=0\r\n' } }],
  ['a pranswer', { kind: 'description', epoch: 1, description: { type: 'pranswer', sdp: 'v=0\r\n' } }],
  ['a rollback', { kind: 'description', epoch: 1, description: { type: 'rollback', sdp: '' } }],
  [
    'an SDP of exactly sdpMax',
    { kind: 'description', epoch: 1, description: { type: 'offer', sdp: 'a'.repeat(LIMITS.sdpMax) } },
  ],
  [
    'a full candidate',
    {
      kind: 'candidate',
      epoch: 2,
      candidate: {
        candidate: 'candidate:842163049 1 udp 1677729535 203.0.113.7 46154 typ srflx',
        sdpMid: '0',
        sdpMLineIndex: 0,
        usernameFragment: 'EsAw',
      },
    },
  ],
  ['a bare candidate', { kind: 'candidate', epoch: 2, candidate: { candidate: '' } }],
  [
    'a candidate with null fields (as RTCIceCandidate.toJSON gives)',
    {
      kind: 'candidate',
      epoch: 2,
      candidate: { candidate: 'c', sdpMid: null, sdpMLineIndex: null, usernameFragment: null },
    },
  ],
  ['the end of candidates', { kind: 'candidate', epoch: 2, candidate: null }],
  ['a reset', { kind: 'reset', epoch: 3 }],
  ['the largest epoch', { kind: 'reset', epoch: Number.MAX_SAFE_INTEGER }],
];

const INVALID: [string, unknown][] = [
  ['null', null],
  ['a string', 'offer'],
  ['an array', [{ kind: 'reset', epoch: 1 }]],
  ['no kind', { epoch: 1 }],
  ['an unknown kind', { kind: 'bye', epoch: 1 }],
  ['no epoch', { kind: 'reset' }],
  ['a negative epoch', { kind: 'reset', epoch: -1 }],
  ['a fractional epoch', { kind: 'reset', epoch: 0.5 }],
  ['an epoch as text', { kind: 'reset', epoch: '1' }],
  ['an epoch beyond safe integers', { kind: 'reset', epoch: Number.MAX_SAFE_INTEGER + 1 }],
  ['an infinite epoch', { kind: 'reset', epoch: Number.POSITIVE_INFINITY }],
  ['a description without description', { kind: 'description', epoch: 1 }],
  ['an unknown SDP type', { kind: 'description', epoch: 1, description: { type: 'bogus', sdp: '' } }],
  ['an SDP that is not text', { kind: 'description', epoch: 1, description: { type: 'offer', sdp: 1 } }],
  ['an SDP without sdp', { kind: 'description', epoch: 1, description: { type: 'offer' } }],
  [
    'an SDP longer than sdpMax',
    { kind: 'description', epoch: 1, description: { type: 'offer', sdp: 'a'.repeat(LIMITS.sdpMax + 1) } },
  ],
  ['a candidate that is missing', { kind: 'candidate', epoch: 1 }],
  ['a candidate as text', { kind: 'candidate', epoch: 1, candidate: 'candidate:1' }],
  [
    'a candidate longer than candidateMax',
    { kind: 'candidate', epoch: 1, candidate: { candidate: 'c'.repeat(LIMITS.candidateMax + 1) } },
  ],
  [
    'a negative m-line index',
    { kind: 'candidate', epoch: 1, candidate: { candidate: 'c', sdpMLineIndex: -1 } },
  ],
  [
    'a huge m-line index',
    { kind: 'candidate', epoch: 1, candidate: { candidate: 'c', sdpMLineIndex: 1025 } },
  ],
  ['a long sdpMid', { kind: 'candidate', epoch: 1, candidate: { candidate: 'c', sdpMid: 'm'.repeat(65) } }],
  [
    'a long username fragment',
    { kind: 'candidate', epoch: 1, candidate: { candidate: 'c', usernameFragment: 'u'.repeat(257) } },
  ],
];

describe('signalDataSchema', () => {
  it.each(VALID)('accepts %s, unchanged', (_label, data) => {
    expect(signalDataSchema.parse(data)).toEqual(data);
  });

  it.each(INVALID)('refuses %s', (_label, data) => {
    expect(signalDataSchema.safeParse(data).success).toBe(false);
  });
});

describe('signalRequestSchema and signalMessageSchema', () => {
  const to = randomId();
  const data: SignalData = { kind: 'reset', epoch: 1 };

  it('accepts a request to a peer id', () => {
    expect(signalRequestSchema.parse({ to, data })).toEqual({ to, data });
  });

  it('drops a `from` smuggled into a request (the server stamps the sender)', () => {
    expect(signalRequestSchema.parse({ to, from: randomId(), data })).toEqual({ to, data });
  });

  it.each([
    ['no addressee', { data }],
    ['no data', { to }],
    ['an addressee that is not a peer id', { to: 'bob', data }],
    ['an addressee one character short', { to: to.slice(1), data }],
    ['an addressee with a dot', { to: `${to.slice(1)}.`, data }],
    ['an addressee that is a number', { to: 42, data }],
  ])('refuses a request with %s', (_label, request) => {
    expect(signalRequestSchema.safeParse(request).success).toBe(false);
  });

  it('requires the delivered message to name its sender', () => {
    expect(signalMessageSchema.parse({ from: to, data })).toEqual({ from: to, data });
    expect(signalMessageSchema.safeParse({ data }).success).toBe(false);
    expect(signalMessageSchema.safeParse({ from: 'server', data }).success).toBe(false);
  });
});
