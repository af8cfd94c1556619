/**
 * An incremental Server-Sent Events parser (the WHATWG event-stream rules): text arrives in
 * pieces split anywhere (inside a line, between `\r` and `\n`, inside a field name) and events
 * come out whole. Lines end with `\n`, `\r\n` or `\r`; `data:` lines of one event are joined with
 * `\n`; comments, `id:` and `retry:` are ignored; an event left unfinished at the end of the
 * stream is dropped, as a browser would. UTF-8 decoding across chunk boundaries is the caller's
 * (a `StringDecoder`), so this works on strings only. Lines are found with `indexOf` and fields
 * read in place, so a typical one-event chunk costs one slice for its data.
 */
/** A line or an event's data longer than this is dropped (a hostile or broken stream must not grow memory without bound). */
export const MAX_SSE_FIELD = 4 * 1024 * 1024;

export class SseParser {
  private pending = '';
  /** Inside an oversized line: skip until its end. */
  private skipping = false;
  /** The current event's data went over the bound: ignore its other lines until it ends. */
  private droppingEvent = false;
  /** Lines or events dropped for their size. */
  dropped = 0;
  private skipLF = false;
  private eventName = '';
  private data: string | undefined = undefined;

  constructor(private readonly onEvent: (event: string, data: string) => void) {}

  /** Feeds the next piece of decoded text. */
  push(text: string): void {
    let start = 0;
    const len = text.length;
    if (this.skipLF && len > 0) {
      if (text.charCodeAt(0) === 10) start = 1;
      this.skipLF = false;
    }
    const hasCR = text.indexOf('\r', start) !== -1;
    while (start < len) {
      let end = text.indexOf('\n', start);
      let cr = false;
      if (hasCR) {
        const r = text.indexOf('\r', start);
        if (r !== -1 && (end === -1 || r < end)) {
          end = r;
          cr = true;
        }
      }
      if (end === -1) {
        if (!this.skipping) {
          this.pending += start === 0 ? text : text.slice(start);
          if (this.pending.length > MAX_SSE_FIELD) {
            this.pending = '';
            this.skipping = true;
            this.data = undefined;
            this.droppingEvent = true;
            this.dropped++;
          }
        }
        return;
      }
      if (this.skipping) this.skipping = false;
      else if (this.pending === '') this.line(text, start, end);
      else {
        const line = this.pending + text.slice(start, end);
        this.pending = '';
        this.line(line, 0, line.length);
      }
      start = end + 1;
      if (cr) {
        if (start < len) {
          if (text.charCodeAt(start) === 10) start++;
        } else this.skipLF = true;
      }
    }
  }

  /** One line, `text[start, end)`. */
  private line(text: string, start: number, end: number): void {
    if (start === end) {
      this.droppingEvent = false;
      if (this.data !== undefined) {
        const event = this.eventName || 'message';
        const data = this.data;
        this.data = undefined;
        this.eventName = '';
        this.onEvent(event, data);
      } else this.eventName = '';
      return;
    }
    if (text.charCodeAt(start) === 58 /* : comment */) return;
    let colon = text.indexOf(':', start);
    if (colon === -1 || colon > end) colon = end;
    let valueStart = colon + 1;
    if (valueStart < end && text.charCodeAt(valueStart) === 32) valueStart++;
    const fieldLength = colon - start;
    if (fieldLength === 4 && text.startsWith('data', start)) {
      if (this.droppingEvent) return;
      const value = valueStart >= end ? '' : text.slice(valueStart, end);
      this.data = this.data === undefined ? value : `${this.data}\n${value}`;
      if (this.data.length > MAX_SSE_FIELD) {
        this.data = undefined;
        this.droppingEvent = true;
        this.dropped++;
      }
    } else if (fieldLength === 5 && text.startsWith('event', start)) {
      this.eventName = valueStart >= end ? '' : text.slice(valueStart, end);
    }
  }
}
