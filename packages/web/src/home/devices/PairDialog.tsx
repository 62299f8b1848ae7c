import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Dialog } from '../../components/Dialog.js';
import type { PairingFlow } from './pairing-flow.js';
import { usePairingState } from './usePairedDevices.js';

/** The QR code's size: six digits and an origin fit in a small code, readable from a laptop screen. */
const QR_OPTIONS = { errorCorrectionLevel: 'M', margin: 2, width: 200 } as const;

/** The link a phone's camera opens from the QR code: the home screen, which claims the code itself. */
export const pairingLink = (code: string): string => `${window.location.origin}/#pair=${code}`;

/**
 * "Pair a device": a 6-digit code and its QR code, valid for two minutes and one use, while this browser
 * waits in the code's meeting for the other device (docs/protocol.md#pairing).
 */
export function PairDialog({ flow }: { flow: PairingFlow }) {
  const { t } = useTranslation();
  const phase = usePairingState(flow).offer;
  const code = phase?.kind === 'waiting' ? phase.offer.code : undefined;
  const qr = useQrCode(code);
  const now = useSecondClock(phase?.kind === 'waiting');
  let body: React.ReactNode;
  if (!phase || phase.kind === 'asking') body = <p aria-busy="true">{t('devices.pairing')}</p>;
  else if (phase.kind === 'paired') body = <p role="status">{t('devices.paired', { name: phase.name })}</p>;
  else if (phase.kind === 'expired' || phase.kind === 'failed') {
    body = (
      <>
        <p role="alert">
          {phase.kind === 'expired' ? t('devices.expired') : t(phase.error.key, phase.error.values)}
        </p>
        <button type="button" className="primary" onClick={() => flow.offer()}>
          {t('devices.newCode')}
        </button>
      </>
    );
  } else {
    const left = Math.max(0, Math.ceil((phase.expiresAt - now) / 1000));
    const time = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`;
    body = (
      <>
        <p>{t('devices.dialogIntro')}</p>
        <p className="pairing-code">
          <output className="mono" aria-label={t('devices.codeLabel')}>
            {phase.offer.code}
          </output>
        </p>
        <p className="hint">{t('devices.codeValid', { time })}</p>
        {qr && <img className="qr" src={qr} alt={t('devices.qrAlt')} width={200} height={200} />}
      </>
    );
  }
  return (
    <Dialog
      open={phase !== undefined}
      title={t('devices.dialogTitle')}
      closeLabel={t('devices.close')}
      onClose={() => flow.closeOffer()}
    >
      {body}
    </Dialog>
  );
}

/** The QR code of the pairing link, drawn when a code is shown (the encoder loads then). */
function useQrCode(code: string | undefined): string | undefined {
  const [qr, setQr] = useState<string>();
  useEffect(() => {
    setQr(undefined);
    if (!code) return;
    let cancelled = false;
    import('qrcode')
      .then(({ default: QRCode }) => QRCode.toDataURL(pairingLink(code), QR_OPTIONS))
      .then(
        (dataUrl) => !cancelled && setQr(dataUrl),
        () => {},
      );
    return () => {
      cancelled = true;
    };
  }, [code]);
  return qr;
}

/** The time, once a second while `running` (for the code's countdown). */
function useSecondClock(running: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!running) return;
    setNow(Date.now());
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, [running]);
  return now;
}
