/**
 * A map from event name to the payload its listeners receive: an interface or object type with one
 * property per event and no index signature, so `on('typo')` is a compile error.
 */
export type EventMap<Events> = { [K in keyof Events]: unknown };
export type Listener<T> = (payload: T) => void;
export type Unsubscribe = () => void;

/**
 * A small typed event emitter. A throwing listener is reported through `onListenerError` and does not
 * stop the others (mediasoup's `safeEmit` idea): one broken UI subscriber must not break the transport.
 */
export class TypedEmitter<Events extends EventMap<Events>> {
  private readonly listeners = new Map<keyof Events, Set<Listener<never>>>();

  constructor(private readonly onListenerError: (error: unknown) => void = (e) => console.error(e)) {}

  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): Unsubscribe {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener as Listener<never>);
    return () => this.off(event, listener);
  }

  once<K extends keyof Events>(event: K, listener: Listener<Events[K]>): Unsubscribe {
    const off = this.on(event, (payload) => {
      off();
      listener(payload);
    });
    return off;
  }

  off<K extends keyof Events>(event: K, listener: Listener<Events[K]>): void {
    this.listeners.get(event)?.delete(listener as Listener<never>);
  }

  /** Resolves with the next payload of `event` that satisfies `predicate`. */
  waitFor<K extends keyof Events>(
    event: K,
    predicate: (payload: Events[K]) => boolean = () => true,
  ): Promise<Events[K]> {
    return new Promise((resolve) => {
      const off = this.on(event, (payload) => {
        if (!predicate(payload)) return;
        off();
        resolve(payload);
      });
    });
  }

  protected emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) {
      try {
        (listener as Listener<Events[K]>)(payload);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }

  protected removeAllListeners(): void {
    this.listeners.clear();
  }
}
