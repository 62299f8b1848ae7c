/** Which local source a problem is about. */
export type MediaSource = 'microphone' | 'camera' | 'screen';

export const MEDIA_PROBLEM_CODES = [
  /** The user or the browser refused permission (`NotAllowedError`, `SecurityError`). */
  'denied',
  /** No such device (`NotFoundError`, `OverconstrainedError` for a device that was unplugged). */
  'not-found',
  /** The device exists but cannot be opened: another app holds it (`NotReadableError`, `AbortError`). */
  'in-use',
  /** Only one camera, so there is nothing to switch to. */
  'no-other-camera',
  /** The browser lacks the API (no `getDisplayMedia` on most phones, no `mediaDevices` over plain HTTP). */
  'unsupported',
  /** Anything else. */
  'failed',
] as const;
export type MediaProblemCode = (typeof MEDIA_PROBLEM_CODES)[number];

/** A device could not be used; the call goes on with what is available. */
export interface MediaProblem {
  readonly source: MediaSource;
  readonly code: MediaProblemCode;
  /** For logs; the UI shows its own text for `source` and `code`. */
  readonly message: string;
}

const CODE_BY_NAME: Readonly<Record<string, MediaProblemCode>> = {
  NotAllowedError: 'denied',
  SecurityError: 'denied',
  PermissionDeniedError: 'denied',
  NotFoundError: 'not-found',
  DevicesNotFoundError: 'not-found',
  OverconstrainedError: 'not-found',
  NotReadableError: 'in-use',
  TrackStartError: 'in-use',
  AbortError: 'in-use',
  NotSupportedError: 'unsupported',
  TypeError: 'unsupported',
};

/** Maps what `getUserMedia` / `getDisplayMedia` threw to a problem the UI can explain. */
export function mediaProblem(source: MediaSource, error: unknown): MediaProblem {
  const name = typeof error === 'object' && error !== null && 'name' in error ? String(error.name) : '';
  const message =
    typeof error === 'object' && error !== null && 'message' in error ? String(error.message) : String(error);
  return { source, code: CODE_BY_NAME[name] ?? 'failed', message: message || name || 'failed' };
}
