import type { ConnectionStatus, RoomClient } from '@kopru/client';
import { displayNameSchema } from '@kopru/protocol';
import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { THEMES, type Theme, useTheme } from '../hooks/useTheme.js';
import { Avatar } from './Avatar.js';
import { RelayOnlySwitch } from './security/RelayOnlySwitch.js';

interface SelfCardProps {
  client: RoomClient;
  name: string;
  /** Our peer id once joined (the avatar's colour, as others see it). */
  selfId: string | undefined;
  status: ConnectionStatus;
}

/** The user's own name (editable, remembered), the connection status, relay-only mode and the theme. */
export function SelfCard({ client, name, selfId, status }: SelfCardProps) {
  const { t } = useTranslation();
  const [theme, setTheme] = useTheme();
  const [draft, setDraft] = useState(name);
  const [invalid, setInvalid] = useState(false);
  const hintId = useId();
  useEffect(() => setDraft(name), [name]);

  const commit = () => {
    const parsed = displayNameSchema.safeParse(draft);
    if (!parsed.success) {
      setInvalid(true);
      return;
    }
    setInvalid(false);
    if (parsed.data !== name) void client.rename(parsed.data).catch(() => setInvalid(true));
  };

  return (
    <section className="card self-card">
      <div className="row spread">
        <Avatar id={selfId ?? name} name={name} />
        <span className={`connection connection-${status}`} role="status">
          {t(`connection.${status}`)}
        </span>
      </div>
      <label className="field">
        <span>{t('self.nameLabel')}</span>
        <input
          value={draft}
          maxLength={32}
          aria-invalid={invalid}
          aria-describedby={hintId}
          onChange={(e) => setDraft(e.currentTarget.value)}
          onBlur={commit}
          onKeyDown={(e) => {
            if (e.key === 'Enter') commit();
            if (e.key === 'Escape') setDraft(name);
          }}
        />
      </label>
      <p id={hintId} className="hint">
        {invalid ? (
          t('errors.nameInvalid')
        ) : (
          <>
            {t('self.seenAs')} <strong className="mono">{name}</strong>
          </>
        )}
      </p>
      <RelayOnlySwitch />
      <label className="field theme-field">
        <span>{t('theme.label')}</span>
        <select value={theme} onChange={(e) => setTheme(e.currentTarget.value as Theme)}>
          {THEMES.map((option) => (
            <option key={option} value={option}>
              {t(`theme.${option}`)}
            </option>
          ))}
        </select>
      </label>
    </section>
  );
}
