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
  /** Room passwords: long passphrases fit; scrypt's cost does not depend on the length anyway. */
  passwordMax: 256,
  sdpMax: 32 * 1024,
  candidateMax: 1024,
  /**
   * socket.io `maxHttpBufferSize`: one frame must carry any valid signal, which the server then answers.
   * `sdpMax` counts UTF-16 code units, and JSON can spend up to 6 bytes on one (`\u0001`, a lone
   * surrogate), so the largest valid SDP is 192 KiB on the wire; the rest is envelope. A frame over this
   * closes the connection instead of getting an `INVALID_PAYLOAD` reply.
   */
  maxFrameBytes: 256 * 1024,
} as const;
