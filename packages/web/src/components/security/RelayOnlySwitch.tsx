import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { useSecurity } from '../../security/SecurityContext.js';

/** The user's relay-only switch (remembered), with a warning when the server has no relay to use. */
export function RelayOnlySwitch() {
  const { t } = useTranslation();
  const security = useSecurity();
  const hintId = useId();
  if (!security) return null;
  const { relayOnly, relayOnlyEnabled, relayAvailable } = security;
  return (
    <div className="relay-only">
      <label className="switch">
        <input
          type="checkbox"
          checked={relayOnlyEnabled}
          aria-describedby={hintId}
          onChange={(e) => relayOnly.set(e.currentTarget.checked)}
        />
        <span>{t('security.relayOnly')}</span>
      </label>
      <p id={hintId} className="hint">
        {t('security.relayOnlyHint')}
      </p>
      {relayOnlyEnabled && !relayAvailable && (
        <p className="warning" role="alert">
          {t('security.noRelay')}
        </p>
      )}
    </div>
  );
}
