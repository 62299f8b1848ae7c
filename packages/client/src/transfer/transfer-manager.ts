import { randomId, TRANSFER_ID_LENGTH, type TransferMessage } from '@kopru/protocol';
import { consoleLogger, type Logger, systemTimers, type Timers, withFields } from '../util/seams.js';
import { TypedEmitter } from '../util/typed-emitter.js';
import { CHECKPOINT_INTERVAL_MS, PROGRESS_EVENT_INTERVAL_MS, SEND_WINDOW_BYTES } from './constants.js';
import { FileChannel } from './file-channel.js';
import { RecordWriter, TrustedPeers } from './persistence.js';
import { RateMeter } from './rate-meter.js';
import { IncomingFiles } from './receiver.js';
import { baseName, OutgoingFiles, offerBatches } from './sender.js';
import { storageKey } from './storage.js';
import {
  incomingState,
  outgoingState,
  reduceTransfer,
  restoredState,
  type TransferEffect,
  type TransferEvent,
  type TransferState,
  transferView,
} from './transfer-state.js';
import {
  FINAL_STATUSES,
  type SourceFile,
  type TransferEvents,
  type TransferManagerOptions,
  type TransferView,
} from './types.js';
import type { DecodedFileFrame } from './wire.js';

/** Messages kept while the saved transfers load (a few milliseconds of IndexedDB). */
const EARLY_MESSAGES_MAX = 1_000;

/** One transfer: its state (the reducer's) and its side of the data path. */
interface Transfer {
  state: TransferState;
  readonly logger: Logger;
  /** Sender: the files, their hashes and the window. */
  readonly outgoing?: OutgoingFiles;
  /** Sender: speed, from the receiver's acknowledgements. */
  readonly meter?: RateMeter;
  /** Receiver: frames into storage, the ledger, credit and checkpoints. */
  readonly incoming?: IncomingFiles;
}

/**
 * File transfers with every peer: offers, answers, streaming, verification, pause/resume/cancel, and
 * resuming after a dropped connection or a reload. Input arrives through `handle*()` and the commands;
 * each transfer's decisions are `reduceTransfer`'s, and this carries out its effects — the transport,
 * the file channels, storage, hashing, persistence — and reports back to it as events. Call `load()`
 * first.
 */
export class TransferManager extends TypedEmitter<TransferEvents> {
  private readonly transfers = new Map<string, Transfer>();
  private readonly channels = new Map<string, FileChannel>();
  private readonly trusted: TrustedPeers;
  private readonly writes: RecordWriter;
  private readonly timers: Timers;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly newId: () => string;
  private readonly onError: (error: unknown) => void;
  private readonly sendWindowBytes: number;
  private loading: Promise<void> | undefined;
  private loaded = false;
  private readonly early: [string, TransferMessage][] = [];
  /** Transfers with progress not yet shown, and the timer that shows it. */
  private readonly dirty = new Set<string>();
  private progressTimer: ReturnType<Timers['setTimeout']> | undefined;
  /** Transfers whose record is to be saved with the next batch, and the timer that saves them. */
  private readonly unsaved = new Set<Transfer>();
  private saveTimer: ReturnType<Timers['setTimeout']> | undefined;
  private closed = false;

  constructor(private readonly opts: TransferManagerOptions) {
    const onError = opts.onError ?? ((error: unknown) => console.error(error));
    super(onError);
    this.onError = onError;
    this.timers = opts.timers ?? systemTimers;
    this.logger = opts.logger ?? consoleLogger('transfer');
    this.now = opts.now ?? Date.now;
    this.newId = opts.newId ?? (() => randomId(TRANSFER_ID_LENGTH));
    this.sendWindowBytes = opts.sendWindowBytes ?? SEND_WINDOW_BYTES;
    this.writes = new RecordWriter(opts.store, onError);
    this.trusted = new TrustedPeers(opts.store, opts.ownerKey, onError);
  }

  /** Restores saved transfers (the receiver's resume points, the sender's list), then trusted peers. */
  load(): Promise<void> {
    this.loading ??= this.restore();
    return this.loading;
  }

  /**
   * Offers files to one peer (`conversationId` = its id) or to everyone in the room (`room`): one transfer
   * per peer, split into several when the selection is larger than one offer holds. Returns the views.
   */
  async sendFiles(
    conversationId: string,
    sources: readonly SourceFile[],
    room = 'room',
  ): Promise<TransferView[]> {
    if (sources.length === 0) return [];
    const peers =
      conversationId === room
        ? this.opts.transport.peersInRoom().filter((p) => p !== this.opts.selfPeerId)
        : [conversationId];
    const views: TransferView[] = [];
    for (const batch of await offerBatches(sources)) {
      for (const peerId of peers) {
        const state = outgoingState(
          { ownerKey: this.opts.ownerKey, id: this.newId(), peerId, conversationId, createdAt: this.now() },
          batch.files,
        );
        const transfer = this.add(state, [...batch.sources]);
        this.opts.transport.connect(peerId);
        this.dispatch(transfer, { type: 'offered' });
        this.persist(transfer);
        views.push(this.view(transfer));
      }
    }
    return views;
  }

  /** Accepts an offer (unless the files do not fit); `always` also trusts the sender for later offers. */
  async accept(transferId: string, opts: { always?: boolean } = {}): Promise<void> {
    const transfer = this.incoming(transferId);
    if (transfer?.state.record.status !== 'offered') return;
    if (opts.always) this.setTrusted(transfer.state.record.peerId, true);
    const freeBytes = await this.opts.storage.freeBytes(); // first: the storage knows its kind once this resolves
    this.dispatch(transfer, { type: 'accept', storage: this.opts.storage.kind, freeBytes });
  }

  decline(transferId: string): void {
    const transfer = this.incoming(transferId);
    if (transfer) this.dispatch(transfer, { type: 'decline' });
  }

  pause(transferId: string): void {
    this.command(transferId, { type: 'pause' });
  }

  resume(transferId: string): void {
    this.command(transferId, { type: 'resume' });
  }

  cancel(transferId: string): void {
    this.command(transferId, { type: 'cancel' });
  }

  /** Sender after a reload: attach the files chosen again. Resolves with how many are still missing. */
  async reattach(transferId: string, sources: readonly SourceFile[]): Promise<number> {
    const transfer = this.transfers.get(transferId);
    if (!transfer?.outgoing) return 0;
    const attached = await transfer.outgoing.reattach(transfer.state.record.files, sources);
    this.dispatch(transfer, { type: 'sources', attached });
    return transfer.state.record.files.filter(
      (f, i) => !attached[i] && f.state !== 'verified' && f.state !== 'mismatch',
    ).length;
  }

  /** Removes a finished transfer from the list (and, for a received one, its stored files). */
  async dismiss(transferId: string): Promise<void> {
    const transfer = this.transfers.get(transferId);
    if (!transfer || !FINAL_STATUSES.has(transfer.state.record.status)) return;
    const { record } = transfer.state;
    this.transfers.delete(transferId);
    if (transfer.incoming) {
      await transfer.incoming.close();
      await Promise.all(record.files.map((_f, i) => this.opts.storage.remove(storageKey(record.id, i))));
    }
    await this.opts.store.remove(this.opts.ownerKey, transferId);
    this.emit('removed', { transferId, conversationId: record.conversationId });
  }

  /** A verified received file, backed by storage (no copy in memory). */
  async file(transferId: string, fileIndex: number): Promise<File | Blob> {
    const transfer = this.incoming(transferId);
    const file = transfer?.state.record.files[fileIndex];
    if (!transfer || file?.state !== 'verified')
      throw new Error(`no verified file ${transferId}.${fileIndex}`);
    return this.opts.storage.file(storageKey(transferId, fileIndex), baseName(file.path), file.mime);
  }

  setTrusted(peerId: string, trusted: boolean): void {
    this.trusted.set(peerId, trusted);
  }

  isTrusted(peerId: string): boolean {
    return this.trusted.has(peerId);
  }

  /** Transfers of a conversation (or all), oldest first. */
  list(conversationId?: string): TransferView[] {
    return [...this.transfers.values()]
      .filter((t) => conversationId === undefined || t.state.record.conversationId === conversationId)
      .map((t) => this.view(t))
      .sort((a, b) => a.createdAt - b.createdAt);
  }

  /** Peers with unfinished transfers (the session connects to them after a reload). */
  peersWithUnfinished(): string[] {
    const peers = [...this.transfers.values()]
      .filter((t) => !FINAL_STATUSES.has(t.state.record.status))
      .map((t) => t.state.record.peerId);
    return [...new Set(peers)];
  }

  /** A validated transfer message from a peer's control channel. */
  handleMessage(peerId: string, message: TransferMessage): void {
    if (this.closed || peerId === this.opts.selfPeerId) return;
    if (!this.loaded) {
      if (this.early.length < EARLY_MESSAGES_MAX) this.early.push([peerId, message]);
      return;
    }
    const transfer = this.transfers.get(message.transferId);
    if (!transfer) {
      if (message.type === 'file-offer') this.receiveOffer(peerId, message);
      else if (message.type !== 'file-cancel') {
        // We do not know it (cleared, or never accepted here): tell the peer to stop.
        this.opts.transport.send(peerId, { type: 'file-cancel', transferId: message.transferId });
      }
      return;
    }
    if (transfer.state.record.peerId !== peerId) return; // another peer cannot steer it
    this.dispatch(transfer, { type: 'peer', message });
  }

  /** A new connection with the peer: open its file channel (the previous one died with the old one). */
  handleSession(peerId: string): void {
    if (this.closed) return;
    try {
      const channel = this.opts.transport.openFileChannel(peerId);
      if (channel) this.channel(peerId).attach(channel, () => this.opts.transport.maxMessageSize(peerId));
    } catch (error) {
      this.logger.error('file channel not opened', { peerId, error: String(error) });
    }
    this.handleControlClosed(peerId);
  }

  handleControlOpen(peerId: string): void {
    if (this.closed || !this.loaded) return; // `restore` covers channels that open before the load ends
    for (const transfer of this.ofPeer(peerId)) this.dispatch(transfer, { type: 'control-open' });
  }

  /** The connection went down: streams died with their channel; the receiver will name the resume points. */
  handleControlClosed(peerId: string): void {
    for (const transfer of this.ofPeer(peerId)) {
      transfer.meter?.reset();
      transfer.incoming?.resetRate();
      this.changed(transfer, true);
    }
  }

  /**
   * Stops timers, channels, sending and receiving, and closes the hasher, the record writer and the storage
   * (once the open files are closed); files and saved progress stay for the next load. Idempotent.
   */
  close(): void {
    if (this.closed) return;
    this.saveAll(); // what waits for the next batch is saved now: the records outlive this page
    this.closed = true;
    if (this.progressTimer !== undefined) this.timers.clearTimeout(this.progressTimer);
    this.progressTimer = undefined;
    this.dirty.clear();
    this.early.length = 0;
    const closing: Promise<void>[] = [];
    for (const transfer of this.transfers.values()) {
      transfer.outgoing?.stop();
      if (transfer.incoming) closing.push(transfer.incoming.close());
    }
    for (const channel of this.channels.values()) channel.close();
    this.channels.clear();
    this.opts.hasher.close();
    this.writes.close();
    const { storage } = this.opts;
    void Promise.all(closing).finally(() => storage.close());
    this.removeAllListeners();
  }

  // ----------------------------------------------------------------------------------------- internals

  private async restore(): Promise<void> {
    const [records] = await Promise.all([this.opts.store.load(this.opts.ownerKey), this.trusted.load()]);
    if (this.closed) return;
    for (const record of records) {
      if (this.transfers.has(record.id)) continue;
      const { state, effects } = restoredState(record);
      const transfer = this.add(
        state,
        record.files.map(() => undefined),
      );
      this.run(transfer, effects);
    }
    this.loaded = true;
    for (const transfer of this.transfers.values()) this.emit('updated', { transfer: this.view(transfer) });
    for (const [peerId, message] of this.early.splice(0)) this.handleMessage(peerId, message);
    for (const peerId of this.peersWithUnfinished()) {
      if (this.opts.transport.isOpen(peerId)) this.handleControlOpen(peerId);
    }
  }

  private add(state: TransferState, sources: (SourceFile | undefined)[]): Transfer {
    const { record } = state;
    const logger = withFields(this.logger, { peerId: record.peerId, transferId: record.id });
    let transfer: Transfer;
    if (record.direction === 'out') {
      const outgoing = new OutgoingFiles(
        record.id,
        record.files,
        sources,
        this.opts.hasher,
        this.sendWindowBytes,
      );
      transfer = {
        state: { ...state, attached: outgoing.attached() },
        logger,
        outgoing,
        meter: new RateMeter(),
      };
    } else {
      const incoming: IncomingFiles = new IncomingFiles(record.files, {
        storage: this.opts.storage,
        timers: this.timers,
        logger,
        now: this.now,
        record: () => transfer.state.record,
        dispatch: (event) => this.dispatch(transfer, event),
        send: (message) => this.send(transfer, message),
        progressed: () => this.changed(transfer, false),
      });
      transfer = { state, logger, incoming };
    }
    this.transfers.set(record.id, transfer);
    return transfer;
  }

  private receiveOffer(peerId: string, offer: Extract<TransferMessage, { type: 'file-offer' }>): void {
    const state = incomingState({ ownerKey: this.opts.ownerKey, peerId, createdAt: this.now() }, offer);
    const transfer = this.add(state, []);
    this.persist(transfer);
    this.emit('updated', { transfer: this.view(transfer) });
    if (this.trusted.has(peerId) && !this.opts.autoAcceptHeld?.(peerId)) {
      void this.accept(offer.transferId).catch(this.onError);
    } else this.emit('incoming-offer', { transfer: this.view(transfer) });
  }

  private command(transferId: string, event: TransferEvent): void {
    const transfer = this.transfers.get(transferId);
    if (transfer) this.dispatch(transfer, event);
  }

  /** Runs one event through the transfer's state machine and carries out what it decided. */
  private dispatch(transfer: Transfer, event: TransferEvent): void {
    if (this.closed) return;
    const { state, effects } = reduceTransfer(transfer.state, event);
    transfer.state = state;
    this.run(transfer, effects);
  }

  private run(transfer: Transfer, effects: readonly TransferEffect[]): void {
    for (const effect of effects) {
      try {
        this.apply(transfer, effect);
      } catch (error) {
        this.onError(error);
      }
    }
  }

  private apply(transfer: Transfer, effect: TransferEffect): void {
    const { record } = transfer.state;
    switch (effect.type) {
      case 'send':
        if (!this.send(transfer, effect.message) && effect.retry)
          this.dispatch(transfer, { type: 'send-failed', message: effect.message });
        return;
      case 'persist':
        if (effect.soon) this.persistSoon(transfer);
        else this.persist(transfer);
        return;
      case 'notify':
        this.changed(transfer, effect.urgent);
        return;
      case 'stream': {
        const outgoing = transfer.outgoing;
        if (!outgoing) return;
        transfer.meter?.reset();
        const stream = outgoing.stream(effect.from, {
          fileSent: (fileIndex) => this.dispatch(transfer, { type: 'file-sent', fileIndex }),
          readFailed: (fileIndex, message) => {
            transfer.logger.warn('reading a file failed', { fileIndex, message });
            this.dispatch(transfer, { type: 'read-failed', fileIndex, message });
          },
        });
        this.channel(record.peerId).add(stream);
        return;
      }
      case 'stop-stream':
        transfer.outgoing?.stop();
        this.channels.get(record.peerId)?.remove(record.id);
        transfer.meter?.reset();
        return;
      case 'credit':
        transfer.meter?.add(
          this.now(),
          record.files.reduce((sum, f) => sum + f.offset, 0),
        );
        if (transfer.outgoing?.credit(effect.to)) this.channels.get(record.peerId)?.wake();
        return;
      case 'prepare-hashes':
        transfer.outgoing?.prepareHashes();
        return;
      case 'hash': {
        const { fileIndex } = effect;
        transfer.outgoing?.hashOf(fileIndex).then(
          (sha256) => this.dispatch(transfer, { type: 'file-hashed', fileIndex, sha256 }),
          (error: unknown) =>
            this.dispatch(transfer, { type: 'read-failed', fileIndex, message: String(error) }),
        );
        return;
      }
      case 'receive':
        transfer.incoming?.receive();
        return;
      case 'checkpoint':
        void transfer.incoming?.checkpoint();
        return;
      case 'stop-receiving':
        void transfer.incoming?.stop(effect.discard);
        transfer.incoming?.resetRate();
        return;
      case 'remove-file':
        transfer.logger.warn('hash mismatch', { fileIndex: effect.fileIndex });
        void this.opts.storage.remove(storageKey(record.id, effect.fileIndex)).catch(() => undefined);
        return;
    }
  }

  private send(transfer: Transfer, message: TransferMessage): boolean {
    if (this.closed) return false;
    return this.opts.transport.send(transfer.state.record.peerId, message);
  }

  private channel(peerId: string): FileChannel {
    let channel = this.channels.get(peerId);
    if (!channel) {
      channel = new FileChannel({
        timers: this.timers,
        logger: withFields(this.logger, { peerId }),
        onFrame: (frame) => this.receiveFrame(peerId, frame),
      });
      this.channels.set(peerId, channel);
    }
    return channel;
  }

  /** A validated frame: only the receiving side of a transfer with that very peer takes it. */
  private receiveFrame(peerId: string, frame: DecodedFileFrame): void {
    const transfer = this.transfers.get(frame.transferId);
    if (transfer?.incoming && transfer.state.record.peerId === peerId) transfer.incoming.handleFrame(frame);
  }

  private incoming(transferId: string): Transfer | undefined {
    const transfer = this.transfers.get(transferId);
    return transfer?.incoming ? transfer : undefined;
  }

  private ofPeer(peerId: string): Transfer[] {
    return [...this.transfers.values()].filter((t) => t.state.record.peerId === peerId);
  }

  private persist(transfer: Transfer): void {
    this.unsaved.delete(transfer);
    if (!this.closed) this.writes.write(transfer.state.record);
  }

  /** Saves the record with the next batch, at most `CHECKPOINT_INTERVAL_MS` from now. */
  private persistSoon(transfer: Transfer): void {
    if (this.closed) return;
    this.unsaved.add(transfer);
    this.saveTimer ??= this.timers.setTimeout(() => this.saveAll(), CHECKPOINT_INTERVAL_MS);
  }

  private saveAll(): void {
    if (this.saveTimer !== undefined) this.timers.clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    for (const transfer of [...this.unsaved]) this.persist(transfer);
  }

  /** Something changed: `urgent` emits now, progress at most every `PROGRESS_EVENT_INTERVAL_MS`. */
  private changed(transfer: Transfer, urgent: boolean): void {
    if (this.closed) return;
    const id = transfer.state.record.id;
    if (urgent) {
      this.dirty.delete(id);
      if (this.transfers.get(id) === transfer) this.emit('updated', { transfer: this.view(transfer) });
      return;
    }
    this.dirty.add(id);
    this.progressTimer ??= this.timers.setTimeout(() => {
      this.progressTimer = undefined;
      for (const dirty of [...this.dirty]) {
        this.dirty.delete(dirty);
        const current = this.transfers.get(dirty);
        if (current) this.emit('updated', { transfer: this.view(current) });
      }
    }, PROGRESS_EVENT_INTERVAL_MS);
  }

  private view(transfer: Transfer): TransferView {
    const { state, incoming, meter } = transfer;
    const { record } = state;
    return transferView(state, {
      bytes: (i) => (incoming ? incoming.bytesOf(i) : (record.files[i]?.offset ?? 0)),
      peerConnected: this.opts.transport.isOpen(record.peerId),
      bytesPerSecond: (incoming ? incoming.bytesPerSecond() : meter?.bytesPerSecond(this.now())) ?? 0,
      storage: incoming ? (record.storage ?? this.opts.storage.kind) : undefined,
    });
  }
}
