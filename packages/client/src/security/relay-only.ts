import type { KeyValueStorage } from '../browser.js';
import { TypedEmitter } from '../util/typed-emitter.js';

export const RELAY_ONLY_KEY = 'kopru:relay-only';

export type RelayOnlyEvents = { changed: boolean };

/**
 * The user's relay-only choice, remembered (localStorage), over the server's default (`RELAY_ONLY`):
 * with it on, `iceTransportPolicy` is `relay` and no peer learns this browser's IP addresses.
 */
export class RelayOnlySetting extends TypedEmitter<RelayOnlyEvents> {
  constructor(
    private readonly storage: KeyValueStorage,
    /** The server's default from the last join. */
    private readonly serverDefault: () => boolean,
  ) {
    super();
  }

  /** The user's own choice; undefined until they make one. */
  get choice(): boolean | undefined {
    const stored = this.storage.getItem(RELAY_ONLY_KEY);
    return stored === 'on' ? true : stored === 'off' ? false : undefined;
  }

  get enabled(): boolean {
    return this.choice ?? this.serverDefault();
  }

  get policy(): RTCIceTransportPolicy {
    return this.enabled ? 'relay' : 'all';
  }

  set(enabled: boolean): void {
    const before = this.enabled;
    this.storage.setItem(RELAY_ONLY_KEY, enabled ? 'on' : 'off');
    if (before !== enabled) this.emit('changed', enabled);
  }
}

/** True when the ICE servers include a TURN server (relay-only mode can only work with one). */
export const hasRelayServer = (servers: readonly { urls: string | string[] }[]): boolean =>
  servers.some((s) => (Array.isArray(s.urls) ? s.urls : [s.urls]).some((u) => /^turns?:/.test(u)));

export const NEARBY_VISIBLE_KEY = 'kopru:nearby-visible';

/**
 * "Visible to nearby devices", remembered (localStorage). Until the user chooses, it follows relay-only
 * mode: on, unless relay-only is (whoever hides their IP address would not want to be listed by it).
 */
export class NearbyVisibility extends TypedEmitter<RelayOnlyEvents> {
  constructor(
    private readonly storage: KeyValueStorage,
    private readonly relayOnly: () => boolean,
  ) {
    super();
  }

  get enabled(): boolean {
    const stored = this.storage.getItem(NEARBY_VISIBLE_KEY);
    return stored === 'on' ? true : stored === 'off' ? false : !this.relayOnly();
  }

  set(enabled: boolean): void {
    const before = this.enabled;
    this.storage.setItem(NEARBY_VISIBLE_KEY, enabled ? 'on' : 'off');
    if (before !== enabled) this.emit('changed', enabled);
  }
}
