import { createHash } from 'node:crypto';
import { type PeerMessage, parsePeerMessage } from '@kopru/protocol';
import type { DataChannelEventMap, DataChannelLike } from '../../src/peer/rtc-types.js';
import { MemoryTransferStore } from '../../src/transfer/persistence.js';
import {
  type FileSink,
  MemoryStorage,
  type SinkCheckpoint,
  type SinkEvents,
  type TransferStorage,
} from '../../src/transfer/storage.js';
import { TransferManager } from '../../src/transfer/transfer-manager.js';
import type { SourceFile, SourceHasher, TransferTransport, TransferView } from '../../src/transfer/types.js';
import { silentLogger, type Timers } from '../../src/util/seams.js';
import { FakeEventTarget } from '../peer/fakes/fake-event-target.js';

/**
 * A DataChannel with a send queue: `send` adds to `bufferedAmount`, and the queue is delivered to the peer
 * end on the next macrotask (unless `held`), firing `bufferedamountlow` on the crossing, as a browser does.
 * `maxBuffered` records the highest queue seen, to check the pacing never passes the high-water mark.
 */
export class FakeFileChannel extends FakeEventTarget<DataChannelEventMap> implements DataChannelLike {
  readonly id = 1;
  readonly label = 'file';
  readyState: RTCDataChannelState = 'connecting';
  bufferedAmount = 0;
  bufferedAmountLowThreshold = 0;
  binaryType: BinaryType = 'arraybuffer';
  maxBuffered = 0;
  peer: FakeFileChannel | undefined;
  readonly queue: ArrayBuffer[] = [];
  /** Called for each delivered frame (tests inspect or corrupt them). */
  tap: ((frame: ArrayBuffer) => ArrayBuffer) | undefined;
  /** Called for each frame as the sender hands it over (before it is queued). */
  onSend: ((frame: ArrayBuffer) => void) | undefined;
  /** While true, frames stay queued (a link that carries nothing); `release` delivers them. */
  held = false;
  private scheduled = false;

  send(data: string | ArrayBuffer): void {
    if (this.readyState !== 'open') throw new DOMException('not open', 'InvalidStateError');
    if (typeof data === 'string') throw new Error('file channel carries binary frames only');
    // A browser copies the message on `send`: the sender may reuse its buffer.
    const copy = data.slice(0);
    this.onSend?.(copy);
    this.queue.push(copy);
    this.bufferedAmount += data.byteLength;
    this.maxBuffered = Math.max(this.maxBuffered, this.bufferedAmount);
    this.schedule();
  }

  release(): void {
    this.held = false;
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled || this.held) return;
    this.scheduled = true;
    setTimeout(() => {
      this.scheduled = false;
      if (!this.held) this.drain(Number.POSITIVE_INFINITY, true);
    }, 0);
  }

  /**
   * Delivers queued frames until `bytes` were delivered (all by default). The channel's own delivery
   * (`stopWhenHeld`) also stops when a `tap` sets `held` mid-way: the frames after it stay queued.
   */
  drain(bytes = Number.POSITIVE_INFINITY, stopWhenHeld = false): void {
    if (this.readyState !== 'open') return;
    let delivered = 0;
    while (this.queue.length > 0 && delivered < bytes && !(stopWhenHeld && this.held)) {
      const frame = this.queue.shift() as ArrayBuffer;
      const before = this.bufferedAmount;
      this.bufferedAmount -= frame.byteLength;
      delivered += frame.byteLength;
      const out = this.tap ? this.tap(frame) : frame;
      if (this.peer?.readyState === 'open') this.peer.fire('message', { data: out });
      if (
        before > this.bufferedAmountLowThreshold &&
        this.bufferedAmount <= this.bufferedAmountLowThreshold
      ) {
        this.fire('bufferedamountlow', {});
      }
    }
  }

  open(): void {
    this.readyState = 'open';
    this.fire('open', {});
  }

  close(): void {
    if (this.readyState === 'closed') return;
    this.readyState = 'closed';
    this.queue.length = 0;
    this.bufferedAmount = 0;
    this.fire('close', {});
    this.peer?.close();
  }
}

/** Node's own SHA-256, so that the code under test is checked against an independent implementation. */
export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

export const nodeHasher: SourceHasher = {
  async hash(blob) {
    return sha256(new Uint8Array(await blob.arrayBuffer()));
  },
  close() {},
};

/** Deterministic bytes (a simple LCG), so a failure is reproducible. */
export function pattern(size: number, seed = 1): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed >>> 0;
  for (let i = 0; i < size; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

/** Real timers running 100 times faster: a half-second checkpoint comes after 5 ms. */
export const fastTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms / 100),
  clearTimeout: (id) => clearTimeout(id),
};

/** A chosen file of these bytes. */
export const source = (path: string, bytes: Uint8Array, mime = ''): SourceFile => ({
  blob: new Blob([bytes as BlobPart]),
  path,
  mime,
});

/** The one view of a list (fails the test if there are more or none). */
export function only(views: TransferView[]): TransferView {
  if (views.length !== 1) throw new Error(`expected one transfer, got ${views.length}`);
  return views[0] as TransferView;
}

/** The offset in a frame's header. */
export const frameOffset = (frame: ArrayBuffer) => Number(new DataView(frame).getBigUint64(4));

export const ALICE = 'A'.repeat(22);
export const BOB = 'B'.repeat(22);

interface Side {
  manager: TransferManager;
  store: MemoryTransferStore;
  storage: TransferStorage;
  channel: FakeFileChannel | undefined;
  open: boolean;
  sent: PeerMessage[];
  /** Control messages delivered to this side's manager, in order. */
  received: PeerMessage[];
}

/** How long a test waits for a state before it fails (the transfers here take milliseconds). */
const WAIT_MS = 10_000;

/**
 * Resolves once `predicate` holds for the manager's transfers, checked now and on every `updated` event;
 * rejects after `WAIT_MS` with the last views, so a failure says where the transfer stood.
 */
export function until(
  manager: TransferManager,
  predicate: (views: TransferView[]) => boolean,
  what = 'the expected transfer state',
): Promise<TransferView[]> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const views = manager.list();
      if (!predicate(views)) return false;
      off();
      clearTimeout(timer);
      resolve(views);
      return true;
    };
    const off = manager.on('updated', () => void check());
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out waiting for ${what}: ${JSON.stringify(manager.list().map(brief))}`));
    }, WAIT_MS);
    check();
  });
}

const brief = (v: TransferView) => ({
  status: v.status,
  doneBytes: v.doneBytes,
  files: v.files.map((f) => f.state),
});

/** `until` the only transfer of the manager has this status. */
export const untilStatus = (manager: TransferManager, status: TransferView['status']) =>
  until(manager, (views) => views.length === 1 && views[0]?.status === status, `status ${status}`);

/**
 * Storage whose writes wait, in order with everything else on the sink, while `stalled` (a receiving
 * machine starved of CPU): nothing is written or reported written until `release`.
 */
export class StallingStorage implements TransferStorage {
  readonly kind: 'disk' | 'memory';
  private gate: Promise<void> = Promise.resolve();
  private unstall = () => {};

  constructor(
    private readonly inner: TransferStorage = new MemoryStorage(),
    kind?: 'disk' | 'memory',
  ) {
    this.kind = kind ?? inner.kind;
  }

  stall(): void {
    this.gate = new Promise<void>((resolve) => {
      this.unstall = resolve;
    });
  }

  release(): void {
    this.unstall();
    this.gate = Promise.resolve();
  }

  open(key: string, at: SinkCheckpoint, events: SinkEvents): FileSink {
    const sink = this.inner.open(key, at, events);
    let tail: Promise<unknown> = Promise.resolve();
    const later = <T>(op: () => T | Promise<T>): Promise<T> => {
      const gate = this.gate;
      const result = tail.then(() => gate).then(op);
      tail = result.catch(() => undefined);
      return result;
    };
    return {
      write: (buffer, start, bytes, at) => void later(() => sink.write(buffer, start, bytes, at)),
      checkpoint: () => later(() => sink.checkpoint()),
      finish: () => later(() => sink.finish()),
      close: () => later(() => sink.close()),
    };
  }

  file(key: string, name: string, mime: string): Promise<File | Blob> {
    return this.inner.file(key, name, mime);
  }

  remove(key: string): Promise<void> {
    return this.inner.remove(key);
  }

  freeBytes(): Promise<number | undefined> {
    return this.inner.freeBytes();
  }

  close(): void {}
}

/** Storage that survives a reload, as OPFS does: the same memory, handed to the reloaded manager. */
export const diskLike = (): StallingStorage => new StallingStorage(new MemoryStorage(), 'disk');

/**
 * Two managers joined by a fake control channel (messages JSON-encoded and validated as on the wire,
 * delivered on the next macrotask) and a fake file channel that delivers by itself.
 */
export class Pair {
  readonly a: Side;
  readonly b: Side;
  /** Control messages pass only while true (a dropped connection). */
  connected = true;
  private readonly sendWindowBytes: number | undefined;
  private readonly autoAcceptHeld: ((peerId: string) => boolean) | undefined;
  private inFlight = 0;

  constructor(
    opts: {
      freeBytes?: number;
      storeA?: MemoryTransferStore;
      storeB?: MemoryTransferStore;
      storageB?: TransferStorage;
      /** The senders' window (`SEND_WINDOW_BYTES` when absent). */
      sendWindowBytes?: number;
      /** Both managers' `autoAcceptHeld` (the invite-link proof's hold on "always accept"). */
      autoAcceptHeld?: (peerId: string) => boolean;
    } = {},
  ) {
    this.sendWindowBytes = opts.sendWindowBytes;
    this.autoAcceptHeld = opts.autoAcceptHeld;
    this.a = this.side(ALICE, BOB, opts.storeA ?? new MemoryTransferStore(), new MemoryStorage());
    this.b = this.side(
      BOB,
      ALICE,
      opts.storeB ?? new MemoryTransferStore(),
      opts.storageB ?? new MemoryStorage(async () => opts.freeBytes),
    );
  }

  other(side: Side): Side {
    return side === this.a ? this.b : this.a;
  }

  /** A new connection: both managers open a file channel, then it and the control channel open. */
  connect(): void {
    this.connected = true;
    this.a.manager.handleSession(BOB);
    this.b.manager.handleSession(ALICE);
    const [ca, cb] = [this.a.channel, this.b.channel];
    if (ca && cb) {
      ca.peer = cb;
      cb.peer = ca;
      ca.open();
      cb.open();
    }
    this.a.open = this.b.open = true;
    this.a.manager.handleControlOpen(BOB);
    this.b.manager.handleControlOpen(ALICE);
  }

  /** The connection dropped: channels close, control messages stop. */
  disconnect(): void {
    this.connected = false;
    this.a.open = this.b.open = false;
    this.a.channel?.close();
    this.b.channel?.close();
    this.a.manager.handleControlClosed(BOB);
    this.b.manager.handleControlClosed(ALICE);
  }

  /**
   * Resolves once nothing moves: no control message in flight and both file channels empty, over two
   * macrotasks in a row (so storage callbacks queued behind them ran too).
   */
  async idle(): Promise<void> {
    for (let quiet = 0; quiet < 2; ) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      const busy =
        this.inFlight > 0 || (this.a.channel?.queue.length ?? 0) + (this.b.channel?.queue.length ?? 0) > 0;
      quiet = busy && !this.a.channel?.held ? 0 : quiet + 1;
    }
  }

  /** Closes one side's manager and builds a new one on the same store and storage, like a reloaded tab. */
  async reload(which: 'a' | 'b'): Promise<void> {
    const old = this[which];
    old.manager.close();
    old.open = false;
    old.channel?.close();
    old.channel = undefined;
    const [self, peer] = which === 'a' ? [ALICE, BOB] : [BOB, ALICE];
    const fresh = this.side(self, peer, old.store, old.storage, old);
    await fresh.manager.load();
  }

  private side(
    self: string,
    peer: string,
    store: MemoryTransferStore,
    storage: TransferStorage,
    reuse?: Side,
  ): Side {
    const side =
      reuse ??
      ({ store, storage, channel: undefined, open: false, sent: [], received: [] } as unknown as Side);
    const transport: TransferTransport = {
      send: (_to, message) => {
        if (!side.open || !this.connected) return false;
        side.sent.push(message);
        const parsed = parsePeerMessage(JSON.stringify(message));
        if (!parsed) throw new Error(`invalid message ${JSON.stringify(message)}`);
        this.inFlight += 1;
        setTimeout(() => {
          this.inFlight -= 1;
          const other = this.other(side);
          if (this.connected && other.open && 'transferId' in parsed) {
            other.received.push(parsed);
            other.manager.handleMessage(self, parsed as Parameters<TransferManager['handleMessage']>[1]);
          }
        }, 0);
        return true;
      },
      isOpen: () => side.open && this.connected,
      openFileChannel: () => {
        side.channel = new FakeFileChannel();
        return side.channel;
      },
      maxMessageSize: () => 256 * 1024,
      connect: () => {},
      peersInRoom: () => [peer],
    };
    side.manager = new TransferManager({
      ownerKey: `room/${self}`,
      selfPeerId: self,
      transport,
      store,
      storage,
      hasher: nodeHasher,
      ...(this.sendWindowBytes === undefined ? {} : { sendWindowBytes: this.sendWindowBytes }),
      ...(this.autoAcceptHeld ? { autoAcceptHeld: this.autoAcceptHeld } : {}),
      logger: silentLogger,
      timers: fastTimers,
    });
    return side;
  }
}
