import type { PeerInfo } from '@kopru/protocol';
import type { JoinOutcome, PresenceRecord, PresenceStore } from './store.js';

/**
 * Wraps a presence store for a graceful shutdown. While draining, a leave waits `graceMs` first: the
 * client was told to reconnect, and if it resumes on another node within the grace its record has moved
 * to the new connection, so the delayed leave removes nothing and its peers never see it go (their
 * peer-to-peer connections stay up). A client that does not come back is removed after the grace.
 */
export class DrainingPresenceStore implements PresenceStore {
  private draining = false;
  private hurry: (() => void) | undefined;
  private readonly hurried: Promise<void>;
  private readonly pending = new Set<Promise<unknown>>();

  constructor(
    private readonly inner: PresenceStore,
    private readonly graceMs: number,
  ) {
    this.hurried = new Promise((resolve) => {
      this.hurry = resolve;
    });
  }

  /** From now on leaves wait for the grace (or for `flush()`). */
  startDraining(): void {
    this.draining = true;
  }

  /** Ends the grace for every waiting leave (the shutdown's time is up), and waits for them. */
  async flush(): Promise<void> {
    this.hurry?.();
    await this.settled();
  }

  /** Resolves once every delayed leave has run. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  leave(roomId: string, peerId: string, connectionId: string): Promise<PeerInfo | undefined> {
    if (!this.draining) return this.inner.leave(roomId, peerId, connectionId);
    const delayed = (async () => {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.hurried, new Promise((r) => (timer = setTimeout(r, this.graceMs)))]);
      clearTimeout(timer);
      return this.inner.leave(roomId, peerId, connectionId);
    })();
    this.pending.add(delayed);
    void delayed.finally(() => this.pending.delete(delayed)).catch(() => {});
    return delayed;
  }

  join(roomId: string, record: PresenceRecord, capacity: number): Promise<JoinOutcome> {
    return this.inner.join(roomId, record, capacity);
  }

  update(
    roomId: string,
    peerId: string,
    patch: Partial<Pick<PeerInfo, 'name' | 'status'>>,
  ): Promise<PeerInfo | undefined> {
    return this.inner.update(roomId, peerId, patch);
  }

  get(roomId: string, peerId: string): Promise<PresenceRecord | undefined> {
    return this.inner.get(roomId, peerId);
  }

  list(roomId: string): Promise<PeerInfo[]> {
    return this.inner.list(roomId);
  }

  roomCount(): Promise<number> {
    return this.inner.roomCount();
  }
}
