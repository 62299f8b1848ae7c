/** Why a node is not ready: each blocker is named, so `/readyz` and the logs can say what is wrong. */
export type ReadinessBlocker = 'redis-unreachable' | 'shutting-down' | 'starting';

/**
 * Whether this node should receive new clients. Not ready while Redis is unreachable (its presence and
 * relay would be cut off from the other nodes) or while shutting down. Liveness is `/healthz`, separate:
 * a not-ready node is still alive and must not be restarted for it.
 */
export class Readiness {
  private readonly blockers = new Set<ReadinessBlocker>();
  private readonly listeners = new Set<(ready: boolean) => void>();

  get ready(): boolean {
    return this.blockers.size === 0;
  }

  get reasons(): ReadinessBlocker[] {
    return [...this.blockers];
  }

  block(reason: ReadinessBlocker): void {
    if (this.blockers.has(reason)) return;
    const was = this.ready;
    this.blockers.add(reason);
    if (was) this.notify();
  }

  unblock(reason: ReadinessBlocker): void {
    if (!this.blockers.delete(reason)) return;
    if (this.ready) this.notify();
  }

  /** Called on every change between ready and not ready. Returns an unsubscribe function. */
  onChange(listener: (ready: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener(this.ready);
  }
}
