import { sortedPeers } from '@kopru/client';
import { useId, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Icon } from '../components/call/icons.js';
import { PeerSecurityBadge } from '../components/security/PeerSecurityBadge.js';
import { LinkProofContext } from '../security/LinkProofContext.js';
import { SecurityContext } from '../security/SecurityContext.js';
import type { NearbySpace } from './useNearby.js';

interface NearbyListProps {
  nearby: NearbySpace;
  /** Whether the conversation open on the page is Nearby's (a room's page has its own too). */
  shown: boolean;
  onSelect: (peerId: string) => void;
}

/** Nearby has no invite link, so nobody in it is verified (or not) by one, even inside a room's page. */
export const NO_LINK_PROOFS = { hasKey: false, states: new Map(), damagedLink: false };

/**
 * The devices behind the same public address, and the "Visible to nearby devices" switch. It carries
 * Nearby's own security context (a room's page holds another).
 */
export function NearbyList({ nearby, shown, onSelect }: NearbyListProps) {
  const { state, visible, setVisible: onVisibleChange, error, ended, space } = nearby;
  const selectedPeerId = shown ? space.selected : undefined;
  const badges = space.unread.counts;
  const { t } = useTranslation();
  const headingId = useId();
  const hintId = useId();
  const peers = useMemo(() => sortedPeers(state), [state]);
  const off = error?.code === 'NEARBY_OFF';
  const crowded = ended?.reason === 'crowded';
  const listed = visible && !off && !crowded;
  const card = (
    <section className="card nearby-card" aria-labelledby={headingId}>
      <h2 id={headingId}>{t('nearby.title')}</h2>
      <label className="switch">
        <input
          type="checkbox"
          checked={visible}
          aria-describedby={hintId}
          onChange={(e) => onVisibleChange(e.currentTarget.checked)}
        />
        <span>{t('nearby.visible')}</span>
      </label>
      <p id={hintId} className="hint">
        {t('nearby.visibleHint')}
      </p>
      {off && <p className="hint">{t('nearby.off')}</p>}
      {crowded && <p className="warning">{t('nearby.crowded')}</p>}
      {!visible && <p className="hint">{t('nearby.hidden')}</p>}
      {listed && (
        <ul className="people nearby-list" aria-label={t('nearby.list')}>
          {peers.map((peer) => (
            <li key={peer.peerId} className={`person ${peer.peerId === selectedPeerId ? 'selected' : ''}`}>
              <button
                type="button"
                className="person-button"
                aria-current={peer.peerId === selectedPeerId ? 'true' : undefined}
                onClick={() => onSelect(peer.peerId)}
              >
                <span className="device-icon" aria-hidden="true">
                  <Icon name={peer.device ?? 'computer'} />
                </span>
                <span className="person-text">
                  <span className="person-name">{peer.name}</span>
                  <span className="person-status">
                    {t(`nearby.device.${peer.device ?? 'computer'}`)} · {t(`status.${peer.status}`)}{' '}
                    <PeerSecurityBadge peerId={peer.peerId} />
                  </span>
                </span>
                {(badges.get(peer.peerId) ?? 0) > 0 && (
                  <span className="badge">+{badges.get(peer.peerId)}</span>
                )}
              </button>
            </li>
          ))}
        </ul>
      )}
      {listed && peers.length === 0 && <p className="hint">{t('nearby.empty')}</p>}
    </section>
  );
  return (
    <SecurityContext.Provider value={space.security}>
      <LinkProofContext.Provider value={NO_LINK_PROOFS}>{card}</LinkProofContext.Provider>
    </SecurityContext.Provider>
  );
}
