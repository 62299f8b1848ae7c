/**
 * Tuning of the file engine. Every number is from /work/shared/MEASURED.md (two headless Chromium
 * processes through a loopback server, 2 cores) or from `npm run bench:transfer` (docs/benchmarks.md).
 */

/**
 * Preferred payload per frame. MEASURED.md: between two browser processes 64 KiB chunks with a 1 MiB
 * high-water mark gave the best DataChannel rate (37 MB/s); 16 KiB was worst. Larger messages (up to
 * Chromium's 256 KiB `maxMessageSize`) did not carry more there, and they make the receiver's progress
 * and pause coarser. The frame header is added on top, so the payload is capped below the message limit.
 */
export const PREFERRED_CHUNK_BYTES = 64 * 1024;

/**
 * RFC 8841 §6: without an `a=max-message-size` attribute a peer must assume 64 KiB. Used until the SCTP
 * transport reports its own limit.
 */
export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024;

/**
 * Bytes queued in the channel before the sender waits. MEASURED.md: 1 MiB was the best high-water mark
 * with 64 KiB chunks; 16 MiB (Chromium closes a channel whose queue passes 16 MiB) was among the worst,
 * because a deep queue only adds latency to pause and cancel.
 */
export const HIGH_WATER_BYTES = 1024 * 1024;

/**
 * `bufferedAmountLowThreshold`: the sender wakes when the queue drains to half the high-water mark, so
 * half a megabyte (~14 ms at 37 MB/s) is still queued while the next frames are read: the link never idles.
 */
export const LOW_WATER_BYTES = HIGH_WATER_BYTES / 2;

/**
 * While waiting for `bufferedamountlow` the sender also re-checks `bufferedAmount` this often: a safety
 * net should the event be missed (it fires only on a crossing), never the normal path.
 */
export const PACER_POLL_MS = 250;

/**
 * The sender reads its file in blocks of this size and cuts frames from them. One read per 2 MiB keeps
 * Blob reads off the hot path (a read per 64 KiB chunk costs a promise round trip each); one block is
 * read ahead, so at most two blocks (4 MiB) are held per file being sent.
 */
export const READ_BLOCK_BYTES = 2 * 1024 * 1024;

/**
 * The receiver flushes its file, saves the hash state and its offset (IndexedDB) and tells the sender its
 * progress this often. MEASURED.md: IndexedDB on the hot path costs ~31 % of the rate when it holds the
 * data; here it sees one record of a few hundred bytes twice a second, which does not show. A reload
 * resends what arrived since the last checkpoint: about half a second of data.
 */
export const CHECKPOINT_INTERVAL_MS = 500;

/**
 * Receiver flow control. Frames are handed to the storage worker as they arrive; if the worker is starved
 * of CPU (a loaded machine) they queue in memory. Past `BACKLOG_HIGH_BYTES` not yet written the receiver
 * stops the sender (`file-pause`, reason `busy`) and resumes it below `BACKLOG_LOW_BYTES`, so its memory
 * stays bounded whatever the file's size. Normally the worker writes and hashes at 300+ MB/s
 * (MEASURED.md) and the backlog stays near zero.
 */
export const BACKLOG_HIGH_BYTES = 16 * 1024 * 1024;
export const BACKLOG_LOW_BYTES = 4 * 1024 * 1024;
/** How often a throttled receiver looks at its backlog again. */
export const BACKLOG_POLL_MS = 50;

/**
 * The sender's window: at most this many bytes of a transfer sent past the receiver's last acknowledged
 * *written* offset (`file-progress`: bytes its worker has written to storage and hashed). It bounds what
 * can wait in the receiving renderer when that machine is starved of CPU — the WebRTC message queue, the
 * hand-off to the worker, the worker's own queue — which no receiver-side brake can refuse: with a
 * starved machine (docs/benchmarks.md) the receiver grew +270 MiB for a 256 MiB file without it.
 * Why 32 MiB: acks come every `CHECKPOINT_INTERVAL_MS` (500 ms) and lag the writes by up to the worker's
 * 1 MiB acknowledgement step, so a window must hold more than the link carries in that time or it
 * throttles a healthy transfer: 37 MB/s (MEASURED.md's best between two processes) × 0.5 s ≈ 18 MB, plus
 * the channel's 1 MiB queue. 32 MiB (33.5 MB) leaves about 0.4 s for a late ack, and caps the rate at about
 * one window per ack interval (≈ 60 MB/s), above anything measured here. 64 MiB would spend the whole
 * receiver memory target (+64 MiB) on data in flight alone.
 */
export const SEND_WINDOW_BYTES = 32 * 1024 * 1024;

/** Progress events for the UI at most this often (a re-render per frame would cost the transfer). */
export const PROGRESS_EVENT_INTERVAL_MS = 250;

/** Speed is averaged over this window: smooth enough to read, quick to show a stall. */
export const RATE_WINDOW_MS = 3_000;

/**
 * Without OPFS the receiver keeps files in memory; above this total it refuses (`too-large`), since a tab
 * holding more than this risks being killed on a phone. Browsers without OPFS are rare now (Safari < 15.2).
 */
export const MEMORY_FALLBACK_MAX_BYTES = 512 * 1024 * 1024;

/**
 * Free space kept beyond the files themselves when checking quota: `storage.estimate()` is approximate
 * and the origin's other data (chat history, checkpoints) grows too.
 */
export const QUOTA_MARGIN_BYTES = 16 * 1024 * 1024;
