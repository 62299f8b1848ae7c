import { MAX_PAIRED_DEVICES } from '@kopru/client';
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Icon } from '../../components/call/icons.js';
import { PairDialog } from './PairDialog.js';
import type { DeviceSpace } from './useDeviceSpaces.js';
import { pairedDevices, pairingFlow, usePairingState } from './usePairedDevices.js';

/**
 * How long "Unpair" waits for the other device to confirm (by leaving the rendezvous, having
 * forgotten the pair) before forgetting it here anyway: one DataChannel message and a socket.io leave.
 */
const FORGET_CONFIRM_MS = 3_000;

interface YourDevicesProps {
  devices: readonly DeviceSpace[];
  /** The device whose conversation the page shows, if any. */
  selected: string | undefined;
  onSelect: (device: DeviceSpace) => void;
  /** A code from a scanned QR link (`/#pair=123456`): claimed once, at once. */
  scannedCode: string | undefined;
  /** Another tab of this browser is connected to the paired devices (see `useDevicesHere`). */
  elsewhere: boolean;
}

/** "Your devices": the paired ones (online or not, verified by the pair key), pairing, renaming, forgetting. */
export function YourDevices({ devices, selected, onSelect, scannedCode, elsewhere }: YourDevicesProps) {
  const { t } = useTranslation();
  return (
    <section className="card devices-card" aria-labelledby="your-devices">
      <h2 id="your-devices">{t('home.yourDevices')}</h2>
      {elsewhere ? (
        <p className="hint">{t('devices.elsewhere')}</p>
      ) : devices.length === 0 ? (
        <p className="hint">{t('devices.none')}</p>
      ) : (
        <ul className="people device-list" aria-label={t('devices.list')}>
          {devices.map((device) => (
            <DeviceRow
              key={device.device.rendezvous}
              device={device}
              selected={device.device.rendezvous === selected}
              onSelect={() => onSelect(device)}
            />
          ))}
        </ul>
      )}
      <button
        type="button"
        className="primary"
        onClick={() => pairingFlow.offer()}
        disabled={devices.length >= MAX_PAIRED_DEVICES}
      >
        {t('devices.pair')}
      </button>
      <ClaimForm scannedCode={scannedCode} />
      <PairDialog flow={pairingFlow} />
    </section>
  );
}

function DeviceRow({
  device,
  selected,
  onSelect,
}: {
  device: DeviceSpace;
  selected: boolean;
  onSelect: () => void;
}) {
  const { t } = useTranslation();
  const { peerId, proofs, space } = device;
  const name = device.device.label;
  const [renaming, setRenaming] = useState(false);
  const [forgetting, setForgetting] = useState(false);
  const proof = peerId ? proofs.states.get(peerId) : undefined;
  const unread = peerId ? (space.unread.counts.get(peerId) ?? 0) : 0;
  const state = !peerId
    ? t('devices.offline')
    : `${t('devices.online')} · ${
        proof === 'verified'
          ? t('devices.verified')
          : proof === 'failed'
            ? t('devices.notConfirmed')
            : t('devices.checking')
      }`;

  const forget = async () => {
    setForgetting(true);
    const { session, client } = space;
    if (peerId && session.peerMesh?.send(peerId, { type: 'pair-forget', v: 1 })) {
      await new Promise<void>((resolve) => {
        const timer = window.setTimeout(done, FORGET_CONFIRM_MS);
        const off = client.on('peer-left', done);
        function done() {
          window.clearTimeout(timer);
          off();
          resolve();
        }
      });
    }
    await pairedDevices.remove(device.device.rendezvous);
  };

  return (
    <li className={`person ${selected ? 'selected' : ''}`}>
      <button
        type="button"
        className="person-button"
        aria-current={selected ? 'true' : undefined}
        disabled={!peerId}
        onClick={onSelect}
      >
        <span className="device-icon" aria-hidden="true">
          <Icon name="paired" />
        </span>
        <span className="person-text">
          <span className="person-name">{name}</span>
          <span className={`person-status ${proof === 'verified' ? 'link-verified-badge' : ''}`}>
            {proof === 'verified' && <span aria-hidden="true">🛡 </span>}
            {state}
          </span>
        </span>
        {unread > 0 && <span className="badge">+{unread}</span>}
      </button>
      {renaming ? (
        <RenameForm device={device} onDone={() => setRenaming(false)} />
      ) : (
        <div className="row device-actions">
          <button
            type="button"
            aria-label={t('devices.renameNamed', { name })}
            onClick={() => setRenaming(true)}
          >
            {t('devices.rename')}
          </button>
          <button
            type="button"
            aria-label={t('devices.forgetNamed', { name })}
            disabled={forgetting}
            onClick={() => void forget()}
          >
            {t('devices.forget')}
          </button>
        </div>
      )}
    </li>
  );
}

function RenameForm({ device, onDone }: { device: DeviceSpace; onDone: () => void }) {
  const { t } = useTranslation();
  const name = device.device.label;
  const [label, setLabel] = useState(name);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const trimmed = label.trim();
    if (trimmed) await pairedDevices.rename(device.device.rendezvous, trimmed.slice(0, 32));
    onDone();
  };
  return (
    <form className="row" onSubmit={(e) => void submit(e)}>
      <label className="field">
        <span>{t('devices.renameLabel', { name })}</span>
        <input value={label} maxLength={32} onChange={(e) => setLabel(e.currentTarget.value)} />
      </label>
      <button type="submit">{t('devices.save')}</button>
      <button type="button" onClick={onDone}>
        {t('devices.cancel')}
      </button>
    </form>
  );
}

/** "Pairing code" + "Pair": the other side of "Pair a device". */
function ClaimForm({ scannedCode }: { scannedCode: string | undefined }) {
  const { t } = useTranslation();
  const inputId = useId();
  const phase = usePairingState(pairingFlow).claim;
  const [code, setCode] = useState(scannedCode ?? '');
  // A scanned QR link pairs without a click: that is what scanning it asked for.
  const scanned = useRef(false);
  useEffect(() => {
    if (!scannedCode || scanned.current) return;
    scanned.current = true;
    pairingFlow.claim(scannedCode);
  }, [scannedCode]);

  return (
    <form
      className="pair-form"
      onSubmit={(event) => {
        event.preventDefault();
        pairingFlow.claim(code.trim());
      }}
    >
      <label className="field" htmlFor={inputId}>
        <span>{t('devices.codeLabel')}</span>
      </label>
      <div className="row">
        <input
          id={inputId}
          value={code}
          inputMode="numeric"
          autoComplete="one-time-code"
          maxLength={6}
          onChange={(e) => setCode(e.currentTarget.value.replace(/\s/g, ''))}
        />
        <button type="submit" disabled={phase.kind === 'pairing'}>
          {phase.kind === 'pairing' ? t('devices.pairing') : t('devices.claim')}
        </button>
      </div>
      {phase.kind === 'paired' && <p role="status">{t('devices.paired', { name: phase.name })}</p>}
      {phase.kind === 'failed' && (
        <p className="warning" role="alert">
          {t(phase.error.key, phase.error.values)}
        </p>
      )}
    </form>
  );
}
