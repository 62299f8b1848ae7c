import type {
  CallManager,
  ChatManager,
  RelayOnlySetting,
  RoomClient,
  RoomState,
  SessionOptions,
} from '@kopru/client';
import { isInCall, ROOM_CONVERSATION_ID } from '@kopru/client';
import { type ReactNode, useEffect, useMemo, useRef, useState } from 'react';
import { useMessageNotifications } from '../hooks/useAttention.js';
import { useCallManager, useCallState, useFollowCall } from '../hooks/useCall.js';
import { useKeepAwake } from '../hooks/useKeepAwake.js';
import { useMediaQuery } from '../hooks/useMediaQuery.js';
import { type SessionFacade, usePairStates, useSession, useUnread } from '../hooks/useSession.js';
import { isRunning, useTransferManager, useTransfers } from '../hooks/useTransfers.js';
import { type SecurityState, usePrivacyOptions, useSecurityState } from '../security/SecurityContext.js';
import { ConversationPanel } from './ConversationPanel.js';
import { CallPanel } from './call/CallPanel.js';
import { IncomingCallDialog } from './call/IncomingCallDialog.js';
import { NARROW_QUERY, RoomLayout, type Section } from './RoomLayout.js';
import { PendingOffers } from './transfer/PendingOffers.js';
import { TransferBar } from './transfer/TransferBar.js';

/**
 * Everything peer to peer behind one presence group (a room, or Nearby): the session (mesh, chat,
 * transfers, calls), its security state, and which conversation and section the page shows. A page may
 * hold two (a room, and Nearby while "Visible to nearby devices" is on).
 */
export interface PeerSpace {
  client: RoomClient;
  state: RoomState;
  session: SessionFacade;
  chat: ChatManager | undefined;
  call: CallManager | undefined;
  security: SecurityState;
  relayOnly: RelayOnlySetting;
  unread: ReturnType<typeof useUnread>;
  pairStates: ReturnType<typeof usePairStates>;
  names: ReadonlyMap<string, string>;
  selected: string | undefined;
  section: Section;
  setSection: (section: Section) => void;
  /** Opens a conversation (and, on a phone, its tab; beside a running call, the Chat panel). */
  select: (conversationId: string) => void;
  /** A call runs: on a desktop it is the stage, and the conversation a panel beside it. */
  live: boolean;
  /** While a call runs on a desktop: the conversation panel is open beside the stage. */
  chatOpen: boolean;
  setChatOpen: (update: (open: boolean) => boolean) => void;
  /** Whether the selected conversation is on screen (for unread marks and offers). */
  conversationOnScreen: boolean;
  narrow: boolean;
}

export function usePeerSpace(
  client: RoomClient,
  state: RoomState,
  options: {
    /** Another space's relay-only setting, so that one switch governs every session of the page. */
    sharedRelayOnly?: RelayOnlySetting | undefined;
    /** The room's invite-link key, read when a mesh is built (rooms only: Nearby has no link). */
    linkKey?: SessionOptions['linkKey'];
  } = {},
): PeerSpace {
  const privacy = usePrivacyOptions(client, options.sharedRelayOnly);
  const { session, chat } = useSession(client, {
    ...privacy.sessionOptions,
    ...(options.linkKey ? { linkKey: options.linkKey } : {}),
  });
  const security = useSecurityState(client, session, privacy.relayOnly);
  const [selected, setSelected] = useState<string>();
  const [section, setSection] = useState<Section>('people');
  const unread = useUnread(chat);
  const call = useCallManager(session);
  const pairStates = usePairStates(session);
  useMessageNotifications(chat);
  const names = useMemo(() => new Map([...state.peers.values()].map((p) => [p.peerId, p.name])), [state]);
  const narrow = useMediaQuery(NARROW_QUERY);
  const callState = useCallState(call);
  const live = isInCall(callState);
  // While a call runs on a desktop, the conversation is a panel beside the stage, closed at first.
  const [chatOpen, setChatOpen] = useState(false);
  const callId = live ? callState.callId : undefined;
  // A call that starts closes the side panel, and gives Chat a conversation if none is open: the other
  // person's in a 1:1 call, the space's shared one in a group.
  const callPeers = isInCall(callState) ? [...callState.participants.keys(), ...callState.ringing] : [];
  // Read when a call starts, not followed as people join and leave.
  const callConversation = useRef<string>(undefined);
  callConversation.current = callPeers.length === 1 ? callPeers[0] : ROOM_CONVERSATION_ID;
  useEffect(() => {
    if (!callId) return;
    setChatOpen(false);
    setSelected((current) => current ?? callConversation.current);
  }, [callId]);
  const conversationOnScreen = narrow ? section === 'conversation' : !live || chatOpen;
  const running = useTransfers(useTransferManager(session), undefined, isRunning);
  useKeepAwake(live || running.length > 0);
  const select = (conversationId: string) => {
    setSelected(conversationId);
    setSection('conversation');
    setChatOpen(() => true);
  };
  return {
    client,
    state,
    session,
    chat,
    call,
    security,
    relayOnly: privacy.relayOnly,
    unread,
    pairStates,
    names,
    selected,
    section,
    setSection,
    select,
    live,
    chatOpen,
    setChatOpen,
    conversationOnScreen,
    narrow,
  };
}

/** The skip link's target: straight to the space's message box (or its conversation, when none is open). */
export function skipToConversation(space: PeerSpace) {
  space.setSection('conversation');
  space.setChatOpen(() => true);
  requestAnimationFrame(() => {
    const places = [
      '#conversation textarea',
      '#panel-conversation textarea',
      '#conversation',
      '#panel-conversation',
    ];
    for (const selector of places) {
      const target = document.querySelector<HTMLElement>(selector);
      if (target) return target.focus();
    }
  });
}

/**
 * What must reach the user whichever space the page shows: offers waiting elsewhere, an incoming call,
 * and the call column coming forward when a call starts. `onShow` brings this space forward.
 */
export function PeerSpaceAlerts({ space, onShow }: { space: PeerSpace; onShow?: () => void }) {
  const { session, call, names, selected, select, setSection, conversationOnScreen } = space;
  const show = (conversationId: string) => {
    onShow?.();
    select(conversationId);
  };
  useFollowCall(call, () => {
    onShow?.();
    setSection('call');
  });
  return (
    <>
      <PendingOffers
        session={session}
        openConversationId={conversationOnScreen ? selected : undefined}
        names={names}
        onShow={show}
      />
      <TransferBar session={session} names={names} onShow={show} />
      <IncomingCallDialog call={call} names={names} />
    </>
  );
}

/**
 * The columns of a space (`people` / conversation / call; tabs on a phone). Put it under the space's
 * `SecurityContext.Provider`, beside its `PeerSpaceAlerts`.
 */
export function PeerSpaceColumns({ space, people }: { space: PeerSpace; people: ReactNode }) {
  const { state, session, chat, call, names, pairStates, selected, section, setSection } = space;
  const { live, chatOpen, setChatOpen, conversationOnScreen, narrow, unread } = space;
  const chatToggle = {
    open: conversationOnScreen,
    unread: selected ? (unread.counts.get(selected) ?? 0) : 0,
    toggle: () => (narrow ? setSection('conversation') : setChatOpen((open) => !open)),
  };
  return (
    <RoomLayout
      section={section}
      onSectionChange={setSection}
      staged={live}
      chatOpen={chatOpen}
      people={people}
      conversation={
        <ConversationPanel
          session={session}
          chat={chat}
          conversationId={selected}
          peer={selected ? state.peers.get(selected) : undefined}
          names={names}
          pairState={selected ? pairStates.get(selected) : undefined}
          visible={conversationOnScreen}
        />
      }
      call={
        <CallPanel
          call={call}
          names={names}
          pairStates={pairStates}
          selfId={state.self?.peerId}
          chat={chatToggle}
        />
      }
    />
  );
}
