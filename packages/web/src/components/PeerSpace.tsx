import type {
  CallManager,
  ChatManager,
  RelayOnlySetting,
  RoomClient,
  RoomState,
  SessionOptions,
} from '@kopru/client';
import { type ReactNode, useMemo, useState } from 'react';
import { useMessageNotifications } from '../hooks/useAttention.js';
import { useCallManager, useFollowCall } from '../hooks/useCall.js';
import { useMediaQuery } from '../hooks/useMediaQuery.js';
import type { SessionFacade } from '../hooks/useSession.js';
import { usePairStates, useSession, useUnread } from '../hooks/useSession.js';
import { type SecurityState, usePrivacyOptions, useSecurityState } from '../security/SecurityContext.js';
import { ConversationPanel } from './ConversationPanel.js';
import { CallPanel } from './call/CallPanel.js';
import { IncomingCallDialog } from './call/IncomingCallDialog.js';
import { RoomLayout, type Section } from './RoomLayout.js';
import { PendingOffers } from './transfer/PendingOffers.js';

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
  /** Opens a conversation (and, on a phone, its tab). */
  select: (conversationId: string) => void;
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
  const select = (conversationId: string) => {
    setSelected(conversationId);
    setSection('conversation');
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
  };
}

/**
 * What must reach the user whichever space the page shows: offers waiting elsewhere, an incoming call,
 * and the call column coming forward when a call starts. `onShow` brings this space forward.
 */
export function PeerSpaceAlerts({ space, onShow }: { space: PeerSpace; onShow?: () => void }) {
  const { session, call, names, selected, select, setSection } = space;
  useFollowCall(call, () => {
    onShow?.();
    setSection('call');
  });
  return (
    <>
      <PendingOffers
        session={session}
        openConversationId={selected}
        names={names}
        onShow={(conversationId) => {
          onShow?.();
          select(conversationId);
        }}
      />
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
  const narrow = useMediaQuery('(max-width: 760px)');
  return (
    <RoomLayout
      section={section}
      onSectionChange={setSection}
      people={people}
      conversation={
        <ConversationPanel
          session={session}
          chat={chat}
          conversationId={selected}
          peer={selected ? state.peers.get(selected) : undefined}
          names={names}
          pairState={selected ? pairStates.get(selected) : undefined}
          visible={!narrow || section === 'conversation'}
        />
      }
      call={<CallPanel call={call} names={names} pairStates={pairStates} />}
    />
  );
}
