import type { PeerInfo } from '@kopru/protocol';
import { useTranslation } from 'react-i18next';
import { useSecurity } from '../../security/SecurityContext.js';

/**
 * The conversation header's security details: the route, the safety number with "Mark as verified", and a
 * loud warning (outside the collapsed details) when a verified person's key changed.
 */
export function SecurityDetails({ peer }: { peer: PeerInfo }) {
  const { t } = useTranslation();
  const security = useSecurity();
  if (!security) return null;
  const info = security.infos.get(peer.peerId);
  const status = security.statusOf(peer.peerId);
  const remote = info?.remoteFingerprint;
  const name = peer.name;
  return (
    <>
      {status === 'changed' && (
        <p className="security-alert" role="alert">
          {t('security.changed', { name })}
        </p>
      )}
      <details className="security-details">
        <summary>{t('security.details')}</summary>
        <dl>
          <dt>{t('security.connection')}</dt>
          <dd>{info?.route ? t(`security.route.${info.route}`) : t('security.notConnected')}</dd>
          <dt>{t('security.safetyNumber')}</dt>
          <dd>
            {info?.safetyNumber ? (
              <output className="safety-number mono" aria-label={t('security.safetyNumber')}>
                {info.safetyNumber}
              </output>
            ) : (
              t('security.noSafetyNumber')
            )}
          </dd>
        </dl>
        <p className="hint">{t('security.compare', { name })}</p>
        {status === 'verified' ? (
          <p className="row">
            <span className="verified-badge">✓ {t('security.verified')}</span>
            <button type="button" onClick={() => security.verified.forget(peer.peerId, remote)}>
              {t('security.unverify')}
            </button>
          </p>
        ) : (
          <button
            type="button"
            disabled={!remote || !info?.safetyNumber}
            onClick={() => remote && security.verified.markVerified(peer.peerId, name, remote)}
          >
            {t('security.markVerified')}
          </button>
        )}
      </details>
    </>
  );
}
