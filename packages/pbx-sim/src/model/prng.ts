/**
 * A small seeded PRNG (mulberry32): the same seed gives the same world — the same Uniqueid
 * epochs aside, the same bridge ids, SIP Call-IDs, arrivals and talk times — so a load run or
 * a failing test can be replayed exactly. Not for cryptography.
 */
export class Prng {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0 || 0x9e3779b9;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** An RFC 4122 version-4 UUID built from this generator (bridge ids, SIP Call-IDs). */
  uuid(): string {
    const hex: string[] = [];
    for (let i = 0; i < 16; i++) {
      let b = this.int(256);
      if (i === 6) b = (b & 0x0f) | 0x40;
      if (i === 8) b = (b & 0x3f) | 0x80;
      hex.push(b.toString(16).padStart(2, '0'));
    }
    const s = hex.join('');
    return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
  }

  /** A child generator whose sequence does not depend on how much this one is used later. */
  fork(salt: number): Prng {
    return new Prng((this.#state ^ Math.imul(salt + 1, 0x85ebca6b)) >>> 0);
  }
}
