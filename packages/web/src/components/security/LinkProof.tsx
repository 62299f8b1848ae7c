import type { PeerInfo } from '@kopru/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type LinkProofView, useLinkProofs } from '../../security/LinkProofContext.js';

/** The texts of the proof in force: a room's invite link, or a paired device's key. */
const texts = (kind: LinkProofView['kind']) => (kind === 'pair' ? 'pairProof' : 'linkProof');

/** For a person in the list: verified by invite link, not confirmed (a failed proof), or not verified. */
export function LinkProofBadge({ peerId }: { peerId: string }) {
  const { t } = useTranslation();
  const { hasKey, states, kind } = useLinkProofs();
  const state = states.get(peerId);
  if (!hasKey || !state) return null;
  if (state === 'verified') {
    return (
      <span className="link-verified-badge">
        <span aria-hidden="true">🛡 </span>
        {t(`${texts(kind)}.verified`)}
      </span>
    );
  }
  if (state === 'failed')
    return <span className="changed-badge link-failed-badge">⚠ {t(`${texts(kind)}.notConfirmed`)}</span>;
  return <span className="link-unverified-badge">{t(`${texts(kind)}.notVerified`)}</span>;
}

/** In a conversation with one person: the proof's outcome, the alarm when it failed. */
export function LinkProofNotice({ peer }: { peer: PeerInfo }) {
  const { t } = useTranslation();
  const { hasKey, states, kind } = useLinkProofs();
  const state = states.get(peer.peerId);
  if (!hasKey || !state) return null;
  if (state === 'failed') {
    return (
      <p className="security-alert" role="alert">
        {t(`${texts(kind)}.failed`)}
      </p>
    );
  }
  if (state === 'verified') {
    return (
      <p className="link-proof-line link-verified-badge">
        <span aria-hidden="true">🛡 </span>
        {t(`${texts(kind)}.verified`)}
      </p>
    );
  }
  return (
    <p className="link-proof-line hint">
      {t(`${texts(kind)}.notVerified`)}
      {state === 'missing' && <> · {t(`${texts(kind)}.missing`, { name: peer.name })}</>}
    </p>
  );
}

/** In the room conversation: how many of the others are verified by link; the alarm for any that failed. */
export function LinkProofSummary({
  peerIds,
  names,
}: {
  peerIds: string[];
  names: ReadonlyMap<string, string>;
}) {
  const { t } = useTranslation();
  const { hasKey, states } = useLinkProofs();
  if (!hasKey || peerIds.length === 0) return null;
  const verified = peerIds.filter((id) => states.get(id) === 'verified').length;
  const failed = peerIds.filter((id) => states.get(id) === 'failed').map((id) => names.get(id) ?? '…');
  return (
    <>
      {failed.length > 0 && (
        <p className="security-alert" role="alert">
          {t('linkProof.failedIn', { names: failed.join(', ') })}
        </p>
      )}
      <p className="link-proof-line hint">{t('linkProof.count', { verified, count: peerIds.length })}</p>
    </>
  );
}

/** On a call tile: the warning when this person's connection could not be confirmed with the link. */
export function LinkProofTileWarning({ peerId }: { peerId: string }) {
  const { t } = useTranslation();
  const { hasKey, states, kind } = useLinkProofs();
  if (!hasKey || states.get(peerId) !== 'failed') return null;
  return <p className="tile-warning">⚠ {t(`${texts(kind)}.tileWarning`)}</p>;
}

/** Once per page: the invite link's key was damaged, the room opened without it. */
export function DamagedLinkNotice() {
  const { t } = useTranslation();
  const { damagedLink } = useLinkProofs();
  const [dismissed, setDismissed] = useState(false);
  if (!damagedLink || dismissed) return null;
  return (
    <div className="banner" role="status">
      {t('linkProof.damaged')}
      <button type="button" onClick={() => setDismissed(true)}>
        {t('linkProof.dismiss')}
      </button>
    </div>
  );
}
