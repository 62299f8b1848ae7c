import type { RoomClient } from '@kopru/client';
import type { ProtocolError } from '@kopru/protocol';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

/** Codes after which the user is asked for the room's password (or told to wait before trying again). */
export const PASSWORD_CODES: readonly string[] = ['PASSWORD_REQUIRED', 'WRONG_PASSWORD'];

/** Asks for the room's password when the server refused the join for the lack of it. */
export function PasswordPrompt({ client, error }: { client: RoomClient; error: ProtocolError }) {
  const { t } = useTranslation();
  const [password, setPassword] = useState('');
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    input.current?.focus();
  }, []);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!password) return;
    client.joinWithPassword(password);
    setPassword('');
  };
  const problem =
    error.code === 'WRONG_PASSWORD'
      ? t('password.wrong')
      : error.code === 'RATE_LIMITED'
        ? t('errors.RATE_LIMITED', { seconds: Math.ceil((error.retryAfterMs ?? 0) / 1000) })
        : undefined;
  return (
    <form className="card password-prompt" onSubmit={submit}>
      <h2>{t('password.promptTitle')}</h2>
      <label className="field">
        <span>{t('password.label')}</span>
        <input
          ref={input}
          type="password"
          autoComplete="off"
          maxLength={256}
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
        />
      </label>
      {problem && (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
      <button type="submit" className="primary" disabled={!password}>
        {t('password.join')}
      </button>
    </form>
  );
}
