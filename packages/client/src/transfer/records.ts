import type { FileOfferMessage, OfferedFile } from '@kopru/protocol';
import type { TransferRecord } from './transfer-store.js';

interface RecordBase {
  ownerKey: string;
  id: string;
  peerId: string;
  conversationId: string;
  createdAt: number;
}

/** A new transfer we offer: every file waiting at offset 0. */
export function outgoingRecord(base: RecordBase, files: readonly OfferedFile[]): TransferRecord {
  return {
    ...base,
    direction: 'out',
    status: 'offered',
    files: files.map(({ path, size, mime, headSha256 }) => ({
      path,
      size,
      mime,
      headSha256,
      state: 'waiting',
      offset: 0,
    })),
  };
}

/** A transfer offered to us: `room` offers belong to the room conversation, others to the sender's. */
export function incomingRecord(
  base: Omit<RecordBase, 'id' | 'conversationId'>,
  offer: FileOfferMessage,
): TransferRecord {
  return {
    ...base,
    id: offer.transferId,
    conversationId: offer.scope === 'room' ? 'room' : base.peerId,
    direction: 'in',
    status: 'offered',
    files: offer.files.map(({ path, size, mime, headSha256 }) => ({
      path,
      size,
      mime,
      headSha256,
      state: 'waiting',
      offset: 0,
    })),
  };
}
