/**
 * A token bucket: `rate` tokens a second, holding at most `burst`. The bucket refills lazily
 * from the clock on each `take`, so an idle limiter costs nothing.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  /**
   * @param rate tokens (traces) per second, above 0
   * @param now a millisecond clock (the client's; injectable for tests)
   * @param burst the most tokens saved up while idle; default `max(1, rate)`, so one second's worth
   */
  constructor(
    readonly rate: number,
    private readonly now: () => number,
    readonly burst: number = Math.max(1, rate),
  ) {
    this.tokens = this.burst;
    this.last = now();
  }

  /** Takes one token; false when the bucket is empty. */
  take(): boolean {
    const t = this.now();
    if (t > this.last) {
      this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) * this.rate) / 1000);
      this.last = t;
    }
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
