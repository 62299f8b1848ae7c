import { randomId, TRANSFER_ID_LENGTH, type TransferMessage } from '@kopru/protocol';
import { consoleLogger, type Logger, systemTimers } from '../peer/seams.js';
import { TypedEmitter } from '../util/typed-emitter.js';
import { ChangeBatcher } from './change-batcher.js';
import { SEND_WINDOW_BYTES } from './constants.js';
import { type ContextParts, transferContext } from './context.js';
import type { DecodedFileFrame } from './framing.js';
import { IncomingTransfer } from './incoming.js';
import { OutgoingTransfer } from './outgoing.js';
import { PeerLinks } from './peer-links.js';
import { RecordWriter } from './record-writer.js';
import { incomingRecord, outgoingRecord } from './records.js';
import { restoredTransfer } from './restored-transfer.js';
import { offerBatches } from './source.js';
import type { TransferRecord } from './transfer-store.js';
import { TrustedPeers } from './trusted-peers.js';
import {
  FINAL_STATUSES,
  type SourceFile,
  type TransferEvents,
  type TransferManagerOptions,
  type TransferView,
} from './types.js';

/** Messages kept while the saved transfers load (a few milliseconds of IndexedDB). */
const EARLY_MESSAGES_MAX = 1_000;

type Transfer = OutgoingTransfer | IncomingTransfer;

/**
 * File transfers with every peer: offers, answers, streaming, verification, pause/resume/cancel, and
 * resuming after a dropped connection or a reload. Input arrives through `handle*()` and the commands;
 * output leaves through the transport seam and typed events. Call `load()` first.
 */
export class TransferManager extends TypedEmitter<TransferEvents> {
  private readonly transfers = new Map<string, Transfer>();
  private readonly links: PeerLinks;
  private readonly trusted: TrustedPeers;
  private readonly changes: ChangeBatcher;
  private readonly writes: RecordWriter;
  private loading: Promise<void> | undefined;
  private loaded = false;
  private readonly early: [string, TransferMessage][] = [];
  private closed = false;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly newId: () => string;
  private readonly onError: (error: unknown) => void;
  private readonly contextParts: ContextParts;

  constructor(private readonly opts: TransferManagerOptions) {
    const onError = opts.onError ?? ((error: unknown) => console.error(error));
    super(onError);
    this.onError = onError;
    const timers = opts.timers ?? systemTimers;
    this.logger = opts.logger ?? consoleLogger('transfer');
    this.now = opts.now ?? Date.now;
    this.newId = opts.newId ?? (() => randomId(TRANSFER_ID_LENGTH));
    this.writes = new RecordWriter(opts.store, onError);
    this.trusted = new TrustedPeers(opts.store, opts.ownerKey, onError);
    this.links = new PeerLinks({
      timers,
      logger: this.logger,
      onFrame: (peerId, frame) => this.receiveFrame(peerId, frame),
    });
    this.contextParts = {
      ownerKey: opts.ownerKey,
      storage: opts.storage,
      hasher: opts.hasher,
      timers,
      logger: this.logger,
      sendWindowBytes: opts.sendWindowBytes ?? SEND_WINDOW_BYTES,
      transport: opts.transport,
      now: this.now,
      closed: () => this.closed,
      link: (peerId) => this.links.get(peerId),
      persist: (record) => this.persist(record),
      changed: (id, urgent) => this.changes.changed(id, urgent),
      reportError: onError,
    };
    this.changes = new ChangeBatcher(timers, (id) => {
      const transfer = this.transfers.get(id);
      if (transfer) this.emit('updated', { transfer: transfer.view() });
    });
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
        const record = outgoingRecord(
          { ownerKey: this.opts.ownerKey, id: this.newId(), peerId, conversationId, createdAt: this.now() },
          batch.files,
        );
        const transfer = new OutgoingTransfer(transferContext(this.contextParts, record), record, [
          ...batch.sources,
        ]);
        this.transfers.set(record.id, transfer);
        this.persist(record);
        this.opts.transport.connect(peerId);
        transfer.offer();
        views.push(transfer.view());
        this.emit('updated', { transfer: transfer.view() });
      }
    }
    return views;
  }

  /** Accepts an offer; `always` also trusts the sender for later offers. */
  async accept(transferId: string, opts: { always?: boolean } = {}): Promise<void> {
    const transfer = this.incoming(transferId);
    if (!transfer) return;
    if (opts.always) this.setTrusted(transfer.record.peerId, true);
    await transfer.accept();
  }

  decline(transferId: string): void {
    this.incoming(transferId)?.decline();
  }

  pause(transferId: string): void {
    this.transfers.get(transferId)?.pause();
  }

  resume(transferId: string): void {
    this.transfers.get(transferId)?.resume();
  }

  cancel(transferId: string): void {
    this.transfers.get(transferId)?.cancel();
  }

  /** Sender after a reload: attach the files chosen again. Resolves with how many are still missing. */
  async reattach(transferId: string, sources: readonly SourceFile[]): Promise<number> {
    const transfer = this.transfers.get(transferId);
    return transfer instanceof OutgoingTransfer ? transfer.reattach(sources) : 0;
  }

  /** Removes a finished transfer from the list (and, for a received one, its stored files). */
  async dismiss(transferId: string): Promise<void> {
    const transfer = this.transfers.get(transferId);
    if (!transfer || !FINAL_STATUSES.has(transfer.record.status)) return;
    this.transfers.delete(transferId);
    if (transfer instanceof IncomingTransfer) await transfer.removeFiles();
    await this.opts.store.remove(this.opts.ownerKey, transferId);
    this.emit('removed', { transferId, conversationId: transfer.record.conversationId });
  }

  /** A verified received file, backed by storage (no copy in memory). */
  file(transferId: string, fileIndex: number): Promise<File | Blob> {
    const transfer = this.incoming(transferId);
    return transfer
      ? transfer.file(fileIndex)
      : Promise.reject(new Error(`no received transfer ${transferId}`));
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
      .filter((t) => conversationId === undefined || t.record.conversationId === conversationId)
      .map((t) => t.view())
      .sort((a, b) => a.createdAt - b.createdAt);
  }

  /** Peers with unfinished transfers (the session connects to them after a reload). */
  peersWithUnfinished(): string[] {
    return [
      ...new Set(
        [...this.transfers.values()]
          .filter((t) => !FINAL_STATUSES.has(t.record.status))
          .map((t) => t.record.peerId),
      ),
    ];
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
    if (transfer.record.peerId !== peerId) return; // another peer cannot steer it
    transfer.handle(message);
  }

  /** A new connection with the peer: open its file channel (the previous one died with the old one). */
  handleSession(peerId: string): void {
    if (this.closed) return;
    try {
      const channel = this.opts.transport.openFileChannel(peerId);
      if (channel) this.links.attach(peerId, channel, () => this.opts.transport.maxMessageSize(peerId));
    } catch (error) {
      this.logger.error('file channel not opened', { peerId, error: String(error) });
    }
    for (const transfer of this.ofPeer(peerId)) transfer.handleLinkDown();
  }

  handleControlOpen(peerId: string): void {
    if (this.closed || !this.loaded) return; // `restore` covers channels that open before the load ends
    for (const transfer of this.ofPeer(peerId)) transfer.handleControlOpen();
  }

  handleControlClosed(peerId: string): void {
    for (const transfer of this.ofPeer(peerId)) transfer.handleLinkDown();
  }

  /** Stops timers, links and sending; files and saved progress stay for the next load. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.changes.close();
    for (const transfer of this.transfers.values()) transfer.close();
    this.links.close();
    this.opts.hasher.close();
    this.writes.close();
    this.removeAllListeners();
  }

  private async restore(): Promise<void> {
    const [records] = await Promise.all([this.opts.store.load(this.opts.ownerKey), this.trusted.load()]);
    if (this.closed) return;
    for (const record of records) {
      if (!this.transfers.has(record.id))
        this.transfers.set(record.id, restoredTransfer(transferContext(this.contextParts, record), record));
    }
    this.loaded = true;
    for (const transfer of this.transfers.values()) this.emit('updated', { transfer: transfer.view() });
    for (const [peerId, message] of this.early.splice(0)) this.handleMessage(peerId, message);
    for (const peerId of this.peersWithUnfinished()) {
      if (this.opts.transport.isOpen(peerId)) this.handleControlOpen(peerId);
    }
  }

  private receiveOffer(peerId: string, offer: Extract<TransferMessage, { type: 'file-offer' }>): void {
    const record = incomingRecord({ ownerKey: this.opts.ownerKey, peerId, createdAt: this.now() }, offer);
    const transfer = new IncomingTransfer(transferContext(this.contextParts, record), record);
    this.transfers.set(record.id, transfer);
    this.persist(record);
    this.emit('updated', { transfer: transfer.view() });
    if (this.trusted.has(peerId) && !this.opts.autoAcceptHeld?.(peerId)) {
      void transfer.accept().catch(this.onError);
    } else this.emit('incoming-offer', { transfer: transfer.view() });
  }

  private incoming(transferId: string): IncomingTransfer | undefined {
    const transfer = this.transfers.get(transferId);
    return transfer instanceof IncomingTransfer ? transfer : undefined;
  }

  private ofPeer(peerId: string): Transfer[] {
    return [...this.transfers.values()].filter((t) => t.record.peerId === peerId);
  }

  /** A validated frame: only the receiving side of a transfer with that very peer takes it. */
  private receiveFrame(peerId: string, frame: DecodedFileFrame): void {
    const transfer = this.transfers.get(frame.transferId);
    if (transfer instanceof IncomingTransfer && transfer.record.peerId === peerId)
      transfer.handleFrame(frame);
  }

  private persist(record: TransferRecord): void {
    if (!this.closed) this.writes.write(record);
  }
}
