import type { TransferManager } from '@kopru/client';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

/** Images up to this size get a preview (decoding a huge image would stall the page). */
const PREVIEW_MAX_BYTES = 25 * 1024 * 1024;

export const canPreview = (mime: string, size: number): boolean =>
  /^image\/(png|jpeg|gif|webp|avif|bmp)$/.test(mime) && size <= PREVIEW_MAX_BYTES;

/** A received image, shown from its stored file (a `blob:` URL, allowed by the CSP's img-src). */
export function ImagePreview(props: {
  manager: TransferManager;
  transferId: string;
  index: number;
  name: string;
}) {
  const { manager, transferId, index, name } = props;
  const { t } = useTranslation();
  const [url, setUrl] = useState<string>();
  useEffect(() => {
    let objectUrl: string | undefined;
    let live = true;
    manager.file(transferId, index).then(
      (file) => {
        if (!live) return;
        objectUrl = URL.createObjectURL(file);
        setUrl(objectUrl);
      },
      () => undefined,
    );
    return () => {
      live = false;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [manager, transferId, index]);
  return url ? <img className="transfer-preview" src={url} alt={t('transfer.preview', { name })} /> : null;
}
