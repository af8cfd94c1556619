/** The semantic conventions' advice for `http.server.request.duration`, in seconds. */
export const HTTP_DURATION_BOUNDARIES: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
/** The semantic conventions' advice for `v8js.gc.duration`, in seconds. */
export const GC_DURATION_BOUNDARIES: readonly number[] = [0.01, 0.1, 1, 10];

/**
 * One histogram series with explicit bucket boundaries, cumulative since `start`. Bucket `i`
 * counts values `v` with `boundaries[i-1] < v <= boundaries[i]` (the last one everything
 * above), as OTLP defines them.
 */
export class HistogramCell {
  readonly counts: Float64Array;
  count = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;

  constructor(readonly boundaries: readonly number[]) {
    this.counts = new Float64Array(boundaries.length + 1);
  }

  record(value: number): void {
    const b = this.boundaries;
    let i = 0;
    // Linear: most values fall in the first few buckets, and 14 comparisons cost less than a call.
    while (i < b.length && value > b[i]!) i++;
    this.counts[i]!++;
    this.count++;
    this.sum += value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
  }

  /** A copy, so a snapshot being encoded or kept is not changed by later requests. */
  clone(): HistogramCell {
    const c = new HistogramCell(this.boundaries);
    c.counts.set(this.counts);
    c.count = this.count;
    c.sum = this.sum;
    c.min = this.min;
    c.max = this.max;
    return c;
  }
}
