import { describe, expect, it } from 'vitest';
import { SseParser, readSseStream, type SseEvent } from './sse';

const STREAM =
  'event: meta\ndata: {"conversation_id":"c1","message_id":"m1"}\n\n' +
  'event: delta\ndata: {"text":"Bonjour "}\n\n' +
  ': keep-alive\n\n' +
  'event: delta\ndata: {"text":"à vous, é ✓"}\n\n' +
  'event: sources\ndata: [{"document":"d","title":"T","path":"p.md","score":0.9}]\n\n' +
  'event: done\ndata: {"tokens_used":12,"tokens_remaining":88}\n\n';

const EXPECTED: SseEvent[] = [
  { event: 'meta', data: '{"conversation_id":"c1","message_id":"m1"}' },
  { event: 'delta', data: '{"text":"Bonjour "}' },
  { event: 'delta', data: '{"text":"à vous, é ✓"}' },
  { event: 'sources', data: '[{"document":"d","title":"T","path":"p.md","score":0.9}]' },
  { event: 'done', data: '{"tokens_used":12,"tokens_remaining":88}' },
];

function parseChunks(chunks: string[]): SseEvent[] {
  const events: SseEvent[] = [];
  const parser = new SseParser((e) => events.push(e));
  for (const chunk of chunks) parser.push(chunk);
  parser.end();
  return events;
}

describe('SseParser', () => {
  it('parses several events delivered in one chunk', () => {
    expect(parseChunks([STREAM])).toEqual(EXPECTED);
  });

  it('gives the same events whatever the split point (two chunks)', () => {
    for (let cut = 0; cut <= STREAM.length; cut++) {
      expect(parseChunks([STREAM.slice(0, cut), STREAM.slice(cut)])).toEqual(EXPECTED);
    }
  });

  it('gives the same events when fed one character at a time', () => {
    expect(parseChunks([...STREAM])).toEqual(EXPECTED);
  });

  it('handles CRLF line endings, even when CR and LF are in different chunks', () => {
    const crlf = STREAM.replace(/\n/g, '\r\n');
    for (let cut = 0; cut <= crlf.length; cut += 3) {
      expect(parseChunks([crlf.slice(0, cut), crlf.slice(cut)])).toEqual(EXPECTED);
    }
    expect(parseChunks([STREAM.replace(/\n/g, '\r')])).toEqual(EXPECTED);
  });

  it('joins multi-line data, strips one leading space, defaults the event name', () => {
    const events = parseChunks(['data:  deux espaces\ndata:ligne 2\nid: 5\n\n']);
    expect(events).toEqual([{ event: 'message', data: ' deux espaces\nligne 2', id: '5' }]);
  });

  it('dispatches an unterminated last event at the end of the stream', () => {
    expect(parseChunks(['event: done\ndata: {}'])).toEqual([{ event: 'done', data: '{}' }]);
  });

  it('reads a fetch Response body whose bytes split multi-byte characters', async () => {
    const bytes = new TextEncoder().encode(STREAM);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 7) controller.enqueue(bytes.slice(i, i + 7));
        controller.close();
      },
    });
    const events: SseEvent[] = [];
    await readSseStream(new Response(body, { headers: { 'Content-Type': 'text/event-stream' } }), (e) => events.push(e));
    expect(events).toEqual(EXPECTED);
  });
});
