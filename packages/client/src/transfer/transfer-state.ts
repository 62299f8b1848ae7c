import type { DeclineReason, FileOfferMessage, OfferedFile, TransferMessage } from '@kopru/protocol';
import { MEMORY_FALLBACK_MAX_BYTES, QUOTA_MARGIN_BYTES } from './constants.js';
import {
  FINAL_STATUSES,
  type StoredFile,
  type TransferProblem,
  type TransferRecord,
  type TransferStatus,
  type TransferView,
} from './types.js';
import { type BatchPoint, isValidResume } from './wire.js';

/**
 * One transfer as a pure state machine per side: `reduceTransfer(state, event) → { state, effects }`.
 * Everything a transfer decides — its status, its files' states, which control message answers which —
 * is here; the bytes (reading, framing, the channel, storage, hashing) and time are the manager's, which
 * carries out the effects and reports back as events. Nothing here has a timer or touches I/O.
 */

/** The state of one transfer: its saved record plus what only the live page knows. */
export interface TransferState {
  /** Saved as is (the manager persists it on a `persist` effect). Never mutated: replaced on change. */
  readonly record: TransferRecord;
  /** Sender: which files have their source attached (none after a reload, until chosen again). */
  readonly attached: readonly boolean[];
  /** A final message (cancel, decline) the control channel was closed for: repeated when it opens. */
  readonly unsent?: TransferMessage | undefined;
}

/** What happened to a transfer: a command of the user, a message of the peer, or a report of the engine. */
export type TransferEvent =
  // Either side.
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'cancel' }
  | { type: 'peer'; message: TransferMessage }
  | { type: 'control-open' }
  /** A `send` effect with `retry` found the control channel closed. */
  | { type: 'send-failed'; message: TransferMessage }
  /** The SHA-256 of a file: the sender's of its source, the receiver's of the bytes it wrote. */
  | { type: 'file-hashed'; fileIndex: number; sha256: string }
  // Sender.
  | { type: 'offered' }
  /** After a reload, the user chose files again: which of the offered ones now have a source. */
  | { type: 'sources'; attached: readonly boolean[] }
  /** Every byte of the file was handed to the channel. */
  | { type: 'file-sent'; fileIndex: number }
  | { type: 'read-failed'; fileIndex: number; message: string }
  // Receiver.
  /** The user accepted (or the peer is trusted): where files would go, and how much room is left. */
  | { type: 'accept'; storage: 'disk' | 'memory'; freeBytes: number | undefined }
  | { type: 'decline' }
  /** Every byte of the file was handed to storage. */
  | { type: 'bytes-complete'; fileIndex: number }
  /** The storage flushed the file up to `offset` with this hash state (a resume point after a reload). */
  | { type: 'checkpoint'; fileIndex: number; offset: number; hashState: Uint8Array | undefined }
  | { type: 'storage-failed'; message: string };

/** What the manager must do. */
export type TransferEffect =
  /** A control message to the peer; with `retry`, a closed channel is reported as `send-failed`. */
  | { type: 'send'; message: TransferMessage; retry?: true }
  /** Save the record: at once, or `soon` (with the next checkpoint-rate batch of writes). */
  | { type: 'persist'; soon?: true }
  /** Tell the UI: `urgent` at once (a state change), otherwise with the next progress tick. */
  | { type: 'notify'; urgent: boolean }
  // Sender.
  /** Stream the batch from this point (replacing any stream of this transfer). */
  | { type: 'stream'; from: BatchPoint }
  | { type: 'stop-stream' }
  /** The receiver has written up to here: the stream may send a window past it. */
  | { type: 'credit'; to: BatchPoint }
  /** Start hashing every attached source, off the main thread, so each hash is ready when its last bytes go. */
  | { type: 'prepare-hashes' }
  /** Report the source's hash (`file-hashed`) once known: computed once per file, whoever asks. */
  | { type: 'hash'; fileIndex: number }
  // Receiver.
  /** Open the current file's storage and tell the sender where to continue (`file-resume`). */
  | { type: 'receive' }
  /** Flush the open file and save where it is (`checkpoint` follows). */
  | { type: 'checkpoint' }
  /** Stop receiving: close the open file, stop the checkpoints; `discard` deletes unfinished files. */
  | { type: 'stop-receiving'; discard: boolean }
  /** Delete a stored file (its hash did not match). */
  | { type: 'remove-file'; fileIndex: number };

export interface Transition {
  state: TransferState;
  effects: TransferEffect[];
}

export const isFinalFile = (f: StoredFile): boolean => f.state === 'verified' || f.state === 'mismatch';
const bytesComplete = (f: StoredFile): boolean => f.state === 'verifying' || isFinalFile(f);

/** A change of the transfer's status: saved, and shown at once. */
const persisted = (effects: TransferEffect[] = []): TransferEffect[] => [
  ...effects,
  { type: 'persist' },
  { type: 'notify', urgent: true },
];

/**
 * A change of one file inside a transfer that goes on: saved and shown with the next batch. A folder of
 * 2,000 small files changes files hundreds of times a second; a re-render of its list, or an IndexedDB
 * write of its record, for each would cost more than the transfer. A change lost to a reload is only
 * repeated work (the file's bytes or hash are asked for again), never a wrong result.
 */
const fileChanged = (effects: TransferEffect[] = []): TransferEffect[] => [
  ...effects,
  { type: 'persist', soon: true },
  { type: 'notify', urgent: false },
];

const stay = (state: TransferState): Transition => ({ state, effects: [] });

function withRecord(state: TransferState, changes: Partial<TransferRecord>): TransferState {
  return { ...state, record: { ...state.record, ...changes } };
}

function withFile(state: TransferState, index: number, changes: Partial<StoredFile>): TransferState {
  const files = state.record.files.map((f, i) => (i === index ? { ...f, ...changes } : f));
  return withRecord(state, { files });
}

/** A status change; `pausedBy` is kept only for the states it explains. */
function withStatus(
  state: TransferState,
  status: TransferStatus,
  extra: { pausedBy?: 'self' | 'peer'; problem?: TransferProblem } = {},
): TransferState {
  const pausedBy = status === 'paused' || status === 'waiting-source' ? extra.pausedBy : undefined;
  return withRecord(state, {
    status,
    pausedBy,
    ...(extra.problem ? { problem: extra.problem } : {}),
  });
}

const files = (offered: readonly OfferedFile[]): StoredFile[] =>
  // a new transfer: every file waiting at offset 0
  offered.map(({ path, size, mime, headSha256 }) => ({
    path,
    size,
    mime,
    headSha256,
    state: 'waiting',
    offset: 0,
  }));

/** A new transfer we offer (then dispatch `offered`). */
export function outgoingState(
  base: Pick<TransferRecord, 'ownerKey' | 'id' | 'peerId' | 'conversationId' | 'createdAt'>,
  offered: readonly OfferedFile[],
): TransferState {
  return {
    record: { ...base, direction: 'out', status: 'offered', files: files(offered) },
    attached: offered.map(() => true),
  };
}

/** A transfer offered to us: `room` offers belong to the room conversation, others to the sender's. */
export function incomingState(
  base: Pick<TransferRecord, 'ownerKey' | 'peerId' | 'createdAt'>,
  offer: FileOfferMessage,
): TransferState {
  return {
    record: {
      ...base,
      id: offer.transferId,
      conversationId: offer.scope === 'room' ? 'room' : base.peerId,
      direction: 'in',
      status: 'offered',
      files: files(offer.files),
    },
    attached: [],
  };
}

/**
 * A saved transfer after a reload. A sent one that was moving waits for its files to be chosen again (a
 * page cannot keep them); a received one keeps its resume point, unless its files were kept in memory.
 */
export function restoredState(record: TransferRecord): Transition {
  const state: TransferState = { record, attached: record.files.map(() => false) };
  const { status } = record;
  if (record.direction === 'out') {
    return status === 'active' || status === 'paused'
      ? { state: withStatus(state, 'waiting-source'), effects: [] }
      : stay(state);
  }
  if (record.storage !== 'memory' && !FINAL_STATUSES.has(status)) {
    // A file whose bytes were all here but whose own hash was not saved before the page went: read it
    // back from storage and hash it again (opening it at its end does), rather than wait forever.
    const files = record.files.map(
      (f): StoredFile =>
        f.state === 'verifying' && !f.localSha256
          ? { ...f, state: 'moving', offset: f.size, hashState: undefined }
          : f,
    );
    return stay({ ...state, record: { ...record, files } });
  }
  if (record.storage === 'memory' && !FINAL_STATUSES.has(status)) {
    const unsent: TransferMessage = { type: 'file-cancel', transferId: record.id };
    const cancelled = withStatus(discardPartial(state), 'cancelled', { problem: { code: 'interrupted' } });
    return {
      state: { ...cancelled, unsent },
      effects: persisted([{ type: 'stop-receiving', discard: true }]),
    };
  }
  return stay(state);
}

/** The transfer state machine: the sender's or the receiver's, by the record's direction. */
export function reduceTransfer(state: TransferState, event: TransferEvent): Transition {
  return state.record.direction === 'out' ? reduceOutgoing(state, event) : reduceIncoming(state, event);
}

// ---------------------------------------------------------------------------------------------- sender

function offerMessage(record: TransferRecord): TransferMessage {
  return {
    type: 'file-offer',
    transferId: record.id,
    scope: record.conversationId === record.peerId ? 'direct' : 'room',
    files: record.files.map(({ path, size, mime, headSha256 }) => ({ path, size, mime, headSha256 })),
    sentAt: record.createdAt,
  };
}

/** Files whose source is needed (those with a verdict are not) but not attached. */
export const missingSources = (state: TransferState): number =>
  state.record.files.filter((f, i) => !isFinalFile(f) && !state.attached[i]).length;

function reduceOutgoing(state: TransferState, event: TransferEvent): Transition {
  const { record } = state;
  const { status, id: transferId } = record;
  const final = FINAL_STATUSES.has(status);
  switch (event.type) {
    case 'offered':
    case 'control-open': {
      const effects: TransferEffect[] = [];
      if (event.type === 'control-open' && state.unsent)
        effects.push({ type: 'send', message: state.unsent, retry: true });
      if (status === 'offered') effects.push({ type: 'send', message: offerMessage(record) });
      else if (status === 'paused' && record.pausedBy === 'self')
        effects.push({
          type: 'send',
          message: { type: 'file-pause', transferId, paused: true, reason: 'user' },
        });
      else if (status === 'waiting-source')
        effects.push({
          type: 'send',
          message: { type: 'file-pause', transferId, paused: true, reason: 'source-missing' },
        });
      effects.push({ type: 'notify', urgent: true });
      return { state: { ...state, unsent: undefined }, effects };
    }
    case 'pause':
      if (status !== 'active') return stay(state);
      return {
        state: withStatus(state, 'paused', { pausedBy: 'self' }),
        effects: persisted([
          { type: 'stop-stream' },
          { type: 'send', message: { type: 'file-pause', transferId, paused: true, reason: 'user' } },
        ]),
      };
    case 'resume':
      // The receiver answers with the point to continue from (`file-resume`).
      if (status !== 'paused') return stay(state);
      return {
        state: withStatus(state, 'active'),
        effects: persisted([
          { type: 'send', message: { type: 'file-pause', transferId, paused: false, reason: 'user' } },
        ]),
      };
    case 'cancel':
      if (final) return stay(state);
      return {
        state: withStatus(state, 'cancelled', { problem: { code: 'cancelled', by: 'self' } }),
        effects: persisted([
          { type: 'stop-stream' },
          { type: 'send', message: { type: 'file-cancel', transferId }, retry: true },
        ]),
      };
    case 'sources': {
      const next = { ...state, attached: event.attached };
      if (status !== 'waiting-source' || missingSources(next) > 0)
        return { state: next, effects: [{ type: 'notify', urgent: true }] };
      return {
        state: withStatus(next, 'active'),
        effects: persisted([
          {
            type: 'send',
            message: { type: 'file-pause', transferId, paused: false, reason: 'source-missing' },
          },
        ]),
      };
    }
    case 'file-sent':
      return status === 'active' || status === 'paused'
        ? { state, effects: [{ type: 'hash', fileIndex: event.fileIndex }] }
        : stay(state);
    case 'file-hashed':
      if (status !== 'active' && status !== 'paused') return stay(state);
      return {
        state,
        effects: [
          {
            type: 'send',
            message: { type: 'file-end', transferId, fileIndex: event.fileIndex, sha256: event.sha256 },
          },
        ],
      };
    case 'read-failed':
      if (final) return stay(state);
      return {
        state: withStatus(state, 'failed', { problem: { code: 'storage', message: event.message } }),
        effects: persisted([
          { type: 'stop-stream' },
          { type: 'send', message: { type: 'file-cancel', transferId }, retry: true },
        ]),
      };
    case 'send-failed':
      return { state: { ...state, unsent: event.message }, effects: [] };
    case 'peer':
      return senderHears(state, event.message);
    default:
      return stay(state);
  }
}

function senderHears(state: TransferState, message: TransferMessage): Transition {
  const { status } = state.record;
  const final = FINAL_STATUSES.has(status);
  switch (message.type) {
    case 'file-accept':
      if (status !== 'offered') return stay(state);
      return { state: withStatus(state, 'active'), effects: persisted([{ type: 'prepare-hashes' }]) };
    case 'file-decline':
      if (status !== 'offered') return stay(state);
      return declined(state, message.reason);
    case 'file-resume':
      return resumeFrom(state, { fileIndex: message.fileIndex, offset: message.offset });
    case 'file-progress': {
      if (status !== 'active' && status !== 'paused') return stay(state);
      const to = { fileIndex: message.fileIndex, offset: message.offset };
      if (!isValidResume(sizes(state), to.fileIndex, to.offset)) return stay(state);
      return {
        state: progressed(state, to),
        effects: [
          { type: 'credit', to },
          { type: 'notify', urgent: false },
        ],
      };
    }
    case 'file-verified': {
      const file = state.record.files[message.fileIndex];
      if (!file || isFinalFile(file)) return stay(state);
      const next = withFile(state, message.fileIndex, {
        state: message.ok ? 'verified' : 'mismatch',
        offset: file.size,
      });
      return settled(next, [{ type: 'stop-stream' }]);
    }
    case 'file-pause':
      if (!message.paused || status !== 'active') return stay(state);
      return {
        state: withStatus(state, 'paused', { pausedBy: 'peer' }),
        effects: persisted([{ type: 'stop-stream' }]),
      };
    case 'file-cancel':
      if (final) return stay(state);
      return {
        state: withStatus(state, 'cancelled', { problem: { code: 'cancelled', by: 'peer' } }),
        effects: persisted([{ type: 'stop-stream' }]),
      };
    default:
      return stay(state);
  }
}

const sizes = (state: TransferState): number[] => state.record.files.map((f) => f.size);

function declined(state: TransferState, reason: DeclineReason): Transition {
  return {
    state: withStatus(state, 'declined', { problem: { code: 'declined', reason, by: 'peer' } }),
    effects: persisted(),
  };
}

/** The receiver named where to (re)start: everything before that point is on its disk. */
function resumeFrom(state: TransferState, from: BatchPoint): Transition {
  const { status, id: transferId } = state.record;
  if (status === 'cancelled')
    return { state, effects: [{ type: 'send', message: { type: 'file-cancel', transferId } }] };
  if (FINAL_STATUSES.has(status) || status === 'offered') return stay(state);
  if (!isValidResume(sizes(state), from.fileIndex, from.offset)) return stay(state);
  if (missingSources(state) > 0) {
    return {
      state: withStatus(state, 'waiting-source'),
      effects: persisted([
        { type: 'stop-stream' },
        {
          type: 'send',
          message: { type: 'file-pause', transferId, paused: true, reason: 'source-missing' },
        },
      ]),
    };
  }
  // Files before the resume point are on the receiver's disk; those without a verdict need their hash.
  const effects: TransferEffect[] = [{ type: 'prepare-hashes' }];
  for (const [fileIndex, file] of state.record.files.entries()) {
    if (fileIndex < from.fileIndex && !isFinalFile(file)) effects.push({ type: 'hash', fileIndex });
  }
  effects.push({ type: 'stream', from });
  // A resume point from the receiver also unpauses.
  return { state: withStatus(progressed(state, from), 'active'), effects: persisted(effects) };
}

/** What the sender knows of the receiver's disk: all before `to` is there. */
function progressed(state: TransferState, to: BatchPoint): TransferState {
  const files = state.record.files.map((file, i): StoredFile => {
    if (isFinalFile(file) || i > to.fileIndex) return file;
    if (i < to.fileIndex)
      return file.state === 'verifying' ? file : { ...file, offset: file.size, state: 'verifying' };
    return { ...file, offset: to.offset, state: to.offset < file.size ? 'moving' : 'verifying' };
  });
  return withRecord(state, { files });
}

/** After a file's verdict: the transfer is over once every file has one. */
function settled(state: TransferState, onFinish: TransferEffect[]): Transition {
  const files = state.record.files;
  if (!files.every(isFinalFile)) return { state, effects: fileChanged() };
  const mismatches = files.filter((f) => f.state === 'mismatch').length;
  const next =
    mismatches > 0
      ? withStatus(state, 'failed', { problem: { code: 'mismatch', files: mismatches } })
      : withStatus(state, 'complete');
  return { state: next, effects: persisted(onFinish) };
}

// -------------------------------------------------------------------------------------------- receiver

/** The first file whose bytes are not all here. */
export function currentFile(record: TransferRecord): number | undefined {
  const index = record.files.findIndex((f) => f.state === 'waiting' || f.state === 'moving');
  return index < 0 ? undefined : index;
}

/**
 * Receiving (again): from the current file, or — every byte being here — asking for the hashes the sender
 * still owes, by resuming at the end of the first file without one.
 */
function receiving(state: TransferState): TransferEffect[] {
  if (currentFile(state.record) !== undefined) return [{ type: 'receive' }];
  const message = hashRequest(state.record);
  return message ? [{ type: 'send', message }] : [];
}

/**
 * Every byte is here but a hash from the sender is missing (it was lost with a connection): resuming at
 * the end of the first such file makes the sender send it, and those of the files before.
 */
export function hashRequest(record: TransferRecord): TransferMessage | undefined {
  const waiting = record.files.findIndex((f) => f.state === 'verifying' && !f.senderSha256);
  const file = record.files[waiting];
  return file && { type: 'file-resume', transferId: record.id, fileIndex: waiting, offset: file.size };
}

/** Unfinished files are marked cancelled (the engine deletes them); verified ones stay. */
function discardPartial(state: TransferState): TransferState {
  const files = state.record.files.map(
    (f): StoredFile => (isFinalFile(f) ? f : { ...f, state: 'cancelled', hashState: undefined }),
  );
  return withRecord(state, { files });
}

function abandoned(
  state: TransferState,
  status: 'cancelled' | 'failed',
  problem: TransferProblem,
): TransferState {
  return withStatus(discardPartial(state), status, { problem });
}

function reduceIncoming(state: TransferState, event: TransferEvent): Transition {
  const { record } = state;
  const { status, id: transferId } = record;
  const final = FINAL_STATUSES.has(status);
  switch (event.type) {
    case 'accept': {
      if (status !== 'offered') return stay(state);
      const needed = record.files.reduce((sum, f) => sum + f.size, 0);
      if (event.storage === 'memory' && needed > MEMORY_FALLBACK_MAX_BYTES)
        return refused(state, 'too-large', needed, MEMORY_FALLBACK_MAX_BYTES);
      if (event.freeBytes !== undefined && needed + QUOTA_MARGIN_BYTES > event.freeBytes)
        return refused(state, 'quota', needed, Math.max(0, event.freeBytes - QUOTA_MARGIN_BYTES));
      const next = withRecord(withStatus(state, 'active'), { storage: event.storage });
      return {
        state: next,
        effects: persisted([
          { type: 'send', message: { type: 'file-accept', transferId } },
          ...receiving(next),
        ]),
      };
    }
    case 'decline':
      if (status !== 'offered') return stay(state);
      return {
        state: withStatus(state, 'declined', {
          problem: { code: 'declined', reason: 'declined', by: 'self' },
        }),
        effects: persisted([
          { type: 'send', message: { type: 'file-decline', transferId, reason: 'declined' }, retry: true },
        ]),
      };
    case 'pause':
      if (status !== 'active') return stay(state);
      return {
        state: withStatus(state, 'paused', { pausedBy: 'self' }),
        effects: persisted([
          { type: 'send', message: { type: 'file-pause', transferId, paused: true, reason: 'user' } },
          { type: 'checkpoint' },
        ]),
      };
    case 'resume': {
      if (status !== 'paused') return stay(state);
      const next = withStatus(state, 'active');
      return { state: next, effects: persisted(receiving(next)) };
    }
    case 'cancel':
      if (final) return stay(state);
      return {
        state: abandoned(state, 'cancelled', { code: 'cancelled', by: 'self' }),
        effects: persisted([
          { type: 'stop-receiving', discard: true },
          { type: 'send', message: { type: 'file-cancel', transferId }, retry: true },
        ]),
      };
    case 'control-open': {
      const effects: TransferEffect[] = [];
      if (state.unsent) effects.push({ type: 'send', message: state.unsent, retry: true });
      if (status === 'active') effects.push(...receiving(state));
      else if (status === 'paused' && record.pausedBy === 'self')
        effects.push({
          type: 'send',
          message: { type: 'file-pause', transferId, paused: true, reason: 'user' },
        });
      // Verdicts the sender may have missed (the channel was down when they were decided).
      let next: TransferState = { ...state, unsent: undefined };
      for (const [fileIndex, file] of record.files.entries()) {
        if (!isFinalFile(file) || file.verdictSent) continue;
        next = withFile(next, fileIndex, { verdictSent: true });
        effects.push({ type: 'send', message: verdict(transferId, fileIndex, file), retry: true });
      }
      effects.push({ type: 'notify', urgent: true });
      return { state: next, effects };
    }
    case 'send-failed': {
      const { message } = event;
      if (message.type === 'file-verified')
        return {
          state: withFile(state, message.fileIndex, { verdictSent: false }),
          effects: [{ type: 'persist' }],
        };
      return { state: { ...state, unsent: message }, effects: [] };
    }
    case 'bytes-complete': {
      const file = record.files[event.fileIndex];
      if (!file || bytesComplete(file) || file.state === 'cancelled') return stay(state);
      return {
        state: withFile(state, event.fileIndex, {
          state: 'verifying',
          offset: file.size,
          hashState: undefined,
        }),
        effects: fileChanged(),
      };
    }
    case 'checkpoint': {
      const file = record.files[event.fileIndex];
      if (file?.state !== 'waiting' && file?.state !== 'moving') return stay(state);
      const next = withFile(state, event.fileIndex, {
        offset: event.offset,
        hashState: event.hashState,
        state: event.offset > 0 ? 'moving' : file.state,
      });
      return { state: next, effects: [{ type: 'persist' }] };
    }
    case 'file-hashed': {
      const file = record.files[event.fileIndex];
      if (file?.state !== 'verifying') return stay(state);
      return verify(withFile(state, event.fileIndex, { localSha256: event.sha256 }), event.fileIndex);
    }
    case 'storage-failed':
      if (final) return stay(state);
      return {
        state: abandoned(state, 'failed', { code: 'storage', message: event.message }),
        effects: persisted([
          { type: 'stop-receiving', discard: true },
          { type: 'send', message: { type: 'file-cancel', transferId }, retry: true },
        ]),
      };
    case 'peer':
      return receiverHears(state, event.message);
    default:
      return stay(state);
  }
}

function verdict(transferId: string, fileIndex: number, file: StoredFile): TransferMessage {
  return { type: 'file-verified', transferId, fileIndex, ok: file.state === 'verified' };
}

function refused(
  state: TransferState,
  reason: 'quota' | 'too-large',
  neededBytes: number,
  freeBytes: number,
): Transition {
  const { id: transferId } = state.record;
  return {
    state: withStatus(state, 'declined', {
      problem: { code: 'declined', reason, by: 'self', neededBytes, freeBytes },
    }),
    effects: persisted([
      { type: 'send', message: { type: 'file-decline', transferId, reason }, retry: true },
    ]),
  };
}

/** Both hashes of a file are known: compare, tell the sender, and finish once every file has a verdict. */
function verify(state: TransferState, fileIndex: number): Transition {
  const file = state.record.files[fileIndex];
  if (file?.state !== 'verifying' || !file.localSha256 || !file.senderSha256)
    return { state, effects: [{ type: 'persist' }] };
  const ok = file.localSha256 === file.senderSha256;
  const next = withFile(state, fileIndex, { state: ok ? 'verified' : 'mismatch', verdictSent: true });
  const decided = next.record.files[fileIndex] as StoredFile;
  const effects: TransferEffect[] = [
    { type: 'send', message: verdict(state.record.id, fileIndex, decided), retry: true },
  ];
  if (!ok) effects.push({ type: 'remove-file', fileIndex });
  const outcome = settled(next, [{ type: 'stop-receiving', discard: false }]);
  return { state: outcome.state, effects: [...effects, ...outcome.effects] };
}

function receiverHears(state: TransferState, message: TransferMessage): Transition {
  const { status, id: transferId } = state.record;
  const final = FINAL_STATUSES.has(status);
  switch (message.type) {
    case 'file-offer':
      // The sender did not hear our answer (its channel was closed): answer again.
      if (status === 'active')
        return {
          state,
          effects: [{ type: 'send', message: { type: 'file-accept', transferId } }, ...receiving(state)],
        };
      if (status === 'declined') {
        const problem = state.record.problem;
        const reason = problem?.code === 'declined' ? problem.reason : 'declined';
        return { state, effects: [{ type: 'send', message: { type: 'file-decline', transferId, reason } }] };
      }
      if (status === 'cancelled')
        return { state, effects: [{ type: 'send', message: { type: 'file-cancel', transferId } }] };
      return stay(state);
    case 'file-end': {
      const file = state.record.files[message.fileIndex];
      if (final || !file) return stay(state);
      return verify(withFile(state, message.fileIndex, { senderSha256: message.sha256 }), message.fileIndex);
    }
    case 'file-pause':
      if (message.paused && status === 'active') {
        const paused = message.reason === 'source-missing' ? 'waiting-source' : 'paused';
        return {
          state: withStatus(state, paused, { pausedBy: 'peer' }),
          effects: persisted([{ type: 'checkpoint' }]),
        };
      }
      if (!message.paused && (status === 'paused' || status === 'waiting-source')) {
        const next = withStatus(state, 'active');
        return { state: next, effects: persisted(receiving(next)) };
      }
      return stay(state);
    case 'file-cancel':
      if (final) return stay(state);
      return {
        state: abandoned(state, 'cancelled', { code: 'cancelled', by: 'peer' }),
        effects: persisted([{ type: 'stop-receiving', discard: true }]),
      };
    default:
      return stay(state);
  }
}

// ------------------------------------------------------------------------------------------------ view

/** What only the live page knows, for the view. */
export interface LiveFigures {
  /** Bytes of each file on the receiver's side as this side knows them. */
  bytes(fileIndex: number): number;
  peerConnected: boolean;
  /** Current rate; shown only while the transfer is active and the peer connected. */
  bytesPerSecond: number;
  storage?: 'disk' | 'memory' | undefined;
}

/** The UI snapshot of a transfer. */
export function transferView(state: TransferState, live: LiveFigures): TransferView {
  const { record } = state;
  const files = record.files.map((f, i) => {
    const bytes = bytesComplete(f) ? f.size : Math.min(f.size, live.bytes(i));
    return {
      path: f.path,
      size: f.size,
      mime: f.mime,
      bytes,
      state: f.state === 'waiting' && bytes > 0 ? ('moving' as const) : f.state,
      sourceAttached: record.direction === 'in' || state.attached[i] === true,
    };
  });
  const totalBytes = files.reduce((sum, f) => sum + f.size, 0);
  const doneBytes = files.reduce((sum, f) => sum + f.bytes, 0);
  const rate = record.status === 'active' && live.peerConnected ? live.bytesPerSecond : 0;
  return {
    id: record.id,
    direction: record.direction,
    peerId: record.peerId,
    conversationId: record.conversationId,
    createdAt: record.createdAt,
    files,
    totalBytes,
    doneBytes,
    status: record.status,
    ...(record.pausedBy ? { pausedBy: record.pausedBy } : {}),
    ...(record.problem ? { problem: record.problem } : {}),
    peerConnected: live.peerConnected,
    bytesPerSecond: rate,
    secondsLeft: secondsLeft(totalBytes - doneBytes, rate),
    ...(live.storage ? { storage: live.storage } : {}),
  };
}

/** Seconds left at `bytesPerSecond`; undefined when nothing is moving. */
export function secondsLeft(remainingBytes: number, bytesPerSecond: number): number | undefined {
  if (remainingBytes <= 0) return 0;
  if (bytesPerSecond <= 0) return undefined;
  return Math.ceil(remainingBytes / bytesPerSecond);
}
