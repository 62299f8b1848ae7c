import { type CallManager, type CallState, isInCall, type PeerPairState } from '@kopru/client';
import { lazy, Suspense, useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { startRing } from '../../call/ring-tone.js';
import { useCallState, useHangUpOnPageHide, useMediaProblems } from '../../hooks/useCall.js';
import type { ChatToggle } from './CallControls.js';
import './call.css';

/** The stage (tiles, controls, stats) loads when the first call starts: the first screen does without. */
const CallStage = lazy(() => import('./CallStage.js').then((m) => ({ default: m.CallStage })));

interface CallPanelProps {
  call: CallManager | undefined;
  /** Everyone else in the room (id → name). */
  names: ReadonlyMap<string, string>;
  pairStates: ReadonlyMap<string, PeerPairState>;
  /** Our own peer id (the colour of our avatar). */
  selfId: string | undefined;
  chat: ChatToggle;
}

/** Names stay known after someone leaves the room (for "Bob ended the call"). */
function useRememberedNames(names: ReadonlyMap<string, string>): (peerId: string | undefined) => string {
  const known = useRef(new Map<string, string>());
  for (const [id, name] of names) known.current.set(id, name);
  return (peerId) => (peerId ? (known.current.get(peerId) ?? '…') : '…');
}

function EndedSummary({
  state,
  nameOf,
  onDismiss,
}: {
  state: CallState;
  nameOf: (id?: string) => string;
  onDismiss: () => void;
}) {
  const { t } = useTranslation();
  if (state.phase !== 'idle' || !state.ended) return null;
  return (
    <div className="call-ended" role="status">
      <p>{t(`call.ended.${state.ended.reason}`, { name: nameOf(state.ended.peerId) })}</p>
      <button type="button" onClick={onDismiss}>
        {t('call.dismiss')}
      </button>
    </div>
  );
}

/** The call region: the stage while a call runs; otherwise how the last call ended (and, on a phone, a hint). */
export function CallPanel({ call, names, pairStates, selfId, chat }: CallPanelProps) {
  const { t } = useTranslation();
  const state = useCallState(call);
  const nameOf = useRememberedNames(names);
  // Listened to here, not in the lazily loaded stage: a camera refused while the call is being answered
  // is reported before the stage has loaded.
  const media = useMediaProblems(call);
  useHangUpOnPageHide(call);
  const calling = state.phase === 'outgoing';
  useEffect(() => (calling ? startRing('outgoing') : undefined), [calling]);

  if (!call || !isInCall(state)) {
    const ended = state.phase === 'idle' && state.ended !== undefined;
    return (
      <section className={`card call placeholder ${ended ? '' : 'empty'}`} aria-label={t('call.label')}>
        <EndedSummary state={state} nameOf={nameOf} onDismiss={() => call?.dismiss()} />
        <p className="call-hint">{t('call.placeholder')}</p>
      </section>
    );
  }
  return (
    <Suspense
      fallback={<section className="card call stage" aria-label={t('call.label')} aria-busy="true" />}
    >
      <CallStage
        call={call}
        state={state}
        names={names}
        nameOf={nameOf}
        pairStates={pairStates}
        selfId={selfId ?? 'self'}
        chat={chat}
        problems={media.problems}
        onDismissProblems={media.dismiss}
      />
    </Suspense>
  );
}
