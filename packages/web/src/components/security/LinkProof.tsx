import type { PeerInfo } from '@kopru/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLinkProofs } from '../../security/LinkProofContext.js';

/** For a person in the list: verified by invite link, not confirmed (a failed proof), or not verified. */
export function LinkProofBadge({ peerId }: { peerId: string }) {
  const { t } = useTranslation();
  const { hasKey, states } = useLinkProofs();
  const state = states.get(peerId);
  if (!hasKey || !state) return null;
  if (state === 'verified') {
    return (
      <span className="link-verified-badge">
        <span aria-hidden="true">🛡 </span>
        {t('linkProof.verified')}
      </span>
    );
  }
  if (state === 'failed')
    return <span className="changed-badge link-failed-badge">⚠ {t('linkProof.notConfirmed')}</span>;
  return <span className="link-unverified-badge">{t('linkProof.notVerified')}</span>;
}

/** In a conversation with one person: the proof's outcome, the alarm when it failed. */
export function LinkProofNotice({ peer }: { peer: PeerInfo }) {
  const { t } = useTranslation();
  const { hasKey, states } = useLinkProofs();
  const state = states.get(peer.peerId);
  if (!hasKey || !state) return null;
  if (state === 'failed') {
    return (
      <p className="security-alert" role="alert">
        {t('linkProof.failed')}
      </p>
    );
  }
  if (state === 'verified') {
    return (
      <p className="link-proof-line link-verified-badge">
        <span aria-hidden="true">🛡 </span>
        {t('linkProof.verified')}
      </p>
    );
  }
  return (
    <p className="link-proof-line hint">
      {t('linkProof.notVerified')}
      {state === 'missing' && <> · {t('linkProof.missing', { name: peer.name })}</>}
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
  const { hasKey, states } = useLinkProofs();
  if (!hasKey || states.get(peerId) !== 'failed') return null;
  return <p className="tile-warning">⚠ {t('linkProof.tileWarning')}</p>;
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
