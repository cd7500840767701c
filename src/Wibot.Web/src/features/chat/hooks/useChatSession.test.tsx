// @vitest-environment jsdom
import { act, renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MessagesResponse } from '@/lib/schemas';
import { setSession } from '@/lib/session';
import { installMemoryStorage } from '@/lib/test-storage';
import { TestProviders, createTestQueryClient, jsonResponse } from '@/lib/test-utils';
import { chatKeys, quotaRefusal } from '../api/chat';
import { useChatSession, type ChatSessionOptions } from './useChatSession';

const CONV = '0190aaaa-0000-7000-8000-000000000001';

const sse = (...events: [string, unknown][]) => events.map(([name, data]) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`).join('');
const streamResponse = (text: string) => new Response(text, { status: 200, headers: { 'Content-Type': 'text/event-stream' } });

/** An event stream that sends `first`, then stays open until the request is aborted. */
function openStream(first: string, signal: AbortSignal | null | undefined): Response {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(first));
      signal?.addEventListener('abort', () => controller.error(new DOMException('Aborted', 'AbortError')));
    },
  });
  return new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream' } });
}

const shown = (messages: { role: string; content: string }[]) => messages.map((m) => [m.role, m.content]);

describe('useChatSession', () => {
  let history: MessagesResponse['messages'];
  let posts: Record<string, unknown>[];
  let chat: (init: RequestInit) => Response;

  beforeEach(() => {
    installMemoryStorage();
    setSession({
      token: 't',
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
      user: { id: 2, username: 'tech', email: null, role: 'user', accreditation_level: 'N1' },
    });
    history = [];
    posts = [];
    chat = () => jsonResponse(500, { status: 500 });
    vi.stubGlobal(
      'fetch',
      vi.fn((url: string, init: RequestInit) => {
        if (url === '/webhook/wibot/chat') {
          const body = init.body instanceof FormData ? Object.fromEntries(init.body.entries()) : (JSON.parse(init.body as string) as Record<string, unknown>);
          posts.push(body);
          return Promise.resolve(chat(init));
        }
        if (url.startsWith('/webhook/wibot/messages/')) return Promise.resolve(jsonResponse(200, { success: true, conversation_id: CONV, messages: history }));
        return Promise.resolve(jsonResponse(404, { status: 404 }));
      }),
    );
  });
  afterEach(() => vi.unstubAllGlobals());

  function setup(options: Partial<ChatSessionOptions> = {}) {
    const client = createTestQueryClient();
    const initialProps: ChatSessionOptions = { conversationId: null, onConversationCreated: vi.fn(), onAnswerSettled: vi.fn(), ...options };
    const wrapper = ({ children }: { children: ReactNode }) => <TestProviders client={client}>{children}</TestProviders>;
    const hook = renderHook((props: ChatSessionOptions) => useChatSession(props), { initialProps, wrapper });
    return { ...hook, client, props: initialProps };
  }

  async function ask(result: { current: ReturnType<typeof useChatSession> }, text: string) {
    act(() => result.current.setText(text));
    act(() => result.current.send());
    await waitFor(() => expect(result.current.sending).toBe(false));
  }

  it('streams an answer into a new conversation, caches the exchange and hands over the created conversation', async () => {
    chat = () =>
      streamResponse(sse(['meta', { conversation_id: CONV, message_id: 'm-1' }], ['delta', { text: 'Bonjour' }], ['delta', { text: ' !' }], ['done', { tokens_used: 7 }]));
    const { result, client, props } = setup();
    await ask(result, '  Salut  ');

    expect(posts).toEqual([{ message: 'Salut', mode: 'flash' }]);
    expect(shown(result.current.messages)).toEqual([
      ['user', 'Salut'],
      ['assistant', 'Bonjour !'],
    ]);
    expect(result.current.messages[1]).toMatchObject({ streaming: false, tokensUsed: 7, serverId: 'm-1' });
    expect(result.current.status).toBe('Réponse terminée.');
    expect(result.current.text).toBe('');
    expect(props.onConversationCreated).toHaveBeenCalledWith(CONV);
    expect(props.onAnswerSettled).toHaveBeenCalledTimes(1);
    const cached = client.getQueryData<MessagesResponse>(chatKeys.messages(CONV));
    expect(cached?.messages?.map((m) => [m.role, m.content])).toEqual([
      ['user', 'Salut'],
      ['assistant', 'Bonjour !'],
    ]);
  });

  it('keeps the tool calls of an answer answered as plain JSON (from its tool_calls), and caches them', async () => {
    chat = () =>
      jsonResponse(200, {
        success: true,
        response: 'La demande APR-3 attend une approbation.',
        conversation_id: CONV,
        message_id: 'm-1',
        tokens_used: 4,
        tool_calls: [{ call_id: 't1', tool: 'mcp-vm__restart', status: 'pending_approval', request_id: 'APR-3' }],
      });
    const { result, client } = setup();
    await ask(result, 'Redémarre la VM');
    expect(result.current.messages[1]?.toolCalls).toMatchObject([{ callId: 't1', server: 'mcp-vm', tool: 'restart', status: 'pending_approval', requestId: 'APR-3' }]);
    expect(result.current.status).toBe("Réponse terminée. Une action attend l'approbation d'un autre technicien.");
    const cached = client.getQueryData<MessagesResponse>(chatKeys.messages(CONV));
    expect(cached?.messages?.[1]?.tool_calls).toEqual([{ call_id: 't1', tool: 'mcp-vm__restart', status: 'pending_approval', request_id: 'APR-3' }]);
    expect(cached?.messages?.[0]).not.toHaveProperty('tool_calls');
  });

  it('does not send an empty question', () => {
    const { result } = setup();
    act(() => result.current.setText('   '));
    act(() => result.current.send());
    expect(result.current.sending).toBe(false);
    expect(posts).toEqual([]);
  });

  it('stops the stream on demand and keeps the partial answer', async () => {
    chat = (init) => openStream(sse(['meta', { conversation_id: CONV, message_id: 'm-1' }], ['delta', { text: 'Le DNS traduit' }]), init.signal);
    const { result, client, props } = setup({ conversationId: CONV });
    await waitFor(() => expect(result.current.loading).toBe(false));
    act(() => result.current.setText('Explique le DNS'));
    act(() => result.current.send());
    await waitFor(() => expect(result.current.messages[1]?.content).toBe('Le DNS traduit'));
    expect(result.current.sending).toBe(true);
    expect(result.current.status).toBe('Réponse en cours…');

    act(() => result.current.stop());
    await waitFor(() => expect(result.current.sending).toBe(false));
    expect(result.current.messages[1]).toMatchObject({ content: 'Le DNS traduit', streaming: false, stopped: true });
    expect(result.current.status).toBe('Génération arrêtée.');
    expect(result.current.text).toBe('');
    expect(props.onConversationCreated).not.toHaveBeenCalled();
    // The server's copy differs from the cached one (a partial answer): read again on the next visit.
    expect(client.getQueryState(chatKeys.messages(CONV))?.isInvalidated).toBe(true);
  });

  it('gives a refused question and its file back to the input, out of the thread', async () => {
    chat = () => jsonResponse(400, { title: 'Requête invalide', status: 400, detail: 'Message refusé.' }, 'application/problem+json');
    const { result, props } = setup();
    act(() => result.current.pickFile(new File(['ligne\n'], 'incident.log', { type: 'text/plain' })));
    expect(result.current.file?.name).toBe('incident.log');
    await ask(result, 'Analyse ce journal');

    expect(posts[0]).toMatchObject({ message: 'Analyse ce journal', mode: 'flash' });
    expect(result.current.messages).toEqual([]);
    expect(result.current.text).toBe('Analyse ce journal');
    expect(result.current.file?.name).toBe('incident.log');
    expect(result.current.shownError).toBe('Message refusé.');
    expect(result.current.status).toBe('');
    expect(props.onConversationCreated).not.toHaveBeenCalled();
    expect(props.onAnswerSettled).toHaveBeenCalledTimes(1);
  });

  it('offers a retry for a failed answer, which replaces the failed pair', async () => {
    chat = () => streamResponse(sse(['meta', { conversation_id: CONV, message_id: 'm-1' }], ['error', { status: 503, title: 'Modèle indisponible.', detail: 'Le modèle est indisponible.' }]));
    const { result } = setup({ conversationId: CONV });
    await waitFor(() => expect(result.current.loading).toBe(false));
    await ask(result, 'Redémarre le spooler');
    const failed = result.current.messages[1];
    expect(failed).toMatchObject({ role: 'assistant', failed: 'Le modèle est indisponible.', streaming: false });
    expect(result.current.status).toBe('La réponse a échoué : Le modèle est indisponible.');

    chat = () => streamResponse(sse(['meta', { conversation_id: CONV, message_id: 'm-2' }], ['delta', { text: 'Voici.' }], ['done', { tokens_used: 3 }]));
    act(() => result.current.retry(failed?.id ?? ''));
    await waitFor(() => expect(result.current.status).toBe('Réponse terminée.'));
    expect(posts[1]).toEqual({ message: 'Redémarre le spooler', mode: 'flash', conversation_id: CONV });
    expect(shown(result.current.messages)).toEqual([
      ['user', 'Redémarre le spooler'],
      ['assistant', 'Voici.'],
    ]);
  });

  it('shows the quota refusal with its reset date until dismissed', async () => {
    const resetsAt = '2026-12-01T00:00:00+01:00';
    chat = () => jsonResponse(429, { type: 'https://wibot/problems/quota-exceeded', title: 'Quota épuisé', status: 429 }, 'application/problem+json');
    const { result } = setup({ quota: { exhausted: true, resetsAt } });
    await ask(result, 'Bonjour');
    expect(result.current.quotaRefused).toBe(true);
    expect(result.current.shownError).toBe(quotaRefusal(resetsAt));
    act(() => result.current.dismissError());
    expect(result.current.quotaRefused).toBe(false);
    expect(result.current.shownError).toBeNull();
  });

  it('takes one dropped file at a time, after the client-side checks', () => {
    const { result } = setup();
    const log = new File(['x'], 'a.log', { type: 'text/plain' });
    act(() => result.current.dropFiles([log, new File(['y'], 'b.log')] as unknown as FileList));
    expect(result.current.shownError).toBe('Un seul fichier peut être joint à la fois.');
    expect(result.current.file).toBeNull();
    act(() => result.current.dropFiles([new File(['MZ'], 'virus.exe')] as unknown as FileList));
    expect(result.current.shownError).toContain('virus.exe');
    expect(result.current.file).toBeNull();
    act(() => result.current.dropFiles([log] as unknown as FileList));
    expect(result.current.shownError).toBeNull();
    expect(result.current.file).toBe(log);
  });

  it('starts afresh when another conversation is selected', async () => {
    const { result, rerender, props } = setup({ conversationId: CONV });
    await waitFor(() => expect(result.current.loading).toBe(false));
    act(() => result.current.chooseMode('code'));
    act(() => result.current.dropFiles([new File(['MZ'], 'virus.exe')] as unknown as FileList));
    expect(result.current.mode).toBe('code');
    expect(result.current.shownError).not.toBeNull();

    rerender({ ...props, conversationId: null });
    expect(result.current.mode).toBe('flash');
    expect(result.current.shownError).toBeNull();
    expect(result.current.messages).toEqual([]);
  });
});
