import type { PeerMessage } from '@kopru/protocol';
import { ChatManager } from '../../src/chat/chat-manager.js';
import type { ChatStore } from '../../src/chat/chat-store.js';
import { MemoryChatStore } from '../../src/chat/chat-store.js';
import { type ChatEvents, type ChatTransport, isChatFrame } from '../../src/chat/types.js';
import type { TimerId, Timers } from '../../src/util/seams.js';

export const ROOM_ID = 'room-test-1';

/** A valid peer id (22 URL-safe characters) that still reads as a name in test output. */
export const peerId = (name: string): string => name.padEnd(22, '_');

/** Manual clock and timers: time moves only in `advance`. */
export class FakeClock implements Timers {
  time = 1_700_000_000_000;
  private readonly timers = new Map<number, { at: number; callback: () => void }>();
  private nextHandle = 1;

  readonly now = (): number => this.time;

  setTimeout(callback: () => void, ms: number): TimerId {
    const handle = this.nextHandle++;
    this.timers.set(handle, { at: this.time + ms, callback });
    // A plain number stands in for the platform's timer handle; only this fake reads it back.
    return handle as unknown as TimerId;
  }

  clearTimeout(handle: TimerId): void {
    this.timers.delete(handle as unknown as number);
  }

  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = [...this.timers.entries()]
        .filter(([, t]) => t.at <= end)
        .sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.time = due[1].at;
      due[1].callback();
    }
    this.time = end;
  }
}

export interface Frame {
  from: string;
  to: string;
  message: PeerMessage;
}

/**
 * Control channels between chat managers (a small FakeLink per pair). Each direction of a link can be
 * open or not; a frame written to an open direction is delivered at once, in order, as a copy.
 */
export class FakeNetwork {
  /** Every frame delivered, in order. */
  readonly frames: Frame[] = [];
  /** Every `send` call, delivered or refused (channel not open). */
  readonly attempts: Frame[] = [];
  readonly present = new Set<string>();
  private readonly nodes = new Map<string, ChatManager>();
  private readonly open = new Set<string>();

  transport(self: string): ChatTransport {
    return {
      send: (to, message) => {
        this.attempts.push({ from: self, to, message });
        if (!this.isOpen(self, to)) return false;
        this.deliver(self, to, message);
        return true;
      },
      isOpen: (to) => this.isOpen(self, to),
      peersInRoom: () => [...this.present].filter((p) => p !== self),
    };
  }

  /** Registers (or replaces, after a reload) the manager of `peer`, present in the room. */
  attach(peer: string, manager: ChatManager): void {
    this.nodes.set(peer, manager);
    this.present.add(peer);
  }

  /** Opens both directions and (unless told not to) tells both sides, as the mesh's `control-open` does. */
  connect(a: string, b: string, { notify = true } = {}): void {
    this.open.add(`${a}>${b}`).add(`${b}>${a}`);
    if (!notify) return;
    this.nodes.get(a)?.handleControlOpen(b);
    this.nodes.get(b)?.handleControlOpen(a);
  }

  disconnect(a: string, b: string): void {
    this.open.delete(`${a}>${b}`);
    this.open.delete(`${b}>${a}`);
  }

  /** Closes one direction only: frames from `from` to `to` are refused (e.g. acks get lost). */
  cut(from: string, to: string): void {
    this.open.delete(`${from}>${to}`);
  }

  isOpen(from: string, to: string): boolean {
    return this.open.has(`${from}>${to}`);
  }

  /** Hands a frame to `to` whatever the link state (also used to inject duplicates and forgeries). */
  deliver(from: string, to: string, message: PeerMessage): void {
    this.frames.push({ from, to, message });
    const target = this.nodes.get(to);
    if (target && isChatFrame(message)) target.handleMessage(from, structuredClone(message));
  }

  /** Frames of one type, optionally only those between two peers. */
  sent<T extends PeerMessage['type']>(
    type: T,
    from?: string,
    to?: string,
  ): Extract<PeerMessage, { type: T }>[] {
    return this.frames
      .filter((f) => f.message.type === type && (!from || f.from === from) && (!to || f.to === to))
      .map((f) => f.message as Extract<PeerMessage, { type: T }>);
  }

  /** Waits until every manager's writes and the acks behind them have gone out, transitively. */
  async settle(): Promise<void> {
    for (;;) {
      const before = this.frames.length;
      await Promise.all([...this.nodes.values()].map((m) => m.idle()));
      if (this.frames.length === before) return;
    }
  }
}

export interface Peer {
  id: string;
  chat: ChatManager;
  store: ChatStore;
}

/** A loaded manager for `name`, attached to the network, knowing everyone's names. */
export async function startPeer(
  net: FakeNetwork,
  clock: FakeClock,
  name: string,
  store: ChatStore = new MemoryChatStore(),
): Promise<Peer> {
  const id = peerId(name);
  const chat = new ChatManager({
    roomId: ROOM_ID,
    selfPeerId: id,
    transport: net.transport(id),
    store,
    now: clock.now,
    timers: clock,
    onError: (error) => {
      throw error;
    },
  });
  net.attach(id, chat);
  await chat.load();
  chat.handlePresence({
    self: { name },
    peers: new Map(['alice', 'bob', 'carol'].map((n) => [peerId(n), { name: n }])),
  });
  return { id, chat, store };
}

/** Records every payload of one event. */
export function recordEvents<K extends keyof ChatEvents>(chat: ChatManager, event: K): ChatEvents[K][] {
  const seen: ChatEvents[K][] = [];
  chat.on(event, (payload) => seen.push(payload));
  return seen;
}

/** The `code` of the error `fn` throws (undefined if it does not throw). */
export function errorCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
}
