import { sortedPeers } from '@kopru/client';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { HelpDialog } from '../components/HelpDialog.js';
import { LanguageSwitch } from '../components/LanguageSwitch.js';
import { PeerSpaceAlerts, PeerSpaceColumns, skipToConversation } from '../components/PeerSpace.js';
import { Brand } from '../components/RoomLayout.js';
import { SelfCard } from '../components/SelfCard.js';
import { useUnreadTitle } from '../hooks/useAttention.js';
import { SendTo, type ShareTarget } from '../pwa/SendTo.js';
import { LinkProofContext } from '../security/LinkProofContext.js';
import { SecurityContext } from '../security/SecurityContext.js';
import { type DeviceSpace, WithDeviceSpaces } from './devices/useDeviceSpaces.js';
import { useDevicesHere, usePairedDevices } from './devices/usePairedDevices.js';
import { YourDevices } from './devices/YourDevices.js';
import { NearbyList, NO_LINK_PROOFS } from './NearbyList.js';
import { recentRooms } from './recent-rooms.js';
import { type NearbySpace, useNearbySpace } from './useNearby.js';
import './home.css';

/**
 * The home screen at `/`: Nearby (a private conversation with any device listed, through the same
 * session, chat, transfer and call machinery as a room), Your devices, Start a room and recent rooms.
 */
export function HomePage() {
  const nearby = useNearbySpace();
  const devices = usePairedDevices();
  const here = useDevicesHere();
  return (
    <WithDeviceSpaces devices={here ? devices : []} relayOnly={nearby.space.relayOnly}>
      {(spaces) => <HomeScreen nearby={nearby} devices={spaces} elsewhere={!here && devices.length > 0} />}
    </WithDeviceSpaces>
  );
}

/**
 * `#pair=123456`: the link in a pairing QR code. Read once per page load (the home screen remounts when a
 * paired device is added or loaded), then taken out of the address bar; claimed by `ClaimForm` once.
 */
let scanned: { code: string | undefined } | undefined;
function takeScannedCode(): string | undefined {
  if (!scanned) {
    scanned = { code: /^#pair=(\d{6})$/.exec(window.location.hash)?.[1] };
    if (scanned.code)
      window.history.replaceState(null, '', window.location.pathname + window.location.search);
  }
  return scanned.code;
}

function HomeScreen({
  nearby,
  devices,
  elsewhere,
}: {
  nearby: NearbySpace;
  devices: readonly DeviceSpace[];
  /** The paired devices are connected from another tab of this browser. */
  elsewhere: boolean;
}) {
  const { t } = useTranslation();
  const { client, state, status } = nearby;
  // Which space the columns show: Nearby's, or a paired device's (by its rendezvous).
  const [shown, setShown] = useState<string>('nearby');
  const device = devices.find((d) => d.device.rendezvous === shown);
  const space = device?.space ?? nearby.space;
  const [scannedCode] = useState(takeScannedCode);
  useUnreadTitle(nearby.space.unread.total + devices.reduce((sum, d) => sum + d.space.unread.total, 0));
  const [helpOpen, setHelpOpen] = useState(false);

  const page = (
    <div className="app home">
      <button type="button" className="skip-link" onClick={() => skipToConversation(space)}>
        {t('app.skipToContent')}
      </button>
      <header className="topbar">
        <Brand />
        <nav className="actions" aria-label={t('home.label')}>
          <button type="button" onClick={() => setHelpOpen(true)}>
            {t('room.help')}
          </button>
          <LanguageSwitch />
        </nav>
      </header>
      <PeerSpaceAlerts space={nearby.space} onShow={() => setShown('nearby')} />
      {devices.map((d) => (
        <LinkProofContext.Provider key={d.device.rendezvous} value={d.proofs}>
          <PeerSpaceAlerts space={d.space} onShow={() => setShown(d.device.rendezvous)} />
        </LinkProofContext.Provider>
      ))}
      <SecurityContext.Provider value={space.security}>
        <LinkProofContext.Provider value={device?.proofs ?? NO_LINK_PROOFS}>
          <PeerSpaceColumns
            space={space}
            people={
              <>
                <SecurityContext.Provider value={nearby.space.security}>
                  <SelfCard
                    client={client}
                    name={state.self?.name ?? client.name}
                    selfId={state.self?.peerId}
                    status={status}
                  />
                </SecurityContext.Provider>
                <NearbyList
                  nearby={nearby}
                  shown={!device}
                  onSelect={(peerId) => {
                    setShown('nearby');
                    nearby.space.select(peerId);
                  }}
                />
                <YourDevices
                  devices={devices}
                  selected={device?.device.rendezvous}
                  scannedCode={scannedCode}
                  elsewhere={elsewhere}
                  onSelect={(d) => {
                    if (!d.peerId) return;
                    setShown(d.device.rendezvous);
                    d.space.select(d.peerId);
                  }}
                />
                <StartRoom />
                <RecentRooms />
              </>
            }
          />
        </LinkProofContext.Provider>
      </SecurityContext.Provider>
      <SendTo targets={shareTargets(nearby, devices, setShown)} />
      <HelpDialog open={helpOpen} onClose={() => setHelpOpen(false)} />
    </div>
  );
  return <SecurityContext.Provider value={nearby.space.security}>{page}</SecurityContext.Provider>;
}

/** Who a share can go to: the devices in Nearby, and the paired devices online now. */
function shareTargets(
  nearby: NearbySpace,
  devices: readonly DeviceSpace[],
  setShown: (shown: string) => void,
): ShareTarget[] {
  const near: ShareTarget[] = sortedPeers(nearby.state).map((peer) => ({
    key: `nearby:${peer.peerId}`,
    name: peer.name,
    group: 'nearby',
    space: nearby.space,
    peerId: peer.peerId,
    show: () => setShown('nearby'),
  }));
  const paired: ShareTarget[] = devices.flatMap((d) =>
    d.peerId
      ? [
          {
            key: `device:${d.device.rendezvous}`,
            name: d.device.label,
            group: 'devices' as const,
            space: d.space,
            peerId: d.peerId,
            show: () => setShown(d.device.rendezvous),
          },
        ]
      : [],
  );
  return [...paired, ...near];
}

function StartRoom() {
  const { t } = useTranslation();
  return (
    <section className="card" aria-labelledby="start-room">
      <h2 id="start-room">{t('home.startRoomTitle')}</h2>
      <p className="hint">{t('home.startRoomHint')}</p>
      {/* The server makes the room's unguessable id and redirects to it. */}
      <button type="button" className="primary" onClick={() => window.location.assign('/new')}>
        {t('home.startRoom')}
      </button>
    </section>
  );
}

function RecentRooms() {
  const { t, i18n } = useTranslation();
  const [rooms] = useState(() => recentRooms());
  const format = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' });
  return (
    <section className="card" aria-labelledby="recent-rooms">
      <h2 id="recent-rooms">{t('home.recentRooms')}</h2>
      {rooms.length === 0 ? (
        <p className="hint">{t('home.recentRoomsNone')}</p>
      ) : (
        <ul className="recent-rooms">
          {rooms.map((room) => (
            <li key={room.roomId}>
              <a href={`/r/${room.roomId}`}>
                <span className="mono">{room.roomId}</span>{' '}
                <time dateTime={new Date(room.visitedAt).toISOString()}>{format.format(room.visitedAt)}</time>
              </a>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
