import type { CallMessage } from '@kopru/protocol';
import { OUTBOX_MAX_PER_PEER } from './call-api.js';

/** Messages that only make sense while their call is current; the rest (endings) are always delivered. */
const PERISHABLE: ReadonlySet<CallMessage['type']> = new Set(['call-invite', 'call-accept', 'call-media']);

/**
 * Call messages waiting for a peer's control channel to open (the first call to someone often starts
 * before their connection exists). Flushed in order on `control-open`. An invite for a call that has
 * ended meanwhile is dropped, so it never rings late; a hang-up or cancel is still delivered.
 */
export class CallOutbox {
  private readonly queues = new Map<string, CallMessage[]>();

  constructor(private readonly send: (peerId: string, message: CallMessage) => boolean) {}

  deliver(peerId: string, message: CallMessage): void {
    const queue = this.queues.get(peerId);
    if (!queue?.length && this.send(peerId, message)) return;
    const next = [...(queue ?? []), message];
    this.queues.set(peerId, next.slice(Math.max(0, next.length - OUTBOX_MAX_PER_PEER)));
  }

  /** The peer's control channel opened: sends what waited, in order, until one fails. */
  flush(peerId: string): void {
    const queue = this.queues.get(peerId);
    while (queue?.length) {
      const head = queue[0];
      if (!head || !this.send(peerId, head)) return;
      queue.shift();
    }
    this.queues.delete(peerId);
  }

  /** Forgets perishable messages of every call but `currentCallId` (undefined: no call). */
  dropStale(currentCallId: string | undefined): void {
    for (const [peerId, queue] of this.queues) {
      const kept = queue.filter((m) => !PERISHABLE.has(m.type) || m.callId === currentCallId);
      if (kept.length > 0) this.queues.set(peerId, kept);
      else this.queues.delete(peerId);
    }
  }

  /** Queued messages for a peer (tests, diagnostics). */
  pending(peerId: string): readonly CallMessage[] {
    return this.queues.get(peerId) ?? [];
  }

  clear(): void {
    this.queues.clear();
  }
}
