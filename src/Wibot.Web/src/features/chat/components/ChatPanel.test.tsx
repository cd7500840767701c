// @vitest-environment jsdom
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { formatDate } from '@/lib/format';
import type { MessagesResponse } from '@/lib/schemas';
import { setSession } from '@/lib/session';
import { installMemoryStorage } from '@/lib/test-storage';
import { jsonResponse, renderWithProviders } from '@/lib/test-utils';
import { chatKeys } from '../api/chat';
import { ChatPanel, type QuotaState } from './ChatPanel';

const CONV = '0190aaaa-0000-7000-8000-000000000001';

/** The page around the panel: it follows the conversation the server created, as ChatRoute does. */
function Harness({ quota }: { quota?: QuotaState }) {
  const [id, setId] = useState<string | null>(null);
  return <ChatPanel conversationId={id} onConversationCreated={setId} quota={quota} />;
}

const sse = (...events: [string, unknown][]) => events.map(([name, data]) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`).join('');

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

const streamResponse = (text: string) => new Response(text, { status: 200, headers: { 'Content-Type': 'text/event-stream' } });

const roles = () => Array.from(document.querySelectorAll('article[data-role]')).map((a) => a.getAttribute('data-role'));

describe('ChatPanel', () => {
  let fetchMock: ReturnType<typeof vi.fn>;
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
    fetchMock = vi.fn((url: string, init: RequestInit) => {
      if (url === '/webhook/wibot/chat') {
        posts.push(JSON.parse(init.body as string) as Record<string, unknown>);
        return Promise.resolve(chat(init));
      }
      if (url.startsWith('/webhook/wibot/messages/')) return Promise.resolve(jsonResponse(200, { success: true, conversation_id: CONV, messages: history }));
      return Promise.resolve(jsonResponse(404, { status: 404 }));
    });
    vi.stubGlobal('fetch', fetchMock);
  });
  afterEach(() => vi.unstubAllGlobals());

  const historyRead = () => fetchMock.mock.calls.filter(([url]) => (url as string).startsWith('/webhook/wibot/messages/')).length;

  it('shows the question and the partial answer once after Stop in a new conversation (server ids from meta)', async () => {
    chat = (init) => openStream(sse(['meta', { conversation_id: CONV, message_id: 'm-answer' }], ['delta', { text: 'Le DNS traduit' }]), init.signal);
    // What the server stored: the question, and the partial answer under the id announced in meta.
    history = [
      { message_id: 's-question', role: 'user', content: 'Explique le DNS', mode: 'flash', created_at: new Date().toISOString() },
      { message_id: 'm-answer', role: 'assistant', content: 'Le DNS traduit', mode: 'flash', created_at: new Date().toISOString() },
    ];
    const user = userEvent.setup();
    renderWithProviders(<Harness />);
    await user.type(screen.getByLabelText('Votre message'), 'Explique le DNS{Enter}');
    await screen.findByText('Le DNS traduit');
    expect(screen.getByTestId('chat-status').textContent).toBe('Réponse en cours…');
    await user.click(screen.getByRole('button', { name: /Arrêter/ }));
    await waitFor(() => expect(historyRead()).toBe(1));
    await screen.findByTestId('answer-stopped');
    await waitFor(() => expect(roles()).toEqual(['user', 'assistant']));
    expect(screen.getAllByText('Explique le DNS')).toHaveLength(1);
    expect(screen.getAllByText('Le DNS traduit')).toHaveLength(1);
  });

  it('retries a failed answer with the same text in the same conversation, and keeps one copy of the question', async () => {
    chat = () => streamResponse(sse(['meta', { conversation_id: CONV, message_id: 'm-1' }], ['error', { status: 503, title: 'Modèle indisponible.', detail: 'Le modèle est indisponible.' }]));
    history = [{ message_id: 's-question', role: 'user', content: 'Redémarre le spooler', mode: 'flash', created_at: new Date().toISOString() }];
    const user = userEvent.setup();
    const { client } = renderWithProviders(<Harness />);
    await user.type(screen.getByLabelText('Votre message'), 'Redémarre le spooler{Enter}');
    await screen.findByTestId('answer-failed');
    await waitFor(() => expect(historyRead()).toBe(1));
    await waitFor(() => expect(roles()).toEqual(['user', 'assistant']));
    expect(screen.getAllByText('Redémarre le spooler')).toHaveLength(1);
    expect(screen.getByTestId('chat-status').textContent).toContain('La réponse a échoué');

    chat = () => streamResponse(sse(['meta', { conversation_id: CONV, message_id: 'm-2' }], ['delta', { text: 'Voici la marche à suivre.' }], ['sources', []], ['done', { tokens_used: 12, tokens_remaining: 100 }]));
    await user.click(screen.getByRole('button', { name: 'Réessayer' }));
    await screen.findByText('Voici la marche à suivre.');
    expect(posts[1]).toEqual({ message: 'Redémarre le spooler', mode: 'flash', conversation_id: CONV });
    await waitFor(() => expect(screen.getByTestId('chat-status').textContent).toBe('Réponse terminée.'));
    expect(roles()).toEqual(['user', 'assistant']);
    expect(screen.getAllByText('Redémarre le spooler')).toHaveLength(1);
    // The cached history (what a later visit shows) holds the question once, like the server.
    const cached = client.getQueryData<MessagesResponse>(chatKeys.messages(CONV));
    expect(cached?.messages?.map((m) => [m.role, m.message_id])).toEqual([
      ['user', 's-question'],
      ['assistant', 'm-2'],
    ]);
    // The message list itself is not a live region: only the status line is.
    expect(document.querySelector('.chat__messages')?.getAttribute('aria-live')).toBeNull();
  });

  it('gives the quota reset date in the refusal', async () => {
    const resetsAt = '2026-12-01T00:00:00+01:00';
    chat = () => jsonResponse(429, { type: 'https://wibot/problems/quota-exceeded', title: 'Quota épuisé', status: 429 }, 'application/problem+json');
    const user = userEvent.setup();
    renderWithProviders(<Harness quota={{ exhausted: true, resetsAt }} />);
    expect(screen.getByTestId('quota-banner')).toBeTruthy();
    await user.type(screen.getByLabelText('Votre message'), 'Bonjour{Enter}');
    const alert = await screen.findByText(/Quota mensuel de tokens épuisé\./);
    expect(alert.textContent).toContain(`réinitialisé le ${formatDate(resetsAt)}`);
    expect(screen.queryByTestId('quota-banner')).toBeNull();
  });
});
