import { useTranslation } from 'react-i18next';
import { useSecurity } from '../../security/SecurityContext.js';

/** For a person in the list: how the connection goes (direct / relayed) and whether they are verified. */
export function PeerSecurityBadge({ peerId }: { peerId: string }) {
  const { t } = useTranslation();
  const security = useSecurity();
  const route = security?.infos.get(peerId)?.route;
  const status = security?.statusOf(peerId);
  return (
    <>
      {route && <span className={`route route-${route}`}>{t(`security.route.${route}`)}</span>}
      {status === 'verified' && <span className="verified-badge">✓ {t('security.verifiedBadge')}</span>}
      {status === 'changed' && <span className="changed-badge">⚠ {t('security.changedBadge')}</span>}
    </>
  );
}

/** ` · direct` / ` · relayed` after a status line; nothing until the connection is up. */
export function RouteSuffix({ peerId }: { peerId: string }) {
  const { t } = useTranslation();
  const route = useSecurity()?.infos.get(peerId)?.route;
  return route ? (
    <span className={`route-suffix route-${route}`}> · {t(`security.route.${route}`)}</span>
  ) : null;
}
