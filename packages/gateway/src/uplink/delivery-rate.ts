/**
 * Records delivered per second over a sliding window (10 s by default), kept in one-second
 * buckets so memory is constant whatever the rate. Pure: time is passed in.
 */
export class DeliveryRate {
  private readonly buckets: number[];
  private lastSecond = -1;

  constructor(private readonly windowSeconds = 10) {
    this.buckets = new Array<number>(windowSeconds).fill(0);
  }

  add(count: number, nowMs: number): void {
    this.advance(nowMs);
    const i = Math.floor(nowMs / 1000) % this.windowSeconds;
    this.buckets[i] = (this.buckets[i] ?? 0) + count;
  }

  /** Mean records per second over the window ending now. */
  perSecond(nowMs: number): number {
    this.advance(nowMs);
    let sum = 0;
    for (const n of this.buckets) sum += n;
    return sum / this.windowSeconds;
  }

  /** Zeroes the buckets whose second passed since the last call. */
  private advance(nowMs: number): void {
    const second = Math.floor(nowMs / 1000);
    if (this.lastSecond < 0 || second - this.lastSecond >= this.windowSeconds) {
      this.buckets.fill(0);
    } else {
      for (let s = this.lastSecond + 1; s <= second; s++) this.buckets[s % this.windowSeconds] = 0;
    }
    if (second > this.lastSecond) this.lastSecond = second;
  }
}
