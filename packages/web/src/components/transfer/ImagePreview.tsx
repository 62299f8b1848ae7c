import type { TransferManager } from '@kopru/client';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

/** Images up to this size get a preview (decoding a huge image would stall the page). */
const PREVIEW_MAX_BYTES = 25 * 1024 * 1024;
/** Thumbnail height in CSS pixels (doubled for sharp screens). */
const PREVIEW_HEIGHT = 192;

export const canPreview = (mime: string, size: number): boolean =>
  /^image\/(png|jpeg|gif|webp|avif|bmp)$/.test(mime) && size <= PREVIEW_MAX_BYTES;

/**
 * A received image, decoded with `createImageBitmap` and drawn on a canvas: a file that only claims to be
 * an image shows nothing (no broken-image icon, no blob URL for the browser to fetch), and the sender's
 * bytes never become markup.
 */
export function ImagePreview(props: {
  manager: TransferManager;
  transferId: string;
  index: number;
  name: string;
}) {
  const { manager, transferId, index, name } = props;
  const { t } = useTranslation();
  const canvas = useRef<HTMLCanvasElement>(null);
  const [shown, setShown] = useState(false);
  useEffect(() => {
    let live = true;
    void (async () => {
      try {
        const bitmap = await createImageBitmap(await manager.file(transferId, index), {
          resizeHeight: PREVIEW_HEIGHT * 2,
          resizeQuality: 'medium',
        });
        const target = canvas.current;
        if (!live || !target) return bitmap.close();
        target.width = bitmap.width;
        target.height = bitmap.height;
        target.getContext('2d')?.drawImage(bitmap, 0, 0);
        bitmap.close();
        setShown(true);
      } catch {
        // Not a decodable image: no preview.
      }
    })();
    return () => {
      live = false;
    };
  }, [manager, transferId, index]);
  return (
    <canvas
      ref={canvas}
      className="transfer-preview"
      role="img"
      aria-label={t('transfer.preview', { name })}
      hidden={!shown}
    />
  );
}
