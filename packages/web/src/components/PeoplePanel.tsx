import { filterPeers, ROOM_CONVERSATION_ID, type RoomState, sortedPeers } from '@kopru/client';
import type { PeerInfo } from '@kopru/protocol';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Avatar } from './Avatar.js';
import { LinkProofBadge } from './security/LinkProof.js';
import { PeerSecurityBadge } from './security/PeerSecurityBadge.js';

interface PeoplePanelProps {
  state: RoomState;
  selectedPeerId?: string | undefined;
  onSelect?: (peerId: string) => void;
  /** Extra content per person (e.g. an unread badge), keyed by peer id. */
  badges?: ReadonlyMap<string, number>;
}

function PersonRow({
  peer,
  selected,
  badge,
  onSelect,
}: {
  peer: PeerInfo;
  selected: boolean;
  badge: number;
  onSelect?: ((peerId: string) => void) | undefined;
}) {
  const { t } = useTranslation();
  return (
    <li className={`person ${selected ? 'selected' : ''}`}>
      <button
        type="button"
        className="person-button"
        aria-current={selected ? 'true' : undefined}
        onClick={() => onSelect?.(peer.peerId)}
      >
        <span className="avatar-with-status">
          <Avatar id={peer.peerId} name={peer.name} />
          <span className={`status-dot status-${peer.status}`} aria-hidden="true" />
        </span>
        <span className="person-text">
          <span className="person-name">
            {peer.name}
            {peer.client === 'terminal' && ' '}
            {peer.client === 'terminal' && (
              <span
                className="client-icon"
                role="img"
                aria-label={t('status.terminal')}
                title={t('status.terminal')}
              >
                {'>_'}
              </span>
            )}
          </span>
          <span className="person-status">
            {t(`status.${peer.status}`)} <PeerSecurityBadge peerId={peer.peerId} />{' '}
            <LinkProofBadge peerId={peer.peerId} />
          </span>
        </span>
        {badge > 0 && <span className="badge">+{badge}</span>}
      </button>
    </li>
  );
}

/** Search box, the people list and the head count. */
export function PeoplePanel({ state, selectedPeerId, onSelect, badges }: PeoplePanelProps) {
  const { t } = useTranslation();
  const [query, setQuery] = useState('');
  const all = useMemo(() => sortedPeers(state), [state]);
  const shown = useMemo(() => filterPeers(all, query), [all, query]);
  const total = all.length + (state.self ? 1 : 0);

  return (
    <section className="card people-card">
      <ul className="people room-chat" aria-label={t('chat.roomChat')}>
        <li className={`person everyone ${selectedPeerId === ROOM_CONVERSATION_ID ? 'selected' : ''}`}>
          <button
            type="button"
            className="person-button"
            aria-current={selectedPeerId === ROOM_CONVERSATION_ID ? 'true' : undefined}
            onClick={() => onSelect?.(ROOM_CONVERSATION_ID)}
          >
            <span className="room-icon" aria-hidden="true">
              #
            </span>
            <span className="person-text">
              <span className="person-name">{t('chat.everyone')}</span>
            </span>
            {(badges?.get(ROOM_CONVERSATION_ID) ?? 0) > 0 && (
              <span className="badge">+{badges?.get(ROOM_CONVERSATION_ID)}</span>
            )}
          </button>
        </li>
      </ul>
      <input
        type="text"
        inputMode="search"
        enterKeyHint="search"
        autoComplete="off"
        className="search"
        aria-label={t('room.search')}
        placeholder={t('room.searchPlaceholder')}
        value={query}
        onChange={(e) => setQuery(e.currentTarget.value)}
      />
      <ul className="people" aria-label={t('room.peopleList')}>
        {shown.map((peer) => (
          <PersonRow
            key={peer.peerId}
            peer={peer}
            selected={peer.peerId === selectedPeerId}
            badge={badges?.get(peer.peerId) ?? 0}
            onSelect={onSelect}
          />
        ))}
      </ul>
      {all.length === 0 && <p className="hint">{t('room.empty')}</p>}
      {all.length > 0 && shown.length === 0 && <p className="hint">{t('room.noMatch', { query })}</p>}
      {state.self && <p className="count">{t('room.count', { count: total })}</p>}
    </section>
  );
}
