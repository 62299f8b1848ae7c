import { useTranslation } from 'react-i18next';
import type { SessionFacade } from '../../hooks/useSession.js';
import { isRunning, percentDone, useTransferManager, useTransfers } from '../../hooks/useTransfers.js';
import { transferElementId } from './TransferCard.js';

/**
 * The compact bar at the top of the page: only what is moving right now, in every conversation, each with
 * its progress and a button that opens its conversation at the transfer. The transfer itself (controls,
 * files) lives in the timeline.
 */
export function TransferBar(props: {
  session: SessionFacade;
  names: ReadonlyMap<string, string>;
  onShow(conversationId: string): void;
}) {
  const { session, names, onShow } = props;
  const { t } = useTranslation();
  const running = useTransfers(useTransferManager(session), undefined, isRunning);
  if (running.length === 0) return null;
  const show = (conversationId: string, transferId: string) => {
    onShow(conversationId);
    // After the conversation has rendered its timeline.
    requestAnimationFrame(() =>
      document.getElementById(transferElementId(transferId))?.scrollIntoView({ block: 'nearest' }),
    );
  };
  return (
    <section className="transfer-bar" aria-label={t('transfer.running')}>
      <ul>
        {running.map((transfer) => {
          const name = names.get(transfer.peerId) ?? '…';
          const direction =
            transfer.direction === 'in'
              ? t('transfer.receivingFrom', { name })
              : t('transfer.sendingTo', { name });
          const first = transfer.files[0]?.path ?? '';
          const what = transfer.files.length > 1 ? `${first} +${transfer.files.length - 1}` : first;
          const percent = percentDone(transfer);
          return (
            <li key={transfer.id}>
              <button
                type="button"
                className="transfer-bar-item"
                aria-label={t('transfer.showTransfer', { what: `${direction}: ${what}, ${percent} %` })}
                onClick={() => show(transfer.conversationId, transfer.id)}
              >
                <span className="transfer-bar-text">
                  {t('transfer.runningItem', { direction, name: what, percent })}
                </span>
                <span className="transfer-bar-track" aria-hidden="true">
                  <span className="transfer-bar-fill" style={{ width: `${percent}%` }} />
                </span>
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
