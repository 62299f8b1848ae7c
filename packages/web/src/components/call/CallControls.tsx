import type { CallManager, LocalMediaState } from '@kopru/client';
import { useTranslation } from 'react-i18next';
import { DeviceMenu } from './DeviceMenu.js';

interface CallControlsProps {
  call: CallManager;
  local: LocalMediaState;
  speakerId: string;
  onSpeaker: (deviceId: string) => void;
}

const canShareScreen = () => typeof navigator.mediaDevices?.getDisplayMedia === 'function';

/** The call's toolbar; every change is a `replaceTrack` on the existing transceivers. */
export function CallControls({ call, local, speakerId, onSpeaker }: CallControlsProps) {
  const { t } = useTranslation();
  const sharing = local.screen !== undefined;
  return (
    <div className="call-controls" role="toolbar" aria-label={t('call.controls')}>
      <button type="button" onClick={() => void call.setMicrophoneMuted(!local.microphoneMuted)}>
        {t(local.microphoneMuted ? 'call.unmute' : 'call.mute')}
      </button>
      <button type="button" onClick={() => void call.setCameraOn(!local.cameraOn)}>
        {t(local.cameraOn ? 'call.cameraOff' : 'call.cameraOn')}
      </button>
      <button type="button" disabled={!local.cameraOn} onClick={() => void call.switchCamera()}>
        {t('call.switchCamera')}
      </button>
      {canShareScreen() && (
        <button
          type="button"
          onClick={() => (sharing ? call.stopScreenShare() : void call.startScreenShare())}
        >
          {t(sharing ? 'call.stopSharing' : 'call.shareScreen')}
        </button>
      )}
      <DeviceMenu
        call={call}
        microphoneId={local.microphoneId ?? local.microphone?.getSettings().deviceId}
        cameraId={local.cameraId ?? local.camera?.getSettings().deviceId}
        speakerId={speakerId}
        onSpeaker={onSpeaker}
      />
      <button type="button" className="danger" onClick={() => call.hangup()}>
        {t('call.hangUp')}
      </button>
    </div>
  );
}
