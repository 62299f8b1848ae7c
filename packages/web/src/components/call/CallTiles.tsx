import {
  type CallManager,
  connectionQuality,
  type LocalMediaState,
  outgoingVideo,
  type Participant,
} from '@kopru/client';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { SPEAKING_LEVEL, useLocalAudioLevel } from '../../call/audio-level.js';
import { useCallStats, useRemoteTracks, useTrackStream } from '../../hooks/useCall.js';
import { Avatar } from '../Avatar.js';
import { LinkProofTileWarning } from '../security/LinkProof.js';

/** Plays a track in a <video> or <audio> element, and routes audio to the chosen speaker. */
function useMediaElement<T extends HTMLMediaElement>(stream: MediaStream | null, sinkId?: string) {
  const ref = useRef<T>(null);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    if (element.srcObject !== stream) element.srcObject = stream;
    if (stream) void element.play().catch(() => {});
  }, [stream]);
  useEffect(() => {
    const element = ref.current as (T & { setSinkId?: (id: string) => Promise<void> }) | null;
    if (element?.setSinkId && sinkId !== undefined) void element.setSinkId(sinkId).catch(() => {});
  }, [sinkId]);
  return ref;
}

interface TileFrameProps {
  /** The avatar's colour. */
  id: string;
  name: string;
  focused: boolean;
  /** Absent: the tile has no Focus button (our own preview while it is the inset). */
  onFocus?: (() => void) | undefined;
  className?: string | undefined;
  style?: React.CSSProperties | undefined;
  video: React.RefObject<HTMLVideoElement | null>;
  showVideo: boolean;
  mirrored: boolean;
  microphoneOn: boolean;
  speaking: boolean;
  status?: string | undefined;
  /** Top-right, over the video (quality mark, stats, move). */
  extra?: React.ReactNode;
}

function TileFrame(props: TileFrameProps) {
  const { t } = useTranslation();
  const { name, focused, showVideo } = props;
  const canPip = focused && showVideo && document.pictureInPictureEnabled;
  const pip = () => {
    const video = props.video.current;
    if (!video) return;
    if (document.pictureInPictureElement === video) void document.exitPictureInPicture();
    else void video.requestPictureInPicture().catch(() => {});
  };
  return (
    <figure
      aria-label={name}
      className={`tile ${focused ? 'focused' : ''} ${props.speaking ? 'speaking' : ''} ${props.className ?? ''}`}
      style={props.style}
    >
      <video
        ref={props.video}
        className={`${props.mirrored ? 'mirrored' : ''} ${showVideo ? '' : 'hidden'}`}
        autoPlay
        playsInline
        muted
      />
      {!showVideo && <Avatar id={props.id} name={name} size="large" />}
      <figcaption>
        <span className="tile-name">{name}</span>
        {!props.microphoneOn && <span className="tile-flag">{t('call.microphoneIsOff')}</span>}
        {props.speaking && <span className="tile-flag speaking-flag">{t('call.speaking')}</span>}
        {props.status && <span className="tile-flag status-flag">{props.status}</span>}
      </figcaption>
      <div className="tile-actions">
        {props.onFocus && (
          <button
            type="button"
            aria-pressed={focused}
            aria-label={t('call.focus', { name })}
            onClick={props.onFocus}
          >
            {t('call.focusShort')}
          </button>
        )}
        {canPip && (
          <button type="button" onClick={pip}>
            {t('call.pip')}
          </button>
        )}
        {props.extra}
      </div>
    </figure>
  );
}

interface LocalTileProps {
  id: string;
  local: LocalMediaState;
  focused: boolean;
  onFocus?: (() => void) | undefined;
  className?: string | undefined;
  style?: React.CSSProperties | undefined;
  extra?: React.ReactNode;
}

/** Our own preview: mirrored for the camera (as in a mirror), not for the shared screen. */
export function LocalTile({ id, local, focused, onFocus, className, style, extra }: LocalTileProps) {
  const { t } = useTranslation();
  // What we share, while we share it (the others see our camera beside it); else the camera.
  const track = local.screen ?? outgoingVideo(local);
  const video = useMediaElement<HTMLVideoElement>(useTrackStream(track));
  const microphoneOn = !local.microphoneMuted && local.microphone !== undefined;
  const level = useLocalAudioLevel(local.microphone, microphoneOn);
  return (
    <TileFrame
      id={id}
      name={t('call.you')}
      focused={focused}
      onFocus={onFocus}
      className={className}
      style={style}
      extra={extra}
      video={video}
      showVideo={track !== null}
      mirrored={track !== null && local.screen === undefined}
      microphoneOn={microphoneOn}
      speaking={level > SPEAKING_LEVEL}
      status={local.screen ? t('call.sharing') : undefined}
    />
  );
}

interface RemoteTileProps {
  call: CallManager;
  participant: Participant;
  name: string;
  level: number;
  reconnecting: boolean;
  focused: boolean;
  onFocus: () => void;
  speakerId: string;
  onStats: () => void;
  className?: string | undefined;
  style?: React.CSSProperties | undefined;
}

export function RemoteTile(props: RemoteTileProps) {
  const { t } = useTranslation();
  const { participant, name } = props;
  const tracks = useRemoteTracks(props.call, participant.peerId);
  const video = useMediaElement<HTMLVideoElement>(useTrackStream(tracks.video));
  const audio = useMediaElement<HTMLAudioElement>(useTrackStream(tracks.audio), props.speakerId);
  // A peer with one video sender (an older version) shares its screen in its camera's place.
  const screenOnCamera = participant.screen && tracks.screen === undefined;
  const showVideo = (participant.camera || screenOnCamera) && tracks.video !== undefined;
  return (
    <TileFrame
      id={participant.peerId}
      name={name}
      focused={props.focused}
      onFocus={props.onFocus}
      className={props.className}
      style={props.style}
      video={video}
      showVideo={showVideo}
      mirrored={false}
      microphoneOn={participant.microphone}
      speaking={participant.microphone && props.level > SPEAKING_LEVEL}
      status={
        props.reconnecting ? t('call.reconnecting') : participant.screen ? t('call.sharing') : undefined
      }
      extra={
        <>
          {/* biome-ignore lint/a11y/useMediaCaption: live call audio has no captions to offer */}
          <audio ref={audio} autoPlay />
          <LinkProofTileWarning peerId={participant.peerId} />
          <QualityMark call={props.call} peerId={participant.peerId} />
          <button type="button" aria-label={t('call.statsFor', { name })} onClick={props.onStats}>
            {t('call.statsShort')}
          </button>
        </>
      }
    />
  );
}

interface ScreenTileProps {
  call: CallManager;
  peerId: string;
  name: string;
  focused: boolean;
  onFocus: () => void;
  className?: string | undefined;
  style?: React.CSSProperties | undefined;
}

/** A participant's shared screen, a tile of its own: their camera stays on theirs (in the filmstrip). */
export function ScreenTile(props: ScreenTileProps) {
  const { t } = useTranslation();
  const tracks = useRemoteTracks(props.call, props.peerId);
  const video = useMediaElement<HTMLVideoElement>(useTrackStream(tracks.screen));
  return (
    <TileFrame
      id={props.peerId}
      name={t('call.screenOf', { name: props.name })}
      focused={props.focused}
      onFocus={props.onFocus}
      className={`screen-tile ${props.className ?? ''}`}
      style={props.style}
      video={video}
      showVideo={tracks.screen !== undefined}
      mirrored={false}
      microphoneOn
      speaking={false}
    />
  );
}

/**
 * Good / fair / poor from the peer's latest getStats sample (loss, jitter, round trip: see
 * `connectionQuality`), as three bars; the figures show on hover and on keyboard focus.
 */
function QualityMark({ call, peerId }: { call: CallManager; peerId: string }) {
  const { t } = useTranslation();
  const latest = useCallStats(call, peerId)?.latest;
  const quality = connectionQuality(latest);
  if (!quality || !latest) return null;
  const dash = t('call.stats.unknown');
  const figures = t('call.quality.figures', {
    loss: latest.lossPercent === undefined ? dash : `${latest.lossPercent.toFixed(1)} %`,
    jitter: latest.jitterMs === undefined ? dash : `${latest.jitterMs} ms`,
    rtt: latest.rttMs === undefined ? dash : `${latest.rttMs} ms`,
  });
  const label = `${t(`call.quality.${quality}`)}: ${figures}`;
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: focusable so keyboard users can read the figures
    <span className={`quality quality-${quality}`} tabIndex={0} role="img" aria-label={label}>
      <span className="quality-bars" aria-hidden="true">
        <i />
        <i />
        <i />
      </span>
      <span className="quality-figures" aria-hidden="true">
        {label}
      </span>
    </span>
  );
}

/** Someone we invited whose phone is still ringing. */
export function RingingTile({ id, name, style }: { id: string; name: string; style?: React.CSSProperties }) {
  const { t } = useTranslation();
  return (
    <figure aria-label={name} className="tile ringing" style={style}>
      <Avatar id={id} name={name} size="large" />
      <figcaption>
        <span className="tile-name">{name}</span>
        <span className="tile-flag">{t('call.ringing')}</span>
      </figcaption>
    </figure>
  );
}
