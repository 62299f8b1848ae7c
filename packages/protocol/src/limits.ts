/**
 * Size limits shared by both sides, so a client never builds what the server will refuse.
 * An SDP offer with audio, video and a DataChannel is about 4–6 KiB in Chromium; 32 KiB leaves room for
 * many transceivers (group calls, simulcast) while keeping a hostile client from pushing megabytes through.
 */
export const LIMITS = {
  roomIdMin: 6,
  roomIdMax: 64,
  nameMax: 32,
  peerIdLength: 22,
  sessionTokenMax: 256,
  sdpMax: 32 * 1024,
  candidateMax: 1024,
  /** socket.io `maxHttpBufferSize`: one frame may carry one SDP plus envelope. */
  maxFrameBytes: 64 * 1024,
} as const;
