import { useEffect } from 'react';

interface WakeLockSentinelLike extends EventTarget {
  readonly released: boolean;
  release(): Promise<void>;
}
interface WakeLockLike {
  request(type: 'screen'): Promise<WakeLockSentinelLike>;
}

/**
 * While `busy` (a transfer or a call runs): holds a screen wake lock, so a phone does not sleep and cut
 * the connection mid-transfer, and asks before the tab is closed or reloaded. The browser drops a wake
 * lock whenever the tab is hidden, so it is asked for again each time the tab becomes visible; both are
 * let go as soon as nothing runs any more. Without the Wake Lock API (older Safari, Firefox before 126)
 * only the question on leaving remains.
 */
export function useKeepAwake(busy: boolean): void {
  useEffect(() => {
    if (!busy) return;
    const wakeLock = (navigator as Navigator & { wakeLock?: WakeLockLike }).wakeLock;
    let sentinel: WakeLockSentinelLike | undefined;
    let stopped = false;
    const acquire = () => {
      if (!wakeLock || document.visibilityState !== 'visible' || (sentinel && !sentinel.released)) return;
      wakeLock.request('screen').then(
        (lock) => {
          if (stopped) void lock.release();
          else sentinel = lock;
        },
        // Refused (battery saver, no user activation yet, a permissions policy): the transfer goes on.
        () => {},
      );
    };
    const onVisibility = () => acquire();
    // Setting returnValue (and preventing the default) is what makes every current browser ask.
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      event.returnValue = '';
    };
    acquire();
    document.addEventListener('visibilitychange', onVisibility);
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => {
      stopped = true;
      document.removeEventListener('visibilitychange', onVisibility);
      window.removeEventListener('beforeunload', onBeforeUnload);
      if (sentinel && !sentinel.released) void sentinel.release();
    };
  }, [busy]);
}
