/**
 * Tuning of the file engine. Every number is from the DataChannel measurements in docs/benchmarks.md
 * ("What the machine can do": two headless Chromium processes through a loopback server, 2 cores) or from
 * `npm run bench:transfer` (docs/benchmarks.md).
 */

/**
 * Preferred payload per frame. Measured between two browser processes 64 KiB chunks with a 1 MiB
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
 * Bytes queued in the channel before the sender waits. Measured: 1 MiB was the best high-water mark
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
 * Files after the one being sent whose first block is read ahead, while their blocks together stay under
 * `READ_BLOCK_BYTES`. A Blob read is a round trip to the browser process (a few milliseconds, more on a busy
 * machine); a folder of small files paid one per file, in turn, with nothing to send meanwhile (the
 * many-small-files benchmark, docs/benchmarks.md).
 */
export const READ_AHEAD_FILES = 16;

/**
 * The receiver flushes its file, saves the hash state and its offset (IndexedDB) and tells the sender its
 * progress this often. Measured: IndexedDB on the hot path costs ~31 % of the rate when it holds the
 * data; here it sees one record of a few hundred bytes twice a second, which does not show. A reload
 * resends what arrived since the last checkpoint: about half a second of data.
 */
export const CHECKPOINT_INTERVAL_MS = 500;

/**
 * The one flow control of a transfer: the receiver grants credit by acknowledging (`file-progress`) how far
 * its storage worker has *written and hashed* the batch, and the sender never has more than this window
 * sent past that point. It bounds what can wait in the receiving renderer when that machine is starved of
 * CPU — the WebRTC message queue, the hand-off to the worker, the worker's own queue — which no
 * receiver-side brake can refuse: with a starved machine (docs/benchmarks.md) the receiver grew +270 MiB
 * for a 256 MiB file without a window.
 * Why 32 MiB: the receiver acknowledges every `ACK_STEP_BYTES` written (and at each checkpoint), and the
 * worker reports writes in 1 MiB steps, so credit arrives well before the window is spent: at the best
 * rate measured between two processes (37 MB/s) 32 MiB lasts ~0.9 s, against an acknowledgement every
 * ~0.1 s. 64 MiB would spend the whole receiver memory target (+64 MiB) on data in flight alone.
 */
export const SEND_WINDOW_BYTES = 32 * 1024 * 1024;

/**
 * The receiver acknowledges written bytes as soon as this much more is written (a quarter of the window),
 * so the sender's credit is renewed four times per window, not only at the half-second checkpoint; each
 * acknowledgement is one small control message (~10 a second at 40 MB/s).
 */
export const ACK_STEP_BYTES = SEND_WINDOW_BYTES / 4;

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
