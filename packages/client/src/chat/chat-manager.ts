import { type ChatMessageFrame, randomId } from '@kopru/protocol';
import { systemTimers } from '../util/seams.js';
import { TypedEmitter } from '../util/typed-emitter.js';
import { ChatError, validateChatText, validateConversationId } from './chat-errors.js';
import { ChatLog } from './chat-log.js';
import { conversationOf, newIncomingRecord, newOutgoingRecord } from './chat-records.js';
import {
  awaitsAck,
  awaitsSend,
  peersAwaitingAck,
  ReceivedIds,
  recipientsOf,
  toFrame,
  withRecipientState,
} from './outbox.js';
import { ReadReceipts } from './read-receipts.js';
import {
  type ChatEvents,
  type ChatFrame,
  type ChatManagerOptions,
  type ChatPresence,
  type ChatRecord,
  type DeliveryState,
  ROOM_CONVERSATION_ID,
} from './types.js';
import { LocalTyping, RemoteTyping } from './typing.js';
import { WriteQueue } from './write-queue.js';

/**
 * Frames kept while the history loads (a few milliseconds of IndexedDB). Generous for that, yet bounded
 * should `load()` never be called.
 */
const EARLY_FRAMES_MAX = 1_000;

/**
 * Private and room chat over the peers' control channels: delivery states, acks and resends, read
 * receipts, unread counts, typing indicators and history. Input arrives through `handle*()` and the
 * commands, output leaves through the transport seam and typed events. Call `load()` first.
 */
export class ChatManager extends TypedEmitter<ChatEvents> {
  private readonly log = new ChatLog();
  private readonly received = new ReceivedIds();
  private readonly names = new Map<string, string>();
  private selfName = '';
  private readonly localTyping: LocalTyping;
  private readonly remoteTyping: RemoteTyping;
  private readonly reads: ReadReceipts;
  private readonly writes: WriteQueue;
  private loading: Promise<void> | undefined;
  private loaded = false;
  /** Frames that arrived before the history was loaded; replayed in order after it. */
  private readonly early: [string, ChatFrame][] = [];
  private closed = false;
  private readonly now: () => number;
  private readonly newId: () => string;

  constructor(private readonly opts: ChatManagerOptions) {
    const onError = opts.onError ?? ((error: unknown) => console.error(error));
    super(onError);
    this.writes = new WriteQueue(
      (operation, error) => this.emit('store-error', { operation, error }),
      onError,
    );
    this.reads = new ReadReceipts((peerId, message) => this.opts.transport.send(peerId, message));
    this.now = opts.now ?? Date.now;
    this.newId = opts.newId ?? (() => randomId());
    this.localTyping = new LocalTyping(this.now, (conversationId, frame) => {
      for (const peerId of this.recipientsFor(conversationId)) this.opts.transport.send(peerId, frame);
    });
    this.remoteTyping = new RemoteTyping(opts.timers ?? systemTimers, (change) =>
      this.emit('typing', change),
    );
  }

  /** Restores the room's history, then resends what is unacked to peers whose channel is already open. */
  load(): Promise<void> {
    this.loading ??= this.restore().catch((error: unknown) => {
      this.loading = undefined; // a later call may try again
      throw error;
    });
    return this.loading;
  }

  /** A validated frame from a peer's control channel (only the chat frames; see `isChatFrame`). */
  handleMessage(fromPeerId: string, message: ChatFrame): void {
    if (this.closed || fromPeerId === this.opts.selfPeerId) return;
    if (!this.loaded) {
      // Beyond the cap a frame is dropped; an unacked message comes again when the channel reopens.
      if (this.early.length < EARLY_FRAMES_MAX) this.early.push([fromPeerId, message]);
      return;
    }
    switch (message.type) {
      case 'chat':
        this.receive(fromPeerId, message);
        return;
      case 'chat-ack':
        for (const id of message.ids) this.advance(id, fromPeerId, 'delivered');
        return;
      case 'chat-read':
        // Read receipts are for direct messages: a peer can only mark what it was sent privately.
        for (const id of message.ids) {
          if (this.log.outgoingById(id)?.conversationId === fromPeerId) this.advance(id, fromPeerId, 'read');
        }
        return;
      case 'typing':
        this.remoteTyping.set(conversationOf(fromPeerId, message.scope), fromPeerId, message.active);
        return;
    }
  }

  /** The peer's control channel (re)opened: resend everything it has not acked, in the original order. */
  handleControlOpen(peerId: string): void {
    if (this.closed || !this.loaded) return; // `restore` covers channels that open before the load ends
    this.flush(peerId, awaitsAck);
    this.reads.flush(peerId);
  }

  /** The peer left the room. Its unacked messages wait: the same peer may come back. */
  handlePeerLeft(peerId: string): void {
    this.remoteTyping.clearPeer(peerId);
  }

  /** Current names, for `fromName` (pass the room client's `RoomState`). */
  handlePresence(presence: ChatPresence): void {
    if (presence.self) this.selfName = presence.self.name;
    for (const [peerId, peer] of presence.peers) this.names.set(peerId, peer.name);
  }

  /**
   * Sends a message to a peer (`conversationId` = its peer id) or to everyone (`ROOM_CONVERSATION_ID`),
   * one frame per peer present. Returns the record; throws a `ChatError` (nothing sent) on invalid input.
   */
  sendText(conversationId: string, text: string): ChatRecord {
    this.assertLoaded();
    validateConversationId(conversationId, this.opts.selfPeerId);
    validateChatText(text);
    const record = newOutgoingRecord(
      {
        ...this.origin(this.opts.selfPeerId, this.selfName),
        id: this.newId(),
        conversationId,
        text,
        now: this.now(),
      },
      this.recipientsFor(conversationId),
    );
    this.log.append(record);
    this.persist([record]);
    this.localTyping.reset(conversationId);
    this.emitConversation(conversationId);
    for (const peerId of recipientsOf(record)) this.flush(peerId, awaitsSend);
    return this.log.outgoingById(record.id) ?? record;
  }

  /** The conversation is open and visible: its messages become read (direct ones tell the sender). */
  markConversationRead(conversationId: string): void {
    if (this.closed) return;
    const read = this.log.markRead(conversationId);
    if (read.length === 0) return;
    this.persist(read);
    // Read receipts are for direct messages only (see the protocol); the room's are cleared locally.
    const ids = read.map((r) => r.id);
    if (conversationId !== ROOM_CONVERSATION_ID) this.reads.flush(conversationId, ids);
    this.emitConversation(conversationId);
    this.emitUnread(conversationId);
  }

  /** The user is typing (or stopped) in a conversation; throttled (see `TYPING_THROTTLE_MS`). */
  setTyping(conversationId: string, active: boolean): void {
    validateConversationId(conversationId, this.opts.selfPeerId);
    if (!this.closed) this.localTyping.set(conversationId, active);
  }

  /** Deletes one conversation here and in the store; its unsent messages are dropped with it. */
  clearConversation(conversationId: string): Promise<void> {
    return this.clear(conversationId);
  }

  /** Deletes every conversation of the room, here and in the store. */
  clearHistory(): Promise<void> {
    return this.clear(undefined);
  }

  messages(conversationId: string): readonly ChatRecord[] {
    return this.log.list(conversationId);
  }

  conversationIds(): string[] {
    return this.log.conversationIds();
  }

  unreadCount(conversationId: string): number {
    return this.log.unreadCount(conversationId);
  }

  totalUnread(): number {
    return this.log.totalUnread();
  }

  /** Peer ids typing in a conversation now. */
  typingPeers(conversationId: string): string[] {
    return this.remoteTyping.typingIn(conversationId);
  }

  /** Resolves when every queued store write (and the acks behind them) is done. */
  idle(): Promise<void> {
    return this.writes.idle();
  }

  /** Stops timers, listeners and sending. Queued writes still finish (see `idle`). Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.remoteTyping.dispose();
    this.removeAllListeners();
  }

  private async restore(): Promise<void> {
    const records = await this.opts.store.load(this.opts.roomId);
    if (this.closed) return;
    this.log.restore(records);
    for (const r of records) if (r.direction === 'in') this.received.add(r.from, r.id);
    this.loaded = true;
    for (const conversationId of this.log.conversationIds()) {
      this.emitConversation(conversationId);
      this.emitUnread(conversationId);
    }
    for (const [from, frame] of this.early.splice(0)) this.handleMessage(from, frame);
    for (const peerId of peersAwaitingAck(this.log.outgoingRecords())) {
      if (this.opts.transport.isOpen(peerId)) this.flush(peerId, awaitsAck);
    }
  }

  private receive(from: string, frame: ChatMessageFrame): void {
    if (this.received.add(from, frame.id)) {
      // `fromName` is empty when the sender is not in the presence list (yet): the UI shows a placeholder.
      const record = newIncomingRecord(frame, this.origin(from, this.names.get(from) ?? ''), this.now());
      const { conversationId } = record;
      this.log.append(record);
      this.persist([record]);
      this.remoteTyping.set(conversationId, from, false);
      this.emitConversation(conversationId);
      this.emit('incoming', { conversationId, message: record });
      this.emitUnread(conversationId);
    }
    // Stored first, then acked; a duplicate is acked again so that the sender stops resending it. A failed
    // write is acked too: the message is on screen, and `store-error` reports the gap in the history.
    this.writes.after(() => {
      if (!this.closed) this.opts.transport.send(from, { type: 'chat-ack', ids: [frame.id] });
    });
  }

  /** Sends `peerId` every outgoing message that `needs` selects, in order; stops when the channel closes. */
  private flush(peerId: string, needs: (record: ChatRecord, peerId: string) => boolean): void {
    for (const record of this.log.outgoingRecords()) {
      if (!needs(record, peerId)) continue;
      if (!this.opts.transport.send(peerId, toFrame(record))) return;
      this.advance(record.id, peerId, 'sent');
    }
  }

  private advance(id: string, peerId: string, state: DeliveryState): void {
    const prev = this.log.outgoingById(id);
    if (!prev) return;
    const next = withRecipientState(prev, peerId, state);
    if (next === prev || !this.log.replace(prev, next)) return;
    this.persist([next]);
    this.emitConversation(next.conversationId);
  }

  /**
   * Empties the conversations from the store first, and from what is shown once that is done: shown empty
   * while the delete is still in flight, a reload brought the history back. In the write queue, so what
   * was persisted before goes with it and what arrives after stays (shown and stored alike).
   */
  private async clear(conversationId: string | undefined): Promise<void> {
    this.assertLoaded();
    const { store, roomId } = this.opts;
    await this.writes.run('clear', async () => {
      await (conversationId === undefined
        ? store.clearRoom(roomId)
        : store.clearConversation(roomId, conversationId));
      for (const id of this.log.clear(conversationId)) {
        this.emitConversation(id);
        this.emitUnread(id);
      }
    });
  }

  private persist(records: readonly ChatRecord[]): void {
    this.writes.push('write', () => this.opts.store.put(records));
  }

  private origin(from: string, fromName: string) {
    return { roomId: this.opts.roomId, from, fromName, seq: this.log.nextSeq() };
  }

  private assertLoaded(): void {
    if (!this.loaded || this.closed) throw new ChatError('NOT_LOADED', 'chat history is not loaded');
  }

  /** Everyone else present for the room conversation, else the one peer of a direct conversation. */
  private recipientsFor(conversationId: string): string[] {
    if (conversationId !== ROOM_CONVERSATION_ID) return [conversationId];
    return this.opts.transport.peersInRoom().filter((p) => p !== this.opts.selfPeerId);
  }

  private emitConversation(conversationId: string): void {
    this.emit('conversation-updated', { conversationId, messages: this.log.list(conversationId) });
  }

  private emitUnread(conversationId: string): void {
    const count = this.log.unreadCount(conversationId);
    this.emit('unread', { conversationId, count, total: this.log.totalUnread() });
  }
}
