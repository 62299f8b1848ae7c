import { type CallManager, type CallState, isInCall, type PeerPairState } from '@kopru/client';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { startRing } from '../../call/ring-tone.js';
import {
  useAudioLevels,
  useCallState,
  useHangUpOnPageHide,
  useLocalMedia,
  useMediaProblems,
} from '../../hooks/useCall.js';
import { AddPeople } from './AddPeople.js';
import { CallControls } from './CallControls.js';
import { LocalTile, RemoteTile, RingingTile } from './CallTiles.js';
import { StatsPanel } from './StatsPanel.js';
import './call.css';

interface CallPanelProps {
  call: CallManager | undefined;
  /** Everyone else in the room (id → name). */
  names: ReadonlyMap<string, string>;
  pairStates: ReadonlyMap<string, PeerPairState>;
}

const SELF = 'self';

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

/** The third column: tiles, controls, stats, and how the last call ended. */
export function CallPanel({ call, names, pairStates }: CallPanelProps) {
  const { t } = useTranslation();
  const state = useCallState(call);
  const local = useLocalMedia(call);
  const levels = useAudioLevels(call);
  const { problems, dismiss } = useMediaProblems(call);
  const nameOf = useRememberedNames(names);
  const [focused, setFocused] = useState<string>();
  const [statsFor, setStatsFor] = useState<string>();
  const [speakerId, setSpeakerId] = useState('');
  useHangUpOnPageHide(call);
  const calling = state.phase === 'outgoing';
  useEffect(() => (calling ? startRing('outgoing') : undefined), [calling]);

  if (!call || !isInCall(state)) {
    return (
      <section className="card call placeholder" aria-label={t('call.label')}>
        <EndedSummary state={state} nameOf={nameOf} onDismiss={() => call?.dismiss()} />
        <p>{t('call.placeholder')}</p>
      </section>
    );
  }

  const participants = [...state.participants.values()];
  const reconnecting = participants.filter((p) => {
    const link = pairStates.get(p.peerId);
    return p.away || link === 'reconnecting' || link === 'failed' || link === 'unreachable';
  });
  const everyone = [...participants.map((p) => p.peerId), ...state.ringing].map((p) => nameOf(p)).join(', ');
  const toggleFocus = (id: string) => setFocused((f) => (f === id ? undefined : id));
  const notice = state.notice;

  return (
    <section className={`card call ${focused ? 'has-focus' : ''}`} aria-label={t('call.label')}>
      <header className="call-header">
        <h2>{t(calling ? 'call.calling' : 'call.inCallWith', { names: everyone })}</h2>
        <p className="call-status" role="status">
          {reconnecting.length > 0
            ? t('call.reconnecting')
            : notice
              ? t(`call.notice.${notice.kind}`, { name: nameOf(notice.peerId) })
              : ''}
        </p>
      </header>
      <div className="tiles">
        <LocalTile local={local} focused={focused === SELF} onFocus={() => toggleFocus(SELF)} />
        {participants.map((p) => (
          <RemoteTile
            key={p.peerId}
            call={call}
            participant={p}
            name={nameOf(p.peerId)}
            level={levels.get(p.peerId) ?? 0}
            reconnecting={reconnecting.includes(p)}
            focused={focused === p.peerId}
            onFocus={() => toggleFocus(p.peerId)}
            speakerId={speakerId}
            onStats={() => setStatsFor((s) => (s === p.peerId ? undefined : p.peerId))}
          />
        ))}
        {[...state.ringing].map((p) => (
          <RingingTile key={p} name={nameOf(p)} />
        ))}
      </div>
      {problems.length > 0 && (
        <div className="call-problems" role="alert">
          {problems.map((p) => (
            <p key={p.source}>{t(`call.problems.${p.code}`, { source: t(`call.sources.${p.source}`) })}</p>
          ))}
          <button type="button" onClick={dismiss}>
            {t('call.dismiss')}
          </button>
        </div>
      )}
      <CallControls call={call} local={local} speakerId={speakerId} onSpeaker={setSpeakerId} />
      <AddPeople call={call} state={state} names={names} />
      {statsFor && state.participants.has(statsFor) && (
        <StatsPanel
          call={call}
          peerId={statsFor}
          name={nameOf(statsFor)}
          onClose={() => setStatsFor(undefined)}
        />
      )}
    </section>
  );
}
