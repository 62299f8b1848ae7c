import type { PeerMessage } from '@kopru/protocol';

/** The protocol's limit on ids in one `chat-read` frame. */
const READ_BATCH_MAX = 512;

/**
 * Outgoing read receipts. A receipt that finds the peer's channel closed is kept (in memory) and sent
 * with the next one, or when that channel opens again, so the sender does not stay at "delivered".
 */
export class ReadReceipts {
  private readonly unsent = new Map<string, string[]>();

  constructor(private readonly send: (peerId: string, message: PeerMessage) => boolean) {}

  /** Sends `ids` (and any receipts left over for this peer), in batches the protocol accepts. */
  flush(peerId: string, ids: readonly string[] = []): void {
    const all = [...(this.unsent.get(peerId) ?? []), ...ids];
    this.unsent.delete(peerId);
    for (let start = 0; start < all.length; start += READ_BATCH_MAX) {
      const batch = all.slice(start, start + READ_BATCH_MAX);
      if (!this.send(peerId, { type: 'chat-read', ids: batch })) {
        this.unsent.set(peerId, all.slice(start));
        return;
      }
    }
  }
}
