import { type PeerMessage, randomId, TRANSFER_ID_LENGTH, type TransferMessage } from '@kopru/protocol';
import { consoleLogger, type Logger, systemTimers, type Timers, withFields } from '../peer/seams.js';
import { TypedEmitter } from '../util/typed-emitter.js';
import { ChangeBatcher } from './change-batcher.js';
import { SEND_WINDOW_BYTES } from './constants.js';
import type { TransferContext } from './context.js';
import { decodeFrame } from './framing.js';
import { IncomingTransfer } from './incoming.js';
import { OutgoingTransfer } from './outgoing.js';
import { PeerLink } from './peer-link.js';
import { RecordWriter } from './record-writer.js';
import { incomingRecord, outgoingRecord } from './records.js';
import { describeSource, splitOffer } from './source.js';
import type { TransferRecord } from './transfer-store.js';
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
  private readonly links = new Map<string, PeerLink>();
  private trusted = new Set<string>();
  private readonly changes: ChangeBatcher;
  private readonly writes: RecordWriter;
  private loading: Promise<void> | undefined;
  private loaded = false;
  private readonly early: [string, TransferMessage][] = [];
  private closed = false;
  private readonly timers: Timers;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly newId: () => string;
  private readonly onError: (error: unknown) => void;

  constructor(private readonly opts: TransferManagerOptions) {
    const onError = opts.onError ?? ((error: unknown) => console.error(error));
    super(onError);
    this.onError = onError;
    this.timers = opts.timers ?? systemTimers;
    this.logger = opts.logger ?? consoleLogger('transfer');
    this.now = opts.now ?? Date.now;
    this.newId = opts.newId ?? (() => randomId(TRANSFER_ID_LENGTH));
    this.writes = new RecordWriter(opts.store, onError);
    this.changes = new ChangeBatcher(this.timers, (id) => {
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
    const described = await Promise.all(
      sources.map(async (source) => ({ source, file: await describeSource(source) })),
    );
    const views: TransferView[] = [];
    for (const batch of splitOffer(described.map(({ file }, index) => ({ ...file, index })))) {
      for (const peerId of peers) {
        const record = outgoingRecord(
          { ownerKey: this.opts.ownerKey, id: this.newId(), peerId, conversationId, createdAt: this.now() },
          batch,
        );
        const transfer = new OutgoingTransfer(
          this.context(record),
          record,
          batch.map(({ index }) => described[index]?.source),
        );
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
    if (trusted) this.trusted.add(peerId);
    else this.trusted.delete(peerId);
    void this.opts.store.saveTrusted(this.opts.ownerKey, [...this.trusted]).catch(this.onError);
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
      if (channel) this.link(peerId).attach(channel, () => this.opts.transport.maxMessageSize(peerId));
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
    for (const link of this.links.values()) link.close();
    this.links.clear();
    this.opts.hasher.close();
    this.writes.close();
    this.removeAllListeners();
  }

  private async restore(): Promise<void> {
    const [records, trusted] = await Promise.all([
      this.opts.store.load(this.opts.ownerKey),
      this.opts.store.loadTrusted(this.opts.ownerKey),
    ]);
    if (this.closed) return;
    for (const peerId of trusted) this.trusted.add(peerId);
    for (const record of records) {
      if (this.transfers.has(record.id)) continue;
      if (record.direction === 'out') {
        if (record.status === 'active' || record.status === 'paused') record.status = 'waiting-source';
        this.transfers.set(
          record.id,
          new OutgoingTransfer(
            this.context(record),
            record,
            record.files.map(() => undefined),
          ),
        );
      } else {
        const transfer = new IncomingTransfer(this.context(record), record);
        this.transfers.set(record.id, transfer);
        transfer.handleRestored();
      }
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
    const transfer = new IncomingTransfer(this.context(record), record);
    this.transfers.set(record.id, transfer);
    this.persist(record);
    this.emit('updated', { transfer: transfer.view() });
    if (this.trusted.has(peerId)) void transfer.accept().catch(this.onError);
    else this.emit('incoming-offer', { transfer: transfer.view() });
  }

  private incoming(transferId: string): IncomingTransfer | undefined {
    const transfer = this.transfers.get(transferId);
    return transfer instanceof IncomingTransfer ? transfer : undefined;
  }

  private ofPeer(peerId: string): Transfer[] {
    return [...this.transfers.values()].filter((t) => t.record.peerId === peerId);
  }

  private link(peerId: string): PeerLink {
    let link = this.links.get(peerId);
    if (!link) {
      link = new PeerLink({
        peerId,
        timers: this.timers,
        logger: withFields(this.logger, { peerId }),
        onFrame: (data) => this.receiveFrame(peerId, data),
      });
      this.links.set(peerId, link);
    }
    return link;
  }

  private receiveFrame(peerId: string, data: unknown): void {
    const decoded = decodeFrame(data);
    if (!decoded.ok) {
      this.logger.warn('invalid file frame dropped', { peerId, error: decoded.error });
      return;
    }
    const transfer = this.transfers.get(decoded.frame.transferId);
    if (transfer instanceof IncomingTransfer && transfer.record.peerId === peerId)
      transfer.handleFrame(decoded.frame);
  }

  private context(record: TransferRecord): TransferContext {
    const peerId = record.peerId;
    return {
      ownerKey: this.opts.ownerKey,
      storage: this.opts.storage,
      hasher: this.opts.hasher,
      timers: this.timers,
      logger: withFields(this.logger, { peerId, transferId: record.id }),
      sendWindowBytes: this.opts.sendWindowBytes ?? SEND_WINDOW_BYTES,
      now: this.now,
      send: (message: PeerMessage) => {
        if (this.closed) return false;
        if (this.opts.transport.send(peerId, message)) return true;
        this.opts.transport.connect(peerId);
        return false;
      },
      linkUp: () => this.opts.transport.isOpen(peerId),
      link: () => this.link(peerId),
      persist: (r) => this.persist(r),
      changed: (urgent) => this.changes.changed(record.id, urgent),
      reportError: this.onError,
    };
  }

  private persist(record: TransferRecord): void {
    if (!this.closed) this.writes.write(record);
  }
}
