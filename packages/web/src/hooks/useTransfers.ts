import type { TransferManager, TransferView } from '@kopru/client';
import { useEffect, useState, useSyncExternalStore } from 'react';
import type { SessionFacade } from './useSession.js';

/**
 * The UI's one reading of the transfer engine: the manager, the transfer lists, and what a status means
 * to the page (running, finished). Components ask these instead of reading `status` themselves, so a
 * change of the view model is answered here.
 */

/** The session's transfer manager (rebuilt with the mesh when the server gives us a new peer id). */
export function useTransferManager(session: SessionFacade): TransferManager | undefined {
  return useSyncExternalStore(
    (notify) => session.on('ready', notify),
    () => session.transferManager,
  );
}

/** Nothing more will happen to it (it can only be dismissed). */
export const isFinished = (t: TransferView): boolean =>
  t.status === 'complete' || t.status === 'declined' || t.status === 'cancelled' || t.status === 'failed';

/** Accepted and not finished: moving, paused, or waiting for the sender to choose the files again. */
export const isUnderWay = (t: TransferView): boolean =>
  t.status === 'active' || t.status === 'paused' || t.status === 'waiting-source';

/** Bytes are (or should be) moving right now: what keeps the screen awake and asks before leaving. */
export const isRunning = (t: TransferView): boolean => t.status === 'active';

/** Offers waiting for this side's answer. */
export const isIncomingOffer = (t: TransferView): boolean => t.direction === 'in' && t.status === 'offered';

/** 0–100, for the compact bar. */
export const percentDone = (t: TransferView): number =>
  t.totalBytes > 0 ? Math.floor((100 * t.doneBytes) / t.totalBytes) : 0;

const NONE: readonly TransferView[] = [];

/**
 * Transfers re-rendered on every change (progress at most 4×/s): of one conversation (oldest first), or
 * with `conversationId` undefined, of all of them that pass `filter`.
 */
export function useTransfers(
  manager: TransferManager | undefined,
  conversationId: string | undefined,
  filter?: (t: TransferView) => boolean,
): readonly TransferView[] {
  const [transfers, setTransfers] = useState<readonly TransferView[]>(NONE);
  useEffect(() => {
    if (!manager || conversationId === '') {
      setTransfers(NONE);
      return;
    }
    const filtered = (list: TransferView[]) => (filter ? list.filter(filter) : list);
    const refresh = () => setTransfers(filtered(manager.list(conversationId)));
    refresh();
    const mine = (id: string) => conversationId === undefined || id === conversationId;
    const offs = [
      // Only the transfer that changed is replaced: the others keep their views (and their cards, which
      // are memoized, do not re-render), so a conversation with a few large folders stays cheap.
      manager.on('updated', ({ transfer }) => {
        if (!mine(transfer.conversationId)) return;
        setTransfers((current) => {
          const index = current.findIndex((t) => t.id === transfer.id);
          const passes = !filter || filter(transfer);
          if (index < 0 && !passes) return current; // not listed, and still not wanted
          // New here, or no longer wanted: the list itself changes.
          if (index < 0 || !passes) return filtered(manager.list(conversationId));
          const next = [...current];
          next[index] = transfer;
          return next;
        });
      }),
      manager.on('removed', (e) => {
        if (mine(e.conversationId)) refresh();
      }),
    ];
    return () => {
      for (const off of offs) off();
    };
  }, [manager, conversationId, filter]);
  return transfers;
}
