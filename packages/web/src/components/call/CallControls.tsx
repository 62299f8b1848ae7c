import type { CallManager, InCallState, LocalMediaState } from '@kopru/client';
import { useTranslation } from 'react-i18next';
import { AddPeople } from './AddPeople.js';
import { DeviceMenu } from './DeviceMenu.js';
import { Icon } from './icons.js';

export interface ChatToggle {
  /** The conversation is on screen beside (or instead of) the stage. */
  open: boolean;
  unread: number;
  toggle: () => void;
}

interface CallControlsProps {
  call: CallManager;
  state: InCallState;
  local: LocalMediaState;
  names: ReadonlyMap<string, string>;
  speakerId: string;
  onSpeaker: (deviceId: string) => void;
  chat: ChatToggle;
  fullScreen: boolean;
  onFullScreen: (() => void) | undefined;
}

const canShareScreen = () => typeof navigator.mediaDevices?.getDisplayMedia === 'function';

/**
 * The bar at the bottom of the stage: icon and words on every button (readable over video on its own dark
 * backing), in the Tab order. Every media change is a `replaceTrack` on the existing transceivers.
 */
export function CallControls(props: CallControlsProps) {
  const { call, state, local, names, chat } = props;
  const { t } = useTranslation();
  const sharing = local.screen !== undefined;
  return (
    <div className="call-controls" role="toolbar" aria-label={t('call.controls')}>
      <button
        type="button"
        className={local.microphoneMuted ? 'off' : ''}
        onClick={() => void call.setMicrophoneMuted(!local.microphoneMuted)}
      >
        <Icon name={local.microphoneMuted ? 'micOff' : 'mic'} />
        <span>{t(local.microphoneMuted ? 'call.unmute' : 'call.mute')}</span>
      </button>
      <button
        type="button"
        className={local.cameraOn ? '' : 'off'}
        onClick={() => void call.setCameraOn(!local.cameraOn)}
      >
        <Icon name={local.cameraOn ? 'camera' : 'cameraOff'} />
        <span>{t(local.cameraOn ? 'call.cameraOff' : 'call.cameraOn')}</span>
      </button>
      <button type="button" disabled={!local.cameraOn} onClick={() => void call.switchCamera()}>
        <Icon name="switchCamera" />
        <span>{t('call.switchCamera')}</span>
      </button>
      {canShareScreen() && (
        <button
          type="button"
          className={sharing ? 'on' : ''}
          onClick={() => (sharing ? call.stopScreenShare() : void call.startScreenShare())}
        >
          <Icon name="screen" />
          <span>{t(sharing ? 'call.stopSharing' : 'call.shareScreen')}</span>
        </button>
      )}
      <DeviceMenu
        call={call}
        microphoneId={local.microphoneId ?? local.microphone?.getSettings().deviceId}
        cameraId={local.cameraId ?? local.camera?.getSettings().deviceId}
        speakerId={props.speakerId}
        onSpeaker={props.onSpeaker}
      />
      <AddPeople call={call} state={state} names={names} />
      <button
        type="button"
        className={chat.open ? 'on' : ''}
        aria-pressed={chat.open}
        // "Chat", or "Chat, 2 unread": the count is part of the name, not a bare number read out after it.
        aria-label={
          chat.unread > 0 ? `${t('call.chat')}, ${t('call.unread', { count: chat.unread })}` : t('call.chat')
        }
        onClick={chat.toggle}
      >
        <Icon name="chat" />
        <span>{t('call.chat')}</span>
        {chat.unread > 0 && (
          <span className="badge" aria-hidden="true">
            {chat.unread}
          </span>
        )}
      </button>
      {props.onFullScreen && (
        <button type="button" className="wide-only" onClick={props.onFullScreen}>
          <Icon name={props.fullScreen ? 'exitFullScreen' : 'fullScreen'} />
          <span>{t(props.fullScreen ? 'call.exitFullScreen' : 'call.fullScreen')}</span>
        </button>
      )}
      <button type="button" className="danger" onClick={() => call.hangup()}>
        <Icon name="hangUp" />
        <span>{t('call.hangUp')}</span>
      </button>
    </div>
  );
}
