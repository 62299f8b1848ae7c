import type { CallManager, InCallState, MediaProblem, Participant, PeerPairState } from '@kopru/client';
import { type CSSProperties, lazy, type PointerEvent, Suspense, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SPEAKING_LEVEL } from '../../call/audio-level.js';
import { useAudioLevels, useLocalMedia, useScreenTracks } from '../../hooks/useCall.js';
import { CallControls, type ChatToggle } from './CallControls.js';
import { LocalTile, RemoteTile, RingingTile, ScreenTile } from './CallTiles.js';
import { Icon } from './icons.js';
import { gridLayout } from './stage-layout.js';
import './stage.css';

/** The stats panel and its charts load when someone first asks for them. */
const StatsPanel = lazy(() => import('./StatsPanel.js').then((m) => ({ default: m.StatsPanel })));

export interface CallStageProps {
  call: CallManager;
  state: InCallState;
  names: ReadonlyMap<string, string>;
  nameOf: (peerId: string | undefined) => string;
  pairStates: ReadonlyMap<string, PeerPairState>;
  selfId: string;
  chat: ChatToggle;
  /** Device problems of this call (followed by CallPanel, which is there before the stage loads). */
  problems: readonly MediaProblem[];
  onDismissProblems: () => void;
}

type View = 'grid' | 'speaker';
const SELF = 'self';
/** The key of a participant's screen tile (peer ids are base64url: no colon). */
const screenKey = (peerId: string) => `${peerId}:screen`;
/** The corners the self-view inset snaps to, clockwise from the bottom right (where it starts). */
const CORNERS = ['bottom-right', 'bottom-left', 'top-left', 'top-right'] as const;
type Corner = (typeof CORNERS)[number];
const GAP = 8;

/** The size of an element, followed as it changes (the stage's free space). */
function useSize(ref: React.RefObject<HTMLElement | null>): { width: number; height: number } {
  const [size, setSize] = useState({ width: 0, height: 0 });
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setSize({ width: entry.contentRect.width, height: entry.contentRect.height });
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
  return size;
}

/** Who talks: the loudest remote voice above the speaking level, kept until someone else speaks. */
function useActiveSpeaker(levels: ReadonlyMap<string, number>): string | undefined {
  const [speaker, setSpeaker] = useState<string>();
  let loudest: string | undefined;
  let level = SPEAKING_LEVEL;
  for (const [peerId, value] of levels) {
    if (value > level) {
      loudest = peerId;
      level = value;
    }
  }
  if (loudest && loudest !== speaker) setSpeaker(loudest);
  return speaker;
}

/** The browser's full screen for one element (the stage), and whether it is in it now. */
function useFullScreen(ref: React.RefObject<HTMLElement | null>): [boolean, (() => void) | undefined] {
  const [on, setOn] = useState(false);
  useEffect(() => {
    const update = () =>
      setOn(document.fullscreenElement !== null && document.fullscreenElement === ref.current);
    document.addEventListener('fullscreenchange', update);
    return () => document.removeEventListener('fullscreenchange', update);
  }, [ref]);
  if (!document.fullscreenEnabled) return [false, undefined];
  const toggle = () => {
    if (document.fullscreenElement) void document.exitFullscreen();
    else void ref.current?.requestFullscreen().catch(() => {});
  };
  return [on, toggle];
}

/**
 * The self-view inset: starts bottom right, dragged with a pointer it snaps to the nearest corner, and
 * "Move your preview" walks it round the corners from the keyboard.
 */
function useInset() {
  const [corner, setCorner] = useState<Corner>('bottom-right');
  const [drag, setDrag] = useState<{ x: number; y: number; dx: number; dy: number }>();
  const onPointerDown = (event: PointerEvent<HTMLElement>) => {
    if ((event.target as HTMLElement).closest('button')) return;
    event.currentTarget.setPointerCapture(event.pointerId);
    setDrag({ x: event.clientX, y: event.clientY, dx: 0, dy: 0 });
  };
  const onPointerMove = (event: PointerEvent<HTMLElement>) => {
    if (drag) setDrag({ ...drag, dx: event.clientX - drag.x, dy: event.clientY - drag.y });
  };
  const onPointerUp = (event: PointerEvent<HTMLElement>) => {
    if (!drag) return;
    const stage = event.currentTarget.parentElement?.getBoundingClientRect();
    if (stage) {
      const right = event.clientX > stage.left + stage.width / 2;
      const bottom = event.clientY > stage.top + stage.height / 2;
      setCorner(`${bottom ? 'bottom' : 'top'}-${right ? 'right' : 'left'}` as Corner);
    }
    setDrag(undefined);
  };
  const next = () => setCorner((c) => CORNERS[(CORNERS.indexOf(c) + 1) % CORNERS.length] ?? 'bottom-right');
  const style: CSSProperties | undefined = drag
    ? { transform: `translate(${drag.dx}px, ${drag.dy}px)`, transition: 'none' }
    : undefined;
  return {
    corner,
    style,
    next,
    handlers: { onPointerDown, onPointerMove, onPointerUp, onPointerCancel: onPointerUp },
  };
}

/**
 * The call as the stage: the others' video as large as the space allows (grid of equal 16:9 tiles, or the
 * active speaker large over a filmstrip; a screen share goes large by itself), our own preview as a
 * movable inset in a 1:1 call, and the control bar at the bottom.
 */
export function CallStage(props: CallStageProps) {
  const { call, state, names, nameOf, pairStates, selfId, chat, problems } = props;
  const { t } = useTranslation();
  const local = useLocalMedia(call);
  const levels = useAudioLevels(call);
  const [view, setView] = useState<View>('grid');
  const [pinned, setPinned] = useState<string>();
  const [statsFor, setStatsFor] = useState<string>();
  const [speakerId, setSpeakerId] = useState('');
  const stageRef = useRef<HTMLElement>(null);
  const mainRef = useRef<HTMLDivElement>(null);
  const size = useSize(mainRef);
  const [fullScreen, toggleFullScreen] = useFullScreen(stageRef);
  const inset = useInset();
  const activeSpeaker = useActiveSpeaker(levels);

  const participants = [...state.participants.values()];
  const ringing = [...state.ringing];
  const withScreenTrack = useScreenTracks(
    call,
    participants.map((p) => p.peerId),
  );
  // Those sharing, whose screen has a tile of its own (their camera stays on theirs, in the filmstrip).
  const screens = participants.filter((p) => p.screen && withScreenTrack.has(p.peerId));
  const sharerId = participants.find((p) => p.screen)?.peerId;
  const sharer = sharerId && withScreenTrack.has(sharerId) ? screenKey(sharerId) : sharerId;
  // A screen share starting takes the stage by itself (the viewer can go back to the grid).
  useEffect(() => {
    if (sharer) setView('speaker');
  }, [sharer]);

  const reconnecting = participants.filter((p) => {
    const link = pairStates.get(p.peerId);
    return p.away || link === 'reconnecting' || link === 'failed' || link === 'unreachable';
  });
  const calling = state.phase === 'outgoing';
  const everyone = [...participants.map((p) => p.peerId), ...ringing].map((p) => nameOf(p)).join(', ');
  const notice = state.notice;
  const oneToOne = participants.length + ringing.length + screens.length <= 1;
  const togglePin = (id: string) => {
    setPinned((p) => (p === id ? undefined : id));
    if (pinned !== id) setView('speaker');
  };

  // Which tile is large in speaker view: the pinned one, else the screen share, else who speaks.
  const ids = [...participants.map((p) => p.peerId), ...screens.map((p) => screenKey(p.peerId)), ...ringing];
  const main =
    (pinned && (ids.includes(pinned) || pinned === SELF) ? pinned : undefined) ??
    sharer ??
    (activeSpeaker && ids.includes(activeSpeaker) ? activeSpeaker : undefined) ??
    ids[0];
  const speakerLayout = view === 'speaker' && !oneToOne;
  const tileCount = participants.length + screens.length + ringing.length + (oneToOne ? 0 : 1);
  const grid = gridLayout(tileCount, size.width, size.height, GAP);
  const gridTile: CSSProperties = { width: grid.width, height: grid.height };
  const tileStyle = (): CSSProperties | undefined =>
    speakerLayout ? undefined : oneToOne ? { width: size.width, height: size.height } : gridTile;
  const tileClass = (id: string) => (speakerLayout ? (id === main ? 'main-tile' : 'strip-tile') : undefined);

  const remoteTile = (p: Participant) => (
    <RemoteTile
      key={p.peerId}
      call={call}
      participant={p}
      name={nameOf(p.peerId)}
      level={levels.get(p.peerId) ?? 0}
      reconnecting={reconnecting.includes(p)}
      focused={pinned === p.peerId}
      onFocus={() => togglePin(p.peerId)}
      speakerId={speakerId}
      onStats={() => setStatsFor((s) => (s === p.peerId ? undefined : p.peerId))}
      className={tileClass(p.peerId)}
      style={tileStyle()}
    />
  );
  const selfTile = oneToOne ? (
    <div key={SELF} className={`inset inset-${inset.corner}`} style={inset.style} {...inset.handlers}>
      <LocalTile
        id={selfId}
        local={local}
        focused={false}
        extra={
          <button
            type="button"
            className="icon-only"
            aria-label={t('call.moveSelfView')}
            onClick={inset.next}
          >
            <Icon name="move" />
          </button>
        }
      />
    </div>
  ) : (
    <LocalTile
      key={SELF}
      id={selfId}
      local={local}
      focused={pinned === SELF}
      onFocus={() => togglePin(SELF)}
      className={tileClass(SELF)}
      style={tileStyle()}
    />
  );
  const screenTile = (p: Participant) => {
    const key = screenKey(p.peerId);
    return (
      <ScreenTile
        key={key}
        call={call}
        peerId={p.peerId}
        name={nameOf(p.peerId)}
        focused={pinned === key}
        onFocus={() => togglePin(key)}
        className={tileClass(key)}
        style={tileStyle()}
      />
    );
  };
  const tiles = [
    ...screens.map(screenTile),
    ...participants.map(remoteTile),
    ...ringing.map((p) => <RingingTile key={p} id={p} name={nameOf(p)} style={tileStyle()} />),
  ];

  return (
    <section
      ref={stageRef}
      className={`card call stage ${speakerLayout ? 'speaker-layout' : 'grid-layout'}`}
      aria-label={t('call.label')}
    >
      <header className="call-header">
        <div>
          <h2>{t(calling ? 'call.calling' : 'call.inCallWith', { names: everyone })}</h2>
          <p className="call-status" role="status">
            {reconnecting.length > 0
              ? t('call.reconnecting')
              : notice
                ? t(`call.notice.${notice.kind}`, { name: nameOf(notice.peerId) })
                : ''}
          </p>
        </div>
        {!oneToOne && (
          // biome-ignore lint/a11y/useSemanticElements: a group of two toggle buttons, not a form field set
          <div className="view-switch" role="group" aria-label={t('call.layout')}>
            <button type="button" aria-pressed={view === 'grid'} onClick={() => setView('grid')}>
              <Icon name="grid" />
              <span>{t('call.gridView')}</span>
            </button>
            <button type="button" aria-pressed={view === 'speaker'} onClick={() => setView('speaker')}>
              <Icon name="speaker" />
              <span>{t('call.speakerView')}</span>
            </button>
          </div>
        )}
      </header>
      {/* The stats panel opens beside the video, never over a tile's buttons. */}
      <div className="stage-body">
        <div className="stage-main" ref={mainRef}>
          {speakerLayout ? (
            <>
              <div className="stage-focus">
                {main === SELF ? selfTile : tiles.find((tile) => tile.key === main)}
              </div>
              <div className="filmstrip">
                {main !== SELF && selfTile}
                {tiles.filter((tile) => tile.key !== main)}
              </div>
            </>
          ) : (
            <div
              className="stage-grid"
              style={{ gridTemplateColumns: oneToOne ? '1fr' : `repeat(${grid.columns}, ${grid.width}px)` }}
            >
              {tiles}
              {!oneToOne && selfTile}
            </div>
          )}
          {oneToOne && selfTile}
        </div>
        {statsFor && state.participants.has(statsFor) && (
          <Suspense fallback={null}>
            <StatsPanel
              call={call}
              peerId={statsFor}
              name={nameOf(statsFor)}
              onClose={() => setStatsFor(undefined)}
            />
          </Suspense>
        )}
      </div>
      {problems.length > 0 && (
        <div className="call-problems" role="alert">
          {problems.map((p) => (
            <p key={p.source}>{t(`call.problems.${p.code}`, { source: t(`call.sources.${p.source}`) })}</p>
          ))}
          <button type="button" onClick={props.onDismissProblems}>
            {t('call.dismiss')}
          </button>
        </div>
      )}
      <CallControls
        call={call}
        state={state}
        local={local}
        names={names}
        speakerId={speakerId}
        onSpeaker={setSpeakerId}
        chat={chat}
        fullScreen={fullScreen}
        onFullScreen={toggleFullScreen}
      />
    </section>
  );
}
