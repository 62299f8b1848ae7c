import type { TransferMessage } from '@kopru/protocol';
import { describe, expect, it } from 'vitest';
import {
  incomingState,
  outgoingState,
  reduceTransfer,
  restoredState,
  type TransferEffect,
  type TransferEvent,
  type TransferState,
} from '../../src/transfer/transfer-state.js';
import type { StoredFile, TransferRecord } from '../../src/transfer/types.js';
import { ALICE, BOB } from './fakes.js';

const ID = 'T'.repeat(16);
const HASH = 'a'.repeat(64);
const OTHER_HASH = 'b'.repeat(64);
const file = (size: number, path = 'f') => ({ path, size, mime: '', headSha256: HASH });

const base = { ownerKey: 'room/me', id: ID, peerId: BOB, conversationId: BOB, createdAt: 1 };
const sender = (status: TransferRecord['status'] = 'offered', changes: Partial<TransferRecord> = {}) => {
  const state = outgoingState(base, [file(100), file(50)]);
  return { ...state, record: { ...state.record, status, ...changes } };
};
const receiver = (status: TransferRecord['status'] = 'offered', changes: Partial<TransferRecord> = {}) => {
  const state = incomingState(
    { ownerKey: 'room/me', peerId: ALICE, createdAt: 1 },
    { type: 'file-offer', transferId: ID, scope: 'direct', files: [file(100), file(50)], sentAt: 1 },
  );
  return { ...state, record: { ...state.record, status, ...changes } };
};
const withFiles = (state: TransferState, ...changes: Partial<StoredFile>[]): TransferState => ({
  ...state,
  record: { ...state.record, files: state.record.files.map((f, i) => ({ ...f, ...changes[i] })) },
});
const OFFER: TransferMessage = {
  type: 'file-offer',
  transferId: ID,
  scope: 'direct',
  files: [file(100), file(50)],
  sentAt: 1,
};
const peer = (message: TransferMessage): TransferEvent => ({ type: 'peer', message });
const send = (message: TransferMessage, retry?: true): TransferEffect =>
  retry ? { type: 'send', message, retry } : { type: 'send', message };
const saved: TransferEffect[] = [{ type: 'persist' }, { type: 'notify', urgent: true }];
/** A file changed in a transfer that goes on: saved, shown with the next progress tick. */
const fileSaved: TransferEffect[] = [
  { type: 'persist', soon: true },
  { type: 'notify', urgent: false },
];

type Row = [
  name: string,
  state: TransferState,
  event: TransferEvent,
  expected: Partial<Omit<TransferRecord, 'files'>> & { files?: Partial<StoredFile>[] },
  effects: TransferEffect[],
];

function check([, state, event, expected, effects]: Row) {
  const result = reduceTransfer(state, event);
  const { files, ...record } = expected;
  expect(result.state.record).toMatchObject(record);
  for (const [i, f] of (files ?? []).entries()) expect(result.state.record.files[i]).toMatchObject(f);
  expect(result.effects).toEqual(effects);
  if (result.effects.length === 0) expect(result.state).toBe(state); // nothing happened: the same state
}

describe('reduceTransfer: the sender', () => {
  const rows: Row[] = [
    [
      'offers when created',
      sender(),
      { type: 'offered' },
      { status: 'offered' },
      [send(OFFER), { type: 'notify', urgent: true }],
    ],
    [
      'is accepted: prepares the hashes',
      sender(),
      peer({ type: 'file-accept', transferId: ID }),
      { status: 'active' },
      [{ type: 'prepare-hashes' }, ...saved],
    ],
    [
      'is declined for quota',
      sender(),
      peer({ type: 'file-decline', transferId: ID, reason: 'quota' }),
      { status: 'declined', problem: { code: 'declined', reason: 'quota', by: 'peer' } },
      saved,
    ],
    [
      'streams from the resume point; the files before it are hashed',
      sender('active'),
      peer({ type: 'file-resume', transferId: ID, fileIndex: 1, offset: 10 }),
      {
        status: 'active',
        files: [
          { state: 'verifying', offset: 100 },
          { state: 'moving', offset: 10 },
        ],
      },
      [
        { type: 'prepare-hashes' },
        { type: 'hash', fileIndex: 0 },
        { type: 'stream', from: { fileIndex: 1, offset: 10 } },
        ...saved,
      ],
    ],
    [
      'a resume point unpauses',
      sender('paused', { pausedBy: 'self' }),
      peer({ type: 'file-resume', transferId: ID, fileIndex: 0, offset: 0 }),
      { status: 'active', pausedBy: undefined },
      [{ type: 'prepare-hashes' }, { type: 'stream', from: { fileIndex: 0, offset: 0 } }, ...saved],
    ],
    [
      'refuses a resume point past the file',
      sender('active'),
      peer({ type: 'file-resume', transferId: ID, fileIndex: 0, offset: 101 }),
      { status: 'active' },
      [],
    ],
    [
      'after a reload, waits for its files instead of streaming',
      { ...sender('active'), attached: [false, false] },
      peer({ type: 'file-resume', transferId: ID, fileIndex: 0, offset: 40 }),
      { status: 'waiting-source' },
      [
        { type: 'stop-stream' },
        send({ type: 'file-pause', transferId: ID, paused: true, reason: 'source-missing' }),
        ...saved,
      ],
    ],
    [
      'answers a resume point of a cancelled transfer with the cancel',
      sender('cancelled'),
      peer({ type: 'file-resume', transferId: ID, fileIndex: 0, offset: 0 }),
      { status: 'cancelled' },
      [send({ type: 'file-cancel', transferId: ID })],
    ],
    [
      'takes credit from the written point',
      sender('active'),
      peer({ type: 'file-progress', transferId: ID, fileIndex: 1, offset: 5 }),
      { files: [{ state: 'verifying', offset: 100 }, { offset: 5 }] },
      [
        { type: 'credit', to: { fileIndex: 1, offset: 5 } },
        { type: 'notify', urgent: false },
      ],
    ],
    [
      'ignores progress before it is accepted',
      sender('offered'),
      peer({ type: 'file-progress', transferId: ID, fileIndex: 0, offset: 5 }),
      { status: 'offered' },
      [],
    ],
    [
      'sends a file’s hash once its bytes are all sent',
      sender('active'),
      { type: 'file-sent', fileIndex: 0 },
      {},
      [{ type: 'hash', fileIndex: 0 }],
    ],
    [
      '…then its end',
      sender('active'),
      { type: 'file-hashed', fileIndex: 0, sha256: HASH },
      {},
      [send({ type: 'file-end', transferId: ID, fileIndex: 0, sha256: HASH })],
    ],
    [
      'one verdict of two: still active',
      sender('active'),
      peer({ type: 'file-verified', transferId: ID, fileIndex: 0, ok: true }),
      { status: 'active', files: [{ state: 'verified' }] },
      fileSaved,
    ],
    [
      'the last verdict completes it',
      withFiles(sender('active'), { state: 'verified' }),
      peer({ type: 'file-verified', transferId: ID, fileIndex: 1, ok: true }),
      { status: 'complete' },
      [{ type: 'stop-stream' }, ...saved],
    ],
    [
      'a mismatch fails it',
      withFiles(sender('active'), { state: 'verified' }),
      peer({ type: 'file-verified', transferId: ID, fileIndex: 1, ok: false }),
      { status: 'failed', problem: { code: 'mismatch', files: 1 } },
      [{ type: 'stop-stream' }, ...saved],
    ],
    [
      'is paused by the receiver',
      sender('active'),
      peer({ type: 'file-pause', transferId: ID, paused: true, reason: 'user' }),
      { status: 'paused', pausedBy: 'peer' },
      [{ type: 'stop-stream' }, ...saved],
    ],
    [
      'pauses',
      sender('active'),
      { type: 'pause' },
      { status: 'paused', pausedBy: 'self' },
      [
        { type: 'stop-stream' },
        send({ type: 'file-pause', transferId: ID, paused: true, reason: 'user' }),
        ...saved,
      ],
    ],
    [
      'resumes: the receiver will name the point',
      sender('paused', { pausedBy: 'self' }),
      { type: 'resume' },
      { status: 'active' },
      [send({ type: 'file-pause', transferId: ID, paused: false, reason: 'user' }), ...saved],
    ],
    [
      'cancels, the cancel repeated if the channel is closed',
      sender('active'),
      { type: 'cancel' },
      { status: 'cancelled', problem: { code: 'cancelled', by: 'self' } },
      [{ type: 'stop-stream' }, send({ type: 'file-cancel', transferId: ID }, true), ...saved],
    ],
    [
      'a cancel of a finished transfer does nothing',
      sender('complete'),
      { type: 'cancel' },
      { status: 'complete' },
      [],
    ],
    [
      'is cancelled by the peer',
      sender('active'),
      peer({ type: 'file-cancel', transferId: ID }),
      { status: 'cancelled', problem: { code: 'cancelled', by: 'peer' } },
      [{ type: 'stop-stream' }, ...saved],
    ],
    [
      'fails when a file cannot be read',
      sender('active'),
      { type: 'read-failed', fileIndex: 0, message: 'gone' },
      { status: 'failed', problem: { code: 'storage', message: 'gone' } },
      [{ type: 'stop-stream' }, send({ type: 'file-cancel', transferId: ID }, true), ...saved],
    ],
    [
      'continues once every file is chosen again',
      { ...sender('waiting-source'), attached: [false, false] },
      { type: 'sources', attached: [true, true] },
      { status: 'active' },
      [send({ type: 'file-pause', transferId: ID, paused: false, reason: 'source-missing' }), ...saved],
    ],
    [
      'keeps waiting while a file is missing',
      { ...sender('waiting-source'), attached: [false, false] },
      { type: 'sources', attached: [true, false] },
      { status: 'waiting-source' },
      [{ type: 'notify', urgent: true }],
    ],
    [
      'repeats the offer when the channel opens',
      sender('offered'),
      { type: 'control-open' },
      { status: 'offered' },
      [send(OFFER), { type: 'notify', urgent: true }],
    ],
    [
      'repeats a cancel the closed channel lost',
      { ...sender('cancelled'), unsent: { type: 'file-cancel', transferId: ID } },
      { type: 'control-open' },
      { status: 'cancelled' },
      [send({ type: 'file-cancel', transferId: ID }, true), { type: 'notify', urgent: true }],
    ],
  ];
  it.each(rows)('%s', (...row) => check(row));

  it('keeps a final message whose sending failed, for when the channel opens', () => {
    const message: TransferMessage = { type: 'file-cancel', transferId: ID };
    expect(reduceTransfer(sender('cancelled'), { type: 'send-failed', message }).state.unsent).toEqual(
      message,
    );
  });
});

describe('reduceTransfer: the receiver', () => {
  const verifying = withFiles(
    receiver('active'),
    { state: 'verifying', offset: 100 },
    { state: 'moving', offset: 20 },
  );
  const rows: Row[] = [
    [
      'accepts: says so and starts receiving',
      receiver(),
      { type: 'accept', storage: 'disk', freeBytes: 1e9 },
      { status: 'active', storage: 'disk' },
      [send({ type: 'file-accept', transferId: ID }), { type: 'receive' }, ...saved],
    ],
    [
      'refuses what does not fit the quota (with its margin)',
      receiver(),
      { type: 'accept', storage: 'disk', freeBytes: 1000 },
      {
        status: 'declined',
        problem: { code: 'declined', reason: 'quota', by: 'self', neededBytes: 150, freeBytes: 0 },
      },
      [send({ type: 'file-decline', transferId: ID, reason: 'quota' }, true), ...saved],
    ],
    [
      'declines',
      receiver(),
      { type: 'decline' },
      { status: 'declined', problem: { code: 'declined', reason: 'declined', by: 'self' } },
      [send({ type: 'file-decline', transferId: ID, reason: 'declined' }, true), ...saved],
    ],
    [
      'answers a repeated offer of an accepted transfer and continues',
      receiver('active'),
      peer(OFFER),
      {},
      [send({ type: 'file-accept', transferId: ID }), { type: 'receive' }],
    ],
    [
      'a file’s bytes are all here: it waits for the hashes',
      receiver('active'),
      { type: 'bytes-complete', fileIndex: 0 },
      { files: [{ state: 'verifying', offset: 100 }] },
      fileSaved,
    ],
    [
      'saves a checkpoint',
      receiver('active'),
      { type: 'checkpoint', fileIndex: 0, offset: 64, hashState: undefined },
      { files: [{ state: 'moving', offset: 64 }] },
      [{ type: 'persist' }],
    ],
    [
      'the sender’s hash alone decides nothing',
      verifying,
      peer({ type: 'file-end', transferId: ID, fileIndex: 0, sha256: HASH }),
      { files: [{ state: 'verifying', senderSha256: HASH }] },
      [{ type: 'persist' }],
    ],
    [
      'both hashes equal: verified, the sender told',
      withFiles(verifying, { senderSha256: HASH }),
      { type: 'file-hashed', fileIndex: 0, sha256: HASH },
      { status: 'active', files: [{ state: 'verified', verdictSent: true }] },
      [send({ type: 'file-verified', transferId: ID, fileIndex: 0, ok: true }, true), ...fileSaved],
    ],
    [
      'hashes differ: a mismatch, the file deleted',
      withFiles(verifying, { senderSha256: OTHER_HASH }),
      { type: 'file-hashed', fileIndex: 0, sha256: HASH },
      { files: [{ state: 'mismatch' }] },
      [
        send({ type: 'file-verified', transferId: ID, fileIndex: 0, ok: false }, true),
        { type: 'remove-file', fileIndex: 0 },
        ...fileSaved,
      ],
    ],
    [
      'the last verdict completes it and stops receiving',
      withFiles(receiver('active'), { state: 'verified' }, { state: 'verifying', localSha256: HASH }),
      peer({ type: 'file-end', transferId: ID, fileIndex: 1, sha256: HASH }),
      { status: 'complete' },
      [
        send({ type: 'file-verified', transferId: ID, fileIndex: 1, ok: true }, true),
        { type: 'stop-receiving', discard: false },
        ...saved,
      ],
    ],
    [
      'pauses and checkpoints',
      receiver('active'),
      { type: 'pause' },
      { status: 'paused', pausedBy: 'self' },
      [
        send({ type: 'file-pause', transferId: ID, paused: true, reason: 'user' }),
        { type: 'checkpoint' },
        ...saved,
      ],
    ],
    [
      'resumes: names the point to continue from',
      receiver('paused', { pausedBy: 'self' }),
      { type: 'resume' },
      { status: 'active' },
      [{ type: 'receive' }, ...saved],
    ],
    [
      'every byte here but a hash lost: asks for it',
      withFiles(receiver('paused'), { state: 'verifying' }, { state: 'verifying' }),
      { type: 'resume' },
      { status: 'active' },
      [send({ type: 'file-resume', transferId: ID, fileIndex: 0, offset: 100 }), ...saved],
    ],
    [
      'the sender waits for its files',
      receiver('active'),
      peer({ type: 'file-pause', transferId: ID, paused: true, reason: 'source-missing' }),
      { status: 'waiting-source', pausedBy: 'peer' },
      [{ type: 'checkpoint' }, ...saved],
    ],
    [
      'the sender unpauses',
      receiver('paused', { pausedBy: 'peer' }),
      peer({ type: 'file-pause', transferId: ID, paused: false, reason: 'user' }),
      { status: 'active' },
      [{ type: 'receive' }, ...saved],
    ],
    [
      'cancels: unfinished files go, verified ones stay',
      withFiles(receiver('active'), { state: 'verified' }),
      { type: 'cancel' },
      { status: 'cancelled', files: [{ state: 'verified' }, { state: 'cancelled' }] },
      [
        { type: 'stop-receiving', discard: true },
        send({ type: 'file-cancel', transferId: ID }, true),
        ...saved,
      ],
    ],
    [
      'fails when storage fails',
      receiver('active'),
      { type: 'storage-failed', message: 'quota' },
      { status: 'failed', problem: { code: 'storage', message: 'quota' } },
      [
        { type: 'stop-receiving', discard: true },
        send({ type: 'file-cancel', transferId: ID }, true),
        ...saved,
      ],
    ],
    [
      'repeats verdicts the sender missed when the channel opens',
      withFiles(receiver('active'), { state: 'verified', verdictSent: false }),
      { type: 'control-open' },
      { files: [{ verdictSent: true }] },
      [
        { type: 'receive' },
        send({ type: 'file-verified', transferId: ID, fileIndex: 0, ok: true }, true),
        { type: 'notify', urgent: true },
      ],
    ],
  ];
  it.each(rows)('%s', (...row) => check(row));

  it('a verdict the closed channel lost is marked unsent', () => {
    const state = withFiles(receiver('active'), { state: 'verified', verdictSent: true });
    const message: TransferMessage = { type: 'file-verified', transferId: ID, fileIndex: 0, ok: true };
    expect(reduceTransfer(state, { type: 'send-failed', message }).state.record.files[0]?.verdictSent).toBe(
      false,
    );
  });

  it('after a reload, files kept in memory are lost: the transfer is cancelled and the sender will be told', () => {
    const { state, effects } = restoredState(receiver('active', { storage: 'memory' }).record);
    expect(state.record).toMatchObject({ status: 'cancelled', problem: { code: 'interrupted' } });
    expect(state.unsent).toEqual({ type: 'file-cancel', transferId: ID });
    expect(effects).toEqual([{ type: 'stop-receiving', discard: true }, ...saved]);
  });

  it('after a reload, a file whose own hash was not saved is read back and hashed again', () => {
    const record = withFiles(receiver('active', { storage: 'disk' }), {
      state: 'verifying',
      offset: 100,
    }).record;
    expect(restoredState(record).state.record.files[0]).toMatchObject({ state: 'moving', offset: 100 });
  });

  it('after a reload, a sender that was moving waits for its files', () => {
    expect(restoredState(sender('active').record).state).toMatchObject({
      record: { status: 'waiting-source' },
      attached: [false, false],
    });
  });
});
