import type { FileState, SourceFile, TransferManager, TransferView } from '@kopru/client';
import { baseName } from '@kopru/client';
import { memo, useEffect, useRef, useState } from 'react';
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
          <FileRow
            // biome-ignore lint/suspicious/noArrayIndexKey: an offer's files are a fixed list; the index is their identity on the wire
            key={index}
            manager={manager}
            transferId={id}
            index={index}
            path={file.path}
            size={file.size}
            mime={file.mime}
            bytes={file.bytes}
            state={file.state}
            offered={status === 'offered'}
            moving={moving}
            incoming={incoming}
            t={t}
            language={i18n.language}
          />
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

interface FileRowProps {
  manager: TransferManager;
  transferId: string;
  index: number;
  path: string;
  size: number;
  mime: string;
  bytes: number;
  state: FileState;
  offered: boolean;
  moving: boolean;
  incoming: boolean;
  /** The card's translator (one `useTranslation` per card, not per row: rows are many). */
  t: ReturnType<typeof useTranslation>['t'];
  language: string;
}

/**
 * One file of a card. Memoized on plain values: a progress update re-renders the rows whose file changed,
 * not every row of a 256-file batch (the many-small-files benchmark, docs/benchmarks.md).
 */
const FileRow = memo(function FileRow(props: FileRowProps) {
  const { manager, transferId, index, path, size, mime, bytes, state, offered, moving, incoming, t } = props;
  const row = useRef<HTMLLIElement>(null);
  const preview = incoming && state === 'verified' && canPreview(mime, size);
  const onScreen = useNearScreen(row, preview);
  const save = async () => saveBlob(await manager.file(transferId, index), baseName(path));
  return (
    <li ref={row} data-state={state}>
      <span className="file-name">{path}</span>
      <span className="hint">
        {formatBytes(size, props.language)}
        {!offered && ` · ${t(`transfer.file.${state}`)}`}
      </span>
      {moving && (state === 'moving' || state === 'waiting') && (
        <progress
          aria-label={t('transfer.fileProgress', { name: path })}
          value={bytes}
          max={Math.max(1, size)}
        />
      )}
      {incoming && state === 'verified' && (
        <>
          {preview && onScreen && (
            <ImagePreview manager={manager} transferId={transferId} index={index} name={path} />
          )}
          <button
            type="button"
            aria-label={t('transfer.saveFile', { name: path })}
            onClick={() => void save()}
          >
            {t('transfer.save')}
          </button>
        </>
      )}
    </li>
  );
});

/**
 * True once the element comes near the visible part of the page (and stays true): a thumbnail is read
 * from storage and decoded only when someone may see it, not for every image of a large folder at once.
 */
function useNearScreen(element: { readonly current: Element | null }, enabled: boolean): boolean {
  const [near, setNear] = useState(false);
  useEffect(() => {
    const target = element.current;
    if (!enabled || near || !target) return;
    if (typeof IntersectionObserver === 'undefined') {
      setNear(true);
      return;
    }
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) setNear(true);
      },
      { rootMargin: '400px' },
    );
    observer.observe(target);
    return () => observer.disconnect();
  }, [element, enabled, near]);
  return near;
}
