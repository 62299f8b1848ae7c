import { FILE_FRAME_HEADER_BYTES, OFFER_FILES_MAX } from '@kopru/protocol';
import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame } from '../../src/transfer/wire.js';

const transferId = 'AbCdEfGh12345_-x';

describe('file frames', () => {
  it.each([0, 1, 65_535, 2 ** 32 - 1, 2 ** 32, 2 ** 40 + 7, Number.MAX_SAFE_INTEGER])(
    'round-trips offset %d',
    (offset) => {
      const payload = new Uint8Array([1, 2, 3, 250]);
      const buffer = encodeFrame({ transferId, fileIndex: 7, offset }, payload);
      const decoded = decodeFrame(buffer);
      expect(decoded).toMatchObject({
        ok: true,
        frame: { transferId, fileIndex: 7, offset, payloadBytes: 4 },
      });
      expect(new Uint8Array(buffer, FILE_FRAME_HEADER_BYTES)).toEqual(payload);
    },
  );

  it('lays the header out as documented (big-endian, 28 bytes)', () => {
    const buffer = encodeFrame({ transferId, fileIndex: 0x0102, offset: 2 ** 32 + 5 }, new Uint8Array(1));
    const bytes = new Uint8Array(buffer);
    expect(buffer.byteLength).toBe(FILE_FRAME_HEADER_BYTES + 1);
    expect([...bytes.subarray(0, 12)]).toEqual([1, 0, 1, 2, 0, 0, 0, 1, 0, 0, 0, 5]);
    expect(new TextDecoder().decode(bytes.subarray(12, 28))).toBe(transferId);
  });

  const valid = () => encodeFrame({ transferId, fileIndex: 0, offset: 0 }, new Uint8Array(8));
  const mutate = (at: number, value: number) => {
    const buffer = valid();
    new DataView(buffer).setUint8(at, value);
    return buffer;
  };

  it.each<[string, unknown, string]>([
    ['text', 'hello', 'not-binary'],
    ['a typed array view (not the buffer)', new Uint8Array(40), 'not-binary'],
    ['a short buffer', new ArrayBuffer(FILE_FRAME_HEADER_BYTES - 1), 'too-short'],
    ['another version', mutate(0, 2), 'bad-version'],
    ['a reserved byte set', mutate(1, 1), 'bad-version'],
    [
      'an index past the offer limit',
      (() => {
        const b = valid();
        new DataView(b).setUint16(2, OFFER_FILES_MAX);
        return b;
      })(),
      'bad-index',
    ],
    ['an offset past 2^53', mutate(4, 0xff), 'bad-offset'],
    ['a transfer id with a slash', mutate(12, 47), 'bad-transfer-id'],
  ])('refuses %s', (_label, data, error) => {
    expect(decodeFrame(data)).toEqual({ ok: false, error });
  });

  it('accepts a header-only frame (its emptiness is judged by placeFrame)', () => {
    const buffer = encodeFrame({ transferId, fileIndex: 0, offset: 0 }, new Uint8Array(0));
    expect(decodeFrame(buffer)).toMatchObject({ ok: true, frame: { payloadBytes: 0 } });
  });
});
