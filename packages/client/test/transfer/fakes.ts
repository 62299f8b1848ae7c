import { createHash } from 'node:crypto';
import { type PeerMessage, parsePeerMessage } from '@kopru/protocol';
import type { DataChannelEventMap, DataChannelLike } from '../../src/peer/rtc-types.js';
import { silentLogger, type Timers } from '../../src/peer/seams.js';
import { MemoryStorage } from '../../src/transfer/memory-storage.js';
import { TransferManager } from '../../src/transfer/transfer-manager.js';
import { MemoryTransferStore } from '../../src/transfer/transfer-store.js';
import type { SourceHasher, TransferTransport } from '../../src/transfer/types.js';
import { FakeEventTarget } from '../peer/fakes/fake-event-target.js';

/**
 * A DataChannel with a send queue: `send` adds to `bufferedAmount`; `drain(bytes)` delivers frames to the
 * peer end and fires `bufferedamountlow` on the crossing, as a browser does. `maxBuffered` records the
 * highest queue seen, to check the pacing never passes the high-water mark.
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

  send(data: string | ArrayBuffer): void {
    if (this.readyState !== 'open') throw new DOMException('not open', 'InvalidStateError');
    if (typeof data === 'string') throw new Error('file channel carries binary frames only');
    this.onSend?.(data);
    this.queue.push(data);
    this.bufferedAmount += data.byteLength;
    this.maxBuffered = Math.max(this.maxBuffered, this.bufferedAmount);
  }

  /** Delivers queued frames until `bytes` were delivered (all by default). */
  drain(bytes = Number.POSITIVE_INFINITY): void {
    let delivered = 0;
    while (this.queue.length > 0 && delivered < bytes) {
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

/** Real timers running 100 times faster: a one-second checkpoint comes after 10 ms. */
export const fastTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms / 100),
  clearTimeout: (id) => clearTimeout(id),
};

export const ALICE = 'A'.repeat(22);
export const BOB = 'B'.repeat(22);

interface Side {
  manager: TransferManager;
  store: MemoryTransferStore;
  storage: MemoryStorage;
  channel: FakeFileChannel | undefined;
  open: boolean;
  sent: PeerMessage[];
  /** Control messages delivered to this side's manager, in order. */
  received: PeerMessage[];
}

/**
 * Two managers joined by a fake control channel (messages JSON-encoded and validated as on the wire,
 * delivered on the next macrotask) and a fake file channel that the test drains (`pump`).
 */
export class Pair {
  readonly a: Side;
  readonly b: Side;
  /** Control messages pass only while true (a dropped connection). */
  connected = true;
  private readonly sendWindowBytes: number | undefined;
  private readonly autoAcceptHeld: ((peerId: string) => boolean) | undefined;

  constructor(
    opts: {
      freeBytes?: number;
      storeA?: MemoryTransferStore;
      storeB?: MemoryTransferStore;
      storageB?: MemoryStorage;
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

  /** Runs the network: drains the file channels and lets control messages and storage settle. */
  async pump(rounds = 200): Promise<void> {
    for (let i = 0; i < rounds; i++) {
      this.a.channel?.drain();
      this.b.channel?.drain();
      await new Promise((resolve) => setTimeout(resolve, 0));
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
    storage: MemoryStorage,
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
        setTimeout(() => {
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
