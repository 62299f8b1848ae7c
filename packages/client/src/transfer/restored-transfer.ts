import type { TransferContext } from './context.js';
import { IncomingTransfer } from './incoming.js';
import { OutgoingTransfer } from './outgoing.js';
import type { TransferRecord } from './transfer-store.js';

/**
 * A saved transfer, rebuilt after a reload. A sent one that was moving waits for its files to be chosen
 * again (a page cannot keep them); a received one keeps its resume point, unless it was kept in memory.
 */
export function restoredTransfer(
  ctx: TransferContext,
  record: TransferRecord,
): OutgoingTransfer | IncomingTransfer {
  if (record.direction === 'out') {
    if (record.status === 'active' || record.status === 'paused') record.status = 'waiting-source';
    return new OutgoingTransfer(
      ctx,
      record,
      record.files.map(() => undefined),
    );
  }
  const transfer = new IncomingTransfer(ctx, record);
  transfer.handleRestored();
  return transfer;
}
