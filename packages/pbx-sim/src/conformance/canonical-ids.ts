/**
 * Names for the identifiers of a trace that do not depend on the run: a channel becomes
 * `PJSIP/1001#2` (the second channel of endpoint 1001 in this trace), its Uniqueid the same
 * name, a bridge `bridge#1` (first bridge seen). Two traces of the same scenario — a
 * recording and the simulator's run — then use the same names, and values that point at ids
 * (Linkedid, DestUniqueid, BRIDGEPEER, BridgeUniqueid, CEL Extra) compare as relations.
 */

/** `PJSIP/1001-0000000c`, `SIP/pstn-00000000`, `Local/1002@internal-00000000;1`. */
const CHANNEL = /^([A-Za-z]+\/[^\s,;]+?)-([0-9a-f]{8})(;[12])?$/;
const CHANNEL_ANYWHERE = /([A-Za-z]+\/[^\s",;]+?)-([0-9a-f]{8})(;[12])?/g;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const UNIQUEID_ANYWHERE = /\b\d{9,11}\.\d+\b/g;
const UUID_ANYWHERE = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

export class IdCanon {
  readonly #channels = new Map<string, string>();
  readonly #uniqueids = new Map<string, string>();
  readonly #bridges = new Map<string, string>();
  readonly #perPrefix = new Map<string, number>();

  /** Registers a channel (on Newchannel, or first sight) and its Uniqueid. */
  channel(name: string, uniqueid?: string): string {
    let canon = this.#channels.get(name);
    if (canon === undefined) {
      const m = CHANNEL.exec(name);
      const prefix = m ? `${m[1] ?? ''}${m[3] ?? ''}` : name;
      const n = (this.#perPrefix.get(prefix) ?? 0) + 1;
      this.#perPrefix.set(prefix, n);
      canon = `${prefix}#${n}`;
      this.#channels.set(name, canon);
    }
    if (uniqueid !== undefined && uniqueid !== '' && !this.#uniqueids.has(uniqueid))
      this.#uniqueids.set(uniqueid, canon);
    return canon;
  }

  isChannelName(value: string): boolean {
    return CHANNEL.test(value);
  }

  channelOf(name: string): string | undefined {
    return this.#channels.get(name);
  }

  uniqueid(value: string): string | undefined {
    return this.#uniqueids.get(value);
  }

  bridge(id: string): string {
    let canon = this.#bridges.get(id);
    if (canon === undefined) {
      canon = `bridge#${this.#bridges.size + 1}`;
      this.#bridges.set(id, canon);
    }
    return canon;
  }

  /** Rewrites every id inside a value to its canonical name (unknown UUIDs become bridges). */
  value(raw: string): string {
    if (raw === '') return raw;
    const uid = this.#uniqueids.get(raw);
    if (uid !== undefined) return `uid(${uid})`;
    if (CHANNEL.test(raw)) return this.channel(raw);
    if (UUID.test(raw)) return this.bridge(raw);
    if (!raw.includes('/') && !raw.includes('-') && !raw.includes('.')) return raw;
    return raw
      .replace(CHANNEL_ANYWHERE, (name) => this.channel(name))
      .replace(UUID_ANYWHERE, (id) => this.bridge(id))
      .replace(UNIQUEID_ANYWHERE, (id) => {
        const c = this.#uniqueids.get(id);
        return c === undefined ? id : `uid(${c})`;
      });
  }

  /** Real channel name for a canonical one (to rewrite actions replayed against another run). */
  realName(canon: string): string | undefined {
    for (const [name, c] of this.#channels) if (c === canon) return name;
    return undefined;
  }
}
