import type { TransferManager, TransferView } from '@kopru/client';
import { useEffect, useState, useSyncExternalStore } from 'react';
import type { SessionFacade } from './useSession.js';

/** The session's transfer manager (rebuilt with the mesh when the server gives us a new peer id). */
export function useTransferManager(session: SessionFacade): TransferManager | undefined {
  return useSyncExternalStore(
    (notify) => session.on('ready', notify),
    () => session.transferManager,
  );
}

const NONE: readonly TransferView[] = [];

/** Transfers of one conversation, oldest first, re-rendered on every change (progress at most 4×/s). */
export function useTransfers(
  manager: TransferManager | undefined,
  conversationId: string,
): readonly TransferView[] {
  const [transfers, setTransfers] = useState<readonly TransferView[]>(NONE);
  useEffect(() => {
    if (!manager || !conversationId) {
      setTransfers(NONE);
      return;
    }
    const refresh = () => setTransfers(manager.list(conversationId));
    refresh();
    const offs = [
      // Only the transfer that changed is replaced: the others keep their views (and their cards, which
      // are memoized, do not re-render), so a conversation with a few large folders stays cheap.
      manager.on('updated', ({ transfer }) => {
        if (transfer.conversationId !== conversationId) return;
        setTransfers((current) => {
          const index = current.findIndex((t) => t.id === transfer.id);
          if (index < 0) return manager.list(conversationId);
          const next = [...current];
          next[index] = transfer;
          return next;
        });
      }),
      manager.on('removed', (e) => {
        if (e.conversationId === conversationId) refresh();
      }),
    ];
    return () => {
      for (const off of offs) off();
    };
  }, [manager, conversationId]);
  return transfers;
}
