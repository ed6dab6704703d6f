/**
 * What the hub tells the components that push to sites (the uplink, issue 7): a site's directory
 * (operators, queues, labels) or its credential changed. A listener's exception is reported to
 * `onListenerError` and never reaches the code that made the change.
 */
export interface HubEventMap {
  /** Operators, queues, memberships or the site itself changed: push a new SiteDirectory. */
  'directory-changed': { site: string };
  /** The site credential was rotated: drop the uplink that used the old one. */
  'site-credential-rotated': { site: string };
  /** A user's password, role or site changed, or they were disabled: push new credential verifiers. */
  'verifiers-changed': { site: string };
  /**
   * A signing key was made or revoked: push the new key set (GET /api/v1/keys). The set also
   * shrinks by itself when a previous key's tokens have all expired; that needs no push.
   */
  'keys-changed': Record<string, never>;
}

type Listener<K extends keyof HubEventMap> = (event: HubEventMap[K]) => void;

export class HubEvents {
  private readonly listeners = new Map<keyof HubEventMap, Set<Listener<keyof HubEventMap>>>();

  constructor(private readonly onListenerError: (error: unknown) => void = () => undefined) {}

  on<K extends keyof HubEventMap>(type: K, listener: Listener<K>): () => void {
    let set = this.listeners.get(type);
    if (!set) {
      set = new Set();
      this.listeners.set(type, set);
    }
    set.add(listener as Listener<keyof HubEventMap>);
    return () => set.delete(listener as Listener<keyof HubEventMap>);
  }

  emit<K extends keyof HubEventMap>(type: K, event: HubEventMap[K]): void {
    for (const listener of this.listeners.get(type) ?? []) {
      try {
        listener(event);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }
}
