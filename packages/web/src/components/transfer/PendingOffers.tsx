import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { isIncomingOffer, useTransferManager, useTransfers } from '../../hooks/useTransfers.js';
import { formatBytes } from './format.js';
import './transfer.css';
import type { SessionFacade } from '../../hooks/useSession.js';

/**
 * Offers waiting for an answer in a conversation other than the one on screen: a line each with "Show", so an
 * offer is never missed; and a desktop notification when the tab is hidden (if the user allowed them).
 */
export function PendingOffers(props: {
  session: SessionFacade;
  openConversationId: string | undefined;
  names: ReadonlyMap<string, string>;
  onShow(conversationId: string): void;
}) {
  const { session, openConversationId, names, onShow } = props;
  const { t, i18n } = useTranslation();
  const manager = useTransferManager(session);
  const offers = useTransfers(manager, undefined, isIncomingOffer);
  useEffect(
    () =>
      manager?.on('incoming-offer', ({ transfer }) => {
        if (document.visibilityState !== 'hidden' || !('Notification' in window)) return;
        if (Notification.permission !== 'granted') return;
        new Notification(t('transfer.offerNotification', { name: names.get(transfer.peerId) ?? '…' }));
      }),
    [manager, names, t],
  );
  const elsewhere = offers.filter((o) => o.conversationId !== openConversationId);
  if (elsewhere.length === 0) return null;
  return (
    <ul className="pending-offers" aria-label={t('transfer.pending')}>
      {elsewhere.map((offer) => (
        <li key={offer.id} className="banner">
          {t('transfer.offerFrom', {
            name: names.get(offer.peerId) ?? '…',
            files: t('transfer.fileCount', { count: offer.files.length }),
            size: formatBytes(offer.totalBytes, i18n.language),
          })}
          <button type="button" onClick={() => onShow(offer.conversationId)}>
            {t('transfer.show')}
          </button>
        </li>
      ))}
    </ul>
  );
}
