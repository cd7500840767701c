// @vitest-environment jsdom
import { act, screen, waitFor, within } from '@testing-library/react';
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
function Harness({ quota, onOpenLink }: { quota?: QuotaState; onOpenLink?: (path: string) => void }) {
  const [id, setId] = useState<string | null>(null);
  return <ChatPanel conversationId={id} onConversationCreated={setId} quota={quota} onOpenLink={onOpenLink} />;
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

/** An event stream the test writes to, event by event, then closes. */
function controlledStream() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
  });
  return {
    response: new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream' } }),
    send: (...events: [string, unknown][]) => controller.enqueue(new TextEncoder().encode(sse(...events))),
    close: () => controller.close(),
  };
}

const hhmm = (iso: string) => new Date(iso).toLocaleTimeString('fr-FR', { hour: '2-digit', minute: '2-digit' });

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
    // Without tool calls the answer shows no tool card.
    expect(screen.queryByTestId('tool-calls')).toBeNull();
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

  it('shows a tool call as a card, running then succeeded with its result (matched by call_id)', async () => {
    const stream = controlledStream();
    chat = () => stream.response;
    const user = userEvent.setup();
    const { client } = renderWithProviders(<Harness />);
    await user.type(screen.getByLabelText('Votre message'), 'Le compte de jdupont est-il verrouillé ?{Enter}');
    stream.send(
      ['meta', { conversation_id: CONV, message_id: 'm-1' }],
      ['delta', { text: 'Je vérifie le compte.' }],
      ['tool_call', { call_id: 't1', server: 'mcp-ad', tool: 'user_info', arguments: { user: 'jdupont', token: '***' }, level: 'L0', status: 'running' }],
    );
    const card = await screen.findByTestId('tool-call');
    expect(card.closest('article')?.getAttribute('data-role')).toBe('assistant');
    expect(within(card).getByTestId('tool-call-status').textContent).toBe('en cours');
    expect(within(card).getByText('user_info')).toBeTruthy();
    expect(within(card).getByText('mcp-ad')).toBeTruthy();
    expect(within(card).getByTestId('tool-call-level').textContent).toBe('L0');
    // The arguments, as the server masked them.
    expect(Array.from(card.querySelectorAll('dt')).map((dt) => dt.textContent)).toEqual(['user', 'token']);
    expect(Array.from(card.querySelectorAll('dd')).map((dd) => dd.textContent)).toEqual(['jdupont', '***']);
    expect(within(card).queryByTestId('tool-call-content')).toBeNull();

    stream.send(['tool_result', { call_id: 't1', status: 'succeeded', content: 'Compte jdupont : actif, verrouillé depuis 09:12' }]);
    await waitFor(() => expect(within(screen.getByTestId('tool-call')).getByTestId('tool-call-status').textContent).toBe('réussi'));
    expect(screen.getByTestId('tool-call-content').textContent).toBe('Compte jdupont : actif, verrouillé depuis 09:12');

    stream.send(
      ['delta', { text: ' Le compte est verrouillé.' }],
      ['sources', []],
      ['done', { tokens_used: 20, tokens_remaining: 80, tool_calls: [{ call_id: 't1', tool: 'mcp-ad__user_info', status: 'succeeded', request_id: null }] }],
    );
    stream.close();
    await waitFor(() => expect(screen.getByTestId('chat-status').textContent).toBe('Réponse terminée.'));
    expect(roles()).toEqual(['user', 'assistant']);
    expect(screen.getAllByTestId('tool-call')).toHaveLength(1);
    // The result stays shown once the answer is the cached copy.
    expect(screen.getByTestId('tool-call-content').textContent).toContain('verrouillé depuis 09:12');
    expect(screen.getByTestId('tool-call-status').textContent).toBe('réussi');
    const cached = client.getQueryData<MessagesResponse>(chatKeys.messages(CONV));
    expect(cached?.messages?.[1]?.tool_calls).toEqual([{ call_id: 't1', tool: 'mcp-ad__user_info', status: 'succeeded', request_id: null }]);
  });

  it('shows a call awaiting approval with its level, its request link and who may approve', async () => {
    const expiresAt = new Date(Date.now() + 30 * 60_000).toISOString();
    const pendingText = "La demande d'approbation APR-12 (niveau L3) est en attente pour « reset_password » sur mcp-ad.";
    chat = () =>
      streamResponse(
        sse(
          ['meta', { conversation_id: CONV, message_id: 'm-1' }],
          [
            'tool_call',
            {
              call_id: 't2',
              server: 'mcp-ad',
              tool: 'reset_password',
              arguments: { user: 'jdupont', new_password: '***' },
              level: 'L3',
              status: 'pending_approval',
              request_id: 'APR-12',
              expires_at: expiresAt,
            },
          ],
          ['delta', { text: pendingText }],
          ['sources', []],
          ['done', { tokens_used: 15, tokens_remaining: 85, tool_calls: [{ call_id: 't2', tool: 'mcp-ad__reset_password', status: 'pending_approval', request_id: 'APR-12' }] }],
        ),
      );
    const opened = vi.fn();
    const user = userEvent.setup();
    renderWithProviders(<Harness onOpenLink={opened} />);
    await user.type(screen.getByLabelText('Votre message'), 'Réinitialise le mot de passe de jdupont{Enter}');
    await screen.findByText(pendingText);
    await waitFor(() => expect(screen.getByTestId('chat-status').textContent).toContain('Une action attend'));

    const card = screen.getByTestId('tool-call');
    expect(card.getAttribute('data-status')).toBe('pending_approval');
    expect(within(card).getByTestId('tool-call-status').textContent).toBe("en attente d'approbation");
    expect(within(card).getByTestId('tool-call-level').textContent).toBe('L3');
    const approval = within(card).getByTestId('tool-call-approval').textContent ?? '';
    expect(approval).toContain('un technicien N3 ou plus, autre que vous');
    expect(approval).toContain('expire ');
    expect(approval).toContain(hhmm(expiresAt));
    const link = within(card).getByRole('link', { name: 'APR-12' });
    expect(link.getAttribute('href')).toBe('/safeguard/APR-12');
    await user.click(link);
    expect(opened).toHaveBeenCalledWith('/safeguard/APR-12');
  });

  it('shows the calls of loaded messages, polls while one awaits approval, then shows its outcome and the continuation', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      const at = new Date().toISOString();
      const question = { message_id: 'q-1', role: 'user' as const, content: 'Réinitialise le mot de passe de jdupont', mode: 'flash' as const, created_at: at };
      const answer = { message_id: 'a-1', role: 'assistant' as const, content: 'La demande APR-12 est en attente.', mode: 'flash' as const, created_at: at };
      const call = { call_id: 't2', tool: 'mcp-ad__reset_password', request_id: 'APR-12' };
      history = [question, { ...answer, tool_calls: [{ ...call, status: 'pending_approval' }] }] as MessagesResponse['messages'];
      renderWithProviders(<ChatPanel conversationId={CONV} onConversationCreated={() => undefined} />);

      const card = await screen.findByTestId('tool-call');
      expect(within(card).getByTestId('tool-call-status').textContent).toBe("en attente d'approbation");
      expect(within(card).getByText('reset_password')).toBeTruthy();
      expect(within(card).getByText('mcp-ad')).toBeTruthy();
      expect(within(card).getByRole('link', { name: 'APR-12' }).getAttribute('href')).toBe('/safeguard/APR-12');
      expect(within(card).getByTestId('tool-call-approval').textContent).toContain('autre que vous');
      expect(historyRead()).toBe(1);

      // Another technician approved it: the call ran, and the server stored the continuation.
      history = [
        question,
        { ...answer, tool_calls: [{ ...call, status: 'succeeded' }] },
        { message_id: 'a-2', role: 'assistant', content: 'Le mot de passe de jdupont a été réinitialisé.', mode: 'flash', created_at: at },
      ] as MessagesResponse['messages'];
      await act(() => vi.advanceTimersByTimeAsync(5_000));
      await screen.findByText('Le mot de passe de jdupont a été réinitialisé.');
      expect(screen.getByTestId('tool-call-status').textContent).toBe('réussi');
      expect(screen.getByTestId('tool-call').getAttribute('data-status')).toBe('succeeded');
      expect(roles()).toEqual(['user', 'assistant', 'assistant']);
      expect(historyRead()).toBe(2);

      // Nothing awaits approval any more: the polling stopped.
      await act(() => vi.advanceTimersByTimeAsync(20_000));
      expect(historyRead()).toBe(2);
    } finally {
      vi.useRealTimers();
    }
  });
});
