/**
 * A tiny typed listener registry. Node's EventEmitter throws on an unhandled `error` event,
 * which would turn a bad byte from Asterisk into a process crash; this never throws, and a
 * listener that throws is isolated from the others.
 */
export class Listeners<Events extends { [K in keyof Events]: (...args: never[]) => void }> {
  readonly #map = new Map<keyof Events, Set<Events[keyof Events]>>();
  readonly #onListenerError: (error: unknown) => void;

  constructor(onListenerError: (error: unknown) => void = () => {}) {
    this.#onListenerError = onListenerError;
  }

  /** Adds a listener; returns the function that removes it. */
  on<K extends keyof Events>(name: K, fn: Events[K]): () => void {
    let set = this.#map.get(name);
    if (!set) {
      set = new Set();
      this.#map.set(name, set);
    }
    set.add(fn);
    return () => {
      set.delete(fn);
    };
  }

  emit<K extends keyof Events>(name: K, ...args: Parameters<Events[K]>): void {
    const set = this.#map.get(name);
    if (!set) return;
    for (const fn of set) {
      try {
        (fn as (...a: Parameters<Events[K]>) => void)(...args);
      } catch (error) {
        this.#onListenerError(error);
      }
    }
  }

  count<K extends keyof Events>(name: K): number {
    return this.#map.get(name)?.size ?? 0;
  }
}
