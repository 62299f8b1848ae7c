type Listener = (event: never) => void;

/** A typed listener registry; the fakes fire their events synchronously from inside a task. */
export class FakeEventTarget<Events extends object> {
  private readonly listeners = new Map<keyof Events, Set<Listener>>();

  addEventListener<K extends keyof Events>(type: K, listener: (event: Events[K]) => void): void {
    let set = this.listeners.get(type);
    if (!set) {
      set = new Set();
      this.listeners.set(type, set);
    }
    set.add(listener as Listener);
  }

  protected fire<K extends keyof Events>(type: K, event: Events[K]): void {
    for (const listener of [...(this.listeners.get(type) ?? [])]) {
      (listener as (event: Events[K]) => void)(event);
    }
  }
}
