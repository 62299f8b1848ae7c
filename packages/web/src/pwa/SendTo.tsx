import { FINAL_STATUSES } from '@kopru/client';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Dialog } from '../components/Dialog.js';
import type { PeerSpace } from '../components/PeerSpace.js';
import { toSource } from '../components/transfer/pick-files.js';
import {
  deleteShare,
  getShare,
  MAX_SHARED_FILES,
  SHARE_FAILURES,
  type ShareFailure,
  type StagedShare,
  shareProblem,
} from './share-store.js';
import { stageDraft } from './shared-draft.js';

/** Someone to send a share to: a nearby device or a paired one, online now. */
export interface ShareTarget {
  key: string;
  name: string;
  /** "Nearby" or "Your devices", for the list. */
  group: 'nearby' | 'devices';
  space: PeerSpace;
  peerId: string;
  /** Brings the target's space forward on the page (its conversation opens there). */
  show: () => void;
}

type Loaded =
  | { kind: 'none' }
  | { kind: 'loading' }
  | { kind: 'failed'; reason: ShareFailure | 'missing' }
  | { kind: 'staged'; share: StagedShare };

/**
 * `?share=<id>` from the service worker: read once per page load, then taken out of the address bar. Kept
 * here, not in a component, since the home screen remounts when a paired device is added or loaded.
 */
let shareParam: { id: string | undefined; done: boolean } | undefined;
function shareId(): string | undefined {
  if (!shareParam) {
    const id = new URLSearchParams(window.location.search).get('share') ?? undefined;
    if (id !== undefined)
      window.history.replaceState(null, '', window.location.pathname + window.location.hash);
    shareParam = { id, done: false };
  }
  return shareParam.done ? undefined : shareParam.id;
}

/**
 * "Send to…": what the phone's share sheet handed over (files, text, a link), and who it can go to.
 * Files go as a normal offer (the other side accepts); text and links wait in the message box. The staged
 * share is deleted once its transfers end (or at once for text, or when discarded).
 */
export function SendTo({ targets }: { targets: readonly ShareTarget[] }) {
  const { t } = useTranslation();
  const [id] = useState(shareId);
  const [loaded, setLoaded] = useState<Loaded>(() => (id ? { kind: 'loading' } : { kind: 'none' }));
  const [error, setError] = useState<string>();

  useEffect(() => {
    if (!id) return;
    if ((SHARE_FAILURES as readonly string[]).includes(id)) {
      setLoaded({ kind: 'failed', reason: id as ShareFailure });
      return;
    }
    getShare(id).then(
      (share) => setLoaded(share ? { kind: 'staged', share } : { kind: 'failed', reason: 'missing' }),
      () => setLoaded({ kind: 'failed', reason: 'missing' }),
    );
  }, [id]);

  const close = () => {
    if (shareParam) shareParam.done = true;
    setLoaded({ kind: 'none' });
  };
  if (loaded.kind === 'none' || loaded.kind === 'loading') return null;
  if (loaded.kind === 'failed') {
    return (
      <Dialog open title={t('share.title')} closeLabel={t('share.close')} onClose={close}>
        <p role="alert">{t(`share.failed.${loaded.reason}`)}</p>
      </Dialog>
    );
  }
  const { share } = loaded;
  const problem = shareProblem(share);
  const text = [share.title, share.text, share.url].filter(Boolean).join('\n');

  const discard = async () => {
    await deleteShare(share.id).catch(() => {});
    close();
  };

  const sendTo = async (target: ShareTarget) => {
    const manager = target.space.session.transferManager;
    if (share.files.length > 0 && !manager) {
      setError(t('share.notReady'));
      return;
    }
    target.show();
    target.space.select(target.peerId);
    if (text) stageDraft(target.peerId, text);
    if (share.files.length > 0 && manager) {
      const views = await manager.sendFiles(
        target.peerId,
        share.files.map((file) => toSource(file)),
      );
      // Kept until its transfers end: a reload meanwhile resumes from the same stored files.
      const pending = new Set(views.map((v) => v.id));
      const off = manager.on('updated', ({ transfer }) => {
        if (FINAL_STATUSES.has(transfer.status)) pending.delete(transfer.id);
        if (pending.size === 0) {
          off();
          void deleteShare(share.id).catch(() => {});
        }
      });
    } else {
      await deleteShare(share.id).catch(() => {});
    }
    close();
  };

  return (
    <Dialog open title={t('share.title')} closeLabel={t('share.close')} onClose={close}>
      {share.files.length > 0 && (
        <>
          <p>{t('share.files', { count: share.files.length })}</p>
          <ul className="shared-files" aria-label={t('share.filesLabel')}>
            {share.files.slice(0, MAX_SHARED_FILES).map((file, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: a share may hold two files of one name
              <li key={index}>
                {file.name} <span className="hint">({formatSize(file.size)})</span>
              </li>
            ))}
          </ul>
        </>
      )}
      {text && <p className="shared-text">{text}</p>}
      {problem ? (
        <p role="alert">{t(`share.problem.${problem}`, { max: MAX_SHARED_FILES })}</p>
      ) : targets.length === 0 ? (
        <p className="hint">{t('share.nobody')}</p>
      ) : (
        <ul className="people share-targets" aria-label={t('share.targets')}>
          {targets.map((target) => (
            <li key={target.key} className="person">
              <button type="button" className="person-button" onClick={() => void sendTo(target)}>
                <span className="person-text">
                  <span className="person-name">{target.name}</span>
                  <span className="person-status">{t(`share.group.${target.group}`)}</span>
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {error && <p role="alert">{error}</p>}
      <button type="button" onClick={() => void discard()}>
        {t('share.discard')}
      </button>
    </Dialog>
  );
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
