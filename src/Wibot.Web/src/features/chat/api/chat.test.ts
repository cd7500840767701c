import { describe, expect, it } from 'vitest';
import { mockFetchPerTest } from '@/lib/test-storage';
import { ApiError } from '@/lib/api-client';
import { checkAttachment } from './attachments';
import { isRetryableChatError, sendChat, type ChatStreamHandlers } from './chat';

function sseResponse(text: string): Response {
  return new Response(text, { status: 200, headers: { 'Content-Type': 'text/event-stream; charset=utf-8' } });
}

function recorder() {
  const calls: string[] = [];
  const handlers: ChatStreamHandlers = {
    onMeta: (m) => calls.push(`meta:${m.conversation_id}`),
    onDelta: (t) => calls.push(`delta:${t}`),
    onSources: (s) => calls.push(`sources:${s.length}`),
    onDone: (d) => calls.push(`done:${d.tokens_used}`),
  };
  return { calls, handlers };
}

describe('sendChat', () => {
  const fetchMock = mockFetchPerTest();

  it('streams meta, deltas, sources and done in order, asking for text/event-stream', async () => {
    fetchMock.mockResolvedValue(
      sseResponse(
        'event: meta\ndata: {"conversation_id":"c1","message_id":"m1"}\n\nevent: delta\ndata: {"text":"Bon"}\n\nevent: delta\ndata: {"text":"jour"}\n\nevent: sources\ndata: [{"document":"d","title":"t","path":"p","score":1}]\n\nevent: done\ndata: {"tokens_used":5,"tokens_remaining":95}\n\n',
      ),
    );
    const { calls, handlers } = recorder();
    await sendChat({ message: 'Salut', mode: 'code' }, handlers);
    expect(calls).toEqual(['meta:c1', 'delta:Bon', 'delta:jour', 'sources:1', 'done:5']);
    const init = (fetchMock.mock.calls[0] as [string, RequestInit])[1];
    expect((init.headers as Record<string, string>).Accept).toBe('text/event-stream');
    expect(JSON.parse(init.body as string)).toEqual({ message: 'Salut', mode: 'code' });
  });

  it('hands over tool calls and their results in stream order, and the tool calls of done', async () => {
    fetchMock.mockResolvedValue(
      sseResponse(
        [
          'event: delta\ndata: {"text":"Je regarde."}\n\n',
          'event: tool_call\ndata: {"call_id":"t1","server":"mcp-ad","tool":"user_info","arguments":{"user":"jdupont"},"level":"L0","status":"running"}\n\n',
          'event: tool_result\ndata: {"call_id":"t1","status":"succeeded","content":"Compte actif"}\n\n',
          'event: tool_call\ndata: {"call_id":"t2","server":"mcp-ad","tool":"reset_password","arguments":{"user":"jdupont","password":"***"},"level":"L3","status":"pending_approval","request_id":"APR-12","expires_at":"2026-12-02T14:32:00Z"}\n\n',
          'event: done\ndata: {"tokens_used":9,"tool_calls":[{"call_id":"t1","tool":"mcp-ad__user_info","status":"succeeded","request_id":null},{"call_id":"t2","tool":"mcp-ad__reset_password","status":"pending_approval","request_id":"APR-12"}]}\n\n',
        ].join(''),
      ),
    );
    const { calls, handlers } = recorder();
    let done: unknown = null;
    await sendChat({ message: 'x', mode: 'flash' }, {
      ...handlers,
      onToolCall: (c) => calls.push(`call:${c.call_id}:${c.status}:${c.request_id ?? '-'}`),
      onToolResult: (r) => calls.push(`result:${r.call_id}:${r.status}:${r.content}`),
      onDone: (d) => {
        done = d;
        handlers.onDone(d);
      },
    });
    expect(calls).toEqual(['delta:Je regarde.', 'call:t1:running:-', 'result:t1:succeeded:Compte actif', 'call:t2:pending_approval:APR-12', 'done:9']);
    expect(done).toMatchObject({ tool_calls: [{ call_id: 't1' }, { call_id: 't2', request_id: 'APR-12' }] });
  });

  it('ignores tool events when no handler wants them', async () => {
    fetchMock.mockResolvedValue(sseResponse('event: tool_call\ndata: {"call_id":"t1","status":"running"}\n\nevent: tool_result\ndata: {"call_id":"t1"}\n\nevent: done\ndata: {}\n\n'));
    const { calls, handlers } = recorder();
    await sendChat({ message: 'x', mode: 'flash' }, handlers);
    expect(calls).toEqual(['done:undefined']);
  });

  it('sends multipart/form-data when a file is attached', async () => {
    fetchMock.mockResolvedValue(sseResponse('event: done\ndata: {}\n\n'));
    const file = new File(['ERROR x'], 'incident.log', { type: 'text/plain' });
    await sendChat({ message: 'Analyse', mode: 'flash', conversationId: 'c9', file }, recorder().handlers);
    const body = (fetchMock.mock.calls[0] as [string, RequestInit])[1].body as FormData;
    expect(body).toBeInstanceOf(FormData);
    expect(body.get('message')).toBe('Analyse');
    expect(body.get('mode')).toBe('flash');
    expect(body.get('conversation_id')).toBe('c9');
    expect((body.get('file') as File).name).toBe('incident.log');
  });

  it('turns an `event: error` into an ApiError carrying the status and detail', async () => {
    fetchMock.mockResolvedValue(
      sseResponse('event: meta\ndata: {"conversation_id":"c1"}\n\nevent: error\ndata: {"status":504,"title":"Timeout","detail":"Le modèle n\'a pas répondu."}\n\n'),
    );
    const error = (await sendChat({ message: 'x', mode: 'flash' }, recorder().handlers).catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(504);
    expect(error.detail).toBe("Le modèle n'a pas répondu.");
  });

  it('reports a stream that ends without `done` as an interrupted answer', async () => {
    fetchMock.mockResolvedValue(sseResponse('event: delta\ndata: {"text":"a"}\n\n'));
    await expect(sendChat({ message: 'x', mode: 'flash' }, recorder().handlers)).rejects.toMatchObject({ status: 502 });
  });

  it('accepts a plain JSON answer when the server does not stream', async () => {
    fetchMock.mockResolvedValue(
      new Response(JSON.stringify({ success: true, response: 'Réponse', conversation_id: 'c2', message_id: 'm', tokens_used: 3, tokens_remaining: 7, sources: [] }), {
        status: 200,
        headers: { 'Content-Type': 'application/json' },
      }),
    );
    const { calls, handlers } = recorder();
    await sendChat({ message: 'x', mode: 'redaction' }, handlers);
    expect(calls).toEqual(['meta:c2', 'delta:Réponse', 'sources:0', 'done:3']);
  });

  it('rejects a quota-exceeded problem before any stream', async () => {
    fetchMock.mockResolvedValue(
      new Response(JSON.stringify({ type: 'https://wibot.widip.fr/problems/quota-exceeded', title: 'Quota', status: 429 }), {
        status: 429,
        headers: { 'Content-Type': 'application/problem+json' },
      }),
    );
    const error = (await sendChat({ message: 'x', mode: 'flash' }, recorder().handlers).catch((e: unknown) => e)) as ApiError;
    expect(error.isQuotaExceeded).toBe(true);
  });
});

describe('checkAttachment', () => {
  it('accepts logs, code and documents up to 10 MB', () => {
    expect(checkAttachment(new File(['x'], 'incident.log'))).toBeNull();
    expect(checkAttachment(new File(['x'], 'script.PS1'))).toBeNull();
    expect(checkAttachment(new File(['x'], 'rapport.docx'))).toBeNull();
  });

  it('refuses other types, empty files and files over 10 MB', () => {
    expect(checkAttachment(new File(['MZ'], 'outil.exe'))).toMatch(/Type de fichier refusé/);
    expect(checkAttachment(new File([], 'vide.txt'))).toMatch(/vide/);
    const big = new File([new Uint8Array(10 * 1024 * 1024 + 1)], 'gros.log');
    expect(checkAttachment(big)).toMatch(/10 Mo/);
  });
});

describe('isRetryableChatError', () => {
  it('offers a retry for gateway failures and network errors only', () => {
    const make = (status: number, type?: string) => new ApiError({ status, title: 't', type });
    expect([502, 503, 504, 0].map((s) => isRetryableChatError(make(s)))).toEqual([true, true, true, true]);
    expect(isRetryableChatError(make(429, 'https://wibot/problems/quota-exceeded'))).toBe(false);
    expect(isRetryableChatError(make(415))).toBe(false);
    expect(isRetryableChatError(new Error('x'))).toBe(false);
  });
});
