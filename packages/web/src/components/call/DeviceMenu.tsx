import type { CallManager, DeviceLists } from '@kopru/client';
import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Icon } from './icons.js';
import { usePopover } from './usePopover.js';

interface DeviceMenuProps {
  call: CallManager;
  microphoneId: string | undefined;
  cameraId: string | undefined;
  speakerId: string;
  onSpeaker: (deviceId: string) => void;
}

const EMPTY: DeviceLists = { microphones: [], cameras: [], speakers: [] };

/** `setSinkId` picks the speaker per media element; Chromium has it, Firefox behind a pref, Safari not. */
export const canChooseSpeaker = () =>
  typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;

/** "Devices": microphone, camera and speaker, each switched live (no renegotiation). */
export function DeviceMenu({ call, microphoneId, cameraId, speakerId, onSpeaker }: DeviceMenuProps) {
  const { t } = useTranslation();
  const button = useRef<HTMLButtonElement>(null);
  const [open, setOpen] = usePopover(button);
  const [devices, setDevices] = useState<DeviceLists>(EMPTY);
  const panelId = useId();

  useEffect(() => {
    if (!open) return;
    let live = true;
    const refresh = () => void call.listDevices().then((d) => live && setDevices(d));
    refresh();
    navigator.mediaDevices?.addEventListener('devicechange', refresh);
    return () => {
      live = false;
      navigator.mediaDevices?.removeEventListener('devicechange', refresh);
    };
  }, [call, open]);

  const select = (
    label: string,
    list: MediaDeviceInfo[],
    current: string | undefined,
    onChange: (id: string) => void,
  ) => (
    <label className="device-select">
      <span>{label}</span>
      <select value={current ?? ''} onChange={(e) => onChange(e.currentTarget.value)}>
        {current === undefined && <option value="">{t('call.defaultDevice')}</option>}
        {list.map((d, i) => (
          <option key={d.deviceId || i} value={d.deviceId}>
            {d.label || `${label} ${i + 1}`}
          </option>
        ))}
      </select>
    </label>
  );

  return (
    <div className="device-menu popover-anchor">
      <button
        ref={button}
        type="button"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen(!open)}
      >
        <Icon name="devices" />
        <span>{t('call.devices')}</span>
      </button>
      {open && (
        <div id={panelId} className="device-panel popover">
          {select(
            t('call.microphone'),
            devices.microphones,
            microphoneId,
            (id) => void call.selectMicrophone(id),
          )}
          {select(t('call.camera'), devices.cameras, cameraId, (id) => void call.selectCamera(id))}
          {canChooseSpeaker() &&
            select(t('call.speaker'), devices.speakers, speakerId || undefined, onSpeaker)}
        </div>
      )}
    </div>
  );
}
