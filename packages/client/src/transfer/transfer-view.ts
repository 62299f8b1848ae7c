import { secondsLeft } from './rate-meter.js';
import type { TransferRecord } from './transfer-store.js';
import type { TransferView } from './types.js';

export interface ViewInputs {
  /** Bytes of each file as this side knows them. */
  bytes: (fileIndex: number) => number;
  sourceAttached: (fileIndex: number) => boolean;
  linkUp: boolean;
  /** Current rate; shown only while the transfer is active and the link is up. */
  bytesPerSecond: number;
  storage?: 'disk' | 'memory';
}

/** The UI snapshot of a transfer, from its record and what only the live side knows. */
export function transferView(record: TransferRecord, inputs: ViewInputs): TransferView {
  const files = record.files.map((f, i) => ({
    path: f.path,
    size: f.size,
    mime: f.mime,
    bytes: Math.min(f.size, inputs.bytes(i)),
    state: f.state,
    sourceAttached: inputs.sourceAttached(i),
  }));
  const totalBytes = files.reduce((sum, f) => sum + f.size, 0);
  const doneBytes = files.reduce((sum, f) => sum + f.bytes, 0);
  const rate = record.status === 'active' && inputs.linkUp ? inputs.bytesPerSecond : 0;
  return {
    id: record.id,
    direction: record.direction,
    peerId: record.peerId,
    conversationId: record.conversationId,
    createdAt: record.createdAt,
    files,
    totalBytes,
    doneBytes,
    status: record.status,
    ...(record.pausedBy ? { pausedBy: record.pausedBy } : {}),
    ...(record.problem ? { problem: record.problem } : {}),
    linkUp: inputs.linkUp,
    bytesPerSecond: rate,
    secondsLeft: secondsLeft(totalBytes - doneBytes, rate),
    ...(inputs.storage ? { storage: inputs.storage } : {}),
  };
}
