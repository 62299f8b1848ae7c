import type { SourceFile, TransferManager, TransferView } from '@kopru/client';
import { baseName } from '@kopru/client';
import { memo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isFinished, isUnderWay } from '../../hooks/useTransfers.js';
import { formatBytes, formatDuration } from './format.js';
import { canPreview, ImagePreview } from './ImagePreview.js';
import { saveAll, saveBlob } from './pick-files.js';
import { FilePickerButton } from './SendFilesButton.js';
import { TransferProblemText } from './TransferProblem.js';

interface TransferCardProps {
  transfer: TransferView;
  manager: TransferManager;
  peerName: string;
}

/**
 * One transfer, as either side sees it, in the conversation's timeline at the point it was offered: the
 * offer, progress with speed and time left, controls, and the finished files (images with a thumbnail).
 * Memoized: a change re-renders only the card whose transfer it is.
 */
export const TransferCard = memo(function TransferCard({ transfer, manager, peerName }: TransferCardProps) {
  const { t, i18n } = useTranslation();
  const [always, setAlways] = useState(false);
  const [notice, setNotice] = useState<string>();
  const size = (n: number) => formatBytes(n, i18n.language);
  const incoming = transfer.direction === 'in';
  const { status, id } = transfer;
  const files = t('transfer.fileCount', { count: transfer.files.length });
  const moving = isUnderWay(transfer);
  const finished = isFinished(transfer);
  const verified = transfer.files.map((f, index) => ({ ...f, index })).filter((f) => f.state === 'verified');

  const save = async (index: number, name: string) => saveBlob(await manager.file(id, index), name);
  const saveEverything = () =>
    saveAll(verified.map((f) => ({ path: f.path, file: () => manager.file(id, f.index) }))).catch(
      (e: unknown) => setNotice(t('transfer.saveFailed', { message: String(e) })),
    );
  const reattach = async (sources: SourceFile[]) => {
    const missing = await manager.reattach(id, sources);
    setNotice(missing > 0 ? t('transfer.notFound', { count: missing }) : undefined);
  };

  return (
    <li
      id={transferElementId(id)}
      className={`transfer ${incoming ? 'incoming' : 'outgoing'}`}
      data-status={status}
      aria-label={`${incoming ? t('transfer.receivingFrom', { name: peerName }) : t('transfer.sendingTo', { name: peerName })}: ${files}`}
    >
      <p className="transfer-title">
        {status === 'offered'
          ? t(incoming ? 'transfer.offerFrom' : 'transfer.offerTo', {
              name: peerName,
              files,
              size: size(transfer.totalBytes),
            })
          : `${incoming ? t('transfer.receivingFrom', { name: peerName }) : t('transfer.sendingTo', { name: peerName })} · ${files} · ${size(transfer.totalBytes)}`}
      </p>
      <p className="transfer-status" aria-live="polite">
        {t(`transfer.status.${status}`)}
        {status === 'offered' && !incoming && ` · ${t('transfer.waitingAnswer', { name: peerName })}`}
        {status === 'paused' &&
          ` · ${transfer.pausedBy === 'self' ? t('transfer.pausedBySelf') : t('transfer.pausedByPeer', { name: peerName })}`}
      </p>
      {moving && (
        <div className="transfer-progress">
          <progress
            aria-label={t('transfer.batchProgress')}
            value={transfer.doneBytes}
            max={Math.max(1, transfer.totalBytes)}
          />
          <span className="hint">
            {t('transfer.progress', { done: size(transfer.doneBytes), total: size(transfer.totalBytes) })}
            {status === 'active' &&
              (transfer.peerConnected && transfer.bytesPerSecond > 0
                ? ` · ${t('transfer.speed', { speed: size(transfer.bytesPerSecond) })}${transfer.secondsLeft === undefined ? '' : ` · ${t('transfer.timeLeft', { time: formatDuration(transfer.secondsLeft) })}`}`
                : transfer.peerConnected
                  ? ''
                  : ` · ${t('transfer.stalled')}`)}
          </span>
        </div>
      )}
      <ul className="transfer-files">
        {transfer.files.map((file, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: an offer's files are a fixed list; the index is their identity on the wire
          <li key={index} data-state={file.state}>
            <span className="file-name">{file.path}</span>
            <span className="hint">
              {size(file.size)}
              {status !== 'offered' && ` · ${t(`transfer.file.${file.state}`)}`}
            </span>
            {moving && (file.state === 'moving' || file.state === 'waiting') && (
              <progress
                aria-label={t('transfer.fileProgress', { name: file.path })}
                value={file.bytes}
                max={Math.max(1, file.size)}
              />
            )}
            {incoming && file.state === 'verified' && (
              <>
                {canPreview(file.mime, file.size) && (
                  <ImagePreview manager={manager} transferId={id} index={index} name={file.path} />
                )}
                <button
                  type="button"
                  aria-label={t('transfer.saveFile', { name: file.path })}
                  onClick={() => void save(index, baseName(file.path))}
                >
                  {t('transfer.save')}
                </button>
              </>
            )}
          </li>
        ))}
      </ul>
      {status === 'waiting-source' && (
        <p className="hint">
          {incoming ? t('transfer.waitingSourcePeer', { name: peerName }) : t('transfer.waitingSourceSelf')}
        </p>
      )}
      {incoming && transfer.storage === 'memory' && !finished && (
        <p className="hint">{t('transfer.memoryNotice')}</p>
      )}
      {notice && (
        <p className="error" role="alert">
          {notice}
        </p>
      )}
      <TransferProblemText transfer={transfer} peerName={peerName} />
      <div className="transfer-actions">
        {incoming && status === 'offered' && (
          <>
            <label className="checkbox">
              <input type="checkbox" checked={always} onChange={(e) => setAlways(e.currentTarget.checked)} />
              {t('transfer.alwaysAccept')}
            </label>
            <button type="button" className="primary" onClick={() => void manager.accept(id, { always })}>
              {t('transfer.accept')}
            </button>
            <button type="button" onClick={() => manager.decline(id)}>
              {t('transfer.decline')}
            </button>
          </>
        )}
        {!incoming && status === 'waiting-source' && (
          <FilePickerButton label={t('transfer.chooseAgain')} onFiles={(s) => void reattach(s)} />
        )}
        {status === 'active' && (
          <button type="button" onClick={() => manager.pause(id)}>
            {t('transfer.pause')}
          </button>
        )}
        {status === 'paused' && (
          <button type="button" onClick={() => manager.resume(id)}>
            {t('transfer.resume')}
          </button>
        )}
        {(moving || (status === 'offered' && !incoming)) && (
          <button type="button" onClick={() => manager.cancel(id)}>
            {t('transfer.cancel')}
          </button>
        )}
        {incoming && verified.length > 1 && (
          <button type="button" className="primary" onClick={() => void saveEverything()}>
            {t('transfer.saveAll')}
          </button>
        )}
        {finished && (
          <button type="button" onClick={() => void manager.dismiss(id)}>
            {t('transfer.dismiss')}
          </button>
        )}
      </div>
    </li>
  );
});

/** The timeline element of a transfer (the compact bar scrolls to it). */
export const transferElementId = (transferId: string) => `transfer-${transferId}`;
