import {
  BrowserTransferStorage,
  type CallManager,
  type ChatManager,
  type ChatRecord,
  IdbChatStore,
  IdbTransferStore,
  KopruSession,
  type LinkVerifier,
  type PeerMesh,
  type PeerPairState,
  type RoomClient,
  type SessionEvents,
  type SessionOptions,
  type TransferManager,
  TypedEmitter,
  type Unsubscribe,
  WorkerSourceHasher,
} from '@kopru/client';
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';

/**
 * What the UI holds for the page's lifetime: the managers and events of the `KopruSession` open now. A
 * session has side effects (it subscribes to the room, builds a mesh, starts a storage worker), so
 * `useSession` makes it in an effect and closes it in that effect's cleanup; this façade, made without
 * side effects, follows whichever session is attached. Under StrictMode the effect runs, is cleaned up and
 * runs again: the first session is closed before the second is attached, so one mesh answers each peer.
 */
export class SessionFacade extends TypedEmitter<SessionEvents> {
  private session: KopruSession | undefined;
  private offs: Unsubscribe[] = [];

  /** Follows `session` from now on (and says `ready` at once if it already has a mesh). */
  attach(session: KopruSession): void {
    this.detach();
    this.session = session;
    this.offs = [
      session.on('ready', (event) => this.emit('ready', event)),
      session.on('pair-state', (event) => this.emit('pair-state', event)),
      session.on('pairing-message', (event) => this.emit('pairing-message', event)),
    ];
    const current = session.current;
    if (current) this.emit('ready', current);
  }

  /** Stops following the attached session. Idempotent. */
  detach(): void {
    for (const off of this.offs.splice(0)) off();
    this.session = undefined;
  }

  get chatManager(): ChatManager | undefined {
    return this.session?.chatManager;
  }

  get transferManager(): TransferManager | undefined {
    return this.session?.transferManager;
  }

  get callManager(): CallManager | undefined {
    return this.session?.callManager;
  }

  get peerMesh(): PeerMesh | undefined {
    return this.session?.peerMesh;
  }

  get linkVerifier(): LinkVerifier | undefined {
    return this.session?.linkVerifier;
  }

  /** Opens the peer connection(s) a conversation needs (see `KopruSession.connectConversation`). */
  connectConversation(conversationId: string): void {
    this.session?.connectConversation(conversationId);
  }
}

type SessionExtras = Pick<SessionOptions, 'mesh' | 'iceTransportPolicy' | 'linkKey'>;
const NO_EXTRAS: SessionExtras = {};

/**
 * The peer-to-peer side of the page (mesh, chat, calls, transfers, rebuilt when the server gives us a new
 * peer id): one session per mounted page, made and closed in an effect, seen through a stable façade.
 */
export function useSession(
  client: RoomClient,
  /** Security options (long-lived certificate, relay-only policy, link key): see `usePrivacyOptions`. */
  extra: SessionExtras = NO_EXTRAS,
): { session: SessionFacade; chat: ChatManager | undefined } {
  const [facade] = useState(() => new SessionFacade());
  // Read when the session is made, not a reason to make another: callers may pass a fresh object each render.
  const extras = useRef(extra);
  extras.current = extra;
  useEffect(() => {
    const session = new KopruSession({
      ...extras.current,
      room: client,
      chatStore: new IdbChatStore(),
      // Calls need camera and microphone, which browsers only offer on secure (HTTPS) pages.
      ...(navigator.mediaDevices ? { calls: { mediaDevices: navigator.mediaDevices } } : {}),
      transfers: {
        store: new IdbTransferStore(),
        storage: () => new BrowserTransferStorage(),
        hasher: () => new WorkerSourceHasher(),
      },
    });
    facade.attach(session);
    const online = () => session.handleOnline();
    const offline = () => session.handleOffline();
    window.addEventListener('online', online);
    window.addEventListener('offline', offline);
    return () => {
      window.removeEventListener('online', online);
      window.removeEventListener('offline', offline);
      facade.detach();
      session.close();
    };
  }, [facade, client]);
  const chat = useSyncExternalStore(
    (notify) => facade.on('ready', notify),
    () => facade.chatManager,
  );
  return { session: facade, chat };
}

const NO_MESSAGES: readonly ChatRecord[] = [];

export function useConversation(
  chat: ChatManager | undefined,
  conversationId: string,
): readonly ChatRecord[] {
  const [messages, setMessages] = useState<readonly ChatRecord[]>(NO_MESSAGES);
  useEffect(() => {
    setMessages(chat && conversationId ? chat.messages(conversationId) : NO_MESSAGES);
    if (!chat) return;
    return chat.on('conversation-updated', (e) => {
      if (e.conversationId === conversationId) setMessages(e.messages);
    });
  }, [chat, conversationId]);
  return messages;
}

/** Unread counts per conversation and in total (for badges and the title). */
export function useUnread(chat: ChatManager | undefined): {
  counts: ReadonlyMap<string, number>;
  total: number;
} {
  const [state, setState] = useState<{ counts: ReadonlyMap<string, number>; total: number }>({
    counts: new Map(),
    total: 0,
  });
  useEffect(() => {
    if (!chat) return;
    const snapshot = () => ({
      counts: new Map(chat.conversationIds().map((id) => [id, chat.unreadCount(id)])),
      total: chat.totalUnread(),
    });
    setState(snapshot());
    const offs = [
      chat.on('unread', () => setState(snapshot())),
      chat.on('conversation-updated', () => setState(snapshot())),
    ];
    return () => {
      for (const off of offs) off();
    };
  }, [chat]);
  return state;
}

export function useTyping(chat: ChatManager | undefined, conversationId: string): string[] {
  const [peers, setPeers] = useState<string[]>([]);
  useEffect(() => {
    setPeers(chat?.typingPeers(conversationId) ?? []);
    if (!chat) return;
    return chat.on('typing', (e) => {
      if (e.conversationId === conversationId) setPeers(chat.typingPeers(conversationId));
    });
  }, [chat, conversationId]);
  return peers;
}

export function usePairStates(session: SessionFacade): ReadonlyMap<string, PeerPairState> {
  const [states, setStates] = useState<ReadonlyMap<string, PeerPairState>>(new Map());
  useEffect(
    () =>
      session.on('pair-state', ({ peerId, state }) => setStates((prev) => new Map(prev).set(peerId, state))),
    [session],
  );
  return states;
}
