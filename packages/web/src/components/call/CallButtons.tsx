import { CallError, isInCall, ROOM_CONVERSATION_ID } from '@kopru/client';
import type { CallMedia } from '@kopru/protocol';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useCallManager, useCallState } from '../../hooks/useCall.js';
import type { SessionFacade } from '../../hooks/useSession.js';

interface CallButtonsProps {
  session: SessionFacade;
  conversationId: string;
  /** Everyone else in the room (id → name): the room conversation calls them all. */
  names: ReadonlyMap<string, string>;
}

/** "Voice call" / "Video call" in a conversation's header; "Add to call" while a call runs. */
export function CallButtons({ session, conversationId, names }: CallButtonsProps) {
  const { t } = useTranslation();
  const call = useCallManager(session);
  const state = useCallState(call);
  const [error, setError] = useState<string>();
  if (!call) return null;
  const max = call.maxCallParticipants;
  const peers = conversationId === ROOM_CONVERSATION_ID ? [...names.keys()] : [conversationId];
  const tooMany = peers.length + 1 > max;

  const run = (action: () => void) => {
    try {
      action();
      setError(undefined);
    } catch (e) {
      setError(e instanceof CallError ? t(`call.errors.${e.code}`, { max }) : String(e));
    }
  };
  const start = (media: CallMedia) =>
    run(() => {
      call.start(peers, media);
      // A gesture is the moment to ask: incoming calls then ring on the desktop while the tab is hidden.
      if ('Notification' in window && Notification.permission === 'default')
        void Notification.requestPermission();
    });

  let buttons: ReactNode;
  if (isInCall(state)) {
    const missing = peers.filter((p) => !state.participants.has(p) && !state.ringing.has(p));
    buttons =
      missing.length > 0 ? (
        <button type="button" onClick={() => run(() => call.invite(missing))}>
          {t('call.addToCall')}
        </button>
      ) : null;
  } else {
    const disabled = state.phase === 'incoming' || peers.length === 0 || tooMany;
    buttons = (
      <>
        <button type="button" disabled={disabled} onClick={() => start('audio')}>
          {t('call.voice')}
        </button>
        <button type="button" disabled={disabled} onClick={() => start('video')}>
          {t('call.video')}
        </button>
      </>
    );
  }
  return (
    <div className="call-buttons">
      {buttons}
      {tooMany && !isInCall(state) && (
        <p className="hint">{t('call.tooManyForEveryone', { max, count: peers.length + 1 })}</p>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
