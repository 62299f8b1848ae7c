import {
  BrowserTransferStorage,
  type ChatManager,
  type ChatRecord,
  IdbChatStore,
  IdbTransferStore,
  KopruSession,
  type PeerLinkState,
  type RoomClient,
  type SessionOptions,
  WorkerSourceHasher,
} from '@kopru/client';
import { useEffect, useState, useSyncExternalStore } from 'react';

/** The peer-to-peer side of the page: mesh and chat, rebuilt when the server gives us a new peer id. */
export function useSession(
  client: RoomClient,
  /** Security options (long-lived certificate, relay-only policy): see `usePrivacyOptions`. */
  extra: Pick<SessionOptions, 'mesh' | 'iceTransportPolicy' | 'linkKey'> = {},
): { session: KopruSession; chat: ChatManager | undefined } {
  const [session] = useState(
    () =>
      new KopruSession({
        ...extra,
        room: client,
        chatStore: new IdbChatStore(),
        // Calls need camera and microphone, which browsers only offer on secure (HTTPS) pages.
        ...(navigator.mediaDevices ? { calls: { mediaDevices: navigator.mediaDevices } } : {}),
        transfers: {
          store: new IdbTransferStore(),
          storage: new BrowserTransferStorage(),
          hasher: () => new WorkerSourceHasher(),
        },
      }),
  );
  const chat = useSyncExternalStore(
    (notify) => session.on('ready', notify),
    () => session.chatManager,
  );
  useEffect(() => {
    const online = () => session.handleOnline();
    const offline = () => session.handleOffline();
    window.addEventListener('online', online);
    window.addEventListener('offline', offline);
    return () => {
      window.removeEventListener('online', online);
      window.removeEventListener('offline', offline);
    };
  }, [session]);
  return { session, chat };
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

export function useLinkStates(session: KopruSession): ReadonlyMap<string, PeerLinkState> {
  const [states, setStates] = useState<ReadonlyMap<string, PeerLinkState>>(new Map());
  useEffect(
    () =>
      session.on('link-state', ({ peerId, state }) => setStates((prev) => new Map(prev).set(peerId, state))),
    [session],
  );
  return states;
}
