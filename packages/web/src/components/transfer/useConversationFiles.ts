import type { SourceFile } from '@kopru/client';
import { type RefObject, useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SessionFacade } from '../../hooks/useSession.js';
import { useTransferManager } from '../../hooks/useTransfers.js';
import { useFileDrop } from './useFileDrop.js';

/** Everything the conversation panel needs for files: the manager, `send`, drop/paste on `target`. */
export function useConversationFiles(
  session: SessionFacade,
  conversationId: string | undefined,
  target: RefObject<HTMLElement | null>,
) {
  const { t } = useTranslation();
  const manager = useTransferManager(session);
  const [error, setError] = useState<string>();
  const send = useCallback(
    (files: SourceFile[]) => {
      if (!manager || !conversationId) return;
      setError(undefined);
      manager
        .sendFiles(conversationId, files)
        .catch((e: unknown) => setError(t('transfer.sendFailed', { message: String(e) })));
    },
    [manager, conversationId, t],
  );
  const dropping = useFileDrop(target, manager && conversationId ? send : undefined);
  return { manager, send, dropping, error };
}
