import { MAX_PAIRED_DEVICES, requestPairing } from '@kopru/client';
import type { PairCreateReply } from '@kopru/protocol';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Dialog } from '../../components/Dialog.js';
import { pairedDevices } from './usePairedDevices.js';
import { meetToPair, type PairingErrorKey, pairingErrorText } from './usePairing.js';

/** The QR code's size: six digits and an origin fit in a small code, readable from a laptop screen. */
const QR_OPTIONS = { errorCorrectionLevel: 'M', margin: 2, width: 200 } as const;

/** The link a phone's camera opens from the QR code: the home screen, which claims the code itself. */
export const pairingLink = (code: string): string => `${window.location.origin}/#pair=${code}`;

type Phase =
  | { kind: 'asking' }
  | { kind: 'waiting'; offer: PairCreateReply; expiresAt: number; qr: string | undefined }
  | { kind: 'expired' }
  | { kind: 'paired'; name: string }
  | { kind: 'failed'; error: { key: PairingErrorKey; values?: Record<string, unknown> } };

/**
 * "Pair a device": a 6-digit code and its QR code, valid for two minutes and one use, while this browser
 * waits in the code's meeting for the other device (docs/protocol.md#pairing).
 */
export function PairDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Dialog open={open} title={t('devices.dialogTitle')} closeLabel={t('devices.close')} onClose={onClose}>
      {open && <PairOffer />}
    </Dialog>
  );
}

function PairOffer() {
  const { t } = useTranslation();
  const [phase, setPhase] = useState<Phase>({ kind: 'asking' });
  const [attempt, setAttempt] = useState(0);
  const now = useSecondClock(phase.kind === 'waiting');

  useEffect(() => {
    void attempt;
    const controller = new AbortController();
    const { signal } = controller;
    setPhase({ kind: 'asking' });
    (async () => {
      const offer = await requestPairing('pair:create', {});
      if (signal.aborted) return;
      const expiresAt = Date.now() + offer.expiresInMs;
      setPhase({ kind: 'waiting', offer, expiresAt, qr: undefined });
      import('qrcode')
        .then(({ default: QRCode }) => QRCode.toDataURL(pairingLink(offer.code), QR_OPTIONS))
        .then(
          (qr) => !signal.aborted && setPhase((p) => (p.kind === 'waiting' ? { ...p, qr } : p)),
          () => {},
        );
      const expiry = window.setTimeout(() => controller.abort(new Error('expired')), offer.expiresInMs);
      signal.addEventListener('abort', () => window.clearTimeout(expiry), { once: true });
      const device = await meetToPair(offer.rendezvous, undefined, signal);
      if (!(await pairedDevices.add(device)))
        throw new Error(t('devices.tooMany', { max: MAX_PAIRED_DEVICES }));
      setPhase({ kind: 'paired', name: device.label });
    })().catch((error: unknown) => {
      if (signal.reason instanceof Error && signal.reason.message === 'expired')
        setPhase({ kind: 'expired' });
      else if (!signal.aborted) setPhase({ kind: 'failed', error: pairingErrorText(error) });
    });
    return () => controller.abort(new Error('closed'));
  }, [attempt, t]);

  if (phase.kind === 'asking') return <p aria-busy="true">{t('devices.pairing')}</p>;
  if (phase.kind === 'paired') return <p role="status">{t('devices.paired', { name: phase.name })}</p>;
  if (phase.kind === 'expired' || phase.kind === 'failed') {
    return (
      <>
        <p role="alert">
          {phase.kind === 'expired' ? t('devices.expired') : t(phase.error.key, phase.error.values)}
        </p>
        <button type="button" className="primary" onClick={() => setAttempt((n) => n + 1)}>
          {t('devices.newCode')}
        </button>
      </>
    );
  }
  const left = Math.max(0, Math.ceil((phase.expiresAt - now) / 1000));
  const time = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`;
  return (
    <>
      <p>{t('devices.dialogIntro')}</p>
      <p className="pairing-code">
        <output className="mono" aria-label={t('devices.codeLabel')}>
          {phase.offer.code}
        </output>
      </p>
      <p className="hint">{t('devices.codeValid', { time })}</p>
      {phase.qr && <img className="qr" src={phase.qr} alt={t('devices.qrAlt')} width={200} height={200} />}
    </>
  );
}

/** The time, once a second while `running` (for the code's countdown). */
function useSecondClock(running: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!running) return;
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, [running]);
  return now;
}
