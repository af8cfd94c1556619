/**
 * An incremental Server-Sent Events parser (the WHATWG event-stream rules): text arrives in
 * pieces split anywhere (inside a line, between `\r` and `\n`, inside a field name) and events
 * come out whole. Lines end with `\n`, `\r\n` or `\r`; `data:` lines of one event are joined with
 * `\n`; comments, `id:` and `retry:` are ignored; an event left unfinished at the end of the
 * stream is dropped, as a browser would. UTF-8 decoding across chunk boundaries is the caller's
 * (a `StringDecoder`), so this works on strings only.
 */
export class SseParser {
  private pending = '';
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
    while (start < len) {
      let end = start;
      let c = 0;
      // One scan for either line terminator.
      for (; end < len; end++) {
        c = text.charCodeAt(end);
        if (c === 10 || c === 13) break;
      }
      if (end === len) {
        this.pending += start === 0 ? text : text.slice(start);
        return;
      }
      const line = this.pending === '' ? text.slice(start, end) : this.pending + text.slice(start, end);
      this.pending = '';
      this.line(line);
      start = end + 1;
      if (c === 13) {
        if (start < len) {
          if (text.charCodeAt(start) === 10) start++;
        } else this.skipLF = true;
      }
    }
  }

  private line(line: string): void {
    if (line === '') {
      if (this.data !== undefined) {
        const event = this.eventName || 'message';
        const data = this.data;
        this.data = undefined;
        this.eventName = '';
        this.onEvent(event, data);
      } else this.eventName = '';
      return;
    }
    const first = line.charCodeAt(0);
    if (first === 58 /* : comment */) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === 'data') this.data = this.data === undefined ? value : `${this.data}\n${value}`;
    else if (field === 'event') this.eventName = value;
  }
}
