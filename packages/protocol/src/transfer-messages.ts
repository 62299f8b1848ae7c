import { z } from 'zod';

/**
 * File transfer control messages (JSON on the `control` channel) and the binary frame header used on the
 * `file` channel. The receiver drives the data: it names the file and offset to send from (`file-resume`),
 * after an accept, after a pause, after a reconnect and after a reload. See docs/protocol.md.
 */

/** 16 URL-safe characters (96 random bits); exactly 16 so that it fits the binary frame header as ASCII. */
export const TRANSFER_ID_LENGTH = 16;
export const transferIdSchema = z
  .string()
  .length(TRANSFER_ID_LENGTH)
  .regex(/^[A-Za-z0-9_-]+$/);

/**
 * Files in one offer. A bigger selection (or one whose JSON would not fit one control frame of
 * `CONTROL_FRAME_MAX_BYTES`) is split into several offers by the sender: see `OFFER_JSON_BUDGET`.
 */
export const OFFER_FILES_MAX = 256;

/** A relative path ("photos/2024/a.jpg"), as long as common file systems allow one. */
export const OFFER_PATH_MAX = 1024;

/** The sender packs files into one offer while its JSON stays under this (a control frame is 64 Ki). */
export const OFFER_JSON_BUDGET = 56 * 1024;

/** 2^53 − 1: byte offsets and sizes stay exact JavaScript numbers. */
const byteCount = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/** Lower-case hex SHA-256. */
export const sha256HexSchema = z.string().regex(/^[0-9a-f]{64}$/);

/**
 * A relative path with `/` separators: no empty, `.` or `..` segments, no leading slash, no backslash, no
 * control characters. The receiver never uses it as a path on its own disk (OPFS names are its own).
 */
export const relativePathSchema = z
  .string()
  .min(1)
  .max(OFFER_PATH_MAX)
  .refine(
    (path) =>
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused
      !/[\u0000-\u001f\u007f\\]/.test(path) &&
      path.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..'),
    'not a clean relative path',
  );

export const offeredFileSchema = z.object({
  path: relativePathSchema,
  size: byteCount,
  /** MIME type as the sender's browser reported it (may be empty); used only for previews. */
  mime: z.string().max(128),
  /** SHA-256 of the first `HEAD_HASH_BYTES` bytes: matches the same file chosen again after a sender reload. */
  headSha256: sha256HexSchema,
});
export type OfferedFile = z.infer<typeof offeredFileSchema>;

/** The first bytes hashed for `headSha256`: a few milliseconds for any file, yet tells files apart. */
export const HEAD_HASH_BYTES = 64 * 1024;

const fileIndex = z
  .number()
  .int()
  .nonnegative()
  .max(OFFER_FILES_MAX - 1);

export const fileOfferSchema = z.object({
  type: z.literal('file-offer'),
  transferId: transferIdSchema,
  /** `room`: one of the copies of a batch sent to everyone; `direct`: to this peer only. */
  scope: z.enum(['direct', 'room']),
  files: z.array(offeredFileSchema).min(1).max(OFFER_FILES_MAX),
  sentAt: byteCount,
});

export const fileAcceptSchema = z.object({ type: z.literal('file-accept'), transferId: transferIdSchema });

/** Why a receiver said no: the user, not enough storage quota, or too big for the in-memory fallback. */
export const declineReasonSchema = z.enum(['declined', 'quota', 'too-large']);
export type DeclineReason = z.infer<typeof declineReasonSchema>;

export const fileDeclineSchema = z.object({
  type: z.literal('file-decline'),
  transferId: transferIdSchema,
  reason: declineReasonSchema,
});

/** Receiver → sender: "send file `fileIndex` from `offset`, then the files after it"; all before is on disk. */
export const fileResumeSchema = z.object({
  type: z.literal('file-resume'),
  transferId: transferIdSchema,
  fileIndex,
  offset: byteCount,
});

/**
 * Receiver → sender: the batch is written and hashed up to `offset` of `fileIndex`. It is the sender's
 * credit: the sender never has more than its window (`SEND_WINDOW_BYTES`) sent past this point. Sent only
 * when the point moved (and once after each `file-resume`).
 */
export const fileProgressSchema = z.object({
  type: z.literal('file-progress'),
  transferId: transferIdSchema,
  fileIndex,
  offset: byteCount,
});

/** Sender → receiver: every byte of `fileIndex` was sent; its SHA-256 as the sender computed it. */
export const fileEndSchema = z.object({
  type: z.literal('file-end'),
  transferId: transferIdSchema,
  fileIndex,
  sha256: sha256HexSchema,
});

/** Receiver → sender: the result of comparing the hashes of `fileIndex`. */
export const fileVerifiedSchema = z.object({
  type: z.literal('file-verified'),
  transferId: transferIdSchema,
  fileIndex,
  ok: z.boolean(),
});

/**
 * Either side: pause (`paused: true`) or unpause. `source-missing`: the sender reloaded and waits for the
 * user to choose the same files again.
 */
export const filePauseSchema = z.object({
  type: z.literal('file-pause'),
  transferId: transferIdSchema,
  paused: z.boolean(),
  reason: z.enum(['user', 'source-missing']),
});

/** Either side: the transfer is over; the receiver drops partial files (finished ones stay). */
export const fileCancelSchema = z.object({ type: z.literal('file-cancel'), transferId: transferIdSchema });

/** The transfer members of the peer message union (see `peer-messages.ts`). */
export const transferMessageSchemas = [
  fileOfferSchema,
  fileAcceptSchema,
  fileDeclineSchema,
  fileResumeSchema,
  fileProgressSchema,
  fileEndSchema,
  fileVerifiedSchema,
  filePauseSchema,
  fileCancelSchema,
] as const;

export type FileOfferMessage = z.infer<typeof fileOfferSchema>;
export type TransferMessage = z.infer<(typeof transferMessageSchemas)[number]>;

const TRANSFER_TYPES: ReadonlySet<string> = new Set(transferMessageSchemas.map((s) => s.shape.type.value));

/** True for the messages the transfer layer handles. */
export const isTransferMessage = (message: { type: string }): message is TransferMessage =>
  TRANSFER_TYPES.has(message.type);

/**
 * Binary frame on the `file` channel (big-endian):
 * `[0] version (1) · [1] reserved (0) · [2..3] file index (u16) · [4..11] offset (u64) · [12..27] transfer id
 * (16 ASCII bytes) · [28..] payload`.
 */
export const FILE_FRAME_VERSION = 1;
export const FILE_FRAME_HEADER_BYTES = 28;
