import type { RoomClient } from '@kopru/client';
import { AppError, type RoomAccess } from '@kopru/protocol';
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

/** In the Invite dialog: the owner sets or removes the room's password; others see whether it has one. */
export function RoomPasswordForm({ client }: { client: RoomClient }) {
  const { t } = useTranslation();
  const [access, setAccess] = useState<RoomAccess>(client.access);
  const [password, setPassword] = useState('');
  const [note, setNote] = useState<string>();
  const [busy, setBusy] = useState(false);
  useEffect(() => client.on('access', setAccess), [client]);

  const apply = async (next: string | null) => {
    setBusy(true);
    try {
      await client.setRoomPassword(next);
      setPassword('');
      setNote(next === null ? t('password.removed') : t('password.saved'));
    } catch (error) {
      setNote(error instanceof AppError ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (password) void apply(password);
  };

  return (
    <section className="room-password">
      <h3>{t('password.section')}</h3>
      <p role="status">{access.passwordProtected ? t('password.protected') : t('password.open')}</p>
      {access.owner && (
        <form onSubmit={submit}>
          <p className="hint">{t('password.ownerHint')}</p>
          <label className="field">
            <span>{t('password.label')}</span>
            <input
              type="password"
              autoComplete="new-password"
              maxLength={256}
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
            />
          </label>
          <div className="row">
            <button type="submit" className="primary" disabled={busy || !password}>
              {t('password.set')}
            </button>
            {access.passwordProtected && (
              <button type="button" disabled={busy} onClick={() => void apply(null)}>
                {t('password.remove')}
              </button>
            )}
          </div>
        </form>
      )}
      {note && <p className="hint">{note}</p>}
    </section>
  );
}
