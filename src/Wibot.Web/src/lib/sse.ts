// Server-Sent Events parsing for streams read with fetch (EventSource cannot POST).

export interface SseEvent {
  event: string;
  data: string;
  id?: string;
}

/**
 * Incremental parser: feed it text chunks split anywhere (even inside a line or a CRLF pair);
 * it calls onEvent for each complete event, in order.
 */
export class SseParser {
  private buffer = '';
  private eventName = '';
  private dataLines: string[] = [];
  private lastId: string | undefined;
  private pendingCr = false;

  constructor(private readonly onEvent: (event: SseEvent) => void) {}

  push(chunk: string): void {
    let text = chunk;
    // A CR ending the previous chunk may be the first half of a CRLF.
    if (this.pendingCr) {
      this.pendingCr = false;
      if (text.startsWith('\n')) text = text.slice(1);
    }
    this.buffer += text;
    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const ch = this.buffer[i];
      if (ch !== '\n' && ch !== '\r') continue;
      const line = this.buffer.slice(start, i);
      if (ch === '\r') {
        if (i + 1 < this.buffer.length) {
          if (this.buffer[i + 1] === '\n') i++;
        } else {
          this.pendingCr = true;
        }
      }
      start = i + 1;
      this.processLine(line);
    }
    this.buffer = this.buffer.slice(start);
  }

  /** End of stream: an unterminated last event is dispatched too. */
  end(): void {
    if (this.buffer) {
      this.processLine(this.buffer);
      this.buffer = '';
    }
    this.processLine('');
  }

  private processLine(line: string): void {
    if (line === '') {
      this.dispatch();
      return;
    }
    if (line.startsWith(':')) return; // comment / keep-alive
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        this.eventName = value;
        break;
      case 'data':
        this.dataLines.push(value);
        break;
      case 'id':
        this.lastId = value;
        break;
      default:
        break; // retry and unknown fields are ignored
    }
  }

  private dispatch(): void {
    if (this.dataLines.length === 0 && this.eventName === '') return;
    const event: SseEvent = { event: this.eventName || 'message', data: this.dataLines.join('\n') };
    if (this.lastId !== undefined) event.id = this.lastId;
    this.eventName = '';
    this.dataLines = [];
    this.onEvent(event);
  }
}

/** Reads a fetch Response body as an SSE stream until it ends. */
export async function readSseStream(response: Response, onEvent: (event: SseEvent) => void): Promise<void> {
  if (!response.body) throw new Error('Flux de réponse absent.');
  const reader = response.body.getReader();
  const decoder = new TextDecoder('utf-8');
  const parser = new SseParser(onEvent);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parser.push(decoder.decode(value, { stream: true }));
    }
    parser.push(decoder.decode());
    parser.end();
  } finally {
    reader.releaseLock();
  }
}
