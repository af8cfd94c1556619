/**
 * The trace-ID ratio test shared by every head decision. It reproduces OpenTelemetry's
 * `TraceIdRatioBasedSampler` exactly (the trace ID's four 32-bit words XOR-folded, compared
 * with `floor(rate × 0xffffffff)`), so a TraceKit service and an OpenTelemetry SDK service with
 * the same rate keep the same traces.
 */

/** The four 32-bit words of a 32-hex-digit trace ID, XOR-folded. */
export function traceIdRatioValue(traceId: string): number {
  let acc = 0;
  for (let word = 0; word < 32; word += 8) {
    let part = 0;
    for (let j = 0; j < 8; j++) {
      const c = traceId.charCodeAt(word + j);
      // '0'-'9' are 48-57, 'A'-'F' 65-70, 'a'-'f' 97-102: no table, no slicing.
      part = (part << 4) | (c < 58 ? c - 48 : c < 71 ? c - 55 : c - 87);
    }
    acc = (acc ^ part) >>> 0;
  }
  return acc;
}

/**
 * The exclusive upper bound for a rate: a trace is kept when its ratio value is below it.
 * Rate 1 keeps every trace (2^32 is above any 32-bit value), rate 0 none.
 */
export function ratioBound(rate: number): number {
  if (!(rate > 0)) return 0;
  return rate >= 1 ? 0x100000000 : Math.floor(rate * 0xffffffff);
}
