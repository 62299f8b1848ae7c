import type { CallManager } from '@kopru/client';
import { useEffect, useId, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { startRing } from '../../call/ring-tone.js';
import { useCallState } from '../../hooks/useCall.js';
import { Avatar } from '../Avatar.js';
import { useModal } from '../Dialog.js';

interface IncomingCallDialogProps {
  call: CallManager | undefined;
  names: ReadonlyMap<string, string>;
}

/**
 * The ringing call: who calls, voice or video, "Accept" / "Decline", a ring tone, and a desktop
 * notification when the tab is hidden. A modal <dialog>, so focus lands on the choice.
 */
export function IncomingCallDialog({ call, names }: IncomingCallDialogProps) {
  const { t } = useTranslation();
  const state = useCallState(call);
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const incoming = state.phase === 'incoming' ? state : undefined;
  const callId = incoming?.callId;
  const caller = incoming ? (names.get(incoming.from) ?? '…') : '';

  useModal(ref, Boolean(callId));

  useEffect(() => (callId ? startRing('incoming') : undefined), [callId]);

  useEffect(() => {
    if (!callId || document.visibilityState !== 'hidden') return;
    if (!('Notification' in window) || Notification.permission !== 'granted') return;
    const notification = new Notification(t('call.notification', { name: caller }), {
      body: t(incoming?.media === 'video' ? 'call.video' : 'call.voice'),
      tag: `kopru:call:${callId}`,
      requireInteraction: true,
    });
    notification.onclick = () => {
      window.focus();
      notification.close();
    };
    return () => notification.close();
  }, [callId, caller, incoming?.media, t]);

  const others = incoming?.members.map((p) => names.get(p) ?? '…') ?? [];
  return (
    <dialog
      ref={ref}
      className="dialog call-incoming"
      aria-labelledby={titleId}
      // Escape must not answer for the user: the call keeps ringing until Accept or Decline.
      onCancel={(e) => e.preventDefault()}
    >
      {incoming && (
        <div className="dialog-body">
          <Avatar id={incoming.from} name={caller} size="large" />
          <h2 id={titleId}>{t('call.incomingTitle', { name: caller })}</h2>
          <p>{t(incoming.media === 'video' ? 'call.video' : 'call.voice')}</p>
          {others.length > 0 && (
            <p className="hint">{t('call.incomingWith', { names: others.join(', ') })}</p>
          )}
          <div className="call-incoming-actions">
            <button type="button" className="primary" onClick={() => call?.accept()}>
              {t('call.accept')}
            </button>
            <button type="button" className="danger" onClick={() => call?.decline()}>
              {t('call.decline')}
            </button>
          </div>
        </div>
      )}
    </dialog>
  );
}
