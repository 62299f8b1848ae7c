import type { RoomClient } from '@kopru/client';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Dialog } from './Dialog.js';
import { RoomPasswordForm } from './security/RoomPasswordForm.js';

interface InviteDialogProps {
  open: boolean;
  url: string;
  onClose: () => void;
  /** For the room password section (the owner sets it; everyone sees whether there is one). */
  client?: RoomClient;
  /** We came without the room's invite-link key: the link has none to pass on (say so). */
  withoutKey?: boolean;
}

/** Medium error correction keeps the code small enough to scan from a laptop screen at arm's length. */
const QR_OPTIONS = { errorCorrectionLevel: 'M', margin: 2, width: 240 } as const;

export function InviteDialog({ open, url, onClose, client, withoutKey }: InviteDialogProps) {
  const { t } = useTranslation();
  const [qr, setQr] = useState<string>();
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!open) return;
    let cancelled = false;
    // The QR encoder loads when Invite is first opened: the first screen does not need it.
    import('qrcode')
      .then(({ default: QRCode }) => QRCode.toDataURL(url, QR_OPTIONS))
      .then(
        (dataUrl) => !cancelled && setQr(dataUrl),
        () => !cancelled && setQr(undefined),
      );
    return () => {
      cancelled = true;
    };
  }, [open, url]);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(url);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };
  const canShare = typeof navigator.share === 'function';

  return (
    <Dialog open={open} title={t('invite.title')} closeLabel={t('invite.close')} onClose={onClose}>
      <p>{t('invite.intro')}</p>
      <label className="field">
        <span>{t('invite.linkLabel')}</span>
        <input readOnly value={url} onFocus={(e) => e.currentTarget.select()} />
      </label>
      {withoutKey && <p className="hint">{t('linkProof.noKey')}</p>}
      <div className="row">
        <button type="button" onClick={copy}>
          {copied ? t('invite.copied') : t('invite.copy')}
        </button>
        {canShare && (
          <button type="button" onClick={() => navigator.share({ title: 'Köprü', url }).catch(() => {})}>
            {t('invite.share')}
          </button>
        )}
      </div>
      {qr && <img className="qr" src={qr} alt={t('invite.qrAlt')} width={240} height={240} />}
      {client && <RoomPasswordForm client={client} />}
    </Dialog>
  );
}
