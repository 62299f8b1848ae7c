import type { TransferStore } from './transfer-store.js';

/** Peers whose offers are accepted without asking ("Always accept from this person"), saved per owner. */
export class TrustedPeers {
  private readonly peers = new Set<string>();

  constructor(
    private readonly store: TransferStore,
    private readonly ownerKey: string,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Adds the saved ones (kept alongside any trusted before the load finished). */
  async load(): Promise<void> {
    for (const peerId of await this.store.loadTrusted(this.ownerKey)) this.peers.add(peerId);
  }

  set(peerId: string, trusted: boolean): void {
    if (trusted) this.peers.add(peerId);
    else this.peers.delete(peerId);
    void this.store.saveTrusted(this.ownerKey, [...this.peers]).catch(this.onError);
  }

  has(peerId: string): boolean {
    return this.peers.has(peerId);
  }
}
