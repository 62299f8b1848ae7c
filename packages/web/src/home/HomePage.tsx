import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { HelpDialog } from '../components/HelpDialog.js';
import { LanguageSwitch } from '../components/LanguageSwitch.js';
import { PeerSpaceAlerts, PeerSpaceColumns, skipToConversation } from '../components/PeerSpace.js';
import { Brand } from '../components/RoomLayout.js';
import { SelfCard } from '../components/SelfCard.js';
import { useUnreadTitle } from '../hooks/useAttention.js';
import { SecurityContext } from '../security/SecurityContext.js';
import { NearbyList } from './NearbyList.js';
import { recentRooms } from './recent-rooms.js';
import { useNearbySpace } from './useNearby.js';
import './home.css';

/**
 * The home screen at `/`: Nearby (a private conversation with any device listed, through the same
 * session, chat, transfer and call machinery as a room), Your devices, Start a room and recent rooms.
 */
export function HomePage() {
  const { t } = useTranslation();
  const nearby = useNearbySpace();
  const { client, state, status, space } = nearby;
  useUnreadTitle(space.unread.total);
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
      <PeerSpaceAlerts space={space} />
      <PeerSpaceColumns
        space={space}
        people={
          <>
            <SelfCard
              client={client}
              name={state.self?.name ?? client.name}
              selfId={state.self?.peerId}
              status={status}
            />
            <NearbyList nearby={nearby} shown onSelect={space.select} />
            <YourDevices />
            <StartRoom />
            <RecentRooms />
          </>
        }
      />
      <HelpDialog open={helpOpen} onClose={() => setHelpOpen(false)} />
    </div>
  );
  return <SecurityContext.Provider value={space.security}>{page}</SecurityContext.Provider>;
}

/** Paired devices: not built yet, and the card says so instead of showing an empty list. */
function YourDevices() {
  const { t } = useTranslation();
  return (
    <section className="card" aria-labelledby="your-devices">
      <h2 id="your-devices">{t('home.yourDevices')}</h2>
      <p className="hint">{t('home.yourDevicesNone')}</p>
    </section>
  );
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
