import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAttention } from '../hooks/useAttention.js';
import { useCallManager, useFollowCall } from '../hooks/useCall.js';
import { useMediaQuery } from '../hooks/useMediaQuery.js';
import { useAwayStatus, useRoomClient, useRoomView } from '../hooks/useRoom.js';
import { useLinkStates, useSession, useUnread } from '../hooks/useSession.js';
import { LinkProofContext, useLinkProofState } from '../security/LinkProofContext.js';
import { inviteUrl, takeRoomLinkKey } from '../security/link-key.js';
import { SecurityContext, usePrivacyOptions, useSecurityState } from '../security/SecurityContext.js';
import { ConversationPanel } from './ConversationPanel.js';
import { CallPanel } from './call/CallPanel.js';
import { IncomingCallDialog } from './call/IncomingCallDialog.js';
import { HelpDialog } from './HelpDialog.js';
import { InviteDialog } from './InviteDialog.js';
import { LanguageSwitch } from './LanguageSwitch.js';
import { PeoplePanel } from './PeoplePanel.js';
import { RoomLayout, type Section } from './RoomLayout.js';
import { SelfCard } from './SelfCard.js';
import { DamagedLinkNotice } from './security/LinkProof.js';
import { PASSWORD_CODES, PasswordPrompt } from './security/PasswordPrompt.js';
import { PendingOffers } from './transfer/PendingOffers.js';

export function RoomPage({ roomId }: { roomId: string }) {
  const { t } = useTranslation();
  const client = useRoomClient(roomId);
  const { state, status, error, ended } = useRoomView(client);
  useAwayStatus(client);
  const [dialog, setDialog] = useState<'invite' | 'help'>();
  const [selected, setSelected] = useState<string>();
  const [section, setSection] = useState<Section>('people');
  const privacy = usePrivacyOptions(client);
  // Read before the session is built: its first connections already prove the key.
  const [linkKey] = useState(() => takeRoomLinkKey(roomId));
  const { session, chat } = useSession(client, { ...privacy.sessionOptions, linkKey: () => linkKey.key });
  const security = useSecurityState(client, session, privacy.relayOnly);
  // Once asked for the password, a refused attempt (wrong, or too many) keeps the prompt up.
  const [askedForPassword, setAskedForPassword] = useState(false);
  const passwordError =
    status === 'refused' &&
    error &&
    (PASSWORD_CODES.includes(error.code) || (askedForPassword && error.code === 'RATE_LIMITED'))
      ? error
      : undefined;
  if (passwordError && !askedForPassword) setAskedForPassword(true);
  const unread = useUnread(chat);
  const linkStates = useLinkStates(session);
  const call = useCallManager(session);
  useFollowCall(call, () => setSection('call'));
  useAttention(chat, unread.total);
  const narrow = useMediaQuery('(max-width: 760px)');
  const names = useMemo(() => new Map([...state.peers.values()].map((p) => [p.peerId, p.name])), [state]);
  const linkProofs = useLinkProofState(session, security.verified, names, !!linkKey.key, linkKey.damaged);
  const selectConversation = (conversationId: string) => {
    setSelected(conversationId);
    setSection('conversation');
  };
  const roomUrl = inviteUrl(roomId, linkKey.key);
  const name = state.self?.name ?? client.name;

  const page = (
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
      <DamagedLinkNotice />
      {passwordError && <PasswordPrompt client={client} error={passwordError} />}
      {(status === 'refused' && error && !passwordError) || ended ? (
        <div className="banner" role="alert">
          {ended
            ? t('errors.replaced')
            : t(`errors.${error && BANNER_CODES.includes(error.code) ? error.code : 'generic'}`, {
                ...error,
                seconds: Math.ceil((error?.retryAfterMs ?? 0) / 1000),
              })}
          {ended?.reason === 'replaced' && (
            <button type="button" onClick={() => window.location.reload()}>
              {t('errors.useHere')}
            </button>
          )}
        </div>
      ) : null}
      <PendingOffers
        session={session}
        openConversationId={selected}
        names={names}
        onShow={selectConversation}
      />
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
      <InviteDialog
        open={dialog === 'invite'}
        url={roomUrl}
        onClose={() => setDialog(undefined)}
        client={client}
        withoutKey={!linkKey.key}
      />
      <HelpDialog open={dialog === 'help'} onClose={() => setDialog(undefined)} />
      <IncomingCallDialog call={call} names={names} />
    </div>
  );
  // The security context (routes, safety numbers, relay-only) for every panel of the page.
  return (
    <SecurityContext.Provider value={security}>
      <LinkProofContext.Provider value={linkProofs}>{page}</LinkProofContext.Provider>
    </SecurityContext.Provider>
  );
}

/** Refusals with a message of their own; anything else shows the server's message. */
const BANNER_CODES: readonly string[] = [
  'ROOM_FULL',
  'RATE_LIMITED',
  'ORIGIN_NOT_ALLOWED',
  'TOO_MANY_CONNECTIONS',
];
