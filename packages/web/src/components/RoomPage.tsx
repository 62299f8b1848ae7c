import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAttention } from '../hooks/useAttention.js';
import { useCallManager, useFollowCall } from '../hooks/useCall.js';
import { useMediaQuery } from '../hooks/useMediaQuery.js';
import { useAwayStatus, useRoomClient, useRoomView } from '../hooks/useRoom.js';
import { useLinkStates, useSession, useUnread } from '../hooks/useSession.js';
import { ConversationPanel } from './ConversationPanel.js';
import { CallPanel } from './call/CallPanel.js';
import { IncomingCallDialog } from './call/IncomingCallDialog.js';
import { HelpDialog } from './HelpDialog.js';
import { InviteDialog } from './InviteDialog.js';
import { LanguageSwitch } from './LanguageSwitch.js';
import { PeoplePanel } from './PeoplePanel.js';
import { RoomLayout, type Section } from './RoomLayout.js';
import { SelfCard } from './SelfCard.js';

export function RoomPage({ roomId }: { roomId: string }) {
  const { t } = useTranslation();
  const client = useRoomClient(roomId);
  const { state, status, error, ended } = useRoomView(client);
  useAwayStatus(client);
  const [dialog, setDialog] = useState<'invite' | 'help'>();
  const [selected, setSelected] = useState<string>();
  const [section, setSection] = useState<Section>('people');
  const { session, chat } = useSession(client);
  const unread = useUnread(chat);
  const linkStates = useLinkStates(session);
  const call = useCallManager(session);
  useFollowCall(call, () => setSection('call'));
  useAttention(chat, unread.total);
  const narrow = useMediaQuery('(max-width: 760px)');
  const names = useMemo(() => new Map([...state.peers.values()].map((p) => [p.peerId, p.name])), [state]);
  const selectConversation = (conversationId: string) => {
    setSelected(conversationId);
    setSection('conversation');
  };
  const roomUrl = `${window.location.origin}/r/${roomId}`;
  const name = state.self?.name ?? client.name;

  return (
    <div className="app">
      <header className="topbar">
        <div className="brand">
          <img src="/favicon.svg" alt="" width={32} height={32} />
          <div>
            <h1>{t('app.title')}</h1>
            <p className="tagline">{t('app.tagline')}</p>
          </div>
        </div>
        <nav className="actions" aria-label={t('room.label')}>
          <button type="button" onClick={() => setDialog('invite')}>
            {t('room.invite')}
          </button>
          {/* The server answers `/` with a redirect to a fresh room. */}
          <button type="button" onClick={() => window.location.assign('/')}>
            {t('room.newRoom')}
          </button>
          <button type="button" onClick={() => setDialog('help')}>
            {t('room.help')}
          </button>
          <LanguageSwitch />
        </nav>
      </header>
      {(status === 'refused' && error) || ended ? (
        <div className="banner" role="alert">
          {ended
            ? t('errors.replaced')
            : t(`errors.${error?.code === 'ROOM_FULL' ? 'ROOM_FULL' : 'generic'}`, error)}
          {ended?.reason === 'replaced' && (
            <button type="button" onClick={() => window.location.reload()}>
              {t('errors.useHere')}
            </button>
          )}
        </div>
      ) : null}
      <RoomLayout
        section={section}
        onSectionChange={setSection}
        people={
          <>
            <SelfCard client={client} name={name} status={status} />
            <PeoplePanel
              state={state}
              selectedPeerId={selected}
              onSelect={selectConversation}
              badges={unread.counts}
            />
          </>
        }
        conversation={
          <ConversationPanel
            session={session}
            chat={chat}
            conversationId={selected}
            peer={selected ? state.peers.get(selected) : undefined}
            names={names}
            linkState={selected ? linkStates.get(selected) : undefined}
            visible={!narrow || section === 'conversation'}
          />
        }
        call={<CallPanel call={call} names={names} linkStates={linkStates} />}
      />
      <InviteDialog open={dialog === 'invite'} url={roomUrl} onClose={() => setDialog(undefined)} />
      <HelpDialog open={dialog === 'help'} onClose={() => setDialog(undefined)} />
      <IncomingCallDialog call={call} names={names} />
    </div>
  );
}
