import type { TransferManager, TransferView } from '@kopru/client';
import { useTranslation } from 'react-i18next';
import { useTransfers } from '../../hooks/useTransfers.js';
import { TransferCard } from './TransferCard.js';
import './transfer.css';

const isFinished = (t: TransferView): boolean =>
  t.status === 'complete' || t.status === 'declined' || t.status === 'cancelled' || t.status === 'failed';

/** The transfers of the open conversation ("Everyone" shows one card per person for a batch sent to all). */
export function TransferList(props: {
  manager: TransferManager | undefined;
  conversationId: string;
  names: ReadonlyMap<string, string>;
}) {
  const { manager, conversationId, names } = props;
  const { t } = useTranslation();
  const transfers = [...useTransfers(manager, conversationId)].sort(
    // Offers waiting for an answer and transfers under way first, newest on top; finished ones below.
    (a, b) => Number(isFinished(a)) - Number(isFinished(b)) || b.createdAt - a.createdAt,
  );
  if (!manager || transfers.length === 0) return null;
  return (
    <ul className="transfers" aria-label={t('transfer.region')}>
      {transfers.map((transfer) => (
        <TransferCard
          key={transfer.id}
          transfer={transfer}
          manager={manager}
          peerName={names.get(transfer.peerId) ?? '…'}
        />
      ))}
    </ul>
  );
}
