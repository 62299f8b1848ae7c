import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type DeviceSpace, WithDeviceSpaces } from '../home/devices/useDeviceSpaces.js';
import { useDevicesHere, usePairedDevices } from '../home/devices/usePairedDevices.js';
import { YourDevices } from '../home/devices/YourDevices.js';
import { NearbyList, NO_LINK_PROOFS } from '../home/NearbyList.js';
import { useRememberRoom } from '../home/recent-rooms.js';
import { useNearbySpace } from '../home/useNearby.js';
import { useUnreadTitle } from '../hooks/useAttention.js';
import { useAwayStatus, useRoomClient, useRoomView } from '../hooks/useRoom.js';
import { LinkProofContext, useLinkProofState } from '../security/LinkProofContext.js';
import { inviteUrl, takeRoomLinkKey } from '../security/link-key.js';
import { SecurityContext } from '../security/SecurityContext.js';
import { HelpDialog } from './HelpDialog.js';
import { InviteDialog } from './InviteDialog.js';
import { LanguageSwitch } from './LanguageSwitch.js';
import { PeerSpaceAlerts, PeerSpaceColumns, skipToConversation, usePeerSpace } from './PeerSpace.js';
import { PeoplePanel } from './PeoplePanel.js';
import { Brand } from './RoomLayout.js';
import { SelfCard } from './SelfCard.js';
import { DamagedLinkNotice } from './security/LinkProof.js';
import { PASSWORD_CODES, PasswordPrompt } from './security/PasswordPrompt.js';

export function RoomPage({ roomId }: { roomId: string }) {
  const { t } = useTranslation();
  const client = useRoomClient(roomId);
  useRememberRoom(roomId);
  const { state, status, error, ended } = useRoomView(client);
  useAwayStatus(client);
  const [dialog, setDialog] = useState<'invite' | 'help'>();
  // Once asked for the password, a refused attempt (wrong, or too many) keeps the prompt up.
  const [askedForPassword, setAskedForPassword] = useState(false);
  const passwordError =
    status === 'refused' &&
    error &&
    (PASSWORD_CODES.includes(error.code) || (askedForPassword && error.code === 'RATE_LIMITED'))
      ? error
      : undefined;
  if (passwordError && !askedForPassword) setAskedForPassword(true);
  // Read before the session is built: its first connections already prove the key.
  const [linkKey] = useState(() => takeRoomLinkKey(roomId));
  const space = usePeerSpace(client, state, { linkKey: () => linkKey.key });
  const linkProofs = useLinkProofState(
    space.session,
    space.security.verified,
    space.names,
    !!linkKey.key,
    linkKey.damaged,
  );
  // The invite-link proof is the room's: Nearby's parts of the page stay outside it.
  const withLinkProofs = (node: ReactNode) => (
    <LinkProofContext.Provider value={linkProofs}>{node}</LinkProofContext.Provider>
  );
  // Nearby too, while "Visible to nearby devices" is on: its conversations open in this page's columns.
  const nearby = useNearbySpace(space.relayOnly);
  // Which space the columns show: the room's, Nearby's, or a paired device's (by its rendezvous).
  const [shown, setShown] = useState<string>('room');
  // Your devices too: a paired device is listed (and reachable) from any room, on any network.
  const paired = usePairedDevices();
  const devicesHere = useDevicesHere();
  useUnreadTitle(space.unread.total + nearby.space.unread.total);
  const roomUrl = inviteUrl(roomId, linkKey.key);
  const name = state.self?.name ?? client.name;

  const page = (devices: readonly DeviceSpace[]) => {
    const device = devices.find((d) => d.device.rendezvous === shown);
    const active = device?.space ?? (shown === 'nearby' ? nearby.space : space);
    return (
      <div className="app">
        <button type="button" className="skip-link" onClick={() => skipToConversation(active)}>
          {t('app.skipToContent')}
        </button>
        <header className="topbar">
          <Brand />
          <nav className="actions" aria-label={t('room.label')}>
            <a className="button" href="/">
              {t('home.label')}
            </a>
            <button type="button" onClick={() => setDialog('invite')}>
              {t('room.invite')}
            </button>
            {/* The server answers `/new` with a redirect to a fresh room. */}
            <button type="button" onClick={() => window.location.assign('/new')}>
              {t('room.newRoom')}
            </button>
            <button type="button" onClick={() => setDialog('help')}>
              {t('room.help')}
            </button>
            <LanguageSwitch />
          </nav>
        </header>
        {withLinkProofs(<DamagedLinkNotice />)}
        {passwordError && <PasswordPrompt client={client} error={passwordError} />}
        {(status === 'refused' && error && !passwordError) || ended ? (
          <div className="banner" role="alert">
            {ended
              ? t('errors.replaced')
              : t(`errors.${error && isBannerCode(error.code) ? error.code : 'generic'}`, {
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
        {withLinkProofs(<PeerSpaceAlerts space={space} onShow={() => setShown('room')} />)}
        <PeerSpaceAlerts space={nearby.space} onShow={() => setShown('nearby')} />
        {devices.map((d) => (
          <LinkProofContext.Provider key={d.device.rendezvous} value={d.proofs}>
            <PeerSpaceAlerts space={d.space} onShow={() => setShown(d.device.rendezvous)} />
          </LinkProofContext.Provider>
        ))}
        <SecurityContext.Provider value={active.security}>
          <LinkProofContext.Provider
            value={shown === 'room' ? linkProofs : (device?.proofs ?? NO_LINK_PROOFS)}
          >
            <PeerSpaceColumns
              space={active}
              people={
                <>
                  <SecurityContext.Provider value={space.security}>
                    <LinkProofContext.Provider value={linkProofs}>
                      <SelfCard client={client} name={name} selfId={state.self?.peerId} status={status} />
                      <PeoplePanel
                        state={state}
                        selectedPeerId={shown === 'room' ? space.selected : undefined}
                        onSelect={(conversationId) => {
                          setShown('room');
                          space.select(conversationId);
                        }}
                        badges={space.unread.counts}
                      />
                    </LinkProofContext.Provider>
                  </SecurityContext.Provider>
                  <NearbyList
                    nearby={nearby}
                    shown={shown === 'nearby'}
                    onSelect={(peerId) => {
                      setShown('nearby');
                      nearby.space.select(peerId);
                    }}
                  />
                  <YourDevices
                    devices={devices}
                    selected={device?.device.rendezvous}
                    scannedCode={undefined}
                    elsewhere={!devicesHere && paired.length > 0}
                    onSelect={(d) => {
                      if (!d.peerId) return;
                      setShown(d.device.rendezvous);
                      d.space.select(d.peerId);
                    }}
                  />
                </>
              }
            />
          </LinkProofContext.Provider>
        </SecurityContext.Provider>
        <InviteDialog
          open={dialog === 'invite'}
          url={roomUrl}
          onClose={() => setDialog(undefined)}
          client={client}
          withoutKey={!linkKey.key}
        />
        <HelpDialog open={dialog === 'help'} onClose={() => setDialog(undefined)} />
      </div>
    );
  };
  // The security context (routes, safety numbers, relay-only) for every panel of the page.
  return (
    <SecurityContext.Provider value={space.security}>
      <WithDeviceSpaces devices={devicesHere ? paired : []} relayOnly={space.relayOnly}>
        {page}
      </WithDeviceSpaces>
    </SecurityContext.Provider>
  );
}

/** Refusals with a message of their own; anything else shows the server's message. */
const BANNER_CODES = ['ROOM_FULL', 'RATE_LIMITED', 'ORIGIN_NOT_ALLOWED', 'TOO_MANY_CONNECTIONS'] as const;
const isBannerCode = (code: string): code is (typeof BANNER_CODES)[number] =>
  (BANNER_CODES as readonly string[]).includes(code);
